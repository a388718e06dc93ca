package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/slack-go/slack"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares blocks, as Slack would receive them, with
// testdata/NAME.golden.json, and their plain-text rendering as sent
// (slacksim.Render; try shows what a member sees) with testdata/NAME.golden.txt.
func golden(t *testing.T, name string, blocks []slack.Block) {
	t.Helper()
	raw, err := json.MarshalIndent(blocks, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, name+".golden.json", append(raw, '\n'))
	text, _ := slacksim.Render("", raw)
	compareGolden(t, name+".golden.txt", []byte(text))
}

func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the golden file; if the change is intended, run go test ./bot -run %s -update\ngot:\n%s", path, t.Name(), got)
	}
}

func builtin(t *testing.T) *prompts.Catalog {
	t.Helper()
	c, err := prompts.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGolden_Themes(t *testing.T) {
	golden(t, "themes", themesBlocks(nil, "/mentor", builtin(t).Themes()))
}

func TestGolden_PromptCard(t *testing.T) {
	b := New(MustOpenDB(t), builtin(t), nil)
	p, ok := b.Catalog.Prompt("impostor-quiet-question")
	if !ok {
		t.Fatal("impostor-quiet-question is gone from the catalog; pick another prompt for this golden file")
	}
	v := b.cardView(en, p, false)
	golden(t, "prompt-card", promptBlocks(v, cardBlocks(v), "impostor", time.Time{}))
}

func TestGolden_Help(t *testing.T) {
	b := newTestBot(t)
	golden(t, "help", helpBlocks(nil, "/mentor", b.table.subcommands()))
}

// The themes view must stay inside Slack's limits however many themes an
// operator adds: at most 50 blocks, sections under 3,000 characters.
func TestThemesBlocks_ManyThemes(t *testing.T) {
	var themes []*prompts.Theme
	for i := range 200 {
		themes = append(themes, &prompts.Theme{ID: "t" + string(rune('a'+i%26)), Title: "A theme with a long enough title", Summary: "A summary line that is long enough to matter when two hundred of them are listed."})
	}
	blocks := themesBlocks(nil, "/mentor", themes)
	if len(blocks) > 50 {
		t.Fatalf("%d blocks, Slack allows 50", len(blocks))
	}
	for _, b := range blocks {
		if s, ok := b.(*slack.SectionBlock); ok && len(s.Text.Text) >= 3000 {
			t.Fatalf("section of %d characters", len(s.Text.Text))
		}
	}
}

// A scale prompt's card says what 1 and 5 mean and what follows the rating.
func TestCardBlocks_Scale(t *testing.T) {
	p := &prompts.Prompt{ID: "x-scale", Theme: "x", Text: "How at ease are you?", Form: prompts.FormScale, Scale: [2]string{"anxious", "at <ease>"}}
	got := blocksText(t, Reply{Blocks: cardBlocks(cardView{Prompt: p})})
	if !strings.Contains(got, "From 1 (anxious) to 5 (at &lt;ease&gt;). Then: what would move it one point higher?") {
		t.Fatalf("card:\n%s", got)
	}
}

// TestStatusGolden pins /mentor status in both languages.
func TestStatusGolden(t *testing.T) {
	st := status{Name: "/mentor", Subscribed: true, Schedule: "every Friday at 16:00 (Europe/Paris)",
		Next: "Friday 4 December at 16:00 CET", Skipped: "Fri 11 Dec", Focus: []string{"impostor", "daring"}, Streak: 3}
	golden(t, "status", statusBlocks(en, st))
	st.Schedule, st.Next, st.Skipped = "chaque vendredi à 16 h (Europe/Paris)", "vendredi 4 décembre à 16 h (CET)", "ven. 11 déc."
	golden(t, "status.fr", statusBlocks(fr, st))
	golden(t, "status-unsubscribed.fr", statusBlocks(fr, status{Name: "/mentor", Unsubscribed: "1er décembre 2026", Streak: 1}))
}
