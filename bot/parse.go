package bot

import (
	"strings"

	"github.com/mentorbot/mentorbot/bot/lang"
	"unicode"
	"unicode/utf8"
)

// MaxCommandLen bounds the text after the slash command. Long enough for a
// custom discussion topic, short enough that we never echo a wall of text.
const MaxCommandLen = 3000

// tokenize splits command text into words. Double quotes group words into
// one argument ("asking forgiveness rather than permission"); Slack clients
// often turn straight quotes into curly ones, so “ and ” count too. French
// guillemets « … » group words as well, what is inside trimmed of the
// spaces French typography puts there; a quote closes only with its own
// kind, so « done » inside "…" (or "done" inside « … ») is kept as typed.
// Slack's escapes such as <#C0123|general> stay single words.
//
// Returns an EINVALID *Error, in p's language, for over-long text or an
// unclosed quote.
func tokenize(p *lang.Printer, text string) ([]string, error) {
	words, _, err := tokenizeQuoted(p, text)
	return words, err
}

// tokenizeQuoted is tokenize, and also returns the words that were between
// quotes: a quoted single word ("Retro") is a lead's own topic, not a
// theme, though nothing in the word itself says so.
func tokenizeQuoted(p *lang.Printer, text string) (words, quoted []string, err error) {
	if utf8.RuneCountInString(text) > MaxCommandLen {
		return nil, nil, Errorf(EINVALID, "%s", p.T("sched_cmd_too_long", "Max", p.Number(MaxCommandLen)))
	}
	var (
		cur     strings.Builder
		inQuote bool
		inGuill bool // the open quote is «, which only » closes
		inWord  bool
	)
	for _, r := range text {
		switch {
		case inQuote && (inGuill && r == '»' || !inGuill && isQuote(r)):
			w := cur.String()
			if inGuill {
				w = strings.TrimFunc(w, unicode.IsSpace)
			}
			words, quoted = append(words, w), append(quoted, w)
			cur.Reset()
			inQuote, inGuill, inWord = false, false, false
		case !inQuote && !inWord && (isQuote(r) || r == '«'):
			inQuote, inGuill = true, r == '«'
		case unicode.IsSpace(r) && !inQuote:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = !inQuote
		}
	}
	if inQuote {
		return nil, nil, Errorf(EINVALID, "%s", p.T("sched_cmd_open_quote"))
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, quoted, nil
}

func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }
