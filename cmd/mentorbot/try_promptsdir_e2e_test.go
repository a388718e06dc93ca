package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTryPromptsDir: try reads MENTOR_PROMPTS_DIR as serve does, so an
// operator who added German sees it as a member with a German Slack would,
// before deploying; a directory serve would refuse stops try the same way.
func TestTryPromptsDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	de := "lang_name = \"Deutsch\"\nlang_set = \"Erledigt: Ich spreche ab jetzt {{.Name}} mit dir.\"\n"
	if err := os.WriteFile(filepath.Join(dir, "messages.de.toml"), []byte(de), 0o644); err != nil {
		t.Fatal(err)
	}
	session := func(input string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		var out, errs bytes.Buffer
		off := false
		getenv := mapEnv(map[string]string{"MENTOR_PROMPTS_DIR": dir})
		o := tryOptions{getenv: getenv, start: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), color: &off, seed: 1, quiet: 100 * time.Millisecond}
		err := tryWith(ctx, o, []string{"-locale", "de-DE"}, strings.NewReader(input), &out, &errs)
		return out.String() + errs.String(), err
	}
	out, err := session("/mentor language de\n")
	if err != nil {
		t.Fatalf("try: %v\n%s", err, out)
	}
	inOrder(t, out, "ana> /mentor language de", "Erledigt: Ich spreche ab jetzt Deutsch mit dir.")

	// What serve refuses, try refuses with the same line.
	os.WriteFile(filepath.Join(dir, "messages.de.toml"), []byte(de+"lang_usage = \"{{.Nme}}\"\n"), 0o644)
	if out, err := session(""); err == nil || !strings.Contains(err.Error(), "messages.de.toml:3: lang_usage uses {{.Nme}}") {
		t.Fatalf("try started with a message serve refuses: %v\n%s", err, out)
	}
}
