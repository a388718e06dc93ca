package prompts

import (
	"cmp"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// baseLang is the language of the files directly in a catalog directory.
// Every other language translates its prompts, and a prompt a language lacks
// is shown in English.
const baseLang = "en"

// translation is one language's text for a catalog: its prompts by id, and
// its theme titles and summaries by theme id.
type translation struct {
	// prompts hold the language's text with the English prompt's
	// language-neutral fields (theme, audience, roles, form).
	prompts map[string]*Prompt
	themes  map[string]themeText
}

// themeText is a theme's title and summary in one language.
type themeText struct{ title, summary string }

func (tr *translation) clone() *translation {
	return &translation{prompts: maps.Clone(tr.prompts), themes: maps.Clone(tr.themes)}
}

// langDir is one language directory of a catalog: LANG/*.md.
type langDir struct {
	code  string
	dir   string // its name for messages, as name gives it
	files []*file
}

// readLanguages parses the language directories of dir: subdirectories named
// by a two-letter base language code other than English, such as "fr" or
// "de", with at least one prompt file. A subdirectory that names a language some other way ("fr-FR", "FR")
// or names English is a problem, so that its files are not silently ignored;
// any other subdirectory is left alone, as before languages existed.
func readLanguages(fsys fs.FS, dir string, name func(string) string) ([]langDir, Problems, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, err
	}
	var dirs []langDir
	var probs Problems
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() || strings.HasPrefix(n, ".") {
			continue
		}
		code, msg := languageDir(n)
		if msg != "" {
			probs = append(probs, Problem{File: name(n), Msg: msg})
		}
		if code == "" {
			continue
		}
		files, ps, err := readFiles(fsys, path.Join(dir, n), code, func(f string) string { return name(path.Join(n, f)) })
		if err != nil {
			return nil, nil, err
		}
		if len(files) == 0 {
			continue // an empty directory is not a language yet
		}
		dirs = append(dirs, langDir{code: code, dir: name(n), files: files})
		probs = append(probs, ps...)
	}
	return dirs, probs, nil
}

// languageDir returns the language code a subdirectory named n holds, or ""
// when it is not a language directory; msg, when not empty, says why a name
// that looks like a language is not used as one.
func languageDir(n string) (code, msg string) {
	if len(n) == 2 && isLower(n) {
		if b, err := language.ParseBase(n); err != nil || b.String() != n {
			return "", ""
		}
		if n == baseLang {
			return "", `English is the base language: put its prompt files directly in the directory, not in "en"`
		}
		return n, ""
	}
	// "FR", "fr-FR", "fr_CA": a language, named so that it would be missed.
	if len(n) >= 2 && (len(n) == 2 || n[2] == '-' || n[2] == '_') {
		if t, err := language.Parse(strings.ReplaceAll(n, "_", "-")); err == nil {
			if b, _ := t.Base(); len(b.String()) == 2 {
				return "", "a language directory is named by its two-letter base code: rename it " + `"` + b.String() + `"`
			}
		}
	}
	return "", ""
}

// IsLanguageDir reports whether a subdirectory named name of a prompt
// directory holds a language's prompt files: a two-letter base language code
// other than English, such as "fr" or "de".
func IsLanguageDir(name string) bool {
	code, _ := languageDir(name)
	return code != ""
}

func isLower(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) < 0
}

// dropReplaced forgets the translations of the prompts this directory
// redefines or retires in English: a translation was made for the text it
// replaces. It returns, by language, the ids whose translation it dropped.
func (b *builder) dropReplaced(c *Catalog) map[string]map[string]bool {
	dropped := map[string]map[string]bool{}
	for code, tr := range c.langs {
		for id := range b.defined {
			if _, ok := tr.prompts[id]; ok {
				delete(tr.prompts, id)
				if dropped[code] == nil {
					dropped[code] = map[string]bool{}
				}
				dropped[code][id] = true
			}
		}
	}
	return dropped
}

