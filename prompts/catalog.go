package prompts

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// builtinFS holds the built-in prompt files, one per theme, in English
// directly under catalog and in other languages under catalog/LANG.
//
//go:embed catalog
var builtinFS embed.FS

// Catalog is a checked, read-only set of themes and their prompts. It is safe
// for concurrent use; WithOverlay makes a new catalog rather than changing
// one.
type Catalog struct {
	// themes lists the built-in themes in DESIGN.md order, then the themes
	// operators added, by id.
	themes  []*Theme
	byID    map[string]int       // theme id to index in themes
	prompts map[string]promptRef // live prompt id to where it is
	// retired holds the ids an overlay withdrew, so a later overlay may
	// retire or redefine them without being told they do not exist.
	retired map[string]bool
	// warnings are what the files loaded with but should change, such as
	// the first edition's fields; serve logs them.
	warnings Problems
	// langs holds the other languages' text, by base code ("fr").
	langs map[string]*translation
}

// promptRef locates a live prompt, so the picker maps a history entry to a
// slot in its theme without searching.
type promptRef struct {
	p     *Prompt
	theme int // index in Catalog.themes
	pos   int // index in Theme.Prompts
}

func newCatalog() *Catalog {
	return &Catalog{byID: map[string]int{}, prompts: map[string]promptRef{}, retired: map[string]bool{}, langs: map[string]*translation{}}
}

// Builtin parses and checks the catalog embedded in the binary. Its files are
// named "catalog/THEME.md" in problems and in Prompt.File. An error here is a
// bug in a built-in file; TestBuiltin keeps it from shipping.
func Builtin() (*Catalog, error) {
	return Load(builtinFS, "catalog")
}

// Load parses and checks every *.md file in dir of fsys as a catalog of its
// own: every theme it names must be defined there with a title and a summary,
// and retiring a prompt is a problem because there is nothing to retire.
// Returns Problems, listing everything wrong, when the files are invalid.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	c, probs, err := build(nil, fsys, dir, func(n string) string { return path.Join(dir, n) })
	if err != nil {
		return nil, fmt.Errorf("load prompts from %s: %w", dir, err)
	}
	if c == nil {
		return nil, probs
	}
	return c, nil
}

// WithOverlay returns a new catalog made of c and the operator's prompt files
// in dir, an OS directory (MENTOR_PROMPTS_DIR). A file there may add a theme
// (with a title and a summary), add prompts to an existing theme, replace a
// prompt by defining its id again (the replacement may even name another
// theme), or withdraw one with "retired: true". c is not modified; an empty
// dir returns c itself. Returns Problems when the files are invalid.
func (c *Catalog) WithOverlay(dir string) (*Catalog, error) {
	if dir == "" {
		return c, nil
	}
	nc, probs, err := build(c, os.DirFS(dir), ".", func(n string) string { return filepath.Join(dir, n) })
	if err != nil {
		return nil, fmt.Errorf("load prompts from %s: %w", dir, err)
	}
	if nc == nil {
		return nil, probs
	}
	return nc, nil
}

// Lint returns every problem in the *.md files of dir in fsys, checked as a
// catalog of their own, as Load does. It returns nil when there are none.
// To check an operator directory, use LintOverlay.
func Lint(fsys fs.FS, dir string) Problems {
	_, probs, err := build(nil, fsys, dir, func(n string) string { return path.Join(dir, n) })
	if err != nil {
		return errorProblem(dir, err)
	}
	return probs
}

// LintOverlay returns every problem in an operator directory, checked against
// base as WithOverlay does: a file may add to one of base's themes without a
// title, and retire base's prompts, but not retire an unknown id. A nil base
// checks dir as a catalog of its own. It returns nil when there are none.
func LintOverlay(base *Catalog, dir string) Problems {
	_, probs, err := build(base, os.DirFS(dir), ".", func(n string) string { return filepath.Join(dir, n) })
	if err != nil {
		return errorProblem(dir, err)
	}
	return probs
}

// Themes returns the themes: the built-in ones in DESIGN.md order, then the
// ones operators added, by id. The slice is the caller's; the themes are
// shared and read-only.
func (c *Catalog) Themes() []*Theme {
	return slices.Clone(c.themes)
}

// Theme returns the theme with exactly this id.
func (c *Catalog) Theme(id string) (*Theme, bool) {
	i, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	return c.themes[i], true
}

