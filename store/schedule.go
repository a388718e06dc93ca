package store

// The schedule: one value, embedded by subscriptions and recurring
// broadcasts, with its rules as methods.
//
// It lives here, beside the records that persist it, because dependencies
// point cmd → bot → store: the bot parses what a member types into a
// Schedule and shows it back, the store keeps and indexes it, and nothing
// converts it from one shape to another on the way. Its rules are plain
// functions of the value and the time, so they are tested here too.

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Cadence values: how often a schedule falls.
const (
	CadenceWeekly   = "weekly"
	CadenceDaily    = "daily"
	CadenceWeekdays = "weekdays" // Monday to Friday
)

// Errors of Schedule.Skip. Each names why a slot cannot be skipped; the
// schedule is left as it was.
var (
	// ErrAlreadySkipped: the slot is skipped already. Skipping is idempotent,
	// so a double click changes nothing.
	ErrAlreadySkipped = errors.New("slot already skipped")
	// ErrNotSlot: the schedule has no slot at that instant (it changed since
	// the slot was offered).
	ErrNotSlot = errors.New("not a slot of the schedule")
	// ErrSlotPassed: the slot is not in the future.
	ErrSlotPassed = errors.New("slot has passed")
)

// Schedule is when something recurs, at a wall-clock time in its own time
// zone so that 16:00 stays 16:00 across daylight-saving changes, and where it
// stands: the next slot, the slots skipped ahead of time, a pause.
//
// Its rule is Cadence, Day, Hour, Minute and TZ. Its state is NextDue, Skips
// and PausedUntil, which the methods keep consistent: NextDue is never a
// skipped slot nor one before the pause ends, and Skips hold only future
// instants, slots of the rule or of an earlier one (Reschedule). Change the
// state through the methods, not by hand.
type Schedule struct {
	Cadence      string       // CadenceWeekly, CadenceDaily or CadenceWeekdays
	Day          time.Weekday // the day of a weekly schedule; ignored otherwise
	Hour, Minute int          // local wall clock, 24-hour
	TZ           string       // "UTC", a fixed offset "UTC+05:30", or an IANA name
	// NextDue is the next slot to act on. The zero time means none is
	// scheduled: the record is kept but never due.
	NextDue time.Time
	// Skips are future slots skipped ahead of time, ascending, to the second.
	Skips []time.Time
	// PausedUntil is when a pause ends; zero when there is none. Slots
	// before it are not due.
	PausedUntil time.Time
}

// Describe says the schedule's rule in English, for logs and our own
// errors: "weekly on Friday at 16:00 (Europe/Paris)", "every weekday at 09:30
// (America/New_York)", "daily at 08:00 (UTC)". Members read it in their own
// language, from the bot's message catalog. It is not String on purpose: Subscription and Broadcast
// embed Schedule, and a String would print them as their schedule alone.
func (s Schedule) Describe() string {
	at := fmt.Sprintf("at %02d:%02d (%s)", s.Hour, s.Minute, s.TZ)
	switch s.Cadence {
	case CadenceDaily:
		return "daily " + at
	case CadenceWeekdays:
		return "every weekday " + at
	}
	return fmt.Sprintf("weekly on %s %s", s.Day, at)
}

// SameRule reports whether s and o fall at the same instants: same cadence,
// time of day and zone, and the same day when weekly.
func (s Schedule) SameRule(o Schedule) bool {
	return s.Cadence == o.Cadence && s.Hour == o.Hour && s.Minute == o.Minute && s.TZ == o.TZ &&
		(s.Cadence != CadenceWeekly || s.Day == o.Day)
}

// Paused reports whether a pause is in force at now.
func (s Schedule) Paused(now time.Time) bool { return s.PausedUntil.After(now) }

// Skipped reports whether slot is one of the skipped slots.
func (s Schedule) Skipped(slot time.Time) bool {
	_, ok := slices.BinarySearchFunc(s.Skips, slot.Unix(), func(t time.Time, sec int64) int {
		return cmp.Compare(t.Unix(), sec)
	})
	return ok
}

// SkipsToShow returns the skipped slots worth telling a member about at now:
// those still ahead that are slots of the rule (see Reschedule), and at or
// after the end of a pause in force, since the
// pause already silences the others. Skips inside the pause are kept all the
// same, so that resuming early leaves them skipped; passed ones are dropped
// at the next Advance.
func (s Schedule) SkipsToShow(now time.Time) []time.Time {
	var shown []time.Time
	for _, t := range s.Skips {
		if t.After(now) && !(s.Paused(now) && t.Before(s.PausedUntil)) && s.IsSlot(t) {
			shown = append(shown, t)
		}
	}
	return shown
}

