package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Cadence values: how often a subscriber is nudged.
const (
	CadenceWeekly   = "weekly"
	CadenceDaily    = "daily"
	CadenceWeekdays = "weekdays" // Monday to Friday
)

// Schedule is when a subscriber wants their nudge: a wall-clock time in their
// own time zone, so 16:00 stays 16:00 across daylight-saving changes.
type Schedule struct {
	Cadence      string       // CadenceWeekly, CadenceDaily or CadenceWeekdays
	Day          time.Weekday // the day of a weekly schedule; ignored otherwise
	Hour, Minute int          // local wall clock, 24-hour
	TZ           string       // IANA name, such as Europe/Paris
}

// String describes the schedule for a member: "weekly on Friday at 16:00
// (Europe/Paris)", "every weekday at 09:30 (America/New_York)", "daily at
// 08:00 (UTC)".
func (s Schedule) String() string {
	at := fmt.Sprintf("at %02d:%02d (%s)", s.Hour, s.Minute, s.TZ)
	switch s.Cadence {
	case CadenceDaily:
		return "daily " + at
	case CadenceWeekdays:
		return "every weekday " + at
	}
	return fmt.Sprintf("weekly on %s %s", s.Day, at)
}

// Next returns the first due instant strictly after after, in the schedule's
// time zone. Calling it again with the instant it returned gives the following
// period, so a scheduler that stores Next(due) neither skips nor doubles.
//
// The due instant of a date is the first instant at which the local clock
// reads the schedule's time or later. Concretely, on daylight-saving days:
//
//   - A time that does not exist (02:30 on the spring-forward day in
//     Europe/Paris or America/New_York) is due at the end of the gap, 03:00
//     local: the moment the member's clock passes 02:30. It is due once.
//   - A time that exists twice (01:30 on the fall-back day in New York) is due
//     at its first occurrence only; the repeat an hour later is not a new
//     period.
//
// time.Date alone does not give this: for a missing time it returns 03:30 in
// Paris but 01:30 (before the gap) in New York, and for a repeated time the
// first occurrence in New York but the second in Paris. wallClock corrects both.
//
// Returns an error if the time zone cannot be loaded or the schedule is not
// one ParseSchedule could have produced.
func (s Schedule) Next(after time.Time) (time.Time, error) {
	if err := s.validate(); err != nil {
		return time.Time{}, err
	}
	loc, err := loadZone(s.TZ)
	if err != nil {
		return time.Time{}, fmt.Errorf("schedule %v: %w", s, err)
	}
	y, m, d := after.In(loc).Date()
	// Earlier dates are due no later than after: after's clock already reads
	// past their time. Two weeks cover a weekly schedule even where a zone
	// skipped a whole date (Pacific/Apia, December 2011).
	for i := 0; i <= 14; i++ {
		date := time.Date(y, m, d+i, 12, 0, 0, 0, time.UTC) // calendar arithmetic only
		if !s.fallsOn(date.Weekday()) {
			continue
		}
		if t := wallClock(date.Year(), date.Month(), date.Day(), s.Hour, s.Minute, loc); t.After(after) {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("schedule %v: no due time after %v", s, after)
}

func (s Schedule) validate() error {
	switch {
	case s.Cadence != CadenceWeekly && s.Cadence != CadenceDaily && s.Cadence != CadenceWeekdays:
		return fmt.Errorf("schedule: unknown cadence %q", s.Cadence)
	case s.Day < time.Sunday || s.Day > time.Saturday:
		return fmt.Errorf("schedule: day %d out of range", s.Day)
	case s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59:
		return fmt.Errorf("schedule: time %d:%d out of range", s.Hour, s.Minute)
	}
	return nil
}

// fallsOn reports whether the schedule has a nudge on a date with weekday d.
func (s Schedule) fallsOn(d time.Weekday) bool {
	switch s.Cadence {
	case CadenceDaily:
		return true
	case CadenceWeekdays:
		return d != time.Saturday && d != time.Sunday
	}
	return d == s.Day
}

// wallClock returns the first instant at which the clock in loc reads the
// given date and time or later: the time itself when it exists once, its first
// occurrence when clocks go back over it, and the end of the gap when clocks
// jump over it.
func wallClock(y int, mo time.Month, d, h, mi int, loc *time.Location) time.Time {
	want := time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
	t := time.Date(y, mo, d, h, mi, 0, 0, loc)
	start, end := t.ZoneBounds()
	switch got := asUTC(t); {
	case got.After(want) && !start.IsZero(): // in a gap; time.Date went past it
		return start
	case got.Before(want) && !end.IsZero(): // in a gap; time.Date stopped short of it
		return end
	}
	if start.IsZero() {
		return t
	}
	// The time exists; did it exist before too, in the hour clocks went back?
	_, off := t.Zone()
	_, prevOff := start.Add(-time.Nanosecond).Zone()
	earlier := want.Add(-time.Duration(prevOff) * time.Second).In(loc)
	if prevOff > off && earlier.Before(start) {
		return earlier
	}
	return t
}

// asUTC returns t's wall clock reading as a UTC time, for comparing readings.
func asUTC(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// zoneRE is what a time zone name may look like before we ask the system for
// it: letters, digits, _+- and slashes; no dots, so no path tricks.
var zoneRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$`)

// loadZone loads an IANA time zone. "utc" in any case is UTC; "Local" (the
// server's zone, not the member's) and anything that is not a plain zone name
// are refused.
func loadZone(name string) (*time.Location, error) {
	if strings.EqualFold(name, "utc") {
		return time.UTC, nil
	}
	if len(name) > 64 || name == "Local" || !zoneRE.MatchString(name) {
		return nil, fmt.Errorf("time zone %q: not an IANA name", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	return loc, nil
}

const (
	exSchedule = "`subscribe weekly fri 16:00 Europe/Paris`"
	exDay      = "`subscribe weekly tue 09:30`"
	exTime     = "`subscribe weekly fri 16:00`"
)

var cadences = map[string]string{
	"weekly": CadenceWeekly, "daily": CadenceDaily, "weekdays": CadenceWeekdays, "weekday": CadenceWeekdays,
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday, "mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "sat": time.Saturday, "saturday": time.Saturday,
}

// ParseSchedule parses the words after "subscribe":
// [weekly|daily|weekdays] [DAY] [HH:MM] [TZ], in any order, each optional.
// The defaults are weekly, Friday, 16:00 and defaultTZ (the member's Slack
// time zone, or MENTOR_DEFAULT_TZ; "" means UTC); an explicit TZ wins.
//
// DAY is mon…sun or the full English name (also "fridays"), in any case.
// The time is 24-hour H:MM or HH:MM, or 4pm, 9am, 9:30am. TZ is an IANA
// Region/City name as written, or UTC.
//
// Returns an EINVALID *Error, one line with an example, for any word it
// cannot use, a second day, time, cadence or zone, or a day with a daily or
// weekdays cadence.
func ParseSchedule(args []string, defaultTZ string) (Schedule, error) {
	p := scheduleParser{s: Schedule{Cadence: CadenceWeekly, Day: time.Friday, Hour: 16}}
	for _, w := range args {
		if err := p.add(w); err != nil {
			return Schedule{}, err
		}
	}
	if p.day != "" && p.s.Cadence != CadenceWeekly {
		return Schedule{}, Errorf(EINVALID, "A `%s` schedule has no day: drop `%s`, for example `subscribe %s 09:30`, or use %s.",
			p.s.Cadence, clip(p.day), p.s.Cadence, exDay)
	}
	if p.zone == "" {
		if defaultTZ == "" {
			defaultTZ = "UTC"
		}
		if _, err := loadZone(defaultTZ); err != nil {
			return Schedule{}, Errorf(EINVALID, "I don't know your time zone. Add it, for example %s.", exSchedule)
		}
		p.s.TZ = canonicalZone(defaultTZ)
	}
	return p.s, nil
}

// scheduleParser collects the words of a schedule, remembering each as typed
// so an error can quote it.
type scheduleParser struct {
	s                         Schedule
	cadence, day, clock, zone string
}

func (p *scheduleParser) add(w string) error {
	lw := strings.ToLower(w)
	if c, ok := cadences[lw]; ok {
		if p.cadence != "" {
			return Errorf(EINVALID, "Pick one of weekly, daily or weekdays, not both `%s` and `%s`. For example `subscribe daily 09:00`.", clip(p.cadence), clip(w))
		}
		p.cadence, p.s.Cadence = w, c
		return nil
	}
	if d, ok := parseDay(lw); ok {
		if p.day != "" {
			return Errorf(EINVALID, "One day only, not both `%s` and `%s`: for example %s, or `daily` or `weekdays` for more days.", clip(p.day), clip(w), exDay)
		}
		p.day, p.s.Day = w, d
		return nil
	}
	if h, m, ok := parseClock(lw); ok {
		if p.clock != "" {
			return Errorf(EINVALID, "One time only, not both `%s` and `%s`. For example %s.", clip(p.clock), clip(w), exTime)
		}
		p.clock, p.s.Hour, p.s.Minute = w, h, m
		return nil
	}
	if strings.Contains(w, "/") || lw == "utc" {
		if _, err := loadZone(w); err != nil {
			return Errorf(EINVALID, "`%s` is not a time zone I know. Use a Region/City name, for example %s.", clip(w), exSchedule)
		}
		if p.zone != "" {
			return Errorf(EINVALID, "One time zone only: `%s` is a second one. For example %s.", clip(w), exSchedule)
		}
		p.zone, p.s.TZ = w, canonicalZone(w)
		return nil
	}
	return badScheduleWord(w, lw)
}

// badScheduleWord explains a word that is no part of a schedule, guessing
// from its shape what the member meant.
func badScheduleWord(w, lw string) error {
	switch {
	case strings.HasSuffix(lw, "day") || strings.HasSuffix(lw, "days"):
		return Errorf(EINVALID, "`%s` is not a day. Use mon…sun, for example %s.", clip(w), exDay)
	case strings.Contains(lw, ":") || (lw != "" && lw[0] >= '0' && lw[0] <= '9'):
		return Errorf(EINVALID, "`%s` is not a time. Use 24-hour HH:MM or 4pm, for example %s.", clip(w), exTime)
	case looksLikeZone(w):
		return Errorf(EINVALID, "`%s` is not a Region/City time zone name; use one like `America/New_York`, for example %s.", clip(w), exSchedule)
	}
	return Errorf(EINVALID, "I don't understand `%s`. Use `subscribe [weekly|daily|weekdays] [DAY] [HH:MM] [TZ]`, for example %s.", clip(w), exSchedule)
}

// looksLikeZone reports whether w is an abbreviation such as EST or CEST, or
// a zone name without a region such as Japan: names we refuse because they
// are easy to get wrong (EST has no summer time).
func looksLikeZone(w string) bool {
	if len(w) >= 2 && len(w) <= 5 && strings.ToUpper(w) == w && strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
		return true
	}
	_, err := loadZone(w)
	return err == nil
}

func canonicalZone(name string) string {
	if strings.EqualFold(name, "utc") {
		return "UTC"
	}
	return name
}

// parseDay reads a lowercased day name: mon, monday, also mondays.
func parseDay(lw string) (time.Weekday, bool) {
	if d, ok := weekdays[lw]; ok {
		return d, true
	}
	if strings.HasSuffix(lw, "days") {
		d, ok := weekdays[strings.TrimSuffix(lw, "s")]
		return d, ok
	}
	return 0, false
}

var clockRE = regexp.MustCompile(`^(\d{1,2})(?::(\d\d))?(am|pm)?$`)

// parseClock reads a lowercased time: 16:00, 9:30, 4pm, 9:30am. A bare
// number is not a time: "16" could as well be a date.
func parseClock(lw string) (hour, minute int, ok bool) {
	m := clockRE.FindStringSubmatch(lw)
	if m == nil || (m[2] == "" && m[3] == "") {
		return 0, 0, false
	}
	hour, _ = strconv.Atoi(m[1])
	if m[2] != "" {
		minute, _ = strconv.Atoi(m[2])
	}
	if m[3] != "" {
		if hour < 1 || hour > 12 {
			return 0, 0, false
		}
		hour %= 12
		if m[3] == "pm" {
			hour += 12
		}
	}
	return hour, minute, hour <= 23 && minute <= 59
}

// maxPause is the longest pause: a year, leap or not.
const maxPause = 366 * 24 * time.Hour

// ParsePause parses the words after "pause": a DURATION such as 3d, 2w, 1w3d
// or 12h (at least an hour, at most a year), or "until YYYY-MM-DD", a date in
// loc that must be in the future; that pause ends at its first instant (00:00
// local, or the end of a gap if clocks jump over midnight). Days and weeks are
// calendar days in loc, so "pause 2w" ends at the same local time of day even
// across a daylight-saving change. A nil loc means UTC.
//
// Returns the instant the pause ends, or an EINVALID *Error, one line with an
// example, for anything else.
func ParsePause(args []string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	until := fmt.Sprintf("`pause until %s`", now.In(loc).AddDate(0, 0, 14).Format(time.DateOnly))
	example := "`pause 2w` or " + until
	switch {
	case len(args) == 0:
		return time.Time{}, Errorf(EINVALID, "For how long? For example %s.", example)
	case strings.EqualFold(args[0], "until") && len(args) == 1:
		return time.Time{}, Errorf(EINVALID, "Until when? Give a date, for example %s.", until)
	case strings.EqualFold(args[0], "until") && len(args) == 2:
		return pauseUntil(args[1], now, loc, until)
	case len(args) > 1:
		return time.Time{}, Errorf(EINVALID, "I don't understand `%s` there. Pause with one length or a date, for example %s.", clip(args[len(args)-1]), example)
	}
	return pauseFor(args[0], now, loc, example)
}

var (
	durationRE = regexp.MustCompile(`^(\d{1,4}[hdw])+$`)
	durPartRE  = regexp.MustCompile(`\d+[hdw]`)
	dateRE     = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
)

func pauseFor(w string, now time.Time, loc *time.Location, example string) (time.Time, error) {
	lw := strings.ToLower(w)
	if strings.HasPrefix(lw, "-") && durationRE.MatchString(lw[1:]) {
		return time.Time{}, Errorf(EINVALID, "`%s` goes back in time; a pause goes forward, for example %s.", clip(w), example)
	}
	if !durationRE.MatchString(lw) {
		return time.Time{}, Errorf(EINVALID, "`%s` is not a length of time. Use a number with h, d or w, for example `pause 1w3d` or %s.", clip(w), example)
	}
	var days, hours int
	for _, part := range durPartRE.FindAllString(lw, -1) {
		n, _ := strconv.Atoi(part[:len(part)-1])
		switch part[len(part)-1] {
		case 'w':
			days += 7 * n
		case 'd':
			days += n
		case 'h':
			hours += n
		}
	}
	switch length := time.Duration(days)*24*time.Hour + time.Duration(hours)*time.Hour; {
	case length < time.Hour:
		return time.Time{}, Errorf(EINVALID, "`%s` is too short: pause for an hour at least, for example `pause 12h` or `pause 3d`.", clip(w))
	case length > maxPause:
		return time.Time{}, Errorf(EINVALID, "`%s` is too long: a pause lasts a year at most, for example %s. `unsubscribe` stops nudges for good.", clip(w), example)
	}
	return now.In(loc).AddDate(0, 0, days).Add(time.Duration(hours) * time.Hour), nil
}

func pauseUntil(w string, now time.Time, loc *time.Location, example string) (time.Time, error) {
	m := dateRE.FindStringSubmatch(w)
	if m == nil {
		return time.Time{}, Errorf(EINVALID, "`%s` is not a date. Use YYYY-MM-DD, for example %s.", clip(w), example)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if cal := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); cal.Year() != y || int(cal.Month()) != mo || cal.Day() != d {
		return time.Time{}, Errorf(EINVALID, "`%s` is not on the calendar. Use YYYY-MM-DD, for example %s.", clip(w), example)
	}
	end := wallClock(y, time.Month(mo), d, 0, 0, loc)
	switch {
	case !end.After(now):
		return time.Time{}, Errorf(EINVALID, "`%s` is not in the future. Give a later date, for example %s.", clip(w), example)
	case end.Sub(now) > maxPause:
		return time.Time{}, Errorf(EINVALID, "`%s` is more than a year away: a pause lasts a year at most, for example %s.", clip(w), example)
	}
	return end, nil
}