// Prompt returns the live prompt with this id. A retired prompt, or one no
// longer in the catalog, is not found: history may still name it.
func (c *Catalog) Prompt(id string) (*Prompt, bool) {
	r, ok := c.prompts[id]
	return r.p, ok
}

// Warnings returns what the files loaded with but their authors should
// change, such as the first edition's "kind:" field or a prompt a language
// has not translated, each at its file and line; nil when there is nothing.
// A catalog made by WithOverlay lists its base's warnings first.
func (c *Catalog) Warnings() Problems {
	return slices.Clone(c.warnings)
}

// Len returns the number of live prompts.
func (c *Catalog) Len() int {
	return len(c.prompts)
}

// ResolveTheme finds the theme a member means by arg: the exact id, else the
// one theme whose id starts with arg, ignoring case and surrounding space.
// Returns a *ThemeError wrapping ErrUnknownTheme when no theme matches (or
// arg is blank), or ErrAmbiguousTheme, with the candidates, when several do.
func (c *Catalog) ResolveTheme(arg string) (*Theme, error) {
	key := strings.ToLower(strings.TrimSpace(arg))
	if t, ok := c.Theme(key); ok {
		return t, nil
	}
	var found []*Theme
	for _, t := range c.themes {
		if key != "" && strings.HasPrefix(t.ID, key) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return nil, &ThemeError{Arg: arg, Err: ErrUnknownTheme}
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, t := range found {
		ids[i] = t.ID
	}
	return nil, &ThemeError{Arg: arg, Candidates: ids, Err: ErrAmbiguousTheme}
}

// known reports whether id is a prompt of c, live or retired.
func (c *Catalog) known(id string) bool {
	_, ok := c.prompts[id]
	return ok || c.retired[id]
}

// clone copies c deeply enough that adding, replacing and removing prompts
// in the copy leaves c as it was. Prompts themselves are never changed, so
// they are shared.
func (c *Catalog) clone() *Catalog {
	nc := newCatalog()
	maps.Copy(nc.byID, c.byID)
	maps.Copy(nc.prompts, c.prompts)
	maps.Copy(nc.retired, c.retired)
	nc.warnings = c.warnings
	for code, tr := range c.langs {
		nc.langs[code] = tr.clone()
	}
	for _, t := range c.themes {
		nt := *t
		nt.Prompts = slices.Clone(t.Prompts)
		nc.themes = append(nc.themes, &nt)
	}
	return nc
}

// addTheme returns the theme with this id, adding an empty one if needed.
// Call index when done adding.
func (c *Catalog) addTheme(id string) *Theme {
	if t, ok := c.Theme(id); ok {
		return t
	}
	t := &Theme{ID: id}
	c.byID[id] = len(c.themes)
	c.themes = append(c.themes, t)
	return t
}

// put adds p to its theme, replacing a live prompt with the same id in place
// when it stays in the same theme. Call index when done.
func (c *Catalog) put(p *Prompt) {
	t := c.addTheme(p.Theme)
	if old, ok := c.prompts[p.ID]; ok && old.p.Theme == p.Theme {
		t.Prompts[slices.Index(t.Prompts, old.p)] = p
	} else {
		c.remove(p.ID)
		t.Prompts = append(t.Prompts, p)
	}
	c.prompts[p.ID] = promptRef{p: p}
}

// remove takes the live prompt with this id out of its theme, if there is
// one. Call index when done.
func (c *Catalog) remove(id string) {
	old, ok := c.prompts[id]
	if !ok {
		return
	}
	t, _ := c.Theme(old.p.Theme)
	t.Prompts = slices.DeleteFunc(t.Prompts, func(p *Prompt) bool { return p == old.p })
	delete(c.prompts, id)
}

// index puts the themes in order and recomputes every position.
func (c *Catalog) index() {
	slices.SortFunc(c.themes, func(x, y *Theme) int {
		return cmp.Or(cmp.Compare(themeRank(x.ID), themeRank(y.ID)), strings.Compare(x.ID, y.ID))
	})
	for i, t := range c.themes {
		c.byID[t.ID] = i
		for j, p := range t.Prompts {
			c.prompts[p.ID] = promptRef{p: p, theme: i, pos: j}
		}
	}
}

// themeRank orders the built-in themes as DESIGN.md does, before any other.
func themeRank(id string) int {
	if r := slices.Index(themeOrder[:], id); r >= 0 {
		return r
	}
	return len(themeOrder)
}
