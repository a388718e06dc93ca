package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPromptsLint(t *testing.T) {
	t.Parallel()
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

	// An operator's file in the first edition's format passes, with a
	// warning at each line to change.
	t.Run("FirstEditionWarns", func(t *testing.T) {
		dir := t.TempDir()
		old := "---\ntheme: daring\n---\n\n## daring-mine\naudience: staff, lead\nkind: reflection\n\nWhat now?\n"
		if err := os.WriteFile(filepath.Join(dir, "mine.md"), []byte(old), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := run(t.Context(), []string{"prompts", "lint", dir}, mapEnv(nil), nil, &out, &out); err != nil {
			t.Fatalf("lint failed a first-edition file: %v", err)
		}
		for _, want := range []string{`mine.md:6: warning: audience lists roles (first-edition format): move them to "roles: staff, lead"`,
			`mine.md:7: warning: kind is replaced by audience (first-edition format): write "audience: private"`,
			// The built-in catalog speaks French: a prompt added in English only
			// reaches French members in English.
			`mine.md:5: warning: prompt "daring-mine" has no fr text: fr members see it in English until fr/daring.md translates it`,
			"1 file, 3 warnings, no other problems"} {
			if !strings.Contains(out.String(), want) {
				t.Fatalf("output lacks %q:\n%s", want, out.String())
			}
		}
	})

	// A directory may hold only translations, in LANG/ subdirectories: they
	// are counted and checked against the English prompt they translate.
	t.Run("LanguageDir", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "fr"), 0o755); err != nil {
			t.Fatal(err)
		}
		fr := "---\ntheme: impostor\n---\n\n## impostor-first-hour\naudience: private\n" +
			"try: Consacre 30 minutes à la première étape.\n\nQu'as-tu fait dans la première heure ?\n"
		if err := os.WriteFile(filepath.Join(dir, "fr", "mine.md"), []byte(fr), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := run(t.Context(), []string{"prompts", "lint", dir}, mapEnv(nil), nil, &out, &out); err != nil {
			t.Fatalf("lint of a translation: %v", err)
		}
		if !strings.Contains(out.String(), "1 file, no problems") {
			t.Fatalf("output = %q", out.String())
		}
		bad := strings.Replace(fr, "audience: private", "audience: team", 1)
		if err := os.WriteFile(filepath.Join(dir, "fr", "mine.md"), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		// An English prompt without its French text is a warning, counted
		// apart from the problems.
		en := "---\ntheme: daring\n---\n\n## daring-mine\naudience: private\n\nWhat now?\n"
		if err := os.WriteFile(filepath.Join(dir, "mine.md"), []byte(en), 0o644); err != nil {
			t.Fatal(err)
		}
		err := run(t.Context(), []string{"prompts", "lint", dir}, mapEnv(nil), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), `fr/mine.md:5: prompt "impostor-first-hour" has audience "team" here but "private" in English`) ||
			!strings.HasPrefix(err.Error(), "3 problems, 1 warning:\n") {
			t.Fatalf("lint of a translation that changes the audience: %v", err)
		}
	})

	// One problem is counted in words, not "1 problem(s)".
	t.Run("ErrOneProblem", func(t *testing.T) {
		dir := t.TempDir()
		bad := "---\ntheme: daring\n---\n\n## daring-mine\naudience: everyone\n\nWhat now?\n"
		if err := os.WriteFile(filepath.Join(dir, "mine.md"), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		err := run(t.Context(), []string{"prompts", "lint", dir}, mapEnv(nil), nil, io.Discard, io.Discard)
		if err == nil || !strings.HasPrefix(err.Error(), "1 problem:\n") {
			t.Fatalf("lint of one problem: %v", err)
		}
	})

	// A directory with no prompt file in it (a wrong path, a parent folder)
	// is an error, not "no problems".
	t.Run("ErrNoPromptFiles", func(t *testing.T) {
		dir := t.TempDir()
		for _, n := range []string{"README.txt", ".hidden.md", "notes.markdown"} {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Mkdir(filepath.Join(dir, "sub.md"), 0o755); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err := run(t.Context(), []string{"prompts", "lint", dir}, mapEnv(nil), nil, &out, &out)
		if err == nil || !strings.Contains(err.Error(), "no prompt files") {
			t.Fatalf("lint of a directory without prompt files: %v, output %q", err, out.String())
		}
		if code, _, stderr := runMain(t, nil, "prompts", "lint", dir); code == 0 || !strings.Contains(stderr, "no prompt files") {
			t.Fatalf("exit code %d, stderr %q; want non-zero", code, stderr)
		}
	})
}

// Every flag of prompts list is in the program's help and in the usage
// line of a bare "prompts", not only in "prompts --help".
func TestPromptsUsageListsEveryFlag(t *testing.T) {
	t.Parallel()
	bare := run(t.Context(), []string{"prompts"}, mapEnv(nil), nil, io.Discard, io.Discard)
	if bare == nil {
		t.Fatal("a bare prompts ran")
	}
	for _, flag := range []string{"--theme T", "--lang L", "--json", "--dir DIR"} {
		if !strings.Contains(commandsUsage, flag) {
			t.Errorf("mentorbot -h lacks %q:\n%s", flag, commandsUsage)
		}
		if !strings.Contains(bare.Error(), flag) {
			t.Errorf("the usage error lacks %q: %v", flag, bare)
		}
	}
}

func TestPromptsList(t *testing.T) {
	t.Parallel()
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
		if p.Text == "" || p.Source == "" || p.Audience == "" {
			t.Fatalf("incomplete prompt %+v", p)
		}
	}
}

