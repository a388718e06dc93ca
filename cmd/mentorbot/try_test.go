package main

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

func TestTryStripComment(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/mentor themes":                        "/mentor themes",
		":click 2            # press button 2":  ":click 2            ",
		"# a whole-line comment":                "",
		"#":                                     "",
		"/mentor broadcast #team last-mile":     "/mentor broadcast #team last-mile",
		"/mentor broadcast #team vision # note": "/mentor broadcast #team vision ",
		`/mentor broadcast #team "a # in quotes" # a comment`: `/mentor broadcast #team "a # in quotes" `,
		":write I'm #1, C# too":                               ":write I'm #1, C# too",
		":write tabs\t#\tcomment":                             ":write tabs\t",
	}
	for in, want := range cases {
		if got := stripComment(in); got != want {
			t.Errorf("stripComment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTryStripPrompt(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"ana> /mentor themes": " /mentor themes",
		"  sam> :help":        " :help",
		"bob> hi":             "bob> hi",
		"/mentor help":        "/mentor help",
	}
	for in, want := range cases {
		if got := stripPrompt(in); got != want {
			t.Errorf("stripPrompt(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrySplitArgs(t *testing.T) {
	t.Parallel()
	got := splitArgs(`time=09:30  tz="America/New York" focus=a,b empty=""`)
	want := []string{"time=09:30", "tz=America/New York", "focus=a,b", "empty="}
	if !slices.Equal(got, want) {
		t.Errorf("splitArgs = %q, want %q", got, want)
	}
}

func TestTryFieldInput(t *testing.T) {
	t.Parallel()
	cadence := formField{block: "cadence", label: "How often", kind: "static_select",
		options: []formOption{{"weekly", "Every week"}, {"weekdays", "Every weekday"}, {"daily", "Every day"}}}
	focus := formField{block: "focus", kind: "multi_static_select",
		options: []formOption{{"impostor", "Impostor syndrome"}, {"daring", "Daring"}}}
	clock := formField{block: "time", label: "Time", kind: "timepicker"}
	for _, c := range []struct {
		f        formField
		in, want string
		wantErr  bool
	}{
		{cadence, "daily", "daily", false},
		{cadence, "Every day", "daily", false},
		{cadence, "da", "daily", false},
		{cadence, "every", "", true}, // three options start so
		{cadence, "hourly", "", true},
		{focus, "imp, Daring", "impostor,daring", false},
		{focus, "", "", false},
		{focus, "nope", "", true},
		{clock, "9:30", "09:30", false},
		{clock, "23:59", "23:59", false},
		{clock, "25:00", "", true},
		{clock, "noon", "", true},
	} {
		in, err := fieldInput(c.f, c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("%s=%q: err %v, want error %v", c.f.block, c.in, err, c.wantErr)
			continue
		}
		if got := inputText(in); err == nil && got != c.want {
			t.Errorf("%s=%q: %q, want %q", c.f.block, c.in, got, c.want)
		}
	}
}

func TestTryFindField(t *testing.T) {
	t.Parallel()
	fields := []formField{{block: "time", label: "Time"}, {block: "tz", label: "Time zone"}, {block: "cadence", label: "How often"}}
	for name, want := range map[string]string{"time": "time", "tim": "time", "TZ": "tz", "time zone": "tz", "how": "cadence", "x": ""} {
		f, ok := findField(fields, name)
		if f.block != want || ok != (want != "") {
			t.Errorf("findField(%q) = %q, %v; want %q", name, f.block, ok, want)
		}
	}
}

// TestTrySessionClock: a message stamped by the real clock is placed at the
// session time of its moment, even when read after a later :advance.
func TestTrySessionClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	c := newSessionClock(start)
	if d := c.Now().Sub(start); d < 0 || d > time.Minute {
		t.Fatalf("Now is %v from the start", d)
	}
	before := time.Now()
	c.advance(72 * time.Hour)
	after := time.Now().Add(time.Millisecond)
	if d := c.at(before).Sub(start); d < 0 || d > time.Minute {
		t.Errorf("a message from before the advance is placed %v after the start", d)
	}
	if d := c.at(after).Sub(start); d < 72*time.Hour || d > 72*time.Hour+time.Minute {
		t.Errorf("a message from after the advance is placed %v after the start", d)
	}
	if ts, ok := tsTime("1700000000.000123"); !ok || ts.UnixMicro() != 1700000000000123 {
		t.Errorf("tsTime = %v, %v", ts, ok)
	}
}

func TestTryParseAdvance(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"30m": 30 * time.Minute, "6h": 6 * time.Hour, "1d": 24 * time.Hour, "2w": 14 * 24 * time.Hour} {
		if got, err := parseAdvance(in); err != nil || got != want {
			t.Errorf("parseAdvance(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0d", "-1h", "soon", "9999w"} {
		if _, err := parseAdvance(in); err == nil {
			t.Errorf("parseAdvance(%q) succeeded", in)
		}
	}
}

// TestTryColorFor: colour only on a terminal, and never with NO_COLOR set
// or TERM=dumb.
func TestTryColorFor(t *testing.T) {
	t.Parallel()
	env := func(vars map[string]string) envFunc {
		return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
	for _, c := range []struct {
		terminal bool
		vars     map[string]string
		want     bool
	}{
		{false, nil, false},
		{true, nil, true},
		{true, map[string]string{"NO_COLOR": ""}, true}, // set but empty: no-color.org says colour
		{true, map[string]string{"NO_COLOR": "1"}, false},
		{true, map[string]string{"TERM": "dumb"}, false},
		{true, map[string]string{"TERM": "xterm-256color"}, true},
	} {
		if got := colorFor(c.terminal, env(c.vars)); got != c.want {
			t.Errorf("colorFor(%v, %v) = %v", c.terminal, c.vars, got)
		}
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is no terminal")
	}
}

func TestTrySplitColon(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][2]string{
		"click 2":                 {"click", "2"},
		"click2":                  {"click", "2"},
		"CLICK  3 ":               {"click", "3"},
		"advance 7d":              {"advance", "7d"},
		"write I was #1 in 2024 ": {"write", "I was #1 in 2024"},
		"help":                    {"help", ""},
	} {
		if name, arg := splitColon(in); name != want[0] || arg != want[1] {
			t.Errorf("splitColon(%q) = %q, %q; want %q, %q", in, name, arg, want[0], want[1])
		}
	}
}
