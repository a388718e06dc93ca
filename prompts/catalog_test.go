package prompts_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mentorbot/mentorbot/prompts"
)

// MustLoad loads a fixture catalog from testdata, failing the test on any
// problem.
func MustLoad(tb testing.TB, dir string) *prompts.Catalog {
	tb.Helper()
	c, err := prompts.Load(os.DirFS("testdata"), dir)
	if err != nil {
		tb.Fatalf("load testdata/%s: %v", dir, err)
	}
	return c
}

// themeIDs lists the ids of a catalog's themes in order.
func themeIDs(c *prompts.Catalog) []string {
	var ids []string
	for _, t := range c.Themes() {
		ids = append(ids, t.ID)
	}
	return ids
}

// promptIDs lists the ids of a theme's prompts in order.
func promptIDs(tb testing.TB, c *prompts.Catalog, theme string) []string {
	tb.Helper()
	t, ok := c.Theme(theme)
	if !ok {
		tb.Fatalf("no theme %q", theme)
	}
	var ids []string
	for _, p := range t.Prompts {
		ids = append(ids, p.ID)
	}
	return ids
}

// TestBuiltin checks the embedded catalog. It depends on the content of
// catalog/*.md, unlike every other test.
func TestBuiltin(t *testing.T) {
	c, err := prompts.Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	essays := []string{`"The Daring Journey of a Staff Engineer" (OpenClassrooms)`, "Padok's VP of Engineering"}
	for _, id := range prompts.ThemeIDs {
		th, ok := c.Theme(id)
		switch {
		case !ok:
			t.Errorf("theme %q missing", id)
			continue
		case th.Title == "" || th.Summary == "":
			t.Errorf("theme %q: title %q, summary %q; want both", id, th.Title, th.Summary)
		case th.Count(prompts.AudiencePrivate) < 12 || th.Count(prompts.AudienceTeam) < 6:
			t.Errorf("theme %q has %d private and %d team prompts, want at least 12 and 6", id,
				th.Count(prompts.AudiencePrivate), th.Count(prompts.AudienceTeam))
		}
		// A broadcast without role: draws only from these.
		everyone := 0
		for _, p := range th.Prompts {
			if p.Is(prompts.AudienceTeam) && p.ForEveryone() {
				everyone++
			}
		}
		if everyone < 4 {
			t.Errorf("theme %q has %d team prompts for everyone, want at least 4", id, everyone)
		}
		for _, p := range th.Prompts {
			// The source names the essay, then the idea after a colon.
			essay, idea, _ := strings.Cut(p.Source, ": ")
			if !slices.Contains(essays, strings.SplitN(essay, ",", 2)[0]) || len(strings.Fields(idea)) < 4 {
				t.Errorf("%s:%d: prompt %q source %q: want an essay's title or author and company, then the idea", p.File, p.Line, p.ID, p.Source)
			}
		}
	}
	if got := themeIDs(c)[:min(len(prompts.ThemeIDs), c.Len())]; !slices.Equal(got, prompts.ThemeIDs) {
		t.Errorf("theme order %v, want %v", got, prompts.ThemeIDs)
	}
	// Besides open questions, the three other forms, together at least a
	// fifth of the private prompts.
	forms := map[string]int{}
	private := 0
	for _, th := range c.Themes() {
		for _, p := range th.Prompts {
			if p.Is(prompts.AudiencePrivate) {
				private++
				forms[p.Form]++
			}
		}
	}
	if other := private - forms[prompts.FormQuestion]; other*5 < private || forms[prompts.FormFinish] == 0 || forms[prompts.FormScale] == 0 || forms[prompts.FormScenario] == 0 {
		t.Errorf("private prompts by form %v: want finish, scale and scenario, together at least a fifth of %d", forms, private)
	}
	// Warnings include a prompt without French text: the built-in catalog
	// ships complete in every language it has.
	if w := c.Warnings(); w != nil {
		t.Errorf("built-in catalog has warnings:\n%v", w)
	}
	// The issue named these as exposing one person in a channel.
	for _, id := range []string{"impostor-comparison", "impostor-too-big-too-soon", "impostor-worst-case",
		"impostor-least-technical", "growth-implicit-roles", "growth-the-bet", "communication-their-words"} {
		if p, ok := c.Prompt(id); ok && p.Audience != prompts.AudiencePrivate {
			t.Errorf("%s:%d: %s is %s, want private", p.File, p.Line, id, p.Audience)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c := MustLoad(t, "ok")
		if got, want := themeIDs(c), []string{"impostor", "daring", "apple"}; !slices.Equal(got, want) {
			t.Errorf("themes %v, want %v (built-in order, then added themes)", got, want)
		}
		if got, want := promptIDs(t, c, "impostor"), []string{"impostor-a", "impostor-b", "impostor-c", "impostor-d", "impostor-e"}; !slices.Equal(got, want) {
			t.Errorf("impostor prompts %v, want %v", got, want)
		}
		if c.Len() != 9 {
			t.Errorf("Len %d, want 9", c.Len())
		}
		th, _ := c.Theme("impostor")
		if th.Title != "Impostor syndrome" || th.Summary != "Doubting you belong in the room, and doing the work anyway." {
			t.Errorf("impostor title %q, summary %q", th.Title, th.Summary)
		}
	})
	t.Run("Prompt", func(t *testing.T) {
		c := MustLoad(t, "ok")
		p, ok := c.Prompt("impostor-a")
		if !ok {
			t.Fatal("impostor-a not found")
		}
		want := prompts.Prompt{
			ID:    "impostor-a",
			Theme: "impostor",
			Text: "Think of the last time you kept a question to yourself because asking it might show what you don't know yet." +
				"\n\nWhat did staying quiet cost you?\n- the answer\n- the time",
			Audience: prompts.AudiencePrivate,
			Roles:    []string{"ic"},
			Form:     prompts.FormQuestion,
			Try:      "Ask one question in public.",
			Source:   "Test essay: the first idea.",
			File:     "ok/impostor.md",
			Line:     7,
		}
		if !equalPrompt(*p, want) {
			t.Errorf("got  %#v\nwant %#v", *p, want)
		}
	})
	t.Run("CRLFAndCase", func(t *testing.T) {
		c := MustLoad(t, "ok")
		th, _ := c.Theme("daring")
		if th.Title != "Daring" || th.Summary != "Taking the risk worth taking." {
			t.Errorf("daring title %q, summary %q", th.Title, th.Summary)
		}
		p, _ := c.Prompt("daring-a")
		if p.Text != "What would you try if it could not fail?" {
			t.Errorf("text %q", p.Text)
		}
		if !slices.Equal(p.Roles, []string{"ic", "staff"}) || p.Audience != prompts.AudiencePrivate {
			t.Errorf("roles %q, audience %q; want lowercased, deduplicated", p.Roles, p.Audience)
		}
		if p.Source != "Test essay: daring." || p.Line != 7 {
			t.Errorf("source %q, line %d", p.Source, p.Line)
		}
	})
	t.Run("ErrProblems", func(t *testing.T) {
		_, err := prompts.Load(os.DirFS("testdata"), "lint/many")
		var probs prompts.Problems
		if !errors.As(err, &probs) || len(probs) == 0 {
			t.Fatalf("err %v, want Problems", err)
		}
		if lines := strings.Split(err.Error(), "\n"); len(lines) != len(probs) || lines[0] != probs[0].String() {
			t.Errorf("Error() %q: want one problem per line", err)
		}
	})
	t.Run("ErrNoDir", func(t *testing.T) {
		_, err := prompts.Load(os.DirFS("testdata"), "nope")
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("err %v, want ErrNotExist", err)
		}
	})
}

