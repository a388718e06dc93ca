package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// An interactive envelope slack-go cannot decode (one field of an
// unexpected type) is logged by cause and envelope id only, acknowledged,
// and the member is told: under the form's field for a submission, in a DM
// for a click with no response_url. Before, a 1,790-byte WARN line held the
// payload, the reflection's words included, and the envelope was never
// acked.
func TestE2E_UndecodableEnvelope(t *testing.T) {
	t.Parallel()
	h, logs := newLoggedHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const words = "PRIVATE-WORDS-of-a-reflection"

	t.Run("ViewSubmission", func(t *testing.T) {
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
		var view map[string]any
		if err := json.Unmarshal(modal.JSON, &view); err != nil {
			t.Fatal(err)
		}
		view["private_metadata"] = 42 // slack-go wants a string
		odd, _ := json.Marshal(view)
		ack, err := h.sim.ForgeSubmission(ctx, "U1", odd, map[string]map[string]any{
			"reflection": {"text": map[string]any{"type": "plain_text_input", "value": words}}})
		if err != nil {
			t.Fatalf("not acknowledged: %v", err)
		}
		var resp struct {
			Action string            `json:"response_action"`
			Errors map[string]string `json:"errors"`
		}
		// The apology goes under the form's first field: the reflection's
		// text, or the rating when the drawn prompt is a scale.
		first := firstInputBlock(t, view)
		if err := json.Unmarshal(ack.Payload, &resp); err != nil || resp.Action != "errors" || !strings.Contains(resp.Errors[first], "nothing was saved") {
			t.Fatalf("ack %s; want the apology under the first field, %q", ack.Payload, first)
		}
		if rs := mustReflections(t, h.app.db, "U1"); len(rs) != 0 {
			t.Fatalf("%d reflections saved", len(rs))
		}
	})

	t.Run("HomeClick", func(t *testing.T) {
		before := len(h.dms("U1"))
		_, err := h.sim.Interactive(ctx, "U1", map[string]any{
			"type":    "block_actions",
			"view":    map[string]any{"type": "home", "id": "V0HOME", "blocks": "not a list"},
			"actions": []any{map[string]any{"action_id": "home.prompt", "type": "button", "value": words}},
		})
		if err != nil {
			t.Fatalf("not acknowledged: %v", err)
		}
		dm, err := h.sim.WaitMessage(ctx, func(m slacksim.Message) bool {
			return m.Channel == "DU1" && strings.Contains(m.Text, "nothing was saved or changed")
		})
		if err != nil || len(h.dms("U1")) != before+1 {
			t.Fatalf("no apology in a DM: %v %+v", err, dm)
		}
	})

	out := logs.String()
	if strings.Contains(out, words) {
		t.Fatalf("the member's words reached the log:\n%s", out)
	}
	if n := strings.Count(out, "envelope slack-go cannot decode"); n != 2 {
		t.Fatalf("%d log lines for 2 undecodable envelopes:\n%s", n, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "cannot decode") && len(line) > 600 {
			t.Fatalf("a log line of %d bytes: %s", len(line), line)
		}
	}
}

// firstInputBlock is the block id of a view's first input block.
func firstInputBlock(t *testing.T, view map[string]any) string {
	t.Helper()
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		if m, ok := b.(map[string]any); ok && m["type"] == "input" {
			if id, ok := m["block_id"].(string); ok {
				return id
			}
		}
	}
	t.Fatalf("the form has no input block: %v", view)
	return ""
}
