package prompts_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/prompts"
)

// FuzzLoad feeds arbitrary bytes to the prompt file loader, as an English
// file and as its French translation: it never panics, every problem it
// reports names the file and a line inside it, and it never accepts a file
// that is not UTF-8 text.
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
		// The same bytes as a translation of themselves: the language
		// checks see ids, themes and fields that match, or do not.
		lines := strings.Count(string(data), "\n") + 1
		_, err := prompts.Load(fstest.MapFS{"d/x.md": {Data: data}, "d/fr/x.md": {Data: data}}, "d")
		var probs prompts.Problems
		if errors.As(err, &probs) {
			for _, p := range probs {
				if p.File == "" || p.Line < 0 || p.Line > lines+1 || p.Msg == "" {
					t.Fatalf("problem %+v does not point into the files (%d lines)", p, lines)
				}
			}
		}
		fsys := fstest.MapFS{"d/x.md": {Data: data}}
		c, err := prompts.Load(fsys, "d")
		probs = nil
		if err == nil {
			if c == nil {
				t.Fatal("no catalog and no error")
			}
			if !isText(data) {
				t.Fatal("accepted a file with invalid UTF-8 or a control character")
			}
			return
		}
		if !errors.As(err, &probs) {
			return // not a problem with the file's content
		}
		if !isText(data) && !slices.ContainsFunc(probs, func(p prompts.Problem) bool {
			return p.Msg == "not valid UTF-8" || strings.HasPrefix(p.Msg, "contains a control character U+")
		}) {
			t.Fatalf("no problem says the file is not UTF-8 text: %v", probs)
		}
		for _, p := range probs {
			if p.File == "" || p.Line < 0 || p.Line > lines+1 || p.Msg == "" {
				t.Fatalf("problem %+v does not point into the file (%d lines)", p, lines)
			}
		}
	})
}

// isText reports whether data is what a prompt file may hold: UTF-8 with no
// control character but tabs and line ends (LF, or CRLF; a CR at the very end
// counts as one too).
func isText(data []byte) bool {
	s := strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r")
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return r != '\t' && r != '\n' && unicode.IsControl(r)
	})
}
