package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// scheduleGrammar is the command a schedule is typed in, so that every
// error shows an example of that command, starting with its real name.
type scheduleGrammar struct {
	name      string // the slash command, "/mentor" unless MENTOR_COMMAND says otherwise
	broadcast bool   // `broadcast #CHANNEL every …`, always weekly; else `subscribe …`
}

// example is an example of the grammar's command around schedule words
// given as a subscription would take them ("weekly fri 16:00"); a
// broadcast drops the cadence, which it does not take.
func (g scheduleGrammar) example(words string) string {
	if g.broadcast {
		return "`" + g.name + " broadcast #team every " + strings.TrimPrefix(words, "weekly ") + " vision`"
	}
	return "`" + g.name + " subscribe " + words + "`"
}

// usage is the grammar's whole form.
func (g scheduleGrammar) usage() string {
	if g.broadcast {
		return "`" + g.name + " broadcast #CHANNEL every DAY HH:MM [TZ] THEME`"
	}
	return "`" + g.name + " subscribe [weekly|daily|weekdays] [DAY] [HH:MM] [TZ]`"
}

// cadences are the words for a cadence; "day" is for "every day".
var cadences = map[string]string{
	"weekly": store.CadenceWeekly, "daily": store.CadenceDaily, "day": store.CadenceDaily,
	"weekdays": store.CadenceWeekdays, "weekday": store.CadenceWeekdays,
}

// fillers are words people put between the parts of a schedule ("every
// monday at 9am in tokyo"); they mean nothing more.
var fillers = map[string]bool{"at": true, "on": true, "every": true, "in": true}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday, "mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "sat": time.Saturday, "saturday": time.Saturday,
}

// defaultSchedule is what a new subscriber gets for what they do not name:
// weekly on Friday at 16:00 in tz, their Slack time zone.
func defaultSchedule(tz string) store.Schedule {
	return store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 16, TZ: tz}
}

// parseSchedule parses the words after "subscribe":
// [weekly|daily|weekdays] [DAY] [HH:MM] [TZ], in any order, each optional.
// What is not named keeps its value in base: the member's current schedule,
// or defaultSchedule for a new subscriber. Naming a day turns a daily or
// weekdays schedule weekly, unless the cadence is named too.
//
// DAY is mon…sun or the full English name (also "fridays"), in any case.
// The time is 24-hour H:MM or HH:MM, or 4pm, 9am, 9:30am. TZ is read by
// readZone, and may be several words ("new york").
//
// It returns the schedule's rule (base's state is kept) and a note on how a
// zone was read, or "". Returns an EINVALID *Error, one line with an
// example, for any word it cannot use, a second day, time, cadence or zone,
// a day with a daily or weekdays cadence, or a base zone it cannot load.
func parseSchedule(g scheduleGrammar, args []string, base store.Schedule) (store.Schedule, string, error) {
	p := scheduleParser{g: g, s: base}
	for i := 0; i < len(args); {
		n, err := p.take(args[i:])
		if err != nil {
			return store.Schedule{}, "", err
		}
		if n == 0 {
			return store.Schedule{}, "", p.badWord(args[i])
		}
		i += n
	}
	return p.finish()
}

// scheduleParser collects the words of a schedule, remembering each as typed
// so an error can quote it.
type scheduleParser struct {
	g                         scheduleGrammar
	s                         store.Schedule
	cadence, day, clock, zone string
	note                      string
}

