package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// Long reflections in scripts and symbols that cost many bytes: the journal
// fits the ack, every section within Slack's 3,000 characters, each entry
// cut with "…" and a pointer to export. Before, the ack passed 20 KB and
// the member saw only the words "Your journal".
func TestE2E_JournalOfLongEntries(t *testing.T) {
	t.Parallel()
	for name, text := range map[string]string{
		"Japanese": strings.Repeat("振り返り", 750),
		"Emoji":    strings.Repeat("🚀", 3000),
		"Escapes":  strings.Repeat("<&>", 1000),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newAppHarness(t)
			for i := range 5 {
				_, err := h.app.db.AddReflection(store.Reflection{UserID: "U1", PromptID: "impostor-1", Theme: "impostor",
					Prompt: "When did you last feel like a fraud?", Text: text, At: friMorning.Add(time.Duration(i-10) * time.Hour)})
				if err != nil {
					t.Fatal(err)
				}
			}
			for _, cmd := range []string{"journal", "journal 20"} {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				ack, err := h.sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: "U1", Text: cmd})
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				if n := len(ack.Payload); n == 0 || n >= 20*1024 {
					t.Fatalf("%s: ack of %d bytes", cmd, n)
				}
				var blocks []struct {
					Type string `json:"type"`
					Text struct {
						Text string `json:"text"`
					} `json:"text"`
				}
				if err := json.Unmarshal(ack.Blocks(), &blocks); err != nil {
					t.Fatal(err)
				}
				entries := 0
				for _, b := range blocks {
					if b.Type != "section" {
						continue
					}
					entries++
					if n := len(utf16.Encode([]rune(b.Text.Text))); n > 3000 {
						t.Fatalf("%s: a section of %d characters", cmd, n)
					}
					if !strings.HasSuffix(b.Text.Text, "…") || !strings.Contains(b.Text.Text, "fraud") {
						t.Fatalf("%s: entry not cut with an ellipsis under its prompt: %.200q", cmd, b.Text.Text)
					}
				}
				if entries != 5 {
					t.Fatalf("%s: %d entries shown, want 5:\n%s", cmd, entries, ack.Blocks())
				}
				if !strings.Contains(string(ack.Blocks()), "/mentor export` has every word") {
					t.Fatalf("%s: no pointer to export:\n%.500s", cmd, ack.Blocks())
				}
			}
		})
	}
}
