package bot

import (
	"archive/zip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/store"
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

// rule is a schedule with only its rule set.
func rule(cadence string, day time.Weekday, hour, minute int, tz string) store.Schedule {
	return store.Schedule{Cadence: cadence, Day: day, Hour: hour, Minute: minute, TZ: tz}
}

// sameRule reports whether two schedules have the same rule, day included.
func sameRule(a, b store.Schedule) bool { return a.SameRule(b) && a.Day == b.Day }

var subscribeGrammar = scheduleGrammar{name: "/mentor"}

func TestParseSchedule(t *testing.T) {
	def := rule(store.CadenceWeekly, time.Friday, 16, 0, "Europe/Paris")
	tests := []struct {
		name string
		args string
		tz   string
		want store.Schedule
	}{
		{"OK", "", "Europe/Paris", def},
		{"Full", "weekly tue 09:30 America/New_York", "Europe/Paris", rule(store.CadenceWeekly, time.Tuesday, 9, 30, "America/New_York")},
		{"AnyOrder", "America/New_York 09:30 tue weekly", "Europe/Paris", rule(store.CadenceWeekly, time.Tuesday, 9, 30, "America/New_York")},
		{"DayOnly", "MONDAY", "Europe/Paris", rule(store.CadenceWeekly, time.Monday, 16, 0, "Europe/Paris")},
		{"DayPlural", "thursdays", "Europe/Paris", rule(store.CadenceWeekly, time.Thursday, 16, 0, "Europe/Paris")},
		{"ShortDays", "sun", "UTC", rule(store.CadenceWeekly, time.Sunday, 16, 0, "UTC")},
		{"Daily", "daily 08:00 UTC", "Europe/Paris", rule(store.CadenceDaily, time.Friday, 8, 0, "UTC")},
		{"Weekdays", "Weekdays 9:30am", "America/New_York", rule(store.CadenceWeekdays, time.Friday, 9, 30, "America/New_York")},
		{"WeeklyNoDay", "weekly", "Europe/Paris", def},
		{"SingleDigitHour", "7:05", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 7, 5, "Europe/Paris")},
		{"PM", "4pm", "Europe/Paris", def},
		{"AM", "9AM", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 9, 0, "Europe/Paris")},
		{"Midnight12am", "12am", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 0, 0, "Europe/Paris")},
		{"Noon12pm", "12:15pm", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 12, 15, "Europe/Paris")},
		{"Midnight", "00:00", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 0, 0, "Europe/Paris")},
		{"ExplicitZoneWins", "Asia/Tokyo", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 16, 0, "Asia/Tokyo")},
		{"DefaultZoneEmpty", "", "", rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC")},
		{"ThreePartZone", "America/Argentina/Buenos_Aires", "UTC", rule(store.CadenceWeekly, time.Friday, 16, 0, "America/Argentina/Buenos_Aires")},
		// Time zones as people type them.
		{"LowercaseUTC", "utc", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC")},
		{"GMT", "GMT", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC")},
		{"Z", "z", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC")},
		{"ZoneAnyCase", "america/new_york", "UTC", rule(store.CadenceWeekly, time.Friday, 16, 0, "America/New_York")},
		{"ZoneUpperCase", "EUROPE/PARIS", "UTC", def},
		{"OffsetUTC", "UTC+2", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC+02:00")},
		{"OffsetColon", "+02:00", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC+02:00")},
		{"OffsetCompact", "-0530", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC-05:30")},
		{"OffsetGMT", "gmt-5", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC-05:00")},
		{"OffsetZero", "UTC+0", "Europe/Paris", rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC")},
		{"City", "Paris", "UTC", def},
		{"CityLower", "tokyo", "UTC", rule(store.CadenceWeekly, time.Friday, 16, 0, "Asia/Tokyo")},
		{"CityTwoWords", "new york 09:00", "UTC", rule(store.CadenceWeekly, time.Friday, 9, 0, "America/New_York")},
		{"CityTwoWordsBetween", "mon new york 09:00", "UTC", rule(store.CadenceWeekly, time.Monday, 9, 0, "America/New_York")},
		{"CityAccent", "são paulo", "UTC", rule(store.CadenceWeekly, time.Friday, 16, 0, "America/Sao_Paulo")},
		{"CityLink", "buenos aires", "UTC", rule(store.CadenceWeekly, time.Friday, 16, 0, "America/Argentina/Buenos_Aires")},
		{"AbbreviationOneZone", "JST", "UTC", rule(store.CadenceWeekly, time.Friday, 16, 0, "Asia/Tokyo")},
		// As people say it.
		{"Fillers", "every monday at 9am in tokyo", "UTC", rule(store.CadenceWeekly, time.Monday, 9, 0, "Asia/Tokyo")},
		{"SpacedPM", "fri 4 pm", "Europe/Paris", def},
		{"EveryDay", "every day at 9am", "UTC", rule(store.CadenceDaily, time.Friday, 9, 0, "UTC")},
		{"SpacedAM", "9 AM daily", "UTC", rule(store.CadenceDaily, time.Friday, 9, 0, "UTC")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := parseSchedule(subscribeGrammar, strings.Fields(tt.args), defaultSchedule(tt.tz))
			if err != nil {
				t.Fatal(err)
			}
			if !sameRule(got, tt.want) {
				t.Fatalf("parseSchedule(%q) = %+v, want %+v", tt.args, got, tt.want)
			}
			if _, err := got.SlotAfter(time.Now()); err != nil {
				t.Fatal(err)
			}
		})
	}

	// A fixed offset and a city say how they were read.
	for args, want := range map[string]string{
		"+02:00": "ignores daylight saving", "tokyo": "`tokyo` read as Asia/Tokyo", "JST": "`JST` read as Asia/Tokyo",
	} {
		if _, note, err := parseSchedule(subscribeGrammar, []string{args}, defaultSchedule("UTC")); err != nil || !strings.Contains(note, want) {
			t.Errorf("parseSchedule(%q): note %q, %v; want %q", args, note, err, want)
		}
	}

	errs := []struct {
		name string
		args []string
		tz   string
		want string // in the message
	}{
		{"ErrBadDay", []string{"funday"}, "UTC", "`funday` is not a day. Use mon…sun, for example `/mentor subscribe weekly tue 09:30`."},
		{"ErrBadDayToday", []string{"weekly", "Today"}, "UTC", "`Today` is not a day"},
		{"ErrBadTime", []string{"25:99"}, "UTC", "`25:99` is not a time"},
		{"ErrBadTime24", []string{"24:00"}, "UTC", "is not a time"},
		{"ErrBadTimeMinutes", []string{"9:60"}, "UTC", "is not a time"},
		{"ErrBadTime13pm", []string{"13pm"}, "UTC", "is not a time"},
		{"ErrBadTime0am", []string{"0am"}, "UTC", "is not a time"},
		{"ErrBareNumber", []string{"16"}, "UTC", "`16` alone is not a time. Write `16:00`, for example `/mentor subscribe 16:00`."},
		{"ErrBareMorningHour", []string{"weekly", "tue", "8"}, "UTC", "`8` alone is not a time. Write `08:00`, or `20:00` for the evening, for example `/mentor subscribe weekly tue 08:00`."},
		{"ErrBareMidnight", []string{"0"}, "UTC", "Write `00:00`"},
		{"ErrBareHourTwice", []string{"weekly", "tue", "8", "9"}, "UTC", "for example `/mentor subscribe 08:00`."},
		{"ErrBareHourAfterATime", []string{"weekly", "tue", "16:00", "8"}, "UTC", "for example `/mentor subscribe 08:00`."},
		{"ErrBareHourBeforeBadWord", []string{"8", "o'clock"}, "UTC", "for example `/mentor subscribe 08:00`."},
		{"ErrBareHourThenEmptyWord", []string{"tue", "8", ""}, "UTC", "`8` alone is not a time. Write `08:00`, or `20:00` for the evening, for example `/mentor subscribe 08:00`."},
		{"ErrBareHourCity", []string{"tue", "8", "new", "york"}, "UTC", "for example `/mentor subscribe tue 08:00 new york`."},
		{"ErrBareNoon", []string{"12"}, "UTC", "Write `12:00`,"},
		{"ErrBareNotAnHour", []string{"24"}, "UTC", "`24` is not a time. Use 24-hour HH:MM"},
		{"ErrBadTimeDot", []string{"9.30"}, "UTC", "is not a time"},
		{"ErrBadZone", []string{"Mars/Olympus"}, "UTC", "`Mars/Olympus` is not a time zone I know. Use a Region/City name, a city or an offset, for example `/mentor subscribe weekly fri 16:00 Europe/Paris`."},
		{"ErrZonePath", []string{"../../etc/passwd"}, "UTC", "is not a time zone I know"},
		{"ErrZoneAbsolute", []string{"/etc/localtime"}, "UTC", "is not a time zone I know"},
		{"ErrZoneDirectory", []string{"America/"}, "UTC", "is not a time zone I know"},
		{"ErrZoneNoRegion", []string{"Japan"}, "UTC", "`Japan` is not a time zone I know"},
		{"ErrOffsetTooFar", []string{"UTC+15"}, "UTC", "`UTC+15` is not a time zone I know"},
		{"ErrAmbiguousPST", []string{"PST"}, "UTC", "`PST` could be `America/Los_Angeles` or `Asia/Manila`: say which, for example `/mentor subscribe weekly fri 16:00 America/Los_Angeles`."},
		{"ErrAmbiguousIST", []string{"ist"}, "UTC", "`ist` could be `Asia/Kolkata`, `Europe/Dublin` or `Asia/Jerusalem`"},
		{"ErrAmbiguousCST", []string{"CST"}, "UTC", "`CST` could be `America/Chicago`, `Asia/Shanghai` or `America/Havana`"},
		{"ErrLocal", []string{"Local"}, "UTC", "I don't understand `Local`"},
		{"ErrTwoDays", []string{"mon", "tue"}, "UTC", "One day only, not both `mon` and `tue`"},
		{"ErrTwoTimes", []string{"09:00", "4pm"}, "UTC", "One time only, not both `09:00` and `4pm`"},
		{"ErrTwoZones", []string{"Europe/Paris", "UTC"}, "UTC", "One time zone only: `UTC` is a second one"},
		{"ErrTwoZonesCity", []string{"paris", "new", "york"}, "UTC", "One time zone only: `new york` is a second one"},
		{"ErrTwoCadences", []string{"weekly", "daily"}, "UTC", "not both `weekly` and `daily`"},
		{"ErrDayWithDaily", []string{"daily", "tue"}, "UTC", "A `daily` schedule has no day: drop `tue`"},
		{"ErrDayWithWeekdays", []string{"fri", "weekdays"}, "UTC", "A `weekdays` schedule has no day: drop `fri`"},
		{"ErrUnknownWord", []string{"banana"}, "UTC", "I don't understand `banana`. Use `/mentor subscribe [weekly|daily|weekdays] [DAY] [HH:MM] [TZ]`"},
		{"ErrEmptyWord", []string{""}, "UTC", "I don't understand ``"},
		{"ErrMarkup", []string{"<!channel>"}, "UTC", "`@channel`"}, // as typed; plain text pings nobody
		{"ErrBadDefaultZone", nil, "Mars/Olympus", "I don't know your time zone. Add it, for example `/mentor subscribe weekly fri 16:00 Europe/Paris`."},
		{"ErrLocalDefaultZone", nil, "Local", "I don't know your time zone"},
		{"ErrLongWord", []string{strings.Repeat("x", 500)}, "UTC", "I don't understand"},
		{"ErrLongZone", []string{"Europe/" + strings.Repeat("x", 500)}, "UTC", "is not a time zone"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := parseSchedule(subscribeGrammar, tt.args, defaultSchedule(tt.tz))
			if err == nil {
				t.Fatalf("parseSchedule(%q) = %+v, want an error", tt.args, s)
			}
			checkMemberError(t, err, tt.want, tt.args)
		})
	}
}

// TestParseSchedulePartial: what a subscriber does not name keeps its value.
func TestParseSchedulePartial(t *testing.T) {
	tokyo := rule(store.CadenceDaily, time.Friday, 9, 0, "Asia/Tokyo")
	tests := []struct {
		name string
		args string
		want store.Schedule
	}{
		{"TimeOnly", "16:00", rule(store.CadenceDaily, time.Friday, 16, 0, "Asia/Tokyo")},
		{"CadenceOnly", "weekly", rule(store.CadenceWeekly, time.Friday, 9, 0, "Asia/Tokyo")},
		{"ZoneOnly", "paris", rule(store.CadenceDaily, time.Friday, 9, 0, "Europe/Paris")},
		{"DayMakesWeekly", "tue", rule(store.CadenceWeekly, time.Tuesday, 9, 0, "Asia/Tokyo")},
		{"Nothing", "", tokyo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := parseSchedule(subscribeGrammar, strings.Fields(tt.args), tokyo)
			if err != nil {
				t.Fatal(err)
			}
			if !sameRule(got, tt.want) {
				t.Fatalf("from daily 09:00 Tokyo, %q: %s, want %s", tt.args, got.Describe(), tt.want.Describe())
			}
		})
	}
}

// TestZoneList keeps zones.txt equal to the Region/City names of the Go
// release's tz database, which time/tzdata embeds in the binary; -update
// rewrites it. Every name must load.
func TestZoneList(t *testing.T) {
	for name := range strings.Lines(zoneList) {
		if _, err := store.LoadZone(strings.TrimSpace(name)); err != nil {
			t.Fatalf("zones.txt: %v", err)
		}
	}
	zr, err := zip.OpenReader(filepath.Join(runtime.GOROOT(), "lib", "time", "zoneinfo.zip"))
	if err != nil {
		t.Skipf("no zoneinfo.zip in GOROOT to compare with: %v", err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		if strings.Contains(f.Name, "/") && !strings.HasSuffix(f.Name, "/") {
			names = append(names, f.Name)
		}
	}
	slices.Sort(names)
	want := strings.Join(names, "\n") + "\n"
	if *update {
		if err := os.WriteFile("zones.txt", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if zoneList != want {
		t.Fatalf("zones.txt differs from %s's tz database; run go test ./bot -run TestZoneList -update", runtime.Version())
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
			got, err := ParsePause(nil, "/mentor", strings.Fields(tt.args), now, tt.loc)
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
		{"ErrMissing", nil, "For how long? For example `/mentor pause 2w` or `/mentor pause until 2026-06-24`."},
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
			end, err := ParsePause(nil, "/mentor", tt.args, now, paris)
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
		"new york 9am", "são paulo", "+02:00", "-0530", "UTC+14", "gmt-12", "PST", "ist", "america/new_york",
		"tue 8 ", "weekly tue 8 9",
	} {
		f.Add(seed, "Europe/Paris", int64(1774746000))
	}
	f.Add("", "", int64(0))
	f.Add("", "Local", int64(-1))
	f.Fuzz(func(t *testing.T, text, defaultTZ string, unix int64) {
		// Split, not Fields: a quoted "" is an empty word.
		s, _, err := parseSchedule(subscribeGrammar, strings.Split(text, " "), defaultSchedule(defaultTZ))
		if err != nil {
			// Escaping may lengthen the quoted input; the input itself is clipped.
			msg := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(ErrorMessage(err))
			if ErrorCode(err) != EINVALID || strings.Contains(msg, "\n") || utf8.RuneCountInString(msg) > 300 {
				t.Fatalf("parseSchedule(%q, %q): bad error %q (%v)", text, defaultTZ, msg, ErrorCode(err))
			}
			return
		}
		// Any instant from about 1850 to 2150.
		after := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(unix%(150*365*86400)) * time.Second)
		due, err := s.SlotAfter(after)
		if err != nil {
			t.Fatalf("%s: SlotAfter(%v): %v", s.Describe(), after, err)
		}
		if !due.After(after) || due.Sub(after) > 8*24*time.Hour {
			t.Fatalf("%s: SlotAfter(%v) = %v", s.Describe(), after, due)
		}
		again, err := s.SlotAfter(due)
		if err != nil || !again.After(due) {
			t.Fatalf("%s: SlotAfter(%v) = %v, %v", s.Describe(), due, again, err)
		}
	})
}

// weeklyParis is a subscriber's schedule: Fridays at 16:00 in Paris.
var weeklyParis = rule(store.CadenceWeekly, time.Friday, 16, 0, "Europe/Paris")

// FuzzParseEvery: the words after `broadcast #CHANNEL every` never panic,
// and are either a weekly schedule that leaves at least the last word for
// the theme, or one member-safe line with a broadcast example.
func FuzzParseEvery(f *testing.F) {
	for _, seed := range []string{"", "mon", "mon 10:00", "mon 10:00 vision", "every monday at 10 am delegation", "mon 8  delegation",
		"fri 9am new york daring", "mon 10:00 CST vision", "daily 10:00 vision", "10:00", "at", "mon tue 10:00 x"} {
		f.Add(seed)
	}
	g := scheduleGrammar{name: "/mentor", broadcast: true}
	f.Fuzz(func(t *testing.T, text string) {
		words := strings.Split(text, " ") // not Fields: a quoted "" is an empty word
		s, n, _, err := parseEvery(g, words, "UTC", nil)
		if err != nil {
			if ErrorCode(err) != EINVALID || strings.Contains(ErrorMessage(err), "\n") || !strings.Contains(ErrorMessage(err), "`/mentor broadcast ") {
				t.Fatalf("parseEvery(%q): bad error %v", text, err)
			}
			return
		}
		if n >= len(words) || s.Cadence != store.CadenceWeekly {
			t.Fatalf("parseEvery(%q) = %s using %d of %d words", text, s.Describe(), n, len(words))
		}
	})
}

// Cities members live in that no zone is named after read as the zone
// that keeps their time; every such zone exists, and no city of the tz
// database is shadowed.
func TestOtherCities(t *testing.T) {
	for city, name := range otherCities {
		if _, err := store.LoadZone(name); err != nil {
			t.Fatalf("%s: %v", city, err)
		}
		if got := zones().byCity[city]; len(got) != 1 || got[0] != name {
			t.Fatalf("%s reads as %v, want %s", city, got, name)
		}
	}
	for typed, want := range map[string]string{"San Francisco": "America/Los_Angeles", "NYC": "America/New_York", "mumbai": "Asia/Kolkata", "Lyon": "Europe/Paris"} {
		s, _, err := parseSchedule(subscribeGrammar, append([]string{"09:00"}, strings.Fields(typed)...), defaultSchedule("UTC"))
		if err != nil || s.TZ != want {
			t.Errorf("09:00 %s: %q, %v; want %s", typed, s.TZ, err, want)
		}
	}
}