// take reads the schedule word (or words, for a zone) at the start of args
// and says how many it used: 0, with no error, when args[0] is no part of a
// schedule.
func (p *scheduleParser) take(args []string) (int, error) {
	w := args[0]
	lw := strings.ToLower(w)
	if fillers[lw] {
		return 1, nil // "every monday at 9am"
	}
	if len(args) > 1 && (strings.EqualFold(args[1], "am") || strings.EqualFold(args[1], "pm")) {
		if _, _, ok := parseClock(lw + strings.ToLower(args[1])); ok { // "4 pm"
			n, err := p.take(append([]string{w + args[1]}, args[2:]...))
			return n + 1, err
		}
	}
	if c, ok := cadences[lw]; ok {
		return 1, p.setCadence(w, c)
	}
	if d, ok := parseDay(lw); ok {
		if p.day != "" {
			return 0, Errorf(EINVALID, "One day only, not both `%s` and `%s`: for example %s, or `daily` or `weekdays` for more days.", clip(p.day), clip(w), p.g.example("weekly tue 09:30"))
		}
		p.day, p.s.Day = w, d
		return 1, nil
	}
	if h, m, ok := parseClock(lw); ok {
		if p.clock != "" {
			return 0, Errorf(EINVALID, "One time only, not both `%s` and `%s`. For example %s.", clip(p.clock), clip(w), p.g.example("weekly fri 16:00"))
		}
		p.clock, p.s.Hour, p.s.Minute = w, h, m
		return 1, nil
	}
	// A zone may be a few words: the longest reading wins ("new york").
	for n := min(4, len(args)); n >= 1; n-- {
		typed := strings.Join(args[:n], " ")
		z := readZone(typed)
		switch {
		case z.Name != "":
			return n, p.setZone(typed, z)
		case len(z.Candidates) > 0:
			return 0, Errorf(EINVALID, "`%s` could be %s: say which, for example %s.",
				clip(typed), orList(z.Candidates), p.g.example("weekly fri 16:00 "+z.Candidates[0]))
		}
	}
	if looksLikeZone(w) {
		return 0, Errorf(EINVALID, "`%s` is not a time zone I know. Use a Region/City name, a city or an offset, for example %s.", clip(w), p.g.example("weekly fri 16:00 Europe/Paris"))
	}
	return 0, nil
}

func (p *scheduleParser) setCadence(w, c string) error {
	switch {
	case p.cadence != "":
		return Errorf(EINVALID, "Pick one of weekly, daily or weekdays, not both `%s` and `%s`. For example %s.", clip(p.cadence), clip(w), p.g.example("daily 09:00"))
	case p.g.broadcast && c != store.CadenceWeekly:
		return Errorf(EINVALID, "A broadcast comes back once a week: give its day instead of `%s`, for example %s.", clip(w), p.g.example("weekly mon 10:00"))
	}
	p.cadence, p.s.Cadence = w, c
	return nil
}

func (p *scheduleParser) setZone(typed string, z zoneRead) error {
	if p.zone != "" {
		return Errorf(EINVALID, "One time zone only: `%s` is a second one. For example %s.", clip(typed), p.g.example("weekly fri 16:00 Europe/Paris"))
	}
	p.zone, p.s.TZ, p.note = typed, z.Name, z.Note
	return nil
}

// finish applies the rules between words and checks the zone kept from the
// base.
func (p *scheduleParser) finish() (store.Schedule, string, error) {
	switch {
	case p.day != "" && p.cadence != "" && p.s.Cadence != store.CadenceWeekly:
		return store.Schedule{}, "", Errorf(EINVALID, "A `%s` schedule has no day: drop `%s`, for example %s, or use %s.",
			p.s.Cadence, clip(p.day), p.g.example(p.s.Cadence+" 09:30"), p.g.example("weekly tue 09:30"))
	case p.day != "":
		p.s.Cadence = store.CadenceWeekly
	}
	if p.zone == "" {
		if p.s.TZ == "" {
			p.s.TZ = "UTC"
		}
		if _, err := store.LoadZone(p.s.TZ); err != nil {
			return store.Schedule{}, "", Errorf(EINVALID, "I don't know your time zone. Add it, for example %s.", p.g.example("weekly fri 16:00 Europe/Paris"))
		}
	}
	return p.s, p.note, nil
}

// badWord explains a word that is no part of a schedule, guessing from its
// shape what the member meant.
func (p *scheduleParser) badWord(w string) error {
	if err := p.misshapen(w); err != nil {
		return err
	}
	return Errorf(EINVALID, "I don't understand `%s`. Use %s, for example %s.", clip(w), p.g.usage(), p.g.example("weekly fri 16:00 Europe/Paris"))
}