// checkLanguage checks one language directory against the English catalog c
// and adds its text to c. A language file translates: its themes and ids
// must be English ones, and each prompt keeps the English prompt's theme,
// audience, roles and form, and has a try line and a follow-up exactly when
// the English prompt does. With c nil (the English files are invalid), only
// duplicates are checked.
func (b *builder) checkLanguage(c *Catalog, l langDir) {
	heads := map[string]*themeHead{}
	defined := map[string]string{}
	for _, f := range l.files {
		if f.theme == "" {
			continue
		}
		h := heads[f.theme]
		if h == nil {
			h = &themeHead{first: f}
			heads[f.theme] = h
		}
		b.setHead(f, "title", f.title, f.titleLine, &h.title, &h.titleAt)
		b.setHead(f, "summary", f.summary, f.sumLine, &h.summary, &h.summaryAt)
		if c == nil {
			continue
		}
		if _, ok := c.Theme(f.theme); !ok {
			b.problem(f.name, f.themeLine, "theme %q is not in the English catalog: a %s file translates an English theme", f.theme, l.code)
		}
	}
	b.langHeads[l.code] = heads
	if c == nil {
		b.checkIDs(l.files, defined)
		return
	}
	tr := c.langs[l.code]
	if tr == nil {
		tr = &translation{prompts: map[string]*Prompt{}, themes: map[string]themeText{}}
		c.langs[l.code] = tr
	}
	for id, h := range heads {
		old := tr.themes[id]
		tr.themes[id] = themeText{title: cmp.Or(h.title, old.title), summary: cmp.Or(h.summary, old.summary)}
	}
	for _, s := range b.checkIDs(l.files, defined) {
		en, ok := c.prompts[s.p.ID]
		switch {
		case !ok && !c.retired[s.p.ID]:
			b.problem(s.p.File, s.p.Line, "prompt %q is not in the English catalog: a translation has the id of an English prompt", s.p.ID)
		case !ok:
			// The English prompt is withdrawn; its translation is moot.
		case s.retired:
			delete(tr.prompts, s.p.ID)
		default:
			b.compare(s, en.p)
			p := s.p
			p.Theme, p.Audience, p.Roles, p.Form = en.p.Theme, en.p.Audience, en.p.Roles, en.p.Form
			p.Source = cmp.Or(p.Source, en.p.Source)
			tr.prompts[p.ID] = &p
		}
	}
}

// checkIDs reports ids defined twice in one language directory, and returns
// the sections to apply, in file order.
func (b *builder) checkIDs(files []*file, defined map[string]string) []*section {
	var out []*section
	for _, f := range files {
		for _, s := range f.sections {
			id, at := s.p.ID, s.p.File+":"+strconv.Itoa(s.p.Line)
			if first, ok := defined[id]; ok {
				b.problem(s.p.File, s.p.Line, "duplicate id %q (first defined at %s)", id, first)
				continue
			}
			defined[id] = at
			out = append(out, s)
		}
	}
	return out
}

// compare reports each language-neutral field in which translation s
// differs from the English prompt en.
func (b *builder) compare(s *section, en *Prompt) {
	p, at := &s.p, en.File+":"+strconv.Itoa(en.Line)
	diff := func(field, here, there string) {
		if here != there {
			b.problem(p.File, p.Line, "prompt %q has %s %q here but %q in English (%s): a translation keeps them", p.ID, field, here, there, at)
		}
	}
	diff("theme", p.Theme, en.Theme)
	diff("audience", p.Audience, en.Audience)
	diff("roles", rolesOf(p.Roles), rolesOf(en.Roles))
	diff("form", p.Form, en.Form)
	for _, f := range [...]struct{ name, here, there string }{{"try", p.Try, en.Try}, {"followup", p.Followup, en.Followup}} {
		switch {
		case f.here == "" && f.there != "":
			b.problem(p.File, p.Line, "prompt %q has no %s line but the English one has (%s): translate it too", p.ID, f.name, at)
		case f.here != "" && f.there == "":
			b.problem(p.File, p.Line, "prompt %q has a %s line the English one lacks (%s): add it there first", p.ID, f.name, at)
		}
	}
}

// rolesOf is roles as a file writes them, "everyone" for none.
func rolesOf(roles []string) string {
	if len(roles) == 0 {
		return "everyone"
	}
	return strings.Join(roles, ", ")
}