// A theme given as an argument, not with -theme, is refused with the
// flag to use: before, the whole catalog was printed.
func TestPromptsList_StrayArgument(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(t.Context(), []string{"prompts", "list", "daring"}, mapEnv(nil), nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "prompts list -theme daring") {
		t.Fatalf("err = %v", err)
	}
}

// list --lang prints a theme and its prompts in that language, with the
// same ids; a language the catalog lacks is refused with the ones it has.
func TestPromptsList_Lang(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(t.Context(), []string{"prompts", "list", "--theme", "imp", "--lang", "fr", "--json"}, mapEnv(nil), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	var themes []jsonTheme
	if err := json.Unmarshal(out.Bytes(), &themes); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(themes) != 1 || themes[0].Title != "Syndrome de l'imposteur" || themes[0].Prompts[0].ID != "impostor-quiet-question" ||
		!strings.HasPrefix(themes[0].Prompts[0].Text, "Repense à la dernière fois") {
		t.Fatalf("list --theme imp --lang fr = %+v", themes)
	}
	err := run(t.Context(), []string{"prompts", "list", "--lang", "de"}, mapEnv(nil), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `no language "de": members can get en, fr`) {
		t.Fatalf("list --lang de: %v", err)
	}
}

// list --lang of a language an operator added with message files lists the
// catalog as its members read it: every prompt the bot would show them,
// in English where the language has no text of its own, as the bot does.
func TestPromptsList_LangWithoutPrompts(t *testing.T) {
	t.Parallel()
	list := func(t *testing.T, dir string, args ...string) []jsonTheme {
		t.Helper()
		var out bytes.Buffer
		args = append([]string{"prompts", "list", "--dir", dir, "--theme", "imp", "--json"}, args...)
		if err := run(t.Context(), args, mapEnv(nil), nil, &out, io.Discard); err != nil {
			t.Fatalf("%s: %v", strings.Join(args[2:], " "), err)
		}
		var themes []jsonTheme
		if err := json.Unmarshal(out.Bytes(), &themes); err != nil || len(themes) != 1 {
			t.Fatalf("not one theme: %v\n%s", err, out.String())
		}
		return themes
	}
	messagesOnly := writeTree(t, map[string]string{"messages.de.toml": "lang_name = \"Deutsch\"\n"})
	en := list(t, messagesOnly)
	for _, l := range []string{"de", "de-DE", "DE"} { // a tired author types the Slack locale
		de := list(t, messagesOnly, "--lang", l)
		if !reflect.DeepEqual(de, en) {
			t.Errorf("--lang %s of a language without prompts differs from English:\n%+v\nwant\n%+v", l, de, en)
		}
	}
	// One prompt translated: that one in German, the others in English.
	partial := writeTree(t, map[string]string{"messages.de.toml": "lang_name = \"Deutsch\"\n", "de/impostor.md": germanPrompt})
	de := list(t, partial, "--lang", "de")[0]
	if de.Title != "Hochstapler" || len(de.Prompts) != len(en[0].Prompts) {
		t.Fatalf("partial German: %q with %d prompts, want Hochstapler with %d", de.Title, len(de.Prompts), len(en[0].Prompts))
	}
	for i, p := range de.Prompts {
		switch {
		case p.ID == "impostor-quiet-question" && p.Text != "Welche Frage hast du diese Woche nicht gestellt?":
			t.Errorf("the translated prompt: %q", p.Text)
		case p.ID != "impostor-quiet-question" && p.Text != en[0].Prompts[i].Text:
			t.Errorf("%s: %q, want the English text", p.ID, p.Text)
		}
	}
	err := run(t.Context(), []string{"prompts", "list", "--dir", messagesOnly, "--lang", "es"}, mapEnv(nil), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `no language "es": members can get en, de, fr`) {
		t.Fatalf("list --lang es: %v", err)
	}
}
