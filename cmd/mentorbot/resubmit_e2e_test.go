package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// The same modal (same view id and hash) submitted again, as when Slack's
// ack was lost and the member pressed Submit once more, is saved once and
// answered "Saved" again, also after a restart. Before, each submission was
// a journal entry of its own.
func TestE2E_ResubmittedFormSavedOnce(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h.slash("U1", "prompt")
	card := lastMessage(h.sim, "DU1", "ack")
	if _, err := h.sim.Click(ctx, "U1", card, "reflect.open"); err != nil {
		t.Fatal(err)
	}
	var modal slacksim.View
	for deadline := time.Now().Add(5 * time.Second); modal.ID == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no reflection modal opened")
		}
		for _, v := range h.sim.OpenViews("U1") {
			if v.CallbackID == "reflect" {
				modal = v
			}
		}
	}
	const text = "I doubted myself in the design review, then asked."
	raw := map[string]map[string]any{"reflection": {"text": map[string]any{"type": "plain_text_input", "value": text}}}
	// The prompt is picked at random; a scale's form also needs its rating,
	// the same 3 that submitReflection chooses.
	if inputs, err := h.sim.FormInputs("U1", modal.ID); err != nil {
		t.Fatal(err)
	} else if _, scale := inputs["rating"]["value"]; scale {
		raw["rating"] = map[string]any{"value": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "3"}}}
	}

	// The first submission, whose ack never reaches Slack: the modal stays
	// open as it was.
	if _, err := h.sim.ForgeSubmission(ctx, "U1", modal.JSON, raw); err != nil {
		t.Fatal(err)
	}
	// The member presses Submit again; this ack arrives, and the modal
	// turns into "Saved".
	ack, err := submitReflection(ctx, h.sim, "U1", modal.ID, text)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), "Saved to your journal") {
		t.Fatalf("the submission sent again was answered %s", ack.Payload)
	}
	if rs := mustReflections(t, h.app.db, "U1"); len(rs) != 1 {
		t.Fatalf("%d journal entries from one form, want 1", len(rs))
	}

	// After a restart the bot still knows that submission.
	h.stop()
	h.start()
	ack, err = h.sim.ForgeSubmission(ctx, "U1", modal.JSON, raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), "Saved to your journal") {
		t.Fatalf("after a restart the submission was answered %s", ack.Payload)
	}
	if rs := mustReflections(t, h.app.db, "U1"); len(rs) != 1 {
		t.Fatalf("%d journal entries after a restart, want 1", len(rs))
	}
}
