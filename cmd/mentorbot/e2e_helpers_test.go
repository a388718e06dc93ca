package main

import (
	"encoding/json"
	"strings"
	"testing"

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
