package prompts

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// builder checks the files of one directory against a base catalog and
// assembles the catalog they make.
type builder struct {
	base    *Catalog // the catalog the directory adds to; empty for Load
	overlay bool     // whether there is a base: themes may exist already
	probs   Problems
	// heads is what the directory says about each theme it names.
	heads map[string]*themeHead
	// defined maps a prompt id to where this directory first defines it.
	defined map[string]string
	// langHeads is what each language directory says about each theme, by
	// language code; langDirs names each language directory, for messages.
	langHeads map[string]map[string]*themeHead
	langDirs  map[string]string
}

// themeHead is a theme's title and summary as a directory sets them.
type themeHead struct {
	first              *file // the first file of the theme, for messages
	title, summary     string
	titleAt, summaryAt string
}

// build reads every *.md file in dir of fsys and checks them against base,
// which is nil for a catalog of its own. name turns a file name into the name
// problems and prompts carry. The error is for a directory that cannot be
// read; anything wrong inside the files is in the Problems. The catalog is
// nil when some problem is not a warning.
func build(base *Catalog, fsys fs.FS, dir string, name func(string) string) (*Catalog, Problems, error) {
	files, probs, err := readFiles(fsys, dir, baseLang, name)
	if err != nil {
		return nil, nil, err
	}
	langs, lprobs, err := readLanguages(fsys, dir, name)
	if err != nil {
		return nil, nil, err
	}
	if base == nil && len(files) == 0 {
		probs = append(probs, Problem{File: name(""), Msg: "no prompt files (*.md)"})
	}
	b := &builder{base: base, overlay: base != nil, probs: probs, heads: map[string]*themeHead{}, defined: map[string]string{},
		langHeads: map[string]map[string]*themeHead{}, langDirs: map[string]string{}}
	if b.base == nil {
		b.base = newCatalog()
	}
	b.checkThemes(files)
	b.checkPrompts(files)
	// Languages are checked against the English catalog these files make,
	// so only once it is valid; their own files' problems are in already.
	var c *Catalog
	var dropped map[string]map[string]bool
	if len(b.probs.Errors()) == 0 {
		c = b.assemble(files)
		dropped = b.dropReplaced(c)
	}
	b.probs = append(b.probs, lprobs...)
	for _, l := range langs {
		b.langDirs[l.code] = l.dir
		b.checkLanguage(c, l)
	}
	if c != nil {
		b.missing(c, langs, dropped)
	}
	slices.SortStableFunc(b.probs, func(x, y Problem) int {
		return cmp.Or(strings.Compare(x.File, y.File), cmp.Compare(x.Line, y.Line))
	})
	if len(b.probs.Errors()) > 0 {
		return nil, b.probs, nil
	}
	c.warnings = append(slices.Clone(c.warnings), b.probs...)
	return c, b.probs, nil
}

// readFiles parses every *.md file in dir, written in lang, in name order.
// Dot files are skipped: editors leave lock and swap files there.
func readFiles(fsys fs.FS, dir, lang string, name func(string) string) ([]*file, Problems, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, err
	}
	var files []*file
	var probs Problems
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.EqualFold(path.Ext(n), ".md") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, n))
		if err != nil {
			return nil, nil, err
		}
		f, ps := parseFile(name(n), lang, data)
		files = append(files, f)
		probs = append(probs, ps...)
	}
	return files, probs, nil
}

func (b *builder) problem(file string, line int, format string, args ...any) {
	b.probs = append(b.probs, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// warn records something the catalog loads with but the author should
// change, such as a prompt a language has not translated yet.
func (b *builder) warn(file string, line int, format string, args ...any) {
	b.probs = append(b.probs, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// checkThemes gathers titles and summaries, and checks that every theme a
// file names either exists in the base or is defined here.
func (b *builder) checkThemes(files []*file) {
	var order []string
	for _, f := range files {
		if f.theme == "" {
			continue
		}
		h := b.heads[f.theme]
		if h == nil {
			h = &themeHead{first: f}
			b.heads[f.theme] = h
			order = append(order, f.theme)
		}
		b.setHead(f, "title", f.title, f.titleLine, &h.title, &h.titleAt)
		b.setHead(f, "summary", f.summary, f.sumLine, &h.summary, &h.summaryAt)
	}
	for _, id := range order {
		h := b.heads[id]
		if _, ok := b.base.Theme(id); ok {
			continue
		}
		f := h.first
		switch {
		case h.title == "" && h.summary == "" && b.overlay:
			b.problem(f.name, f.themeLine, "unknown theme %q: it is not an existing theme, and a new theme needs a title and a summary", id)
		case h.title == "" && h.summary == "":
			b.problem(f.name, f.themeLine, "new theme %q has no title and no summary", id)
		case h.title == "":
			b.problem(f.name, f.themeLine, "new theme %q has no title", id)
		case h.summary == "":
			b.problem(f.name, f.themeLine, "new theme %q has no summary", id)
		}
	}
}

// setHead records a theme's title or summary, reporting a second file that
// sets it differently: which one wins would depend on file names.
func (b *builder) setHead(f *file, key, val string, line int, dst, at *string) {
	if val == "" {
		return
	}
	if *dst != "" && *dst != val {
		b.problem(f.name, line, "%s of theme %q already set differently at %s", key, f.theme, *at)
		return
	}
	if *dst == "" {
		*dst, *at = val, f.name+":"+strconv.Itoa(line)
	}
}

// checkPrompts checks ids across files: no id defined twice in the
// directory, and only known ids retired.
func (b *builder) checkPrompts(files []*file) {
	for _, f := range files {
		for _, s := range f.sections {
			id, at := s.p.ID, s.p.File+":"+strconv.Itoa(s.p.Line)
			if first, ok := b.defined[id]; ok {
				b.problem(s.p.File, s.p.Line, "duplicate id %q (first defined at %s)", id, first)
				continue
			}
			b.defined[id] = at
			if s.retired && !b.base.known(id) {
				b.problem(s.p.File, s.p.Line, "cannot retire %q: no such prompt in the base catalog", id)
			}
		}
	}
}

// assemble makes the new catalog: a copy of the base with the directory's
// themes and prompts applied in file order. The base is not changed.
func (b *builder) assemble(files []*file) *Catalog {
	c := b.base.clone()
	for id, h := range b.heads {
		t := c.addTheme(id)
		t.Title = cmp.Or(h.title, t.Title)
		t.Summary = cmp.Or(h.summary, t.Summary)
	}
	for _, f := range files {
		for _, s := range f.sections {
			if s.retired {
				c.remove(s.p.ID)
				c.retired[s.p.ID] = true
				continue
			}
			p := s.p
			c.put(&p)
			delete(c.retired, p.ID)
		}
	}
	c.index()
	return c
}

// errorProblem turns a directory that cannot be read into a problem, for
// Lint, which has no other way to say it.
func errorProblem(dir string, err error) Problems {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return Problems{{File: dir, Msg: "cannot read: " + err.Error()}}
}
