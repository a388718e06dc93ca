package prompts_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mentorbot/mentorbot/prompts"
)

// FuzzLoad feeds arbitrary bytes to the prompt file loader: it never panics,
// and every problem it reports names the file and a line inside it.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"catalog/impostor.md", "catalog/daring.md"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, seed := range []string{
		"", "---\n", "---\ntheme: x\n---\n", "---\ntheme: x\ntitle: X\nsummary: S\n---\n\n## x-1\naudience: ic\nkind: reflection\n\nWhat?\n",
		"## orphan\n", "---\ntheme: x\ntitle: X\nsummary: S\n---\n## x-1\naudience: wizard\nkind: gossip\n",
		"\r\n---\r\ntheme: x\r\n", strings.Repeat("## a\n", 100),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"d/x.md": {Data: data}}
		c, err := prompts.Load(fsys, "d")
		if err == nil {
			if c == nil {
				t.Fatal("no catalog and no error")
			}
			return
		}
		var probs prompts.Problems
		if !errors.As(err, &probs) {
			return // not a problem with the file's content
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, p := range probs {
			if p.File == "" || p.Line < 0 || p.Line > lines+1 || p.Msg == "" {
				t.Fatalf("problem %+v does not point into the file (%d lines)", p, lines)
			}
		}
	})
}