func equalPrompt(a, b prompts.Prompt) bool {
	return a.ID == b.ID && a.Theme == b.Theme && a.Text == b.Text && a.Try == b.Try &&
		a.Source == b.Source && a.File == b.File && a.Line == b.Line &&
		a.Audience == b.Audience && slices.Equal(a.Roles, b.Roles) && a.Form == b.Form &&
		a.Scale == b.Scale && a.Followup == b.Followup
}

// want is an expected problem: its position, and a part of its message.
type want struct {
	at  string // "file:line", relative to the linted directory
	msg string
}

// dirOf returns the directory part of a "dir/file:line" position.
func dirOf(at string) string {
	dir, _, _ := strings.Cut(at, "/")
	dir, _, _ = strings.Cut(dir, ":")
	return dir
}

// checkProblems fails unless got is exactly the wanted problems, in order.
func checkProblems(t *testing.T, dir string, got prompts.Problems, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(wants), got)
	}
	for i, w := range wants {
		at := filepath.ToSlash(strings.TrimPrefix(got[i].String(), dir+"/"))
		if !strings.HasPrefix(at, w.at+": ") || !strings.Contains(got[i].String(), w.msg) {
			t.Errorf("problem %d is %q, want %s: ...%s...", i, got[i], w.at, w.msg)
		}
	}
}

