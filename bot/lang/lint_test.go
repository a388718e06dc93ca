package lang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLint(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"core.de.toml": "lang_name = \"Deutsch\"\n# comment\ndate_clock = \"{{.H}}.{{.MM}} Uhr\"\n",
			"mine.fr.toml": "[status_streak]\none = \"{{.Count}} fois\"\nother = \"{{.Count}} fois\"\n",
			"impostor.md":  "not a message file",
		})
		problems, files, err := Lint(dir)
		if err != nil || files != 2 || len(problems) != 0 {
			t.Fatalf("Lint = %v, %d files, %v; want 2 files, no problems", problems, files, err)
		}
	})

	t.Run("Problems", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"bad.fr.toml": strings.Join([]string{
				`lang_nme = "français"`,             // 1: unknown id
				`apology = "Désolé {{.Cmd"`,         // 2: template
				`lang_set = "En {{.Langue}}."`,      // 3: a value not given
				`status_streak = "{{.Count}} fois"`, // 4: plural forms lost
			}, "\n"),
			"broken.fr.toml":  "lang_name = \"français\nx = 1\n",
			"messages.1.toml": "lang_name = \"x\"\n",
		})
		problems, files, err := Lint(dir)
		if err != nil || files != 3 {
			t.Fatalf("Lint: %d files, %v", files, err)
		}
		var got []string
		for _, p := range problems {
			got = append(got, p.String())
		}
		all := strings.Join(got, "\n")
		for _, want := range []string{
			"bad.fr.toml:1: warning: lang_nme is not a message the bot shows",
			"bad.fr.toml:2: apology: template: apology:1: unclosed action",
			"bad.fr.toml:3: lang_set uses {{.Langue}}, which the bot does not give it (it gives .Cmd, .Name)",
			"bad.fr.toml:4: status_streak needs plural forms",
			"broken.fr.toml:1: ",
			`messages.1.toml: "1" is not a language tag`,
		} {
			if !strings.Contains(all, want) {
				t.Errorf("problems lack %q:\n%s", want, all)
			}
		}
		if len(problems) != 6 {
			t.Errorf("%d problems, want 6:\n%s", len(problems), all)
		}
	})
}

// An operator's file adds a language: it is spoken, and its messages
// replace nothing of the others'.
func TestLoadOperatorLanguage(t *testing.T) {
	dir := writeFiles(t, map[string]string{"core.de.toml": "lang_name = \"Deutsch\"\n"})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Speaks("de") || c.Printer("de").Name() != "Deutsch" || c.Printer("fr").Name() != "français" {
		t.Fatalf("languages %v; de is %q", c.Languages(), c.Printer("de").Name())
	}
	if got := c.Printer("de").T("apology"); !strings.HasPrefix(got, "Sorry") {
		t.Fatalf("a message German lacks is %q, want the English", got)
	}
}
