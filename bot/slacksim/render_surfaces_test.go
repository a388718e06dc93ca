package slacksim_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// directory names the members and channels of the captured surfaces.
var directory = slacksim.Renderer{
	UserName: func(id string) (string, bool) {
		n, ok := map[string]string{"U0LEE": "lee", "U0ANA": "ana", "U0SAM": "sam"}[id]
		return n, ok
	},
	ChannelName: func(id string) (string, bool) {
		n, ok := map[string]string{"C0TEAM": "team"}[id]
		return n, ok
	},
}

// TestRendererSurfaces renders each surface the bot shows, captured from
// it under testdata/render/surfaces, as a member sees it, and compares
// with NAME.golden (go test -run TestRendererSurfaces -update rewrites
// them). An input is a message ({"text", "blocks"}) or a view ({"view",
// "errors"}); "color": true renders with ANSI styles.
func TestRendererSurfaces(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "render", "surfaces", "*.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var s struct {
				Text   string            `json:"text"`
				Blocks json.RawMessage   `json:"blocks"`
				View   json.RawMessage   `json:"view"`
				Errors map[string]string `json:"errors"`
				Color  bool              `json:"color"`
			}
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatal(err)
			}
			r := directory
			r.Color = s.Color
			var out string
			var buttons []slacksim.Button
			if s.View != nil {
				out, buttons = r.View(s.View, s.Errors)
			} else {
				out, buttons = r.Message(s.Text, s.Blocks)
			}
			var b strings.Builder
			b.WriteString(out + "\n--- buttons\n")
			for _, btn := range buttons {
				fmt.Fprintf(&b, "%d %q action=%s\n", btn.N, btn.Text, btn.ActionID)
			}
			compareGolden(t, strings.TrimSuffix(in, ".json")+".golden", b.String())
		})
	}
}

func compareGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("rendering differs from %s (-update to accept)\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}
