package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/prompts"
)

// promptText extracts the question of a prompt card from a reply: the
// section that quotes it (a scenario's opens with a line before its quote).
func promptText(t *testing.T, reply string) string {
	t.Helper()
	_, blocks, _ := strings.Cut(reply, "\n")
	var bs []struct {
		Type string `json:"type"`
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		t.Fatalf("reply blocks: %v\n%s", err, reply)
	}
	// The prompt is the section that quotes: a question is quoted whole; a
	// scenario opens with a label, then quotes its situation.
	for _, b := range bs {
		if b.Type == "section" && b.Text != nil && (strings.HasPrefix(b.Text.Text, ">") || strings.Contains(b.Text.Text, "\n>")) {
			return b.Text.Text
		}
	}
	t.Fatalf("no prompt in reply:\n%s", reply)
	return ""
}

// themeSize is how many reflection prompts a built-in theme has.
func themeSize(t *testing.T, id string) int {
	t.Helper()
	c, err := prompts.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	th, ok := c.Theme(id)
	if !ok {
		t.Fatalf("no theme %s", id)
	}
	n := 0
	for _, p := range th.Prompts {
		if p.Is(prompts.AudiencePrivate) {
			n++
		}
	}
	return n
}

// submitReflection submits a reflect modal with text as the member's words,
// as SubmitView does, and a middle rating when the prompt is a scale, whose
// form has a required menu for it: tests reflect on whatever prompt was
// picked.
func submitReflection(ctx context.Context, sim *slacksim.Server, user, viewID, text string) (*slacksim.Ack, error) {
	inputs, err := sim.FormInputs(user, viewID)
	if err != nil || inputs["rating"] == nil {
		return sim.SubmitView(ctx, user, viewID, map[string]map[string]string{"reflection": {"text": text}})
	}
	return sim.SubmitForm(ctx, user, viewID, map[string]map[string]slacksim.Input{
		"reflection": {"text": {Text: text}}, "rating": {"value": {Option: "3"}}})
}

// memberWords is what the member typed in a journal entry: a scale's entry
// starts with the rating (submitReflection's), then the words.
func memberWords(text string) string {
	if _, words, ok := strings.Cut(text, "\nOne point higher: "); ok {
		return words
	}
	return text
}

// e2eAckTimeout is how long the local Slack waits for an ack in the
// end-to-end tests of behaviour: see e2eSimOptions.
const e2eAckTimeout = 30 * time.Second

// e2eSimOptions are the local Slack's options for the end-to-end tests of
// behaviour. Slack's 3 s ack deadline becomes a generous bound there: those
// tests check what the bot answers, not how fast, and under -race on two
// cores shared with other test binaries an ack now and then took longer
// (TestE2E_IdentityForgedMalformed). The deadline itself is held by the
// fault tests, whose Slack keeps its 3 s (TestE2E_FaultSlowSlack), and the
// bot's own 2.5 s budget still decides when a reply goes to the response URL.
// socketsClosed waits, up to 5 s, for the local Slack to see every socket
// of a stopped bot closed. A bot started right after could otherwise have
// its first command sent down the old socket, as Slack may too, and lost:
// Slack never redelivers a slash command, so the test would wait out its
// 30 s for an ack. A test that keeps sockets of its own open just waits,
// and the log says so.
func socketsClosed(t testing.TB, sim *slacksim.Server) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); sim.Connections() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Logf("%d sockets still open 5 s after the bot stopped", sim.Connections())
			return
		}
	}
}

func e2eSimOptions() slacksim.Options { return slacksim.Options{AckTimeout: e2eAckTimeout} }
