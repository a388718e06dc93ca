package lang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// messages reads the built-in files of one language: id to its forms
// (a plain message has the single form "other").
func messages(t *testing.T, lang string) (map[string]map[string]string, map[string]string) {
	t.Helper()
	names, err := fs.Glob(builtinFS, "messages/*."+lang+".toml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no built-in %s files: %v", lang, err)
	}
	msgs := map[string]map[string]string{}
	file := map[string]string{}
	for _, n := range names {
		data, _ := builtinFS.ReadFile(n)
		var raw map[string]any
		if err := toml.Unmarshal(data, &raw); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for id, v := range raw {
			if prev, dup := file[id]; dup {
				t.Errorf("%s: message %s is also in %s", n, id, prev)
			}
			file[id] = n
			switch v := v.(type) {
			case string:
				msgs[id] = map[string]string{"other": v}
			case map[string]any:
				forms := map[string]string{}
				for k, f := range v {
					s, _ := f.(string)
					forms[k] = s
				}
				msgs[id] = forms
			default:
				t.Errorf("%s: message %s is a %T, not text or plural forms", n, id, v)
			}
		}
	}
	return msgs, file
}

var placeholder = regexp.MustCompile(`\.([A-Z][A-Za-z0-9]*)`)

func placeholders(forms map[string]string) []string {
	var names []string
	for _, s := range forms {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// TestParity keeps French complete: every English message exists in French,
// with plural forms if English has them, and nothing exists in French alone.
func TestParity(t *testing.T) {
	en, _ := messages(t, "en")
	fr, file := messages(t, "fr")
	for id, forms := range en {
		frForms, ok := fr[id]
		if !ok {
			t.Errorf("message %s is missing in French", id)
			continue
		}
		_, plural := forms["one"]
		_, frPlural := frForms["one"]
		if plural != frPlural {
			t.Errorf("%s: message %s has plural forms in one language only", file[id], id)
		}
	}
	for id := range fr {
		if _, ok := en[id]; !ok {
			t.Errorf("%s: message %s has no English original", file[id], id)
		}
	}
}

// call is a T or N call in the bot's sources with a literal id.
type call struct {
	at   string
	id   string
	keys []string // the names of the values it passes, when all are literals
}

// calls reads the bot's Go sources for every T or N call with a literal id.
func calls(t *testing.T) []call {
	t.Helper()
	var files []string
	for _, dir := range []string{".", "..", "../../cmd/mentorbot"} {
		m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		files = append(files, m...)
	}
	var out []call
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			ce, ok := n.(*ast.CallExpr)
			if !ok || len(ce.Args) == 0 {
				return true
			}
			sel, ok := ce.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "T" && sel.Sel.Name != "N") {
				return true
			}
			lit, ok := ce.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			c := call{at: fset.Position(ce.Pos()).String()}
			c.id, _ = strconv.Unquote(lit.Value)
			rest := ce.Args[1:]
			if sel.Sel.Name == "N" && len(rest) > 0 {
				rest = rest[1:]
				c.keys = append(c.keys, "Count")
			}
			for i := 0; i < len(rest); i += 2 {
				k, ok := rest[i].(*ast.BasicLit)
				if !ok || k.Kind != token.STRING || ce.Ellipsis.IsValid() {
					c.keys = nil // values passed another way: not checked
					break
				}
				name, _ := strconv.Unquote(k.Value)
				c.keys = append(c.keys, name)
			}
			out = append(out, c)
			return true
		})
	}
	return out
}

// TestMessagesUsedExist checks that every message the code asks for exists
// in English, and that no language's text uses a value the code does not
// pass: a typo in an id or a placeholder fails here rather than showing a
// member "<no value>".
func TestMessagesUsedExist(t *testing.T) {
	langs := map[string]map[string]map[string]string{}
	for _, l := range []string{"en", "fr"} {
		langs[l], _ = messages(t, l)
	}
	cs := calls(t)
	if len(cs) < 10 {
		t.Fatalf("found %d T or N calls; is the scan looking in the right place?", len(cs))
	}
	for _, c := range cs {
		if _, ok := langs["en"][c.id]; !ok {
			t.Errorf("%s: message %q does not exist", c.at, c.id)
			continue
		}
		if c.keys == nil {
			continue
		}
		for l, msgs := range langs {
			for _, name := range placeholders(msgs[c.id]) {
				if !slices.Contains(c.keys, name) {
					t.Errorf("%s: the %s text of %s uses {{.%s}}, which this call does not pass", c.at, l, c.id, name)
				}
			}
		}
	}
}

