package store

import (
	"testing"
	"time"
)

// rule is a schedule with only its rule set.
func rule(cadence string, day time.Weekday, hour, minute int, tz string) Schedule {
	return Schedule{Cadence: cadence, Day: day, Hour: hour, Minute: minute, TZ: tz}
}

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
		{rule(CadenceWeekly, time.Friday, 16, 0, "Europe/Paris"), "weekly on Friday at 16:00 (Europe/Paris)"},
		{rule(CadenceWeekdays, 0, 9, 30, "America/New_York"), "every weekday at 09:30 (America/New_York)"},
		{rule(CadenceDaily, 0, 8, 0, "UTC"), "daily at 08:00 (UTC)"},
	}
	for _, tt := range tests {
		if got := tt.s.Describe(); got != tt.want {
			t.Errorf("Describe() = %q, want %q", got, tt.want)
		}
	}
}

// TestScheduleSlotAfter pins the daylight-saving rules: a missing time is due at
// the end of the gap, a repeated one at its first occurrence, each once.
// Europe changes on the last Sundays of March and October, the US on the
// second Sunday of March and the first of November.
func TestScheduleSlotAfter(t *testing.T) {
	paris := func(c string, d time.Weekday, h, m int) Schedule { return rule(c, d, h, m, "Europe/Paris") }
	ny := func(c string, d time.Weekday, h, m int) Schedule { return rule(c, d, h, m, "America/New_York") }
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
		{"SkippedDate", rule(CadenceWeekly, time.Friday, 16, 0, "Pacific/Apia"), "2011-12-23T16:00:00-10:00", "2011-12-31T00:00:00+14:00"},
		{"SkippedDateNext", rule(CadenceWeekly, time.Friday, 16, 0, "Pacific/Apia"), "2011-12-31T00:00:00+14:00", "2012-01-06T16:00:00+14:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.SlotAfter(mustTime(t, tt.after))
			if err != nil {
				t.Fatal(err)
			}
			if want := mustTime(t, tt.want); !got.Equal(want) || got.Format(time.RFC3339) != tt.want {
				t.Fatalf("%v: SlotAfter(%s) = %s, want %s", tt.s, tt.after, got.Format(time.RFC3339), tt.want)
			}
		})
	}

	t.Run("ErrBadZone", func(t *testing.T) {
		if _, err := (rule(CadenceDaily, 0, 9, 0, "Mars/Olympus")).SlotAfter(time.Now()); err == nil {
			t.Fatal("no error for an unknown zone")
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		for _, s := range []Schedule{{}, rule(CadenceWeekly, 9, 9, 0, "UTC"), rule(CadenceDaily, 0, 24, 0, "UTC"), rule(CadenceDaily, 0, 9, -1, "UTC")} {
			if _, err := s.SlotAfter(time.Now()); err == nil {
				t.Errorf("%+v: no error", s)
			}
		}
	})
}

// TestScheduleSlotAfterYear walks SlotAfter over whole years and checks every result
// against the rule, with brute force rather than time.Date: due exactly once
// per period, at the local time, or at the end of a gap, never at a repeat.
func TestScheduleSlotAfterYear(t *testing.T) {
	t.Parallel()
	zones := []string{"Europe/Paris", "America/New_York",
		// Changes at midnight, by half an hour, and at quarter hours.
		"America/Santiago", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata"}
	clocks := [][2]int{{16, 0}, {2, 30}, {1, 30}, {0, 0}, {0, 30}, {2, 15}, {23, 30}, {9, 45}}
	for _, zone := range zones {
		// A zone per subtest, in parallel: SlotAfter loads the zone from
		// the system at every call, which makes this one of the suite's
		// longest tests under the race detector.
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc := mustZone(t, zone)
			for _, year := range []int{2026, 2027} {
				for _, c := range clocks {
					for _, cadence := range []string{CadenceWeekly, CadenceDaily, CadenceWeekdays} {
						s := Schedule{Cadence: cadence, Day: time.Sunday, Hour: c[0], Minute: c[1], TZ: zone}
						checkYear(t, s, loc, year)
					}
				}
			}
		})
	}
}

