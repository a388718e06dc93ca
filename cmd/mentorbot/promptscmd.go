package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mentorbot/mentorbot/prompts"
)

// promptsCmd is `mentorbot prompts lint|list`, for prompt authors.
func promptsCmd(args []string, getenv envFunc, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: mentorbot prompts lint [DIR] | prompts list [--theme T] [--lang L] [--json] [--dir DIR]")
	}
	switch args[0] {
	case "lint":
		return promptsLint(args[1:], stdout)
	case "list":
		return promptsList(args[1:], getenv, stdout, stderr)
	default:
		return fmt.Errorf("unknown prompts command %q: use lint or list", args[0])
	}
}

// promptsLint checks the built-in catalog, or DIR as an operator overlay on
// top of it, and prints every problem as file:line: what is wrong.
func promptsLint(args []string, stdout io.Writer) error {
	if len(args) > 1 {
		return errors.New("usage: mentorbot prompts lint [DIR]")
	}
	base, err := prompts.Builtin()
	if len(args) == 0 {
		if err != nil {
			return fmt.Errorf("built-in catalog:\n%w", err)
		}
		// Warnings (a prompt a language has not translated yet) do not fail
		// the check, as for an operator's directory: the bot shows such a
		// prompt in English. The tests hold a release to none.
		if w := base.Warnings(); len(w) > 0 {
			fmt.Fprintf(stdout, "%s\nbuilt-in catalog: %d themes, %d prompts, %s, no other problems\n", w, len(base.Themes()), base.Len(), count(len(w), "warning"))
			return nil
		}
		fmt.Fprintf(stdout, "built-in catalog: %d themes, %d prompts, no problems\n", len(base.Themes()), base.Len())
		return nil
	}
	if err != nil {
		return fmt.Errorf("built-in catalog:\n%w", err)
	}
	dir := args[0]
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}
	// The same function serve loads the directory with: lint refuses
	// exactly what serve refuses.
	d, err := checkPromptsDir(dir)
	if err != nil {
		return err
	}
	if len(d.problems) > 0 {
		head := count(len(d.problems), "problem")
		if len(d.warnings) > 0 {
			head += ", " + count(len(d.warnings), "warning")
		}
		return fmt.Errorf("%s:\n%s", head, strings.Join(append(d.problems, d.warnings...), "\n"))
	}
	// "No problems" about a directory with nothing in it would hide a wrong
	// path (the parent folder, a typo'd subfolder) from the author.
	if d.promptFiles == 0 && d.messageFiles == 0 {
		return fmt.Errorf("%s: no prompt files (*.md) or message files (*.LANG.toml) in it; nothing was checked", dir)
	}
	// Warnings do not fail the check: the bot loads these files as they
	// are, and the author can fix them at leisure.
	for _, w := range d.warnings {
		fmt.Fprintln(stdout, w)
	}
	fmt.Fprintln(stdout, d.summary(dir))
	return nil
}

// count is "1 file" or "3 files": the author reads it, not a parser.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// promptFiles counts the files in dir the catalog loads: visible *.md files,
// in any case, there and in its language subdirectories (LANG/*.md).
func promptFiles(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() && prompts.IsLanguageDir(e.Name()) {
			sub, err := os.ReadDir(filepath.Join(dir, e.Name()))
			if err != nil {
				return 0, err
			}
			n += countMD(sub)
		}
	}
	return n + countMD(entries), nil
}

// countMD counts the visible *.md files among entries.
func countMD(entries []os.DirEntry) int {
	n := 0
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && strings.EqualFold(filepath.Ext(e.Name()), ".md") {
			n++
		}
	}
	return n
}

