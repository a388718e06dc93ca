package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

func checkInValues(scores ...int) formValues {
	v := formValues{}
	for i, s := range scores {
		v[checkInBlock(i)] = map[string]slack.BlockAction{actionCheckInScore: {SelectedOption: slack.OptionBlockObject{Value: strconv.Itoa(s)}}}
	}
	return v
}

func TestCheckIn(t *testing.T) {
	b, sl := newTestBot(t), &homeSlack{}
	b.Slack = sl
	c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", TriggerID: "T1"}
	if _, err := b.Dispatch(context.Background(), c, "check-in"); err != nil {
		t.Fatal(err)
	}
	if len(sl.opened) != 1 || sl.opened[0].CallbackID != callbackCheckIn || len(sl.opened[0].Blocks.BlockSet) != len(statements)+2 {
		t.Fatalf("form opened: %+v", sl.opened)
	}
	if _, err := dispatch(t, b, "check-in"); ErrorCode(err) != EINVALID {
		t.Fatalf("no trigger: %v", err)
	}
	if _, err := dispatch(t, b, "check-in weekly"); ErrorCode(err) != EINVALID {
		t.Fatalf("check-in weekly: %v", err)
	}
	for text, want := range map[string]bool{"check-in monthly": true, "check-in off": false, "check-in MONTHLY": true} {
		if _, err := dispatch(t, b, text); err != nil {
			t.Fatal(err)
		}
		if on, _ := b.CheckIns.CheckInMonthly("U1"); on != want {
			t.Fatalf("%s: monthly %v", text, on)
		}
	}

	resp, err := b.submitCheckIn(c, checkInValues(5, 4, 0))
	if err != nil || resp.Action != "errors" || len(resp.Errors) != 3 || resp.Errors["ci3"] == "" || resp.Errors["ci5"] == "" {
		t.Fatalf("incomplete form: %+v, %v", resp, err)
	}
	if cs, _ := b.CheckIns.CheckIns("U1", 0); len(cs) != 0 {
		t.Fatalf("an incomplete form was saved: %+v", cs)
	}
	if _, err := b.submitCheckIn(c, checkInValues(5, 4, 3, 2, 1)); err != nil {
		t.Fatal(err)
	}
	b.Now = func() time.Time { return time.Date(2026, 12, 20, 16, 0, 0, 0, time.UTC) }
	resp, err = b.submitCheckIn(c, checkInValues(2, 4, 3, 2, 1))
	if err != nil || resp.Action != "update" {
		t.Fatalf("second check-in: %+v, %v", resp, err)
	}
	text := viewText(t, resp.View.Blocks.BlockSet)
	for _, want := range []string{"`▇▃` I can explain my recent decisions", "`▁▁` I feel at ease", "2 check-ins, 20 November to 20 December.",
		"went from 5 to 2", "`/mentor prompt impostor`"} {
		if !strings.Contains(text, want) {
			t.Errorf("trend lacks %q:\n%s", want, text)
		}
	}
	doc, err := b.exportMarkdown(nil, "U1", "", "")
	if err != nil || !strings.Contains(doc, "## Check-ins (2)") || !strings.Contains(doc, "- 2/5 I can explain") {
		t.Fatalf("export: %v\n%s", err, doc)
	}
}

// The monthly check-in comes with the first nudge of a month in the
// member's zone, for a member who opted in.
func TestMonthlyCheckIn(t *testing.T) {
	b := newTestBot(t)
	slot := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	if b.monthlyCheckIn("U1", slot, "Europe/Paris") {
		t.Fatal("not opted in, yet invited")
	}
	if err := b.CheckIns.SetCheckInMonthly("U1", true); err != nil {
		t.Fatal(err)
	}
	if !b.monthlyCheckIn("U1", slot, "Europe/Paris") {
		t.Fatal("first nudge ever: not invited")
	}
	sub := store.Subscription{UserID: "U1", Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 16, TZ: "Europe/Paris", NextDue: slot}}
	for _, tc := range []struct {
		prev time.Time
		want bool
	}{
		{time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC), true},   // last month
		{time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), false}, // 1 December in Paris
	} {
		n := store.Nudge{UserID: "U1", Slot: tc.prev, Status: store.NudgeSent, At: tc.prev}
		if err := b.Schedules.FinishNudge(n, sub, nil); err != nil {
			t.Fatal(err)
		}
		if got := b.monthlyCheckIn("U1", slot, "Europe/Paris"); got != tc.want {
			t.Errorf("previous nudge %v: invited %v, want %v", tc.prev, got, tc.want)
		}
	}
}
