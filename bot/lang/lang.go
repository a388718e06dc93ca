// Package lang is the bot's message catalog: every sentence, button label
// and date the bot shows a member, in each language it speaks.
//
// Messages live in TOML files, one pair per area of the bot
// (messages/AREA.en.toml and messages/AREA.fr.toml), in the format of
// github.com/nicksnyder/go-i18n: a key is a message id, its value the text,
// or a table of CLDR plural forms ("one", "other", and "many" where the
// language has it). Texts are Go templates over named values:
//
//	status_unsubscribed = "You unsubscribed on {{.Date}}. `{{.Cmd}} subscribe` starts them again."
//
//	[wins_count]
//	one = "{{.Count}} win"
//	other = "{{.Count}} wins"
//
// English is the default: a message missing from another language is shown
// in English, and TestParity keeps the built-in languages complete.
// Operators add or override a language by dropping NAME.LANG.toml files in
// MENTOR_PROMPTS_DIR (Load); their messages replace the built-in ones with
// the same id.
//
// go-i18n was chosen over golang.org/x/text/message because its catalogs are
// data files an operator can edit without recompiling, and it carries CLDR
// plural rules for every language.
package lang

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Default is the language of members whose Slack locale the bot does not
// speak, and the fallback for a message another language lacks.
const Default = "en"

//go:embed messages/*.toml
var builtinFS embed.FS

// Catalog is a loaded, read-only set of languages. It is safe for concurrent
// use.
type Catalog struct {
	bundle *i18n.Bundle
	langs  []string // base language codes, Default first

	mu       sync.Mutex
	printers map[string]*Printer
}

// Builtin returns the catalog built into the binary.
func Builtin() (*Catalog, error) { return Load("") }

// Load returns the built-in catalog with an operator's message files laid
// over it: every file in dir named NAME.LANG.toml (LANG a base language code
// such as fr or de, never a region's de-DE) adds its messages to that language, replacing built-in messages
// with the same id. An empty dir loads only the built-in files. Files of
// other names are left alone (they are prompt files).
func Load(dir string) (*Catalog, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(builtinFS, "messages/*.toml")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := b.LoadMessageFileFS(builtinFS, n); err != nil {
			return nil, fmt.Errorf("built-in messages %s: %w", n, err)
		}
	}
	if dir != "" {
		if err := loadDir(b, dir); err != nil {
			return nil, err
		}
	}
	c := &Catalog{bundle: b, printers: map[string]*Printer{}}
	seen := map[string]bool{}
	for _, t := range b.LanguageTags() {
		base, _ := t.Base()
		if !seen[base.String()] {
			seen[base.String()] = true
			c.langs = append(c.langs, base.String())
		}
	}
	slices.SortFunc(c.langs, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == Default:
			return -1
		case b == Default:
			return 1
		}
		return strings.Compare(a, b)
	})
	return c, nil
}

// loadDir adds the operator's NAME.LANG.toml files in dir to b: the files
// Lint checks, each at most MaxFileSize.
func loadDir(b *i18n.Bundle, dir string) error {
	names, _, err := messageFiles(dir)
	if err != nil {
		return err
	}
	for _, n := range names {
		if msg := fileLangProblem(n); msg != "" {
			return errors.New(Problem{File: n, Msg: msg}.String())
		}
		data, p := readMessageFile(n)
		if p != nil {
			return errors.New(p.String())
		}
		if _, err := b.ParseMessageFileBytes(data, n); err != nil {
			return fmt.Errorf("messages %s: %w", n, err)
		}
	}
	return nil
}

// Languages returns the base codes of the languages the catalog speaks,
// Default first: "en", "fr", and any an operator added.
func (c *Catalog) Languages() []string { return slices.Clone(c.langs) }

// Speaks reports whether lang (a base code such as "fr") is one of the
// catalog's languages.
func (c *Catalog) Speaks(lang string) bool { return slices.Contains(c.langs, lang) }

// Match returns the language for a Slack locale such as "fr-FR" or "fr-CA":
// its base language when the catalog speaks it, Default otherwise (and for
// "" or a locale that is not a language tag).
func (c *Catalog) Match(locale string) string {
	t, err := language.Parse(strings.ReplaceAll(locale, "_", "-"))
	if err != nil {
		return Default
	}
	base, _ := t.Base()
	if c.Speaks(base.String()) {
		return base.String()
	}
	return Default
}

// Printer returns the printer for lang, a base code; a language the catalog
// does not speak gets Default's.
func (c *Catalog) Printer(lang string) *Printer {
	if !c.Speaks(lang) {
		lang = Default
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.printers[lang]
	if p == nil {
		p = &Printer{lang: lang, loc: i18n.NewLocalizer(c.bundle, lang), langs: c.langs}
		c.printers[lang] = p
	}
	return p
}

// Printer turns message ids into one language's text. It is safe for
// concurrent use; a nil *Printer prints English.
type Printer struct {
	lang  string
	loc   *i18n.Localizer
	langs []string // the catalog's languages, for texts that list them
}

// english is the printer a nil *Printer stands for, so a code path that
// was never given one (a test calling a handler directly) speaks English
// rather than crashing.
var english = sync.OnceValue(func() *Printer {
	c, err := Builtin()
	if err != nil {
		panic("built-in messages: " + err.Error()) // TestParity keeps this from shipping
	}
	return c.Printer(Default)
})

// Lang is the printer's language, a base code such as "en".
func (p *Printer) Lang() string {
	if p == nil {
		return Default
	}
	return p.lang
}

// T returns message id with the named values kv (name, value, name,
// value…), as in p.T("status_unsubscribed", "Date", d, "Cmd", "/mentor").
// A message the language lacks is shown in Default; a message no language
// has shows its id, which TestMessagesUsedExist keeps from shipping.
func (p *Printer) T(id string, kv ...any) string {
	return p.localize(id, nil, kv)
}

// N is T for a message with plural forms: n chooses the form, and the
// template sees it as {{.Count}}.
func (p *Printer) N(id string, n int, kv ...any) string {
	return p.localize(id, n, append(kv, "Count", n))
}

func (p *Printer) localize(id string, count any, kv []any) string {
	if p == nil {
		p = english()
	}
	var data map[string]any
	if len(kv) > 0 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				data[k] = kv[i+1]
			}
		}
	}
	s, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		var nf *i18n.MessageNotFoundErr
		if s != "" && errors.As(err, &nf) {
			return s // shown in Default, the fallback
		}
		if s == "" {
			return id
		}
	}
	return s
}

// Languages returns the base codes of the languages of the printer's
// catalog, Default first, as Catalog.Languages does: a usage line lists
// what an operator added, not only the built-in languages.
func (p *Printer) Languages() []string {
	if p == nil {
		p = english()
	}
	return slices.Clone(p.langs)
}

// Name is the language's own name for itself, such as "français".
func (p *Printer) Name() string { return p.T("lang_name") }
