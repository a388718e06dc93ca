package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPromptsLint(t *testing.T) {
	t.Run("Builtin", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"prompts", "lint"}, mapEnv(nil), nil, &out, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "12 themes") {
			t.Fatalf("output = %q", out.String())
		}
	})

	t.Run("ErrBadDir", func(t *testing.T) {
		dir := t.TempDir()
		bad := "---\ntheme: daring\n---\n\n## daring-mine\naudience: staff\nkind: gossip\n\nWhat now?\n\n## daring-mine\naudience: staff\nkind: reflection\n\n\n"
		if err := os.WriteFile(filepath.Join(dir, "mine.md"), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err := run(t.Context(), []string{"prompts", "lint", dir}, mapEnv(nil), nil, &out, &out)
		if err == nil {
			t.Fatal("lint passed a bad directory")
		}
		for _, want := range []string{"mine.md:7", "gossip", "mine.md:11"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("lint error lacks %q:\n%v", want, err)
			}
		}
	})
}

func TestPromptsList(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"prompts", "list", "--theme", "last", "--json"}, mapEnv(nil), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	var themes []jsonTheme
	if err := json.Unmarshal(out.Bytes(), &themes); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(themes) != 1 || themes[0].ID != "last-mile" || len(themes[0].Prompts) < 15 {
		t.Fatalf("list --theme last = %+v", themes)
	}
	for _, p := range themes[0].Prompts {
		if p.Text == "" || p.Source == "" || len(p.Kinds) == 0 || len(p.Audiences) == 0 {
			t.Fatalf("incomplete prompt %+v", p)
		}
	}
}
