package main

import (
	"strings"
	"testing"
	"time"
)

// TestTryHomeShownWhenItChanges: the Home tab shows again when what it says
// changes, not each time the app republishes it: a settings form the app
// refuses leaves the tab as it was, and try used to print it whole again,
// marked "updated".
func TestTryHomeShownWhenItChanges(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := runTry(t, start, `
:home
:click 2
:submit tz=PST
:submit cadence=weekly tz=Paris
`)
	refused, saved, ok := strings.Cut(out, "ana> :submit cadence=weekly tz=Paris")
	if !ok {
		t.Fatalf("transcript lacks the second submission:\n%s", out)
	}
	_, refused, _ = strings.Cut(refused, "ana> :submit tz=PST")
	inOrder(t, refused, `"PST" could be America/Los_Angeles or Asia/Manila`)
	if strings.Contains(refused, "your Home tab") {
		t.Errorf("a refused form showed the unchanged Home tab again:\n%s", refused)
	}
	inOrder(t, saved, "Settings saved", "── your Home tab (updated)", "Schedule: weekly on Friday at 16:00 (Europe/Paris)")
}

// TestTryWriteOnAFormWithAScale: some prompts' forms ask for a choice (a
// scale from 1 to 5) as well as words. :write there used to answer only
// `Slack would not send the form: "From 1 to 5" is required`; it now says
// how to send both. Each theme's prompts come once per cycle, so going
// through the last-mile theme meets such a form.
func TestTryWriteOnAFormWithAScale(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := runTry(t, start, strings.Repeat("/mentor prompt last-mile\n:click 1\n:write tired words\n:cancel\n", 14))
	if strings.Contains(out, "Slack would not send") {
		t.Errorf(":write submitted a form missing a required choice:\n%s", out)
	}
	inOrder(t, out, "This form asks for \"", `" too. Send both: :submit `, ` reflection="tired words" (:help lists the fields).`)
}

// TestTryAdvanceMeetsFollowUps: "I'll try it" promises a question a week
// later; :advance past it must deliver it at its time. It used to stop only
// at nudges and broadcasts, so the follow-up was reached a day late, past
// the grace window, and moved on without being asked.
func TestTryAdvanceMeetsFollowUps(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := runTry(t, start, "/mentor prompt experiments\n:click 3\n:advance 8d\n")
	inOrder(t, out, "[3 I'll try it]", "ana> :click 3\n", "I will ask how it went on Tuesday 8 December at 16:00 CET",
		"ana> :advance 8d\n", "── mentorbot · Tue 8 Dec 16:00 · :click 2.N\n", "Sent on the way: 1.")
}
