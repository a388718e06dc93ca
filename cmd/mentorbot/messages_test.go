package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An operator's message file in MENTOR_PROMPTS_DIR: one that would show a
// broken sentence stops serve with file:line; a good one replaces the
// built-in text.
func TestE2E_MessagesDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.en.toml")
	if err := os.WriteFile(file, []byte("# ours\nlang_usage = \"Type {{.Cmd}} language {{.Langs}}.\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	h.env["MENTOR_PROMPTS_DIR"] = dir
	err := runErr(t, h.env)
	if err == nil || !strings.Contains(err.Error(), "mine.en.toml:2: lang_usage uses {{.Langs}}") {
		t.Fatalf("err = %v, want file:line of the unknown value", err)
	}

	os.WriteFile(file, []byte("lang_usage = \"Type {{.Cmd}} language {{.Codes}}.\"\n"), 0o644)
	h.start()
	if got := h.slash("language"); !strings.Contains(got, "Type /mentor language en|fr.") {
		t.Fatalf("the operator's text is not shown:\n%s", got)
	}
}

func TestPromptsLintMessages(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "core.de.toml"), []byte("lang_name = \"Deutsch\"\nlang_nme = \"x\"\n"), 0o644)
		var out bytes.Buffer
		if err := run(t.Context(), []string{"prompts", "lint", dir}, mapEnv(nil), nil, &out, &out); err != nil {
			t.Fatalf("lint: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "core.de.toml:2: warning: lang_nme is not a message the bot shows") ||
			!strings.Contains(out.String(), "1 message file, 2 warnings, no other problems") || !strings.Contains(out.String(), "language de has messages but no prompt files") {
			t.Fatalf("lint printed %q", out.String())
		}
	})
	t.Run("ErrTemplate", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "core.fr.toml"), []byte("apology = \"Oups {{.Cmd\"\n"), 0o644)
		if code, _, stderr := runMain(t, nil, "prompts", "lint", dir); code == 0 || !strings.Contains(stderr, "core.fr.toml:1: apology: template") {
			t.Fatalf("exit code %d, stderr %q; want the file, its line and a non-zero exit", code, stderr)
		}
	})
}
