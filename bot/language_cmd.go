package bot

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// languageWords are what members type for a language besides its code and
// its own name (lang_name): its name in the other built-in language, and
// the words for following Slack again (""). Keys are lower case without
// accents, as foldWord leaves a typed word.
var languageWords = map[string]string{
	"french": "fr", "anglais": "en",
	"auto": "", "automatic": "", "automatique": "", "slack": "",
}

// cmdLanguage is `language [fr|en|auto]`: alone, the member's language and
// where it comes from; with a language, the member's choice, answered in
// that language; with auto, Slack's locale again.
func (b *Bot) cmdLanguage(ctx context.Context, c *Command) (Reply, error) {
	switch len(c.Args) {
	case 0:
		return b.languageStatus(ctx, c)
	case 1:
	default:
		return Reply{}, &Error{Code: EINVALID, Message: c.P.T("lang_one", "Choices", b.languageChoices())}
	}
	choice, ok := b.readLanguage(c.Args[0])
	if !ok {
		return Reply{}, &Error{Code: EINVALID, Message: c.P.T("lang_unknown", "Arg", clip(c.Args[0]), "Choices", b.languageChoices())}
	}
	if err := b.setLanguage(c.UserID, choice); err != nil {
		return Reply{}, err
	}
	p := b.commandPrinter(ctx, c.UserID)
	c.P = p // what follows (an error, the Home refresh) speaks it too
	if choice == "" {
		return textReply(p.T("lang_set_auto", "Name", p.Name())), nil
	}
	return textReply(p.T("lang_set", "Name", p.Name(), "Cmd", c.Name)), nil
}

// readLanguage reads a typed language: a code the catalog speaks in any
// case ("FR"), a locale ("fr-CA"), a language's own name with or without
// accents ("Français", "francais"), one of languageWords; "" (and true) for
// auto.
func (b *Bot) readLanguage(arg string) (string, bool) {
	w := foldWord(arg)
	if l, ok := languageWords[w]; ok {
		return l, true
	}
	for _, l := range b.Lang.Languages() {
		if w == l || w == foldWord(b.Lang.Printer(l).Name()) {
			return l, true
		}
	}
	if base := localeBase(w); base != "" && b.Lang.Speaks(base) {
		return base, true
	}
	return "", false
}

// foldWord is w in lower case without accents, surrounding space or
// closing punctuation, so "Français." reads as "francais".
func foldWord(w string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	s, _, err := transform.String(t, strings.TrimRight(strings.TrimSpace(w), ".,;:!?"))
	if err != nil {
		s = w
	}
	return strings.ToLower(s)
}

// languageChoices lists the catalog's languages as a member types and
// reads them: `en` (English), `fr` (français).
func (b *Bot) languageChoices() string {
	var parts []string
	for _, l := range b.Lang.Languages() {
		parts = append(parts, fmt.Sprintf("`%s` (%s)", l, b.Lang.Printer(l).Name()))
	}
	return strings.Join(parts, ", ")
}

// languageStatus answers `language` alone: the member's language, where it
// comes from, and how to change it.
func (b *Bot) languageStatus(ctx context.Context, c *Command) (Reply, error) {
	u, err := b.Members.User(c.UserID)
	if err != nil {
		return Reply{}, fmt.Errorf("read user %s: %w", c.UserID, err)
	}
	c.P = b.freshLanguage(ctx, c.UserID)
	if l, ok := b.langs.knownLocale(c.UserID); ok {
		u.Locale = l // read just now, perhaps not on the record yet
	}
	p := c.P
	name := p.Name()
	var line string
	switch {
	case u.Lang != "" && b.Lang.Speaks(u.Lang):
		line = p.T("lang_current_choice", "Name", name)
	case u.Locale == "":
		line = p.T("lang_current_default", "Name", name)
	case !b.Lang.Speaks(localeBase(u.Locale)):
		line = p.T("lang_current_unspoken", "Name", name, "Locale", clip(u.Locale))
	default:
		line = p.T("lang_current_slack", "Name", name, "Locale", clip(u.Locale))
	}
	usage := p.T("lang_usage", "Cmd", c.Name, "Codes", strings.Join(b.Lang.Languages(), "|"))
	return textReply(line + "\n" + usage), nil
}

// localeBase is a Slack locale's base language: "fr" for "fr-CA"; "" for
// what is not a language tag.
func localeBase(locale string) string {
	t, err := language.Parse(strings.ReplaceAll(locale, "_", "-"))
	if err != nil {
		return ""
	}
	base, _ := t.Base()
	return base.String()
}
