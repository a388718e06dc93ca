package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func mustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestScheduleString(t *testing.T) {
	tests := []struct {
		s    Schedule
		want string
	}{
		{Schedule{CadenceWeekly, time.Friday, 16, 0, "Europe/Paris"}, "weekly on Friday at 16:00 (Europe/Paris)"},
		{Schedule{CadenceWeekdays, 0, 9, 30, "America/New_York"}, "every weekday at 09:30 (America/New_York)"},
		{Schedule{CadenceDaily, 0, 8, 0, "UTC"}, "daily at 08:00 (UTC)"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// TestScheduleNext pins the daylight-saving rules: a missing time is due at
// the end of the gap, a repeated one at its first occurrence, each once.
// Europe changes on the last Sundays of March and October, the US on the
// second Sunday of March and the first of November.
func TestScheduleNext(t *testing.T) {
	paris := func(c string, d time.Weekday, h, m int) Schedule { return Schedule{c, d, h, m, "Europe/Paris"} }
	ny := func(c string, d time.Weekday, h, m int) Schedule { return Schedule{c, d, h, m, "America/New_York"} }
	tests := []struct {
		name  string
		s     Schedule
		after string
		want  string // RFC 3339 with the local offset the result must carry
	}{
		{"OK", paris(CadenceWeekly, time.Friday, 16, 0), "2026-06-01T00:00:00Z", "2026-06-05T16:00:00+02:00"},
		{"StrictlyAfter", paris(CadenceWeekly, time.Friday, 16, 0), "2026-06-05T16:00:00+02:00", "2026-06-12T16:00:00+02:00"},
		{"JustBefore", paris(CadenceWeekly, time.Friday, 16, 0), "2026-06-05T15:59:59+02:00", "2026-06-05T16:00:00+02:00"},
		{"WeekdaysSkipWeekend", ny(CadenceWeekdays, 0, 9, 30), "2026-06-05T09:30:00-04:00", "2026-06-08T09:30:00-04:00"},
		{"DailyMidnight", ny(CadenceDaily, 0, 0, 0), "2026-06-05T00:00:00-04:00", "2026-06-06T00:00:00-04:00"},

		// Spring forward, 2026: Paris 29 March 02:00 CET -> 03:00 CEST.
		{"ParisSpring2026Gap", paris(CadenceWeekly, time.Sunday, 2, 30), "2026-03-22T02:30:00+01:00", "2026-03-29T03:00:00+02:00"},
		{"ParisSpring2026AfterGap", paris(CadenceWeekly, time.Sunday, 2, 30), "2026-03-29T03:00:00+02:00", "2026-04-05T02:30:00+02:00"},
		{"ParisSpring2026Daily", paris(CadenceDaily, 0, 16, 0), "2026-03-28T16:00:00+01:00", "2026-03-29T16:00:00+02:00"},
		{"ParisSpring2026DailyGap", paris(CadenceDaily, 0, 2, 30), "2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00"},
		{"ParisSpring2026DailyGapNext", paris(CadenceDaily, 0, 2, 30), "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"},
		// Fall back, 2026: Paris 25 October 03:00 CEST -> 02:00 CET; 02:30 happens twice.
		{"ParisAutumn2026First", paris(CadenceWeekly, time.Sunday, 2, 30), "2026-10-18T02:30:00+02:00", "2026-10-25T02:30:00+02:00"},
		{"ParisAutumn2026NoRepeat", paris(CadenceWeekly, time.Sunday, 2, 30), "2026-10-25T02:30:00+02:00", "2026-11-01T02:30:00+01:00"},
		{"ParisAutumn2026DailyNoRepeat", paris(CadenceDaily, 0, 2, 30), "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"},
		{"ParisAutumn2026Daily", paris(CadenceDaily, 0, 16, 0), "2026-10-24T16:00:00+02:00", "2026-10-25T16:00:00+01:00"},
		// 2027: 28 March and 31 October.
		{"ParisSpring2027Gap", paris(CadenceWeekly, time.Sunday, 2, 30), "2027-03-21T02:30:00+01:00", "2027-03-28T03:00:00+02:00"},
		{"ParisAutumn2027First", paris(CadenceWeekly, time.Sunday, 2, 30), "2027-10-24T02:30:00+02:00", "2027-10-31T02:30:00+02:00"},
		{"ParisAutumn2027NoRepeat", paris(CadenceWeekly, time.Sunday, 2, 30), "2027-10-31T02:30:00+02:00", "2027-11-07T02:30:00+01:00"},

		// New York 2026: 8 March 02:00 EST -> 03:00 EDT; 1 November 02:00 EDT -> 01:00 EST.
		{"NewYorkSpring2026Gap", ny(CadenceWeekly, time.Sunday, 2, 30), "2026-03-01T02:30:00-05:00", "2026-03-08T03:00:00-04:00"},
		{"NewYorkSpring2026AfterGap", ny(CadenceWeekly, time.Sunday, 2, 30), "2026-03-08T03:00:00-04:00", "2026-03-15T02:30:00-04:00"},
		{"NewYorkSpring2026Daily", ny(CadenceDaily, 0, 16, 0), "2026-03-07T16:00:00-05:00", "2026-03-08T16:00:00-04:00"},
		{"NewYorkAutumn2026First", ny(CadenceWeekly, time.Sunday, 1, 30), "2026-10-25T01:30:00-04:00", "2026-11-01T01:30:00-04:00"},
		{"NewYorkAutumn2026NoRepeat", ny(CadenceWeekly, time.Sunday, 1, 30), "2026-11-01T01:30:00-04:00", "2026-11-08T01:30:00-05:00"},
		{"NewYorkAutumn2026BetweenRepeats", ny(CadenceDaily, 0, 1, 30), "2026-11-01T01:10:00-05:00", "2026-11-02T01:30:00-05:00"},
		{"NewYorkAutumn2026Daily", ny(CadenceDaily, 0, 16, 0), "2026-10-31T16:00:00-04:00", "2026-11-01T16:00:00-05:00"},
		// 2027: 14 March and 7 November.
		{"NewYorkSpring2027Gap", ny(CadenceWeekly, time.Sunday, 2, 30), "2027-03-07T02:30:00-05:00", "2027-03-14T03:00:00-04:00"},
		{"NewYorkAutumn2027First", ny(CadenceWeekly, time.Sunday, 1, 30), "2027-10-31T01:30:00-04:00", "2027-11-07T01:30:00-04:00"},
		{"NewYorkAutumn2027NoRepeat", ny(CadenceWeekly, time.Sunday, 1, 30), "2027-11-07T01:30:00-04:00", "2027-11-14T01:30:00-05:00"},

		// Samoa skipped Friday 30 December 2011: that Friday's nudge is due
		// when the skip ends, and the next one a week later.
		{"SkippedDate", Schedule{CadenceWeekly, time.Friday, 16, 0, "Pacific/Apia"}, "2011-12-23T16:00:00-10:00", "2011-12-31T00:00:00+14:00"},
		{"SkippedDateNext", Schedule{CadenceWeekly, time.Friday, 16, 0, "Pacific/Apia"}, "2011-12-31T00:00:00+14:00", "2012-01-06T16:00:00+14:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.Next(mustTime(t, tt.after))
			if err != nil {
				t.Fatal(err)
			}
			if want := mustTime(t, tt.want); !got.Equal(want) || got.Format(time.RFC3339) != tt.want {
				t.Fatalf("%v: Next(%s) = %s, want %s", tt.s, tt.after, got.Format(time.RFC3339), tt.want)
			}
		})
	}

	t.Run("ErrBadZone", func(t *testing.T) {
		if _, err := (Schedule{CadenceDaily, 0, 9, 0, "Mars/Olympus"}).Next(time.Now()); err == nil {
			t.Fatal("no error for an unknown zone")
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		for _, s := range []Schedule{{}, {CadenceWeekly, 9, 9, 0, "UTC"}, {CadenceDaily, 0, 24, 0, "UTC"}, {CadenceDaily, 0, 9, -1, "UTC"}} {
			if _, err := s.Next(time.Now()); err == nil {
				t.Errorf("%+v: no error", s)
			}
		}
	})
}

// TestScheduleNextYear walks Next over whole years and checks every result
// against the rule, with brute force rather than time.Date: due exactly once
// per period, at the local time, or at the end of a gap, never at a repeat.
func TestScheduleNextYear(t *testing.T) {
	zones := []string{"Europe/Paris", "America/New_York",
		// Changes at midnight, by half an hour, and at quarter hours.
		"America/Santiago", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata"}
	clocks := [][2]int{{16, 0}, {2, 30}, {1, 30}, {0, 0}, {0, 30}, {2, 15}, {23, 30}, {9, 45}}
	for _, zone := range zones {
		loc := mustZone(t, zone)
		for _, year := range []int{2026, 2027} {
			for _, c := range clocks {
				for _, cadence := range []string{CadenceWeekly, CadenceDaily, CadenceWeekdays} {
					s := Schedule{Cadence: cadence, Day: time.Sunday, Hour: c[0], Minute: c[1], TZ: zone}
					checkYear(t, s, loc, year)
				}
			}
		}
	}
}

func checkYear(t *testing.T, s Schedule, loc *time.Location, year int) {
	t.Helper()
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Add(-14 * time.Hour) // before 1 January anywhere
	seen := map[string]int{}
	prev := start
	for {
		due, err := s.Next(prev)
		if err != nil {
			t.Fatal(err)
		}
		if !due.After(prev) {
			t.Fatalf("%v: Next(%v) = %v, not after", s, prev, due)
		}
		if s.Cadence == CadenceDaily && !prev.Equal(start) && due.Sub(prev) < 23*time.Hour {
			t.Fatalf("%v: %v and %v are %v apart", s, prev, due, due.Sub(prev))
		}
		local := due.In(loc)
		if local.Year() != year {
			if local.Year() > year {
				break
			}
			prev = due
			continue
		}
		checkDue(t, s, local)
		seen[local.Format(time.DateOnly)]++
		prev = due
	}
	want := 0
	for d := time.Date(year, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		if !s.fallsOn(d.Weekday()) {
			continue
		}
		want++
		if n := seen[d.Format(time.DateOnly)]; n != 1 {
			t.Fatalf("%v: %d nudges on %s, want 1", s, n, d.Format(time.DateOnly))
		}
	}
	if len(seen) != want {
		t.Fatalf("%v: %d days with nudges in %d, want %d", s, len(seen), year, want)
	}
	switch {
	case s.Cadence == CadenceDaily && want != 365,
		s.Cadence == CadenceWeekly && want != 52 && want != 53,
		s.Cadence == CadenceWeekdays && want != 261:
		t.Fatalf("%v: %d periods in %d", s, want, year)
	}
}

// checkDue fails unless due is where the rule puts the schedule's time on
// due's local date.
func checkDue(t *testing.T, s Schedule, due time.Time) {
	t.Helper()
	y, m, d := due.Date()
	want := time.Date(y, m, d, s.Hour, s.Minute, 0, 0, time.UTC)
	if !s.fallsOn(due.Weekday()) {
		t.Fatalf("%v: due on a %v: %v", s, due.Weekday(), due)
	}
	got := asUTC(due)
	if got.Before(want) {
		t.Fatalf("%v: due at %v, before the local time", s, due)
	}
	if before := asUTC(due.Add(-time.Second)); got.After(want) && !before.Before(want) {
		t.Fatalf("%v: due at %v, but the clock read %v a second before: not the end of a gap", s, due, before)
	}
	// A repeated time: the clock must not have read the same a little earlier
	// (clocks go back by 30 minutes, an hour, or two).
	for back := 15 * time.Minute; back <= 3*time.Hour; back += 15 * time.Minute {
		if asUTC(due.Add(-back)).Equal(got) {
			t.Fatalf("%v: due at %v, the second time the clock reads that", s, due)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	def := Schedule{CadenceWeekly, time.Friday, 16, 0, "Europe/Paris"}
	tests := []struct {
		name string
		args string
		tz   string
		want Schedule
	}{
		{"OK", "", "Europe/Paris", def},
		{"Full", "weekly tue 09:30 America/New_York", "Europe/Paris", Schedule{CadenceWeekly, time.Tuesday, 9, 30, "America/New_York"}},
		{"AnyOrder", "America/New_York 09:30 tue weekly", "Europe/Paris", Schedule{CadenceWeekly, time.Tuesday, 9, 30, "America/New_York"}},
		{"DayOnly", "MONDAY", "Europe/Paris", Schedule{CadenceWeekly, time.Monday, 16, 0, "Europe/Paris"}},
		{"DayPlural", "thursdays", "Europe/Paris", Schedule{CadenceWeekly, time.Thursday, 16, 0, "Europe/Paris"}},
		{"ShortDays", "sun", "UTC", Schedule{CadenceWeekly, time.Sunday, 16, 0, "UTC"}},
		{"Daily", "daily 08:00 UTC", "Europe/Paris", Schedule{CadenceDaily, time.Friday, 8, 0, "UTC"}},
		{"Weekdays", "Weekdays 9:30am", "America/New_York", Schedule{CadenceWeekdays, time.Friday, 9, 30, "America/New_York"}},
		{"WeeklyNoDay", "weekly", "Europe/Paris", def},
		{"SingleDigitHour", "7:05", "Europe/Paris", Schedule{CadenceWeekly, time.Friday, 7, 5, "Europe/Paris"}},
		{"PM", "4pm", "Europe/Paris", def},
		{"AM", "9AM", "Europe/Paris", Schedule{CadenceWeekly, time.Friday, 9, 0, "Europe/Paris"}},
		{"Midnight12am", "12am", "Europe/Paris", Schedule{CadenceWeekly, time.Friday, 0, 0, "Europe/Paris"}},
		{"Noon12pm", "12:15pm", "Europe/Paris", Schedule{CadenceWeekly, time.Friday, 12, 15, "Europe/Paris"}},
		{"Midnight", "00:00", "Europe/Paris", Schedule{CadenceWeekly, time.Friday, 0, 0, "Europe/Paris"}},
		{"LowercaseUTC", "utc", "Europe/Paris", Schedule{CadenceWeekly, time.Friday, 16, 0, "UTC"}},
		{"ExplicitZoneWins", "Asia/Tokyo", "Europe/Paris", Schedule{CadenceWeekly, time.Friday, 16, 0, "Asia/Tokyo"}},
		{"DefaultZoneEmpty", "", "", Schedule{CadenceWeekly, time.Friday, 16, 0, "UTC"}},
		{"ThreePartZone", "America/Argentina/Buenos_Aires", "UTC", Schedule{CadenceWeekly, time.Friday, 16, 0, "America/Argentina/Buenos_Aires"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSchedule(strings.Fields(tt.args), tt.tz)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("ParseSchedule(%q) = %+v, want %+v", tt.args, got, tt.want)
			}
			if _, err := got.Next(time.Now()); err != nil {
				t.Fatal(err)
			}
		})
	}

	errs := []struct {
		name string
		args []string
		tz   string
		want string // in the message
	}{
		{"ErrBadDay", []string{"funday"}, "UTC", "`funday` is not a day. Use mon…sun, for example `subscribe weekly tue 09:30`."},
		{"ErrBadDayToday", []string{"weekly", "Today"}, "UTC", "`Today` is not a day"},
		{"ErrBadTime", []string{"25:99"}, "UTC", "`25:99` is not a time"},
		{"ErrBadTime24", []string{"24:00"}, "UTC", "is not a time"},
		{"ErrBadTimeMinutes", []string{"9:60"}, "UTC", "is not a time"},
		{"ErrBadTime13pm", []string{"13pm"}, "UTC", "is not a time"},
		{"ErrBadTime0am", []string{"0am"}, "UTC", "is not a time"},
		{"ErrBareNumber", []string{"16"}, "UTC", "`16` is not a time"},
		{"ErrBadTimeDot", []string{"9.30"}, "UTC", "is not a time"},
		{"ErrBadZone", []string{"Mars/Olympus"}, "UTC", "`Mars/Olympus` is not a time zone I know. Use a Region/City name, for example `subscribe weekly fri 16:00 Europe/Paris`."},
		{"ErrZoneCase", []string{"europe/paris"}, "UTC", "is not a time zone I know"},
		{"ErrZonePath", []string{"../../etc/passwd"}, "UTC", "is not a time zone I know"},
		{"ErrZoneAbsolute", []string{"/etc/localtime"}, "UTC", "is not a time zone I know"},
		{"ErrZoneDirectory", []string{"America/"}, "UTC", "is not a time zone I know"},
		{"ErrZoneAbbreviation", []string{"EST"}, "UTC", "`EST` is not a Region/City time zone name"},
		{"ErrZoneNoRegion", []string{"Japan"}, "UTC", "`Japan` is not a Region/City time zone name"},
		{"ErrLocal", []string{"Local"}, "UTC", "I don't understand `Local`"},
		{"ErrTwoDays", []string{"mon", "tue"}, "UTC", "One day only, not both `mon` and `tue`"},
		{"ErrTwoTimes", []string{"09:00", "4pm"}, "UTC", "One time only, not both `09:00` and `4pm`"},
		{"ErrTwoZones", []string{"Europe/Paris", "UTC"}, "UTC", "One time zone only: `UTC` is a second one"},
		{"ErrTwoCadences", []string{"weekly", "daily"}, "UTC", "not both `weekly` and `daily`"},
		{"ErrDayWithDaily", []string{"daily", "tue"}, "UTC", "A `daily` schedule has no day: drop `tue`"},
		{"ErrDayWithWeekdays", []string{"fri", "weekdays"}, "UTC", "A `weekdays` schedule has no day: drop `fri`"},
		{"ErrUnknownWord", []string{"banana"}, "UTC", "I don't understand `banana`. Use `subscribe [weekly|daily|weekdays] [DAY] [HH:MM] [TZ]`"},
		{"ErrEmptyWord", []string{""}, "UTC", "I don't understand ``"},
		{"ErrMarkup", []string{"<!channel>"}, "UTC", "`&lt;!channel&gt;`"},
		{"ErrBadDefaultZone", nil, "Mars/Olympus", "I don't know your time zone. Add it, for example `subscribe weekly fri 16:00 Europe/Paris`."},
		{"ErrLocalDefaultZone", nil, "Local", "I don't know your time zone"},
		{"ErrLongWord", []string{strings.Repeat("x", 500)}, "UTC", "I don't understand"},
		{"ErrLongZone", []string{"Europe/" + strings.Repeat("x", 500)}, "UTC", "is not a time zone"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSchedule(tt.args, tt.tz)
			if err == nil {
				t.Fatalf("ParseSchedule(%q) = %+v, want an error", tt.args, s)
			}
			checkMemberError(t, err, tt.want, tt.args)
		})
	}
}

// checkMemberError fails unless err is an EINVALID *Error whose message is
// one line, contains want and an example, and quotes no more than 40
// characters of any argument.
func checkMemberError(t *testing.T, err error, want string, args []string) {
	t.Helper()
	msg := ErrorMessage(err)
	if ErrorCode(err) != EINVALID {
		t.Fatalf("err = %v (%T), want EINVALID", err, err)
	}
	if !strings.Contains(msg, want) {
		t.Fatalf("message %q does not contain %q", msg, want)
	}
	if strings.Contains(msg, "\n") || !strings.Contains(strings.ToLower(msg), "for example") {
		t.Fatalf("message is not one line with an example: %q", msg)
	}
	for _, a := range args {
		if utf8.RuneCountInString(a) > 41 && strings.Contains(msg, string([]rune(a)[:41])) {
			t.Fatalf("message echoes more than 40 characters of %q: %q", a, msg)
		}
	}
}

func TestParsePause(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	now := time.Date(2026, 6, 10, 10, 0, 0, 0, paris)
	tests := []struct {
		name string
		args string
		loc  *time.Location
		want time.Time
	}{
		{"OK", "3d", paris, time.Date(2026, 6, 13, 10, 0, 0, 0, paris)},
		{"Weeks", "2w", paris, time.Date(2026, 6, 24, 10, 0, 0, 0, paris)},
		{"Mixed", "1w3d", paris, time.Date(2026, 6, 20, 10, 0, 0, 0, paris)},
		{"MixedReversed", "3d1w", paris, time.Date(2026, 6, 20, 10, 0, 0, 0, paris)},
		{"Hours", "12h", paris, time.Date(2026, 6, 10, 22, 0, 0, 0, paris)},
		{"OneHour", "1h", paris, now.Add(time.Hour)},
		{"Uppercase", "2W", paris, time.Date(2026, 6, 24, 10, 0, 0, 0, paris)},
		{"Year", "366d", paris, time.Date(2027, 6, 11, 10, 0, 0, 0, paris)},
		{"52Weeks", "52w", paris, time.Date(2027, 6, 9, 10, 0, 0, 0, paris)},
		// Calendar days: 10:00 local on the far side of the October change.
		{"AcrossDST", "20w", paris, time.Date(2026, 10, 28, 10, 0, 0, 0, paris)},
		{"Until", "until 2026-07-01", paris, time.Date(2026, 7, 1, 0, 0, 0, 0, paris)},
		{"UntilUppercase", "UNTIL 2026-06-11", paris, time.Date(2026, 6, 11, 0, 0, 0, 0, paris)},
		{"UntilAcrossDST", "until 2026-10-26", paris, time.Date(2026, 10, 26, 0, 0, 0, 0, paris)},
		{"UntilOtherZone", "until 2026-06-11", mustZone(t, "America/New_York"), mustTime(t, "2026-06-11T04:00:00Z")},
		{"NilLocation", "until 2026-06-11", nil, mustTime(t, "2026-06-11T00:00:00Z")},
		// Chile moves its clocks at midnight: 6 September 2026 starts at 01:00.
		{"UntilMidnightGap", "until 2026-09-06", mustZone(t, "America/Santiago"), mustTime(t, "2026-09-06T01:00:00-03:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePause(strings.Fields(tt.args), now, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Fatalf("ParsePause(%q) = %v, want %v", tt.args, got, tt.want)
			}
		})
	}

	errs := []struct {
		name string
		args []string
		want string
	}{
		{"ErrMissing", nil, "For how long? For example `pause 2w` or `pause until 2026-06-24`."},
		{"ErrNegative", []string{"-3d"}, "`-3d` goes back in time"},
		{"ErrZero", []string{"0d"}, "`0d` is too short"},
		{"ErrZeroMixed", []string{"0w0d0h"}, "is too short"},
		{"ErrMinutes", []string{"30m"}, "`30m` is not a length of time. Use a number with h, d or w"},
		{"ErrNoUnit", []string{"3"}, "is not a length of time"},
		{"ErrNoNumber", []string{"d"}, "is not a length of time"},
		{"ErrWords", []string{"two", "weeks"}, "I don't understand `weeks` there"},
		{"ErrHugeNumber", []string{"99999999999999999999d"}, "is not a length of time"},
		{"ErrTooLong", []string{"367d"}, "`367d` is too long"},
		{"ErrTooLongWeeks", []string{"53w"}, "is too long"},
		{"ErrTooLongSum", []string{"9999w9999d9999h"}, "is too long"},
		{"ErrUntilMissing", []string{"until"}, "Until when? Give a date, for example"},
		{"ErrUntilPast", []string{"until", "2020-01-01"}, "`2020-01-01` is not in the future"},
		{"ErrUntilToday", []string{"until", "2026-06-10"}, "is not in the future"},
		{"ErrUntilNoSuchDay", []string{"until", "2027-02-30"}, "`2027-02-30` is not on the calendar"},
		{"ErrUntilMonth13", []string{"until", "2027-13-01"}, "is not on the calendar"},
		{"ErrUntilFormat", []string{"until", "tomorrow"}, "`tomorrow` is not a date. Use YYYY-MM-DD"},
		{"ErrUntilShortDate", []string{"until", "2027-1-5"}, "is not a date"},
		{"ErrUntilFar", []string{"until", "2028-01-01"}, "is more than a year away"},
		{"ErrUntilExtra", []string{"until", "2026-07-01", "noon"}, "I don't understand `noon` there"},
		{"ErrExtra", []string{"2w", "please"}, "I don't understand `please` there"},
		{"ErrLong", []string{strings.Repeat("9", 300) + "d"}, "is not a length of time"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			end, err := ParsePause(tt.args, now, paris)
			if err == nil {
				t.Fatalf("ParsePause(%q) = %v, want an error", tt.args, end)
			}
			checkMemberError(t, err, tt.want, tt.args)
		})
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, seed := range []string{
		"", "weekly fri 16:00 Europe/Paris", "daily 08:00 UTC", "weekdays 9:30am America/New_York",
		"sun 02:30 Europe/Paris", "sun 1:30 America/New_York", "funday", "25:99", "Mars/Olympus",
		"mon tue", "09:00 4pm", "daily tue", "12am utc", "CRON_TZ=", "../../etc/passwd", "Local",
		"America/Santiago 0:00 saturdays", "EST", "13pm", "“quoted”", strings.Repeat("&", 60),
	} {
		f.Add(seed, "Europe/Paris", int64(1774746000))
	}
	f.Add("", "", int64(0))
	f.Add("", "Local", int64(-1))
	f.Fuzz(func(t *testing.T, text, defaultTZ string, unix int64) {
		s, err := ParseSchedule(strings.Fields(text), defaultTZ)
		if err != nil {
			// Escaping may lengthen the quoted input; the input itself is clipped.
			msg := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(ErrorMessage(err))
			if ErrorCode(err) != EINVALID || strings.Contains(msg, "\n") || utf8.RuneCountInString(msg) > 250 {
				t.Fatalf("ParseSchedule(%q, %q): bad error %q (%v)", text, defaultTZ, msg, ErrorCode(err))
			}
			return
		}
		// Any instant from about 1850 to 2150.
		after := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(unix%(150*365*86400)) * time.Second)
		due, err := s.Next(after)
		if err != nil {
			t.Fatalf("%+v: Next(%v): %v", s, after, err)
		}
		if !due.After(after) || due.Sub(after) > 8*24*time.Hour {
			t.Fatalf("%+v: Next(%v) = %v", s, after, due)
		}
		again, err := s.Next(due)
		if err != nil || !again.After(due) {
			t.Fatalf("%+v: Next(%v) = %v, %v", s, due, again, err)
		}
	})
}

// BenchmarkScheduleNext is the cost of rescheduling one nudge, time zone
// loading included (time.LoadLocation reads the zone file on every call).
func BenchmarkScheduleNext(b *testing.B) {
	s := Schedule{CadenceWeekly, time.Friday, 16, 0, "Europe/Paris"}
	after := time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := s.Next(after); err != nil {
			b.Fatal(err)
		}
	}
}