func checkYear(t *testing.T, s Schedule, loc *time.Location, year int) {
	t.Helper()
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Add(-14 * time.Hour) // before 1 January anywhere
	seen := map[string]int{}
	prev := start
	for {
		due, err := s.SlotAfter(prev)
		if err != nil {
			t.Fatal(err)
		}
		if !due.After(prev) {
			t.Fatalf("%v: SlotAfter(%v) = %v, not after", s, prev, due)
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

// BenchmarkScheduleSlotAfter is the cost of rescheduling one nudge, time zone
// loading included (time.LoadLocation reads the zone file on every call).
func BenchmarkScheduleSlotAfter(b *testing.B) {
	s := rule(CadenceWeekly, time.Friday, 16, 0, "Europe/Paris")
	after := time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := s.SlotAfter(after); err != nil {
			b.Fatal(err)
		}
	}
}

// paris16 is a weekly Friday 16:00 Paris schedule whose next slot is
// Friday 27 November 2026 (15:00 UTC), seen from noon that Monday.
var (
	schedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	fri27    = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	fri4     = fri27.AddDate(0, 0, 7)
	fri11    = fri27.AddDate(0, 0, 14)
	fri18    = fri27.AddDate(0, 0, 21)
)

func paris16() Schedule {
	s := rule(CadenceWeekly, time.Friday, 16, 0, "Europe/Paris")
	s.Advance(schedNow, schedNow)
	return s
}

func TestScheduleSkip(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := paris16()
		if !s.NextDue.Equal(fri27) {
			t.Fatalf("NextDue = %v, want %v", s.NextDue, fri27)
		}
		if err := s.Skip(fri27, schedNow); err != nil {
			t.Fatal(err)
		}
		if !s.NextDue.Equal(fri4) || !s.Skipped(fri27) {
			t.Fatalf("after skipping the next slot: NextDue %v, skips %v", s.NextDue, s.Skips)
		}
	})
	// A double click, or `skip` after a click: the same slot once.
	t.Run("ErrAlreadySkipped", func(t *testing.T) {
		s := paris16()
		if err := s.Skip(fri4, schedNow); err != nil {
			t.Fatal(err)
		}
		before := s
		for range 3 {
			if err := s.Skip(fri4, schedNow); err != ErrAlreadySkipped {
				t.Fatalf("second skip: %v, want ErrAlreadySkipped", err)
			}
		}
		if !s.NextDue.Equal(fri27) || len(s.Skips) != 1 || !s.NextDue.Equal(before.NextDue) {
			t.Fatalf("a repeated skip changed the schedule: NextDue %v, skips %v", s.NextDue, s.Skips)
		}
	})
	// Skipping a later slot leaves the next one; reaching it passes over.
	t.Run("LaterSlot", func(t *testing.T) {
		s := paris16()
		if err := s.Skip(fri4, schedNow); err != nil {
			t.Fatal(err)
		}
		if !s.NextDue.Equal(fri27) {
			t.Fatalf("NextDue = %v, want %v", s.NextDue, fri27)
		}
		s.Advance(fri27, fri27) // fri27 sent
		if !s.NextDue.Equal(fri11) {
			t.Fatalf("after sending %v: NextDue %v, want %v (4 Dec skipped)", fri27, s.NextDue, fri11)
		}
		s.Advance(fri11, fri11)
		if len(s.Skips) != 0 {
			t.Fatalf("passed skips kept: %v", s.Skips)
		}
	})
	t.Run("ErrNotSlot", func(t *testing.T) {
		s := paris16()
		if err := s.Skip(fri27.Add(time.Hour), schedNow); err != ErrNotSlot {
			t.Fatalf("err = %v, want ErrNotSlot", err)
		}
	})
	t.Run("ErrSlotPassed", func(t *testing.T) {
		s := paris16()
		if err := s.Skip(fri27.AddDate(0, 0, -7), schedNow); err != ErrSlotPassed {
			t.Fatalf("err = %v, want ErrSlotPassed", err)
		}
	})
	t.Run("NextSlot", func(t *testing.T) {
		s := paris16()
		_ = s.Skip(fri27, schedNow)
		// "The next one" is still 27 November, now skipped: skip is idempotent.
		if next, err := s.NextSlot(schedNow); err != nil || !next.Equal(fri27) {
			t.Fatalf("NextSlot = %v, %v; want %v", next, err, fri27)
		}
	})
}

