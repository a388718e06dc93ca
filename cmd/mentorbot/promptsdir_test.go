package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// germanPrompt is a German translation of one built-in prompt.
const germanPrompt = "---\ntheme: impostor\ntitle: Hochstapler\nsummary: Zweifel.\n---\n\n## impostor-quiet-question\naudience: private\n" +
	"try: Stell in einem öffentlichen Kanal eine Frage.\n\nWelche Frage hast du diese Woche nicht gestellt?\n"

// writeTree writes files (slash-separated paths) under a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for n, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLintRefusesWhatServeRefuses: for each directory, `prompts lint`
// fails and serve refuses to start, both naming the same problem; these
// used to pass lint and crash-loop the deploy, or pass both.
func TestLintRefusesWhatServeRefuses(t *testing.T) {
	t.Parallel()
	const de = "lang_name = \"Deutsch\"\n"
	cases := map[string]struct {
		files map[string]string
		want  string
	}{
		"UpperDirAlone":    {map[string]string{"DE/impostor.md": germanPrompt}, `DE: a language directory is named by its two-letter base code: rename it "de"`},
		"UpperDirMessages": {map[string]string{"messages.de.toml": de, "DE/impostor.md": germanPrompt}, `rename it "de"`},
		"RegionDir":        {map[string]string{"messages.de.toml": de, "de-DE/impostor.md": germanPrompt}, `rename it "de"`},
		// A message file is named as its folder of prompts would be.
		"RegionMessages": {map[string]string{"messages.de-DE.toml": de, "de/impostor.md": germanPrompt}, `messages.de-DE.toml: a language is named by its two-letter base code: rename it "messages.de.toml"`},
		"UpperMessages":  {map[string]string{"messages.DE.toml": de, "de/impostor.md": germanPrompt}, `messages.DE.toml: a language is named by its two-letter base code: rename it "messages.de.toml"`},
		"NotAString":     {map[string]string{"messages.de.toml": "lang_name = 42\n"}, "messages.de.toml:1: lang_name must be a string"},
		"UnknownForm":    {map[string]string{"messages.de.toml": de + "[status_streak]\none = \"a\"\nother = \"b\"\nzwei = \"z\"\n"}, `messages.de.toml:2: status_streak: "zwei" is not a plural form`},
		"Misnamed":       {map[string]string{"de.toml": de, "de/impostor.md": germanPrompt}, "de.toml: a message file is named NAME.LANG.toml"},
		"NeverRenders":   {map[string]string{"messages.de.toml": de + "lang_set = \"{{index .Name 99}}\"\n"}, "messages.de.toml:2: lang_set: the text cannot be shown"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := writeTree(t, tc.files)
			err := run(t.Context(), []string{"prompts", "lint", dir}, mapEnv(nil), nil, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("lint: %v; want a problem with %q", err, tc.want)
			}
			h := newHarness(t)
			h.env["MENTOR_PROMPTS_DIR"] = dir
			if err := runErr(t, h.env); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("serve: %v; want a refusal with %q", err, tc.want)
			}
		})
	}
}

// TestServeRefusalProblemsFirst: a partial translation with one typo'd id
// has hundreds of warnings; serve's refusal puts the problem first and
// counts the warnings in its last line, which is what a log's tail shows.
func TestServeRefusalProblemsFirst(t *testing.T) {
	t.Parallel()
	typo := strings.Replace(germanPrompt, "## impostor-quiet-question", "## impostor-quiet-questio", 1)
	dir := writeTree(t, map[string]string{"messages.de.toml": "lang_name = \"Deutsch\"\n", "de/impostor.md": typo})
	h := newHarness(t)
	h.env["MENTOR_PROMPTS_DIR"] = dir
	err := runErr(t, h.env)
	if err == nil {
		t.Fatal("serve started with a typo'd prompt id")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 || lines[0] != "MENTOR_PROMPTS_DIR: 1 problem:" || !strings.Contains(lines[1], `impostor.md:7: prompt "impostor-quiet-questio"`) ||
		!strings.HasPrefix(lines[2], "and ") || !strings.HasSuffix(lines[2], " warnings: `mentorbot prompts lint DIR` lists them") {
		t.Fatalf("refusal:\n%v", err)
	}
}

// TestLintHalfLanguage: German prompts without a German message file are
// never shown, since a member gets German only through its messages; lint
// says so.
func TestLintHalfLanguage(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"de/impostor.md": germanPrompt})
	var out strings.Builder
	if err := run(t.Context(), []string{"prompts", "lint", dir}, mapEnv(nil), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no message file gives language de a lang_name (such as messages.de.toml), so no member gets de") {
		t.Fatalf("lint printed:\n%s", out.String())
	}
}