// missing warns about every English prompt and theme a language has no
// text for, which its members see in English. So that an overlay does not
// repeat the base catalog's warnings, only what this directory changes is
// reported: its own English prompts and themes, and everything in a language
// the base did not have. dropped holds the translations dropReplaced forgot.
func (b *builder) missing(c *Catalog, langs []langDir, dropped map[string]map[string]bool) {
	added := map[string]string{} // language code to its directory, for the languages new here
	for _, l := range langs {
		if _, ok := b.base.langs[l.code]; !ok {
			added[l.code] = l.dir
		}
	}
	for _, code := range slices.Sorted(maps.Keys(c.langs)) {
		tr := c.langs[code]
		_, all := added[code]
		for _, t := range c.themes {
			b.missingTheme(t, code, tr, all)
			for _, p := range t.Prompts {
				if tr.prompts[p.ID] != nil || !(all || b.defined[p.ID] != "") {
					continue
				}
				if dropped[code][p.ID] {
					b.warn(p.File, p.Line, "prompt %q is replaced here, so its built-in %s text no longer fits: %s members see it in English until %s/%s.md translates it", p.ID, code, code, code, t.ID)
					continue
				}
				b.warn(p.File, p.Line, "prompt %q has no %s text: %s members see it in English until %s/%s.md translates it", p.ID, code, code, code, t.ID)
			}
		}
	}
}

// missingTheme warns when language code has no title or summary for theme
// t, at the language's file of the theme if there is one, else at the
// English file that defines the theme here, else (a language new here) at
// the language's directory.
func (b *builder) missingTheme(t *Theme, code string, tr *translation, all bool) {
	tt := tr.themes[t.ID]
	if tt.title != "" && tt.summary != "" {
		return
	}
	what := "title and summary"
	switch {
	case tt.title != "":
		what = "summary"
	case tt.summary != "":
		what = "title"
	}
	if h := b.langHeads[code][t.ID]; h != nil {
		b.warn(h.first.name, h.first.themeLine, "theme %q has no %s %s: %s members see the English one", t.ID, code, what, code)
		return
	}
	if h := b.heads[t.ID]; h != nil && (h.title != "" || h.summary != "") {
		b.warn(h.first.name, h.first.themeLine, "theme %q has no %s %s: %s members see the English one until %s/%s.md gives it", t.ID, code, what, code, code, t.ID)
		return
	}
	if all {
		b.warn(b.langDirs[code], 0, "theme %q has no %s %s: %s members see the English one until %s/%s.md gives it", t.ID, code, what, code, code, t.ID)
	}
}

// Localize returns prompt p as written in lang (a base code such as "fr"):
// the same id, theme, audience, roles and form, with its text, scale labels,
// experiment, follow-up and source in that language. It returns p itself for
// English, for a language the catalog does not have, and for a prompt the
// language has not translated, so a member always gets a prompt.
func (c *Catalog) Localize(p *Prompt, lang string) *Prompt {
	if p == nil {
		return nil
	}
	if tr := c.langs[baseCode(lang)]; tr != nil {
		if lp := tr.prompts[p.ID]; lp != nil {
			return lp
		}
	}
	return p
}

// ThemeIn returns theme t with its title and summary in lang, or t itself
// when the catalog has neither in that language. Its Prompts are t's, in
// English: Localize each one.
func (c *Catalog) ThemeIn(t *Theme, lang string) *Theme {
	tr := c.langs[baseCode(lang)]
	if t == nil || tr == nil {
		return t
	}
	tt, ok := tr.themes[t.ID]
	if !ok || tt.title == "" && tt.summary == "" {
		return t
	}
	nt := *t
	nt.Title, nt.Summary = cmp.Or(tt.title, t.Title), cmp.Or(tt.summary, t.Summary)
	return &nt
}

// Languages returns the base codes of the languages the catalog has text
// in: "en" first, then the others in order.
func (c *Catalog) Languages() []string {
	return append([]string{baseLang}, slices.Sorted(maps.Keys(c.langs))...)
}

// Untranslated returns the ids of the live prompts that have no text in
// lang, in theme and file order: what its members see in English. It is
// nil for English, and every id for a language the catalog does not have.
func (c *Catalog) Untranslated(lang string) []string {
	lang = baseCode(lang)
	if lang == baseLang {
		return nil
	}
	tr := c.langs[lang]
	var ids []string
	for _, t := range c.themes {
		for _, p := range t.Prompts {
			if tr == nil || tr.prompts[p.ID] == nil {
				ids = append(ids, p.ID)
			}
		}
	}
	return ids
}

// baseCode turns a language tag a caller may hold ("fr-FR", "FR", "fr_CA")
// into the base code languages are kept by.
func baseCode(lang string) string {
	lang, _, _ = strings.Cut(strings.ReplaceAll(lang, "_", "-"), "-")
	return strings.ToLower(lang)
}