// TestSchedulePauseResume: a pause moves the next slot past it; resuming
// brings back the slots in between, except those skipped.
func TestSchedulePauseResume(t *testing.T) {
	t.Run("KeepsSkips", func(t *testing.T) {
		s := paris16()
		if err := s.Skip(fri27, schedNow); err != nil {
			t.Fatal(err)
		}
		s.Pause(schedNow.AddDate(0, 0, 14), schedNow) // until Monday 7 December
		if !s.NextDue.Equal(fri11) {
			t.Fatalf("paused: NextDue %v, want %v", s.NextDue, fri11)
		}
		if !s.Resume(schedNow) {
			t.Fatal("Resume reported no pause")
		}
		if !s.NextDue.Equal(fri4) || !s.Skipped(fri27) {
			t.Fatalf("resumed: NextDue %v (want %v), skips %v", s.NextDue, fri4, s.Skips)
		}
	})
	// A skip inside the pause is kept but not worth showing; one after the
	// pause still is.
	t.Run("SkipsToShow", func(t *testing.T) {
		s := paris16()
		for _, slot := range []time.Time{fri27, fri11} {
			if err := s.Skip(slot, schedNow); err != nil {
				t.Fatal(err)
			}
		}
		if got := s.SkipsToShow(schedNow); len(got) != 2 {
			t.Fatalf("not paused: shown %v, want both skips", got)
		}
		s.Pause(fri4, schedNow)
		if got := s.SkipsToShow(schedNow); len(got) != 1 || !got[0].Equal(fri11) {
			t.Fatalf("paused until %v: shown %v, want only %v", fri4, got, fri11)
		}
		if !s.Skipped(fri27) {
			t.Fatal("the skip inside the pause was dropped")
		}
		if got := s.SkipsToShow(fri4); len(got) != 1 || !got[0].Equal(fri11) {
			t.Fatalf("pause over on %v: shown %v, want only %v (the other has passed)", fri4, got, fri11)
		}
		// A skipped slot that has passed is not shown, before Advance
		// forgets it.
		s.Resume(schedNow)
		if got := s.SkipsToShow(fri11.Add(time.Hour)); len(got) != 0 {
			t.Fatalf("after %v: shown %v, want none", fri11, got)
		}
	})
	t.Run("ResumeNotPaused", func(t *testing.T) {
		s := paris16()
		s.NextDue = fri27.AddDate(0, 0, -7) // due, waiting for a retry
		before := s
		if s.Resume(schedNow) {
			t.Fatal("Resume reported a pause")
		}
		if !s.NextDue.Equal(before.NextDue) {
			t.Fatalf("Resume without a pause moved NextDue to %v", s.NextDue)
		}
	})
	t.Run("PauseEndsOnSlot", func(t *testing.T) {
		s := paris16()
		s.Pause(fri4, schedNow)
		if !s.NextDue.Equal(fri4) {
			t.Fatalf("a pause ending at a slot: NextDue %v, want that slot %v", s.NextDue, fri4)
		}
	})
}