// SlotAfter returns the first slot strictly after after, skipped, paused or
// not. Calling it again with the instant it returned gives the following
// slot, so a scheduler that stores SlotAfter(due) neither skips nor doubles.
//
// The slot of a date is the first instant at which the local clock reads the
// schedule's time or later. Concretely, on daylight-saving days:
//
//   - A time that does not exist (02:30 on the spring-forward day in
//     Europe/Paris or America/New_York) is due at the end of the gap, 03:00
//     local: the moment the member's clock passes 02:30. It is due once.
//   - A time that exists twice (01:30 on the fall-back day in New York) is due
//     at its first occurrence only; the repeat an hour later is not a new
//     slot.
//
// time.Date alone does not give this: for a missing time it returns 03:30 in
// Paris but 01:30 (before the gap) in New York, and for a repeated time the
// first occurrence in New York but the second in Paris. wallClock corrects both.
//
// Returns an error if the time zone cannot be loaded or the rule is not
// valid (Valid).
func (s Schedule) SlotAfter(after time.Time) (time.Time, error) {
	if err := s.Valid(); err != nil {
		return time.Time{}, err
	}
	loc, err := LoadZone(s.TZ)
	if err != nil {
		return time.Time{}, fmt.Errorf("schedule %s: %w", s.Describe(), err)
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
	return time.Time{}, fmt.Errorf("schedule %s: no slot after %v", s.Describe(), after)
}

// IsSlot reports whether t is one of the schedule's slots.
func (s Schedule) IsSlot(t time.Time) bool {
	next, err := s.SlotAfter(t.Add(-time.Second))
	return err == nil && next.Equal(t.Truncate(time.Second))
}

// Valid returns an error unless the rule is one the bot could have parsed:
// a known cadence, a weekday, and a time of day.
func (s Schedule) Valid() error {
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

// Advance sets NextDue to the first slot after after that is neither
// skipped nor before the pause ends, and forgets skips that are not after
// now. A schedule whose slots cannot be computed (its zone vanished from the
// tz database) is retried in an hour rather than lost.
func (s *Schedule) Advance(after, now time.Time) {
	s.Skips = slices.DeleteFunc(s.Skips, func(t time.Time) bool { return !t.After(now) })
	if len(s.Skips) == 0 {
		s.Skips = nil
	}
	from := after
	if s.PausedUntil.After(from) {
		from = s.PausedUntil.Add(-time.Second) // a slot at the pause's end is due
	}
	for range len(s.Skips) + 1 {
		next, err := s.SlotAfter(from)
		if err != nil {
			s.NextDue = now.Add(time.Hour)
			return
		}
		if !s.Skipped(next) {
			s.NextDue = next
			return
		}
		from = next
	}
	s.NextDue = now.Add(time.Hour) // unreachable: each skip is passed once
}

// Skip skips one slot ahead of time, whether it is the next or a later one,
// and moves NextDue past it if it was the next. A skip outlasts a pause:
// resuming early still leaves the slot skipped.
//
// Returns ErrNotSlot if the schedule has no slot at slot, ErrSlotPassed if
// slot is not after now, and ErrAlreadySkipped if it is skipped already; the
// schedule is then unchanged.
func (s *Schedule) Skip(slot, now time.Time) error {
	slot = slot.UTC().Truncate(time.Second)
	switch {
	case !s.IsSlot(slot):
		return ErrNotSlot
	case !slot.After(now):
		return ErrSlotPassed
	case s.Skipped(slot):
		return ErrAlreadySkipped
	}
	i, _ := slices.BinarySearchFunc(s.Skips, slot, func(t, u time.Time) int { return t.Compare(u) })
	s.Skips = slices.Insert(s.Skips, i, slot)
	if s.NextDue.Equal(slot) {
		s.Advance(slot, now)
	}
	return nil
}

// NextSlot is the slot a member means by "the next one" at now: the first
// slot after now, or after the pause when one is in force, skipped or not.
func (s Schedule) NextSlot(now time.Time) (time.Time, error) {
	from := now
	if s.PausedUntil.After(from) {
		from = s.PausedUntil.Add(-time.Second)
	}
	return s.SlotAfter(from)
}

// Pause pauses the schedule until until: the next slot is the first one at
// or after it. Skips are kept.
func (s *Schedule) Pause(until, now time.Time) {
	s.PausedUntil = until
	s.Advance(now, now)
}

// Resume ends a pause in force at now and schedules the first slot after
// now, skips still skipped. It reports false, changing nothing, when there
// was no pause: a nudge waiting to be retried stays due.
func (s *Schedule) Resume(now time.Time) bool {
	if !s.Paused(now) {
		return false
	}
	s.PausedUntil = time.Time{}
	s.Advance(now, now)
	return true
}

// Reschedule gives the schedule rule's cadence, day, time and zone, keeping
// the pause and the skips, and schedules the next slot after now. A skip
// follows its day: Friday's prompt skipped at 16:00 stays skipped when the
// time moves to 17:00 (the member skipped Friday's prompt, not an
// instant). A skip on a date the new rule has no slot on, or whose new slot
// has passed, is kept as it was while it is ahead, no slot of this rule: a
// later change back to that day, or to a time still ahead on it, finds it
// (skip, subscribe sat, subscribe fri: Friday stays skipped). Advance drops
// it once it has passed.
func (s *Schedule) Reschedule(rule Schedule, now time.Time) {
	oldTZ := s.TZ
	s.Cadence, s.Day, s.Hour, s.Minute, s.TZ = rule.Cadence, rule.Day, rule.Hour, rule.Minute, rule.TZ
	var skips []time.Time
	for _, t := range s.Skips {
		if !s.IsSlot(t) {
			if moved, ok := s.slotOnDateOf(t, oldTZ); ok && moved.After(now) {
				t = moved
			} else if !t.After(now) {
				continue
			}
		}
		if !slices.ContainsFunc(skips, t.Equal) {
			skips = append(skips, t)
		}
	}
	slices.SortFunc(skips, func(a, b time.Time) int { return a.Compare(b) })
	s.Skips = skips
	s.Advance(now, now)
}

// slotOnDateOf returns the slot, if any, on the date t falls on in zone tz.
func (s Schedule) slotOnDateOf(t time.Time, tz string) (time.Time, bool) {
	from, err := LoadZone(tz)
	if err != nil {
		return time.Time{}, false
	}
	to, err := LoadZone(s.TZ)
	if err != nil {
		return time.Time{}, false
	}
	y, m, d := t.In(from).Date()
	slot, err := s.SlotAfter(time.Date(y, m, d, 0, 0, 0, 0, to).Add(-time.Second))
	if err != nil {
		return time.Time{}, false
	}
	if sy, sm, sd := slot.In(to).Date(); sy != y || sm != m || sd != d {
		return time.Time{}, false
	}
	return slot, true
}

// fallsOn reports whether the schedule has a slot on a date with weekday d.
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

// WallClock is wallClock for other packages: the first instant at which
// loc's clock reads the date and time or later. A pause "until" a date ends
// at its WallClock midnight.
func WallClock(y int, mo time.Month, d, h, mi int, loc *time.Location) time.Time {
	return wallClock(y, mo, d, h, mi, loc)
}

// asUTC returns t's wall clock reading as a UTC time, for comparing readings.
func asUTC(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

var (
	// zoneRE is what an IANA name may look like before we ask the system
	// for it: letters, digits, _+- and slashes; no dots, so no path tricks.
	zoneRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$`)
	// offsetRE is a stored fixed offset: UTC+05:30, UTC-08:00.
	offsetRE = regexp.MustCompile(`^UTC([+-])(\d\d):(\d\d)$`)
)

// LoadZone loads a zone as a Schedule stores it: "UTC", a fixed offset such
// as "UTC+05:30" (which never observes daylight saving), or an IANA name as
// the tz database spells it. "Local" (the server's zone, not the member's)
// and anything that is not a plain name are refused.
func LoadZone(name string) (*time.Location, error) {
	if name == "UTC" {
		return time.UTC, nil
	}
	if m := offsetRE.FindStringSubmatch(name); m != nil {
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		sec := h*3600 + mi*60
		if h > 14 || mi > 59 || sec > 14*3600 {
			return nil, fmt.Errorf("time zone %q: offset out of range", name)
		}
		if m[1] == "-" {
			sec = -sec
		}
		return time.FixedZone(name, sec), nil
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

// FixedZoneName is how a fixed offset east of UTC is stored: "UTC+05:30",
// "UTC-08:00"; LoadZone reads it back.
func FixedZoneName(offset time.Duration) string {
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	mins := int(offset / time.Minute)
	return fmt.Sprintf("UTC%s%02d:%02d", sign, mins/60, mins%60)
}

// IsFixedZone reports whether a stored zone name is a fixed offset, which
// ignores daylight saving.
func IsFixedZone(name string) bool { return strings.HasPrefix(name, "UTC") && len(name) > 3 }

// scheduleRecord is a Schedule on disk, nested under "s" in subscription
// and broadcast records alike: one codec for both.
type scheduleRecord struct {
	Cadence     string  `json:"c"`
	Day         int     `json:"d,omitempty"`
	Hour        int     `json:"h,omitempty"`
	Minute      int     `json:"m,omitempty"`
	TZ          string  `json:"z"`
	NextDue     int64   `json:"n,omitempty"`
	Skips       []int64 `json:"k,omitempty"`
	PausedUntil int64   `json:"p,omitempty"`
}

func scheduleToRecord(s Schedule) scheduleRecord {
	r := scheduleRecord{Cadence: s.Cadence, Day: int(s.Day), Hour: s.Hour, Minute: s.Minute, TZ: s.TZ,
		NextDue: unixOrZero(s.NextDue), PausedUntil: unixOrZero(s.PausedUntil)}
	for _, t := range s.Skips {
		r.Skips = append(r.Skips, t.Unix())
	}
	return r
}

func (r scheduleRecord) schedule() Schedule {
	s := Schedule{Cadence: r.Cadence, Day: time.Weekday(r.Day), Hour: r.Hour, Minute: r.Minute, TZ: r.TZ,
		NextDue: timeOrZero(r.NextDue), PausedUntil: timeOrZero(r.PausedUntil)}
	for _, sec := range r.Skips {
		s.Skips = append(s.Skips, time.Unix(sec, 0).UTC())
	}
	return s
}
