package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintRefusesWhatCannotShow: each file below loaded, or was silently
// passed over, and showed members nothing or a broken sentence; Lint now
// names each, with its line when the file has one, and Load refuses what
// Lint refuses.
func TestLintRefusesWhatCannotShow(t *testing.T) {
	const de = "lang_name = \"Deutsch\"\n"
	cases := map[string]struct {
		files map[string]string
		want  string
	}{
		"NotAString":       {map[string]string{"m.de.toml": "lang_name = 42\n"}, "m.de.toml:1: lang_name must be a string"},
		"AnArray":          {map[string]string{"m.de.toml": "lang_name = [\"Deutsch\"]\n"}, "m.de.toml:1: lang_name must be a string"},
		"UnknownForm":      {map[string]string{"m.de.toml": de + "[status_streak]\none = \"a\"\nother = \"b\"\nzwei = \"z\"\n"}, `m.de.toml:2: status_streak: "zwei" is not a plural form`},
		"NoOther":          {map[string]string{"m.de.toml": de + "[status_streak]\none = \"a\"\n"}, "m.de.toml:2: status_streak needs the plural form other"},
		"PluralNotPlural":  {map[string]string{"m.de.toml": de + "[lang_set]\none = \"a\"\nother = \"b\"\n"}, "m.de.toml:2: lang_set has no plural forms"},
		"Index":            {map[string]string{"m.de.toml": de + "lang_set = \"{{index .Name 99}}\"\n"}, "m.de.toml:2: lang_set: the text cannot be shown"},
		"Call":             {map[string]string{"m.de.toml": de + "lang_set = \"{{call .Name}}\"\n"}, "m.de.toml:2: lang_set: the text cannot be shown"},
		"Template":         {map[string]string{"m.de.toml": de + "lang_set = '{{template \"x\"}}'\n"}, "m.de.toml:2: lang_set: the text cannot be shown"},
		"Define":           {map[string]string{"m.de.toml": de + "lang_set = '{{define \"x\"}}y{{end}}'\n"}, "m.de.toml:2: lang_set: {{define}}"},
		"NoLangName":       {map[string]string{"m.de.toml": "lang_set = \"x {{.Name}}\"\n"}, "m.de.toml: language de has no lang_name"},
		"EmptyLangName":    {map[string]string{"m.de.toml": "lang_name = \"\"\n"}, "m.de.toml: language de has no lang_name"},
		"NoLangFile":       {map[string]string{"de.toml": de}, "de.toml: a message file is named NAME.LANG.toml"},
		"UpperExt":         {map[string]string{"messages.de.TOML": de}, "messages.de.TOML: a message file is named NAME.LANG.toml"},
		"InSubdir":         {map[string]string{"de/messages.de.toml": de}, "messages.de.toml: message files go directly in"},
		"Region":           {map[string]string{"m.de-DE.toml": de}, `m.de-DE.toml: a language is named by its two-letter base code: rename it "m.de.toml"`},
		"RegionUnderscore": {map[string]string{"m.pt_BR.toml": "lang_name = \"Português\"\n"}, `m.pt_BR.toml: a language is named by its two-letter base code: rename it "m.pt.toml"`},
		"UpperLang":        {map[string]string{"m.FR.toml": "lang_name = \"x\"\n"}, `m.FR.toml: a language is named by its two-letter base code: rename it "m.fr.toml"`},
		"TooLarge":         {map[string]string{"m.de.toml": de + "x = \"" + strings.Repeat("y", MaxFileSize) + "\"\n"}, "m.de.toml: too large"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for n, text := range tc.files {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755)
				if err := os.WriteFile(filepath.Join(dir, n), []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			problems, _, err := Lint(dir)
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, p := range problems {
				if !p.Warning {
					errs = append(errs, p.String())
				}
			}
			if len(errs) != 1 || !strings.Contains(errs[0], tc.want) {
				t.Fatalf("problems %q, want one with %q", errs, tc.want)
			}
		})
	}
}

// TestLintPassesGoodPlurals: a language's plural table may give any CLDR
// form so long as it has other, and Count is a number when it runs.
func TestLintPassesGoodPlurals(t *testing.T) {
	dir := writeFiles(t, map[string]string{"m.de.toml": "lang_name = \"Deutsch\"\n[status_streak]\none = \"{{.Count}} a\"\nfew = \"{{.Count}} b\"\nother = \"{{if gt .Count 1}}{{.Count}}{{end}} c\"\n"})
	problems, _, err := Lint(dir)
	if err != nil || len(problems) != 0 {
		t.Fatalf("Lint = %v, %v", problems, err)
	}
	if _, err := Load(dir); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkLintLargeFile: a message file near MaxFileSize with thousands of
// ids the bot never shows (each a warning at its line) lints in linear
// time; finding each id's line by rescanning the file took seconds.
func BenchmarkLintLargeFile(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("lang_name = \"Deutsch\"\n")
	for i := 0; sb.Len() < MaxFileSize-300; i++ {
		fmt.Fprintf(&sb, "x_unused_%d = %q\n", i, strings.Repeat("y", 200))
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.de.toml"), []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if problems, _, err := Lint(dir); err != nil || len(problems) < 4000 {
			b.Fatalf("Lint = %d problems, %v", len(problems), err)
		}
	}
}