func TestScheduleReschedule(t *testing.T) {
	s := paris16()
	_ = s.Skip(fri4, schedNow)
	s.Pause(fri4.Add(-time.Hour), schedNow)
	// Same slots, other words: the skip stays.
	s.Reschedule(rule(CadenceWeekly, time.Friday, 16, 0, "Europe/Paris"), schedNow)
	if !s.Skipped(fri4) || !s.NextDue.Equal(fri11) || !s.PausedUntil.Equal(fri4.Add(-time.Hour)) {
		t.Fatalf("same rule: NextDue %v, skips %v, pause %v", s.NextDue, s.Skips, s.PausedUntil)
	}
	// Daily: 4 December 16:00 is still a slot, and still skipped.
	s.Reschedule(rule(CadenceDaily, time.Friday, 16, 0, "Europe/Paris"), schedNow)
	if !s.Skipped(fri4) || !s.NextDue.Equal(fri4.AddDate(0, 0, 1)) {
		t.Fatalf("daily: NextDue %v, skips %v", s.NextDue, s.Skips)
	}
	// 09:00: the skip follows its day, to 4 December 09:00.
	fri4at9 := fri4.Add(-7 * time.Hour)
	s.Reschedule(rule(CadenceDaily, time.Friday, 9, 0, "Europe/Paris"), schedNow)
	if len(s.Skips) != 1 || !s.Skipped(fri4at9) {
		t.Fatalf("09:00: skips %v, want 4 December 09:00", s.Skips)
	}
	// In Tokyo, 4 December at 09:00 there.
	s.Reschedule(rule(CadenceDaily, time.Friday, 9, 0, "Asia/Tokyo"), schedNow)
	if want := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC); len(s.Skips) != 1 || !s.Skipped(want) {
		t.Fatalf("Tokyo: skips %v, want %v", s.Skips, want)
	}
	// Weekly on Monday: 4 December, a Friday, has no slot; the skip is
	// kept, shown nowhere, and found again when Fridays come back.
	tokyo9 := s.Skips[0]
	s.Reschedule(rule(CadenceWeekly, time.Monday, 9, 0, "Asia/Tokyo"), schedNow)
	if len(s.SkipsToShow(schedNow)) != 0 || s.Skipped(s.NextDue) {
		t.Fatalf("Mondays: skips shown %v, NextDue %v skipped", s.SkipsToShow(schedNow), s.NextDue)
	}
	s.Reschedule(rule(CadenceWeekly, time.Friday, 9, 0, "Asia/Tokyo"), schedNow)
	if !s.Skipped(tokyo9) || s.NextDue.Equal(tokyo9) {
		t.Fatalf("Fridays again: skips %v, NextDue %v", s.Skips, s.NextDue)
	}
	// A skip whose day's new slot has passed is kept as it was, and a
	// time still ahead on that day finds it (skip 16:00; 09:00, passed;
	// then 17:00).
	s = paris16()
	_ = s.Skip(fri4, schedNow)
	at := fri4at9.Add(time.Minute)
	s.Reschedule(rule(CadenceDaily, time.Friday, 9, 0, "Europe/Paris"), at)
	s.Reschedule(rule(CadenceDaily, time.Friday, 17, 0, "Europe/Paris"), at)
	if !s.Skipped(fri4.Add(time.Hour)) || s.NextDue.Equal(fri4.Add(time.Hour)) {
		t.Fatalf("17:00 after a passed 09:00: skips %v, NextDue %v", s.Skips, s.NextDue)
	}
	// Once passed, it goes.
	s.Advance(fri4.Add(2*time.Hour), fri4.Add(2*time.Hour))
	if len(s.Skips) != 0 {
		t.Fatalf("a passed skip is kept: %v", s.Skips)
	}
}

func TestLoadZone(t *testing.T) {
	for name, offset := range map[string]int{"UTC": 0, "UTC+05:30": 19800, "UTC-08:00": -28800, "UTC+14:00": 50400} {
		loc, err := LoadZone(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, off := time.Date(2026, 7, 1, 0, 0, 0, 0, loc).Zone(); off != offset {
			t.Fatalf("%s: offset %d, want %d", name, off, offset)
		}
		if name != "UTC" && FixedZoneName(time.Duration(offset)*time.Second) != name {
			t.Fatalf("FixedZoneName(%d) = %q, want %q", offset, FixedZoneName(time.Duration(offset)*time.Second), name)
		}
	}
	for _, name := range []string{"Local", "utc", "UTC+15:00", "UTC+05:60", "../etc/passwd", "Mars/Olympus", ""} {
		if _, err := LoadZone(name); err == nil {
			t.Errorf("LoadZone(%q): no error", name)
		}
	}
}