func TestLint(t *testing.T) {
	long := strings.Repeat("x", 60)
	tests := []struct {
		name string
		want []want
	}{
		{"ErrNoFrontMatter", []want{{"no-front-matter/x.md:1", "no front matter"}}},
		{"ErrUnterminatedFrontMatter", []want{{"unterminated/x.md:1", "not closed"}}},
		{"ErrUnknownFrontMatterKey", []want{{"front-unknown-key/x.md:5", `unknown front-matter key "author"`}}},
		{"ErrFrontMatterNoColon", []want{
			{"front-no-colon/x.md:2", `new theme "impostor" has no summary`},
			{"front-no-colon/x.md:4", `want "key: value" in front matter`},
		}},
		{"ErrFrontMatterDuplicateKey", []want{{"front-duplicate-key/x.md:4", `duplicate front-matter key "title"`}}},
		{"ErrMissingTheme", []want{{"missing-theme/x.md:1", "missing theme"}}},
		{"ErrBadThemeID", []want{{"bad-theme-id/x.md:2", `bad theme id "Impostor Syndrome"`}}},
		{"ErrTextBeforeHeading", []want{{"text-before-heading/x.md:7", "text before the first"}}},
		{"ErrFieldNoColon", []want{{"field-no-colon/x.md:10", `want a "key: value" field line`}}},
		{"ErrUnknownField", []want{{"unknown-field/x.md:10", `unknown field "author"`}}},
		{"ErrDuplicateField", []want{{"duplicate-field/x.md:10", `duplicate field "audience"`}}},
		{"ErrDuplicateID", []want{{"duplicate-id/b.md:13", `duplicate id "impostor-b" (first defined at duplicate-id/a.md:13)`}}},
		{"ErrBadID", []want{
			{"bad-id/x.md:7", `bad prompt id "Impostor_A"`},
			{"bad-id/x.md:13", `bad prompt id "impostor-` + long + `"`},
		}},
		{"ErrEmptyText", []want{
			{"empty-text/x.md:7", `prompt "impostor-a" has no text`},
			{"empty-text/x.md:12", `prompt "impostor-b" has no text`},
		}},
		// The file's second prompt is 3,000 two-byte runes: within the limit,
		// so only the first is reported.
		{"ErrTextTooLong", []want{{"text-too-long/x.md:7", "text is 3001 characters"}}},
		{"ErrTryTooLong", []want{{"try-too-long/x.md:7", "try is 3001 characters"}}},
		{"ErrUnknownAudience", []want{
			{"unknown-audience/x.md:8", `unknown audience "public" (want private or team; roles go in "roles: ic, staff")`},
			{"unknown-audience/x.md:9", `unknown role "cto" (want ic, staff, manager, lead)`},
		}},
		{"ErrUnknownKind", []want{
			{"unknown-kind/x.md:7", `prompt "impostor-a" has no audience`},
			{"unknown-kind/x.md:8", `warning: audience lists roles (first-edition format): move them to "roles: ic"`},
			{"unknown-kind/x.md:9", `unknown kind "rant"`},
		}},
		{"ErrMissingAudience", []want{
			{"missing-audience/x.md:7", `prompt "impostor-a" has no audience (want private or team)`},
			{"missing-audience/x.md:12", `prompt "impostor-b" has no audience`},
		}},
		{"ErrFirstEditionNoKind", []want{
			{"missing-kind/x.md:7", `prompt "impostor-a" has no audience`},
			{"missing-kind/x.md:8", `warning: audience lists roles`},
		}},
		{"FirstEdition", []want{
			{"first-edition/x.md:8", `warning: audience lists roles (first-edition format): move them to "roles: ic, staff" and write "audience: private" or "audience: team"`},
			{"first-edition/x.md:9", `warning: kind is replaced by audience (first-edition format): write "audience: private"`},
			{"first-edition/x.md:14", `warning: team prompt "impostor-b" says "you" in its text`},
			{"first-edition/x.md:14", `warning: team prompt "impostor-b" does not speak to a group`},
			{"first-edition/x.md:15", `warning: audience lists roles`},
			{"first-edition/x.md:16", `warning: kind is replaced by audience (first-edition format): write "audience: team"`},
			{"first-edition/x.md:22", `kind is the first-edition form of audience: remove it`},
			{"first-edition/x.md:26", `prompt "impostor-d" has no audience`},
			{"first-edition/x.md:27", `audience lists roles and roles is given too`},
		}},
		{"ErrTeamWording", []want{
			{"team-wording/x.md:7", `team prompt "impostor-a" says "you" in its text: a channel reads it as aimed at one person`},
			{"team-wording/x.md:7", `team prompt "impostor-a" does not speak to a group: say "we", "our" or "us"`},
			{"team-wording/x.md:13", `team prompt "impostor-b" says "your" in its followup`},
			{"team-wording/x.md:13", `team prompt "impostor-b" does not speak to a group`},
		}},
		{"ErrForms", []want{
			{"forms/x.md:7", `prompt "impostor-a" followup is not a question: end it with "?"`},
			{"forms/x.md:7", `prompt "impostor-a" is a sentence to finish: end its text with "…"`},
			{"forms/x.md:14", `prompt "impostor-b" is a scale and has no "scale: WHAT 1 MEANS | WHAT 5 MEANS" field`},
			{"forms/x.md:22", `scale is only for "form: scale"`},
			{"forms/x.md:28", `unknown form "poem" (want question, finish, scale, scenario)`},
			{"forms/x.md:32", `prompt "impostor-e" is a scenario: end it with the question it asks`},
			{"forms/x.md:41", `scale wants what 1 and 5 mean, separated by "|"`},
		}},
		{"ErrMissingTitle", []want{{"missing-title/x.md:2", `new theme "impostor" has no title`}}},
		{"ErrMissingSummary", []want{{"missing-summary/x.md:2", `new theme "impostor" has no summary`}}},
		{"ErrMissingTitleAndSummary", []want{{"missing-title-and-summary/x.md:2", "has no title and no summary"}}},
		{"ErrTitleConflict", []want{{"title-conflict/b.md:3", "title of theme \"impostor\" already set differently at title-conflict/a.md:3"}}},
		{"ErrRetiredStandalone", []want{{"retired-standalone/x.md:13", `cannot retire "impostor-old"`}}},
		{"ErrBadRetired", []want{{"bad-retired/x.md:10", `retired must be "true" or "false"`}}},
		{"ErrNoFiles", []want{{"no-files", "no prompt files"}}},
		{"ErrMany", []want{
			{"many/a.md:5", "unknown front-matter key"},
			{"many/a.md:8", "text before the first"},
			{"many/a.md:10", `bad prompt id "Bad Id"`},
			{"many/a.md:16", "has no text"},
			{"many/a.md:17", `unknown audience "cto"`},
			{"many/b.md:1", "no front matter"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := prompts.Lint(os.DirFS("testdata/lint"), dirOf(tt.want[0].at))
			checkProblems(t, "", got, tt.want)
		})
	}
	t.Run("OK", func(t *testing.T) {
		if got := prompts.Lint(os.DirFS("testdata"), "ok"); got != nil {
			t.Errorf("Lint(ok) = %v, want nil", got)
		}
	})
	t.Run("ErrNoDir", func(t *testing.T) {
		got := prompts.Lint(os.DirFS("testdata"), "nope")
		checkProblems(t, "", got, []want{{"nope", "cannot read"}})
	})
}

func TestProblem_String(t *testing.T) {
	if got := (prompts.Problem{File: "a.md", Line: 3, Msg: "bad"}).String(); got != "a.md:3: bad" {
		t.Errorf("got %q", got)
	}
	if got := (prompts.Problem{File: "dir", Msg: "bad"}).String(); got != "dir: bad" {
		t.Errorf("got %q", got)
	}
}

func TestCatalog_ResolveTheme(t *testing.T) {
	c := MustLoad(t, "ok")
	for _, tt := range []struct{ arg, want string }{
		{"impostor", "impostor"},
		{"IMP", "impostor"},
		{"  dar ", "daring"},
		{"a", "apple"},
	} {
		th, err := c.ResolveTheme(tt.arg)
		if err != nil || th.ID != tt.want {
			t.Errorf("ResolveTheme(%q) = %v, %v; want %s", tt.arg, th, err, tt.want)
		}
	}
	t.Run("ErrUnknownTheme", func(t *testing.T) {
		for _, arg := range []string{"zebra", "", "  "} {
			_, err := c.ResolveTheme(arg)
			var te *prompts.ThemeError
			if !errors.Is(err, prompts.ErrUnknownTheme) || !errors.As(err, &te) || te.Arg != arg {
				t.Errorf("ResolveTheme(%q) err = %v, want a ThemeError with ErrUnknownTheme", arg, err)
			}
		}
	})
	t.Run("ErrAmbiguousTheme", func(t *testing.T) {
		c := MustLoad(t, "ambiguous") // daring, delegation, dare
		_, err := c.ResolveTheme("D")
		var te *prompts.ThemeError
		if !errors.Is(err, prompts.ErrAmbiguousTheme) || !errors.As(err, &te) {
			t.Fatalf("err %v, want a ThemeError with ErrAmbiguousTheme", err)
		}
		if want := []string{"daring", "delegation", "dare"}; te.Arg != "D" || !slices.Equal(te.Candidates, want) {
			t.Errorf("arg %q, candidates %v; want D, %v", te.Arg, te.Candidates, want)
		}
		if got := err.Error(); got != `ambiguous theme "D": could be daring, delegation, dare` {
			t.Errorf("message %q", got)
		}
		if th, err := c.ResolveTheme("dare"); err != nil || th.ID != "dare" {
			t.Errorf("exact id that prefixes another: %v, %v", th, err)
		}
		if th, err := c.ResolveTheme("del"); err != nil || th.ID != "delegation" {
			t.Errorf("unique prefix: %v, %v", th, err)
		}
	})
}

// Prompt files are UTF-8 text: a line with invalid UTF-8 or a control
// character other than a tab is a problem at that line, for Lint and Load
// alike. Tabs, CRLF line ends and a leading byte-order mark are fine.
func TestLint_Characters(t *testing.T) {
	const head = "---\ntheme: apple\ntitle: Apples\nsummary: A theme.\n---\n\n## apple-a\naudience: private\nroles: ic\n\n"
	for _, tt := range []struct {
		name string
		file string
		want []want // at is "x.md:LINE"
	}{
		{"ErrNUL", head + "What\x00now?\n", []want{{"x.md:11", "contains a control character U+0000"}}},
		{"ErrLatin1", strings.Replace(head, "Apples", "Pommes \xe0 cidre", 1) + "What?\n",
			[]want{{"x.md:3", "not valid UTF-8"}}},
		{"ErrBoth", head + "bad \xff\xfe utf-8 and \x00 NUL\n", []want{
			{"x.md:11", "not valid UTF-8"},
			{"x.md:11", "contains a control character U+0000"},
		}},
		{"ErrEscapeInTry", strings.Replace(head, "roles: ic\n", "roles: ic\ntry: \x1b[1mbold\x1b[0m\n", 1) + "What?\n",
			[]want{{"x.md:10", "contains a control character U+001B"}}},
		{"ErrDEL", head + "What?\x7f\n", []want{{"x.md:11", "contains a control character U+007F"}}},
		{"ErrC1", head + "What?\u0085\n", []want{{"x.md:11", "contains a control character U+0085"}}},
		// CR alone does not end a line: the whole file is line 1.
		{"ErrCROnly", strings.ReplaceAll(head+"What?\n", "\n", "\r"), []want{
			{"x.md:1", "contains a control character U+000D"},
			{"x.md:1", "no front matter"},
		}},
		{"ErrFormFeedLineEnd", head + "What?\f\n", []want{{"x.md:11", "contains a control character U+000C"}}},
		{"ErrSecondLine", head + "What?\n\x00\n", []want{{"x.md:12", "contains a control character U+0000"}}},
		{"Tabs", head + "What\tnow?\n\tIndented.\n", nil},
		{"CRLFAndBOM", "\uFEFF" + strings.ReplaceAll(head+"What?\n", "\n", "\r\n"), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"d/x.md": {Data: []byte(tt.file)}}
			lint := prompts.Lint(fsys, "d")
			_, err := prompts.Load(fsys, "d")
			if tt.want == nil {
				if lint != nil || err != nil {
					t.Fatalf("Lint = %v, Load: %v; want no problem", lint, err)
				}
				return
			}
			checkProblems(t, "d", lint, tt.want)
			var load prompts.Problems
			if !errors.As(err, &load) || !slices.Equal(load, lint) {
				t.Fatalf("Load: %v; want the problems Lint reports:\n%v", err, lint)
			}
		})
	}
}
