package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/prompts"
)

// promptText extracts the quoted question of a prompt card from a reply.
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
	for _, b := range bs {
		if b.Type == "section" && b.Text != nil && strings.HasPrefix(b.Text.Text, ">") {
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
