package main

import (
	"context"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// TestE2E_CheckIn: the form opens from the command, saves what was chosen
// and answers with the trend, which Home shows too.
func TestE2E_CheckIn(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t)
	ctx := context.Background()
	h.slash("U1", "check-in")
	form := waitViews(t, h.sim, "U1", 1)[0]
	answers := map[string]map[string]slacksim.Input{}
	for i, v := range []string{"4", "3", "5", "2"} {
		answers["ci"+string(rune('1'+i))] = map[string]slacksim.Input{"score": {Option: v}}
	}
	// Slack itself refuses a form missing a required answer.
	if _, err := h.sim.SubmitForm(ctx, "U1", form.ID, answers); err == nil {
		t.Fatal("a form missing an answer was submitted")
	}
	answers["ci5"] = map[string]slacksim.Input{"score": {Option: "1"}}
	answers["ci_note"] = map[string]slacksim.Input{"note": {Text: "A hard month."}}
	ack, err := h.sim.SubmitForm(ctx, "U1", form.ID, answers)
	if err != nil || !strings.Contains(string(ack.Payload), "Your check-ins") || !strings.Contains(string(ack.Payload), "`▆` I can explain") {
		t.Fatalf("saved: %s, %v", ack.Payload, err)
	}
	cs, err := h.app.db.CheckIns("U1", 0)
	if err != nil || len(cs) != 1 || cs[0].Note != "A hard month." || cs[0].Scores[4] != 1 {
		t.Fatalf("check-ins %+v, %v", cs, err)
	}
	h.openHome("U1")
	waitHome(t, h.sim, "U1", "*Your check-ins*", "`▇` I finish what I start", "Check in")
}