func TestMatch(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for locale, want := range map[string]string{
		"fr-FR": "fr", "fr-CA": "fr", "fr": "fr", "fr_BE": "fr",
		"en-US": "en", "en-GB": "en", "de-DE": "en", "ja-JP": "en", "": "en", "garbage!": "en",
	} {
		if got := c.Match(locale); got != want {
			t.Errorf("Match(%q) = %q, want %q", locale, got, want)
		}
	}
	if got := c.Languages(); !slices.Equal(got, []string{"en", "fr"}) {
		t.Errorf("Languages() = %v", got)
	}
}

func TestDates(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	fri := time.Date(2026, 12, 4, 16, 0, 0, 0, paris)
	first := time.Date(2027, 1, 1, 9, 30, 0, 0, paris)
	en, fr := c.Printer("en"), c.Printer("fr")
	for _, tc := range []struct{ got, want string }{
		{en.DateTime(fri), "Friday 4 December at 16:00 CET"},
		{fr.DateTime(fri), "vendredi 4 décembre à 16 h (CET)"},
		{fr.DateTime(first), "vendredi 1er janvier à 9 h 30 (CET)"},
		{en.ShortDate(fri), "Fri 4 Dec"},
		{fr.ShortDate(fri), "ven. 4 déc."},
		{fr.ShortDateYear(first), "ven. 1er janv. 2027"},
		{en.LongDate(first), "1 January 2027"},
		{fr.LongDate(first), "1er janvier 2027"},
		{fr.DayMonth(fri), "4 décembre"},
		{en.Clock(first), "09:30"},
		{fr.Clock(fri), "16 h"},
		{fr.Weekday(time.Monday), "lundi"},
		{fr.Name(), "français"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestPrinterFallbacks(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Printer("xx").Lang(); got != "en" {
		t.Errorf("a language the catalog lacks prints in %q, want en", got)
	}
	if got := c.Printer("fr").T("no_such_message"); got != "no_such_message" {
		t.Errorf("a missing message shows %q, want its id", got)
	}
}

func TestOverlay(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("mine.de.toml", "lang_name = \"Deutsch\"\ndate_weekday_5 = \"Freitag\"\n")
	write("mine.fr.toml", "lang_name = \"français (maison)\"\n")
	write("impostor.md", "not a message file\n")
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Speaks("de") || c.Match("de-AT") != "de" {
		t.Errorf("an operator's German file did not add German: %v", c.Languages())
	}
	de := c.Printer("de")
	if got := de.Weekday(time.Friday); got != "Freitag" {
		t.Errorf("German Friday = %q", got)
	}
	if got := de.Weekday(time.Monday); got != "Monday" {
		t.Errorf("a message German lacks = %q, want the English one", got)
	}
	if got := c.Printer("fr").Name(); got != "français (maison)" {
		t.Errorf("an operator's override = %q", got)
	}

	write("bad.notalanguage!.toml", "x = \"y\"\n")
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "not a language tag") {
		t.Errorf("a file named without a language: err = %v", err)
	}
	os.Remove(filepath.Join(dir, "bad.notalanguage!.toml"))
	// Languages are kept by base code, as prompt folders are named: a
	// region's file would be merged into, or hidden by, the base language's.
	write("mine.de-AT.toml", "lang_name = \"Deutsch\"\n")
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `mine.de-AT.toml: a language is named by its two-letter base code: rename it "mine.de.toml"`) {
		t.Errorf("a file named with a region: err = %v", err)
	}
	os.Remove(filepath.Join(dir, "mine.de-AT.toml"))
	write("broken.fr.toml", "x = \n")
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "broken.fr.toml") {
		t.Errorf("a file that is not TOML: err = %v", err)
	}
}

func BenchmarkT(b *testing.B) {
	c, _ := Builtin()
	p := c.Printer("fr")
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			p.T("lang_name")
		}
	})
	b.Run("template", func(b *testing.B) {
		for b.Loop() {
			p.T("date_clock", "H", 16, "M", 30, "HH", "16", "MM", "30")
		}
	})
}

func TestNilPrinterSpeaksEnglish(t *testing.T) {
	var p *Printer
	if got := p.T("lang_name"); got != "English" || p.Lang() != "en" {
		t.Errorf("nil printer: %q %q", got, p.Lang())
	}
}