// misshapen explains a word shaped like a day ("funday") or a time
// ("25:00") that is neither, or returns nil for any other word.
func (p *scheduleParser) misshapen(w string) error {
	lw := strings.ToLower(w)
	switch {
	case strings.HasSuffix(lw, "day") || strings.HasSuffix(lw, "days"):
		return Errorf(EINVALID, "`%s` is not a day. Use mon…sun, for example %s.", clip(w), p.g.example("weekly tue 09:30"))
	case strings.Contains(lw, ":") || (lw != "" && lw[0] >= '0' && lw[0] <= '9'):
		return Errorf(EINVALID, "`%s` is not a time. Use 24-hour HH:MM or 4pm, for example %s.", clip(w), p.g.example("weekly fri 16:00"))
	}
	return nil
}

// looksLikeZone reports whether w is shaped like a time zone readZone does
// not know: a Region/City name, an offset, an abbreviation such as XST, or
// a zone name without a region such as Japan (refused: easy to get wrong).
func looksLikeZone(w string) bool {
	switch lw := strings.ToLower(w); {
	case strings.Contains(w, "/"), strings.HasPrefix(w, "+"), strings.HasPrefix(w, "-"),
		strings.HasPrefix(lw, "utc+"), strings.HasPrefix(lw, "utc-"), strings.HasPrefix(lw, "gmt+"), strings.HasPrefix(lw, "gmt-"),
		len(w) >= 2 && len(w) <= 5 && strings.ToUpper(w) == w && strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "":
		return true
	}
	_, err := store.LoadZone(w)
	return err == nil
}

// orList is "`a`", "`a` or `b`", "`a`, `b` or `c`".
func orList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
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

// ParsePause parses the words after "pause" (name is the slash command, for
// the examples): a DURATION such as 3d, 2w, 1w3d
// or 12h (at least an hour, at most a year), or "until YYYY-MM-DD", a date in
// loc that must be in the future; that pause ends at its first instant (00:00
// local, or the end of a gap if clocks jump over midnight). Days and weeks are
// calendar days in loc, so "pause 2w" ends at the same local time of day even
// across a daylight-saving change. A nil loc means UTC.
//
// Returns the instant the pause ends, or an EINVALID *Error, one line with an
// example, for anything else.
func ParsePause(name string, args []string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	until := fmt.Sprintf("`%s pause until %s`", name, now.In(loc).AddDate(0, 0, 14).Format(time.DateOnly))
	example := "`" + name + " pause 2w` or " + until
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
	return pauseFor(name, args[0], now, loc, example)
}

var (
	durationRE = regexp.MustCompile(`^(\d{1,4}[hdw])+$`)
	durPartRE  = regexp.MustCompile(`\d+[hdw]`)
	dateRE     = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
)

func pauseFor(name, w string, now time.Time, loc *time.Location, example string) (time.Time, error) {
	lw := strings.ToLower(w)
	if strings.HasPrefix(lw, "-") && durationRE.MatchString(lw[1:]) {
		return time.Time{}, Errorf(EINVALID, "`%s` goes back in time; a pause goes forward, for example %s.", clip(w), example)
	}
	if !durationRE.MatchString(lw) {
		return time.Time{}, Errorf(EINVALID, "`%s` is not a length of time. Use a number with h, d or w, for example `%s pause 1w3d` or %s.", clip(w), name, example)
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
		return time.Time{}, Errorf(EINVALID, "`%s` is too short: pause for an hour at least, for example `%s pause 12h` or `%s pause 3d`.", clip(w), name, name)
	case length > maxPause:
		return time.Time{}, Errorf(EINVALID, "`%s` is too long: a pause lasts a year at most, for example %s. `%s unsubscribe` stops nudges for good.", clip(w), example, name)
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
	end := store.WallClock(y, time.Month(mo), d, 0, 0, loc)
	switch {
	case !end.After(now):
		return time.Time{}, Errorf(EINVALID, "`%s` is not in the future. Give a later date, for example %s.", clip(w), example)
	case end.Sub(now) > maxPause:
		return time.Time{}, Errorf(EINVALID, "`%s` is more than a year away: a pause lasts a year at most, for example %s.", clip(w), example)
	}
	return end, nil
}