// promptsList prints the catalog, as text for people or JSON for tools.
func promptsList(args []string, getenv envFunc, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("prompts list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	theme := fs.String("theme", "", "only this theme (id or unique prefix)")
	asJSON := fs.Bool("json", false, "print JSON")
	lang := fs.String("lang", "en", "list as a member of this language reads it: en, fr, or one the directory adds (English where it has no text)")
	dir := fs.String("dir", lookupDefault(getenv, "MENTOR_PROMPTS_DIR", ""), "operator prompt directory to overlay")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// "prompts list daring" printed everything: say how to ask.
		return fmt.Errorf("prompts list takes only flags, not %q; for one theme: mentorbot prompts list -theme %s", strings.Join(fs.Args(), " "), fs.Arg(0))
	}
	// The loader serve uses: a member of a language the directory adds
	// with message files alone exists, and reads every prompt in English.
	c, m, err := loadPromptsDir(*dir, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	themes := c.Themes()
	if *theme != "" {
		t, err := c.ResolveTheme(*theme)
		if err != nil {
			return err
		}
		themes = []*prompts.Theme{t}
	}
	l := baseLanguage(*lang)
	if !m.Speaks(l) && !slices.Contains(c.Languages(), l) {
		return fmt.Errorf("no language %q: members can get %s", *lang, strings.Join(m.Languages(), ", "))
	}
	themes = localized(c, themes, l)
	if *asJSON {
		return writeJSON(stdout, themes)
	}
	for _, t := range themes {
		fmt.Fprintf(stdout, "# %s — %s (%d private, %d team)\n%s\n\n", t.ID, t.Title,
			t.Count(prompts.AudiencePrivate), t.Count(prompts.AudienceTeam), t.Summary)
		for _, p := range t.Prompts {
			fmt.Fprintf(stdout, "%s  (%s · %s · %s)\n  %s\n", p.ID, p.Audience, rolesText(p), p.Form, p.Text)
			if p.Try != "" {
				fmt.Fprintf(stdout, "  Try: %s\n", p.Try)
			}
			if p.Followup != "" {
				fmt.Fprintf(stdout, "  Follow-up: %s\n", p.Followup)
			}
			fmt.Fprintln(stdout)
		}
	}
	return nil
}

// baseLanguage is the base code of a language as a tired author may type
// it ("de-DE", "DE", "pt_BR"): languages are kept by base code, and a
// member's Slack locale gets its base language.
func baseLanguage(tag string) string {
	base, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	return strings.ToLower(strings.TrimSpace(base))
}

// localized returns themes with their titles and prompts in lang, English
// where lang has no text.
func localized(c *prompts.Catalog, themes []*prompts.Theme, lang string) []*prompts.Theme {
	out := make([]*prompts.Theme, len(themes))
	for i, t := range themes {
		nt := *c.ThemeIn(t, lang)
		nt.Prompts = make([]*prompts.Prompt, len(t.Prompts))
		for j, p := range t.Prompts {
			nt.Prompts[j] = c.Localize(p, lang)
		}
		out[i] = &nt
	}
	return out
}

// rolesText is a prompt's roles for the listing: "everyone" when it names
// none.
func rolesText(p *prompts.Prompt) string {
	if len(p.Roles) == 0 {
		return "everyone"
	}
	return strings.Join(p.Roles, ", ")
}

type jsonPrompt struct {
	ID       string     `json:"id"`
	Theme    string     `json:"theme"`
	Text     string     `json:"text"`
	Audience string     `json:"audience"`
	Roles    []string   `json:"roles,omitempty"` // none: for everyone
	Form     string     `json:"form"`
	Scale    *[2]string `json:"scale,omitempty"`
	Try      string     `json:"try,omitempty"`
	Followup string     `json:"followup,omitempty"`
	Source   string     `json:"source,omitempty"`
}

type jsonTheme struct {
	ID      string       `json:"id"`
	Title   string       `json:"title"`
	Summary string       `json:"summary"`
	Prompts []jsonPrompt `json:"prompts"`
}

func writeJSON(w io.Writer, themes []*prompts.Theme) error {
	out := make([]jsonTheme, 0, len(themes))
	for _, t := range themes {
		jt := jsonTheme{ID: t.ID, Title: t.Title, Summary: t.Summary, Prompts: []jsonPrompt{}}
		for _, p := range t.Prompts {
			jp := jsonPrompt{ID: p.ID, Theme: p.Theme, Text: p.Text, Audience: p.Audience, Roles: p.Roles,
				Form: p.Form, Try: p.Try, Followup: p.Followup, Source: p.Source}
			if p.Form == prompts.FormScale {
				jp.Scale = &p.Scale
			}
			jt.Prompts = append(jt.Prompts, jp)
		}
		out = append(out, jt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
