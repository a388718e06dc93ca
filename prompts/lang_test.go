package prompts_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mentorbot/mentorbot/prompts"
)

// loadLang loads testdata/lang/ok: impostor in English, complete in French,
// one prompt and a title in German.
func loadLang(t *testing.T) *prompts.Catalog {
	t.Helper()
	c, err := prompts.Load(os.DirFS("testdata"), "lang/ok")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCatalog_Localize(t *testing.T) {
	c := loadLang(t)
	en, _ := c.Prompt("impostor-a")
	fr := c.Localize(en, "fr")
	want := prompts.Prompt{
		ID: "impostor-a", Theme: "impostor", Audience: prompts.AudiencePrivate, Roles: []string{"ic", "staff"},
		Form: prompts.FormQuestion, Text: "Repense à la dernière fois où tu as gardé une question pour toi.",
		Try: "Pose une question en public.", Followup: "Qu'est-ce que ça t'a coûté ?",
		Source: "Essai de test : la première idée.", File: "lang/ok/fr/impostor.md", Line: 7,
	}
	if !equalPrompt(*fr, want) {
		t.Errorf("Localize(fr)\n got  %#v\n want %#v", *fr, want)
	}
	for _, lang := range []string{"fr-FR", "FR", "fr_CA"} {
		if got := c.Localize(en, lang); got != fr {
			t.Errorf("Localize(%q) = %q, want the French prompt", lang, got.Text)
		}
	}
	for _, lang := range []string{"en", "", "es", "en-GB"} {
		if got := c.Localize(en, lang); got != en {
			t.Errorf("Localize(%q) = %q, want the English prompt itself", lang, got.Text)
		}
	}
	// A translation without a source line keeps the English one; a scale
	// has its labels in the language.
	b, _ := c.Prompt("impostor-b")
	if got := c.Localize(b, "fr"); got.Source != "Test essay: the second idea." || got.Audience != prompts.AudienceTeam {
		t.Errorf("impostor-b in French: source %q, audience %q", got.Source, got.Audience)
	}
	sc, _ := c.Prompt("impostor-c")
	if got := c.Localize(sc, "fr"); got.Scale != [2]string{"fragile", "solide"} || got.Form != prompts.FormScale {
		t.Errorf("impostor-c in French: form %q, scale %q", got.Form, got.Scale)
	}
	// German has only impostor-a: the others fall back to English.
	if got := c.Localize(b, "de"); got != b {
		t.Errorf("impostor-b in German = %q, want English", got.Text)
	}
	if got := c.Localize(en, "de"); got.Text != "Denk an das letzte Mal, als du eine Frage für dich behalten hast." || got.Source != en.Source {
		t.Errorf("impostor-a in German: %q, source %q", got.Text, got.Source)
	}
	if c.Localize(nil, "fr") != nil {
		t.Error("Localize(nil) is not nil")
	}
}

func TestCatalog_ThemeIn(t *testing.T) {
	c := loadLang(t)
	th, _ := c.Theme("impostor")
	fr := c.ThemeIn(th, "fr")
	if fr.ID != "impostor" || fr.Title != "Syndrome de l'imposteur" || fr.Summary != "Douter d'avoir sa place." || len(fr.Prompts) != 3 || fr.Prompts[0] != th.Prompts[0] {
		t.Errorf("ThemeIn(fr) = %+v", fr)
	}
	if th.Title != "Impostor syndrome" {
		t.Errorf("ThemeIn changed the English theme: %q", th.Title)
	}
	// German gives a title and no summary.
	if de := c.ThemeIn(th, "de"); de.Title != "Hochstapler-Syndrom" || de.Summary != th.Summary {
		t.Errorf("ThemeIn(de) = %q, %q", de.Title, de.Summary)
	}
	for _, lang := range []string{"en", "es"} {
		if got := c.ThemeIn(th, lang); got != th {
			t.Errorf("ThemeIn(%q) = %+v, want the theme itself", lang, got)
		}
	}
}

func TestCatalog_Languages(t *testing.T) {
	c := loadLang(t)
	if got, want := c.Languages(), []string{"en", "de", "fr"}; !slices.Equal(got, want) {
		t.Errorf("Languages = %v, want %v (the old/ directory is not a language)", got, want)
	}
	if got := MustLoad(t, "ok").Languages(); !slices.Equal(got, []string{"en"}) {
		t.Errorf("English-only catalog: Languages = %v", got)
	}
	if got, want := c.Untranslated("de"), []string{"impostor-b", "impostor-c"}; !slices.Equal(got, want) {
		t.Errorf("Untranslated(de) = %v, want %v", got, want)
	}
	if got := c.Untranslated("fr"); got != nil {
		t.Errorf("Untranslated(fr) = %v", got)
	}
	if got := c.Untranslated("es"); len(got) != 3 {
		t.Errorf("Untranslated(es) = %v, want all three", got)
	}
	if got := c.Untranslated("en"); got != nil {
		t.Errorf("Untranslated(en) = %v", got)
	}
}

// A language may lag behind English: the catalog loads, and says what is
// missing at the English prompt's heading.
func TestLint_LanguageIncomplete(t *testing.T) {
	got := prompts.Lint(os.DirFS("testdata"), "lang/ok")
	checkProblems(t, "", got, []want{
		{"lang/ok/de/impostor.md:2", `warning: theme "impostor" has no de summary: de members see the English one`},
		{"lang/ok/impostor.md:16", `warning: prompt "impostor-b" has no de text: de members see it in English until de/impostor.md translates it`},
		{"lang/ok/impostor.md:22", `warning: prompt "impostor-c" has no de text`},
	})
	if w := loadLang(t).Warnings(); !slices.Equal(w, got) {
		t.Errorf("Warnings = %v, want what Lint reports", w)
	}
}

func TestLint_Language(t *testing.T) {
	got := prompts.Lint(os.DirFS("testdata/lint"), "lang")
	checkProblems(t, "", got, []want{
		{"lang/en", `English is the base language: put its prompt files directly in the directory, not in "en"`},
		{"lang/fr-FR", `a language directory is named by its two-letter base code: rename it "fr"`},
		{"lang/fr/impostor.md:7", `team prompt "impostor-a" says "toi" in its text`},
		{"lang/fr/impostor.md:7", `prompt "impostor-a" has audience "team" here but "private" in English (lang/impostor.md:7)`},
		{"lang/fr/impostor.md:7", `prompt "impostor-a" has roles "ic" here but "ic, staff" in English`},
		{"lang/fr/impostor.md:7", `prompt "impostor-a" has form "scale" here but "question" in English`},
		{"lang/fr/impostor.md:7", `prompt "impostor-a" has no try line but the English one has (lang/impostor.md:7)`},
		{"lang/fr/impostor.md:7", `prompt "impostor-a" has no followup line but the English one has`},
		{"lang/fr/impostor.md:15", `team prompt "impostor-b" says "vous" in its followup`},
		{"lang/fr/impostor.md:15", `team prompt "impostor-b" does not speak to a group: say "nous", "notre" or "nos"`},
		{"lang/fr/impostor.md:15", `prompt "impostor-b" has a try line the English one lacks`},
		{"lang/fr/impostor.md:15", `prompt "impostor-b" has a followup line the English one lacks`},
		{"lang/fr/impostor.md:22", `duplicate id "impostor-b" (first defined at lang/fr/impostor.md:15)`},
		{"lang/fr/impostor.md:27", `prompt "impostor-zzz" is not in the English catalog`},
		{"lang/fr/impostor.md:32", `prompt "impostor-d" is a sentence to finish: end its text with "…"`},
		{"lang/fr/kiwi.md:2", `theme "kiwi" is not in the English catalog: a fr file translates an English theme`},
		{"lang/fr/kiwi.md:7", `prompt "impostor-c" has theme "kiwi" here but "impostor" in English`},
	})
}

func TestCatalog_WithOverlay_Language(t *testing.T) {
	base := loadLang(t)
	c, err := base.WithOverlay("testdata/overlay/lang")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := c.Prompt("impostor-a")
	if got := c.Localize(a, "fr").Text; got != "Quand as-tu gardé une question pour toi pour la dernière fois ?" {
		t.Errorf("overridden French text %q", got)
	}
	if got := base.Localize(a, "fr").Text; got != "Repense à la dernière fois où tu as gardé une question pour toi." {
		t.Errorf("the base catalog changed: %q", got)
	}
	// The overlay reworded impostor-c in English and not in French: the
	// built-in French text was made for the old wording, so French members
	// get the new English until the operator translates it.
	sc, _ := c.Prompt("impostor-c")
	if got := c.Localize(sc, "fr"); got != sc {
		t.Errorf("replaced prompt in French = %q, want the overlay's English", got.Text)
	}
	if nw, _ := c.Prompt("impostor-new"); c.Localize(nw, "fr").Text != "Qu'as-tu appris cette semaine ?" {
		t.Errorf("added prompt in French = %q", c.Localize(nw, "fr").Text)
	}
	th, _ := c.Theme("impostor")
	if fr := c.ThemeIn(th, "fr"); fr.Title != "L'imposteur" || fr.Summary != "Douter d'avoir sa place." {
		t.Errorf("French theme %q, %q: want the title overridden, the summary kept", fr.Title, fr.Summary)
	}
	if got, want := c.Languages(), []string{"en", "de", "es", "fr"}; !slices.Equal(got, want) {
		t.Errorf("Languages = %v, want %v", got, want)
	}
	if got, want := c.Untranslated("es"), []string{"impostor-b", "impostor-c", "impostor-new"}; !slices.Equal(got, want) {
		t.Errorf("Untranslated(es) = %v, want %v", got, want)
	}
}

// An overlay is told what it leaves untranslated: its own prompts in every
// language, and everything in a language it adds. What the base catalog
// lacks in its own languages is the base's to report.
func TestLintOverlay_Language(t *testing.T) {
	got := prompts.LintOverlay(loadLang(t), "testdata/overlay/lang")
	checkProblems(t, "", got, []want{
		{"lang/ok/impostor.md:16", `warning: prompt "impostor-b" has no es text: es members see it in English until es/impostor.md translates it`},
		{"testdata/overlay/lang/impostor.md:5", `warning: prompt "impostor-c" has no de text`},
		{"testdata/overlay/lang/impostor.md:5", `warning: prompt "impostor-c" has no es text`},
		{"testdata/overlay/lang/impostor.md:5", `warning: prompt "impostor-c" is replaced here, so its built-in fr text no longer fits: fr members see it in English until fr/impostor.md translates it`},
		{"testdata/overlay/lang/impostor.md:13", `warning: prompt "impostor-new" has no de text`},
		{"testdata/overlay/lang/impostor.md:13", `warning: prompt "impostor-new" has no es text`},
	})
}

// BenchmarkBuiltin measures what start-up and `prompts lint` pay to parse
// and cross-check the embedded catalog in every language.
func BenchmarkBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := prompts.Builtin(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLocalize measures the lookup every French card makes.
func BenchmarkLocalize(b *testing.B) {
	c, err := prompts.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	p, _ := c.Prompt("impostor-quiet-question")
	b.ReportAllocs()
	for b.Loop() {
		if c.Localize(p, "fr") == p {
			b.Fatal("no French text")
		}
	}
}

// An empty language directory, made ahead of the translation, is not yet a
// language: nothing is warned about, and nothing changes.
func TestCatalog_WithOverlay_EmptyLanguage(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "es"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := prompts.LintOverlay(loadLang(t), dir); got != nil {
		t.Errorf("LintOverlay = %v, want nothing", got)
	}
	c, err := loadLang(t).WithOverlay(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Languages(), []string{"en", "de", "fr"}; !slices.Equal(got, want) {
		t.Errorf("Languages = %v, want %v", got, want)
	}
}
