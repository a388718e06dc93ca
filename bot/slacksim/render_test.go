package slacksim_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestRender(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "render", "*.json"))
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
			var msg struct {
				Text   string          `json:"text"`
				Blocks json.RawMessage `json:"blocks"`
			}
			if err := json.Unmarshal(raw, &msg); err != nil {
				t.Fatal(err)
			}
			out, buttons := slacksim.Render(msg.Text, msg.Blocks)
			var b strings.Builder
			b.WriteString(out + "\n--- buttons\n")
			for _, btn := range buttons {
				fmt.Fprintf(&b, "%d %q action=%s block=%s value=%s\n", btn.N, btn.Text, btn.ActionID, btn.BlockID, btn.Value)
			}
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("Render mismatch (-update to accept)\ngot:\n%s\nwant:\n%s", b.String(), want)
			}
		})
	}
}
