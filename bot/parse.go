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
// often turn straight quotes into curly ones, so “ and ” count too. Slack's
// escapes such as <#C0123|general> stay single words.
//
// Returns an EINVALID *Error, in p's language, for over-long text or an
// unclosed quote.
func tokenize(p *lang.Printer, text string) ([]string, error) {
	if utf8.RuneCountInString(text) > MaxCommandLen {
		return nil, Errorf(EINVALID, "%s", p.T("sched_cmd_too_long", "Max", p.Number(MaxCommandLen)))
	}
	var (
		words   []string
		cur     strings.Builder
		inQuote bool
		inWord  bool
	)
	for _, r := range text {
		switch {
		case isQuote(r):
			if inQuote {
				words = append(words, cur.String())
				cur.Reset()
				inQuote, inWord = false, false
				continue
			}
			if inWord {
				cur.WriteRune(r)
				continue
			}
			inQuote = true
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
		return nil, Errorf(EINVALID, "%s", p.T("sched_cmd_open_quote"))
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }
