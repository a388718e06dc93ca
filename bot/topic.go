package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
)

// MaxTopicLen bounds a lead's custom topic, in characters as typed. A topic
// is a question or two that a channel reads in its feed and answers in a
// thread: 1,000 characters is some 150 words, more than any prompt in the
// catalog, and what goes beyond belongs in a doc the topic links to. It also
// keeps the post clear of Slack's 3,000-character section limit whatever
// CleanTopic adds (one invisible character per mention neutralised) and
// whatever the post wraps around it (theme, thread invitation, who asked).
const MaxTopicLen = 1000

// noPing goes between "@" and a mass-mention keyword. A zero-width space
// keeps the text reading "@here" exactly as the lead wrote it, while neither
// Slack's parser (which needs "@here" as one word) nor anyone's notification
// settings see a mention. Back-quoting it ("`@here`") would change how the
// text looks and break inside code the lead already quoted; "at-here" would
// change their words.
const noPing = "\u200b"

// slackEscapeRE is one of Slack's <…> escapes: user and channel mentions,
// links, special mentions, dates. Inside one, only special mentions matter.
var slackEscapeRE = regexp.MustCompile(`<[^<>]*>`)

// escapeKeywords start the special mentions that ping many people: <!here>,
// <!channel|channel>, <!everyone>, the legacy <!group>, and user groups
// <!subteam^S0123|@backend>. Other <!…> escapes such as dates are kept.
var escapeKeywords = []string{"channel", "here", "everyone", "group", "subteam"}

// massKeywords are the words that, after "@", ping a whole channel.
var massKeywords = []string{"channel", "here", "everyone"}

// CleanTopic returns a lead's custom topic as it will be posted: trimmed, and
// with every mass mention neutralised so that posting it pings no one. Plain
// @channel, @here and @everyone (any case, also glued to punctuation, but not
// @channels or @here_team, which are other words; see isMassKeyword) and
// Slack's escaped forms (<!here>, <!channel|channel>, <!everyone>,
// <!subteam^ID|@group>, with any case, spaces or invisible characters
// inside; see massMention) all read as "@here", "@channel" or "@group" in
// the post. User mentions (<@U0123>), channel links, URLs, Slack's &amp; escapes
// and everything else stay as the lead wrote them: the text is posted as
// mrkdwn, exactly as Slack delivered it in the command.
//
// A plain "@here" is neutralised even after a letter (as in an address like
// ops@here.io): an invisible character in a rare address costs less than a
// ping to a whole channel.
//
// Returns an EINVALID *Error, in p's language, if the text is empty or
// longer than MaxTopicLen.
func CleanTopic(p *lang.Printer, text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", Errorf(EINVALID, "%s", p.T("bcast_topic_empty"))
	}
	if n := utf8.RuneCountInString(text); n > MaxTopicLen {
		return "", Errorf(EINVALID, "%s", p.T("bcast_topic_too_long", "Len", p.Number(n), "Max", p.Number(MaxTopicLen)))
	}
	return neutralise(text), nil
}

// neutralise returns text with every mass mention made harmless, as
// CleanTopic describes, and everything else as it was.
func neutralise(text string) string {
	var sb strings.Builder
	sb.Grow(len(text) + 16)
	last := 0
	for _, loc := range slackEscapeRE.FindAllStringIndex(text, -1) {
		neutralisePlain(&sb, text[last:loc[0]])
		sb.WriteString(neutraliseEscape(text[loc[0]:loc[1]]))
		last = loc[1]
	}
	neutralisePlain(&sb, text[last:])
	return sb.String()
}

// neutraliseEscape turns one <…> escape into plain "@keyword" text if it is a
// mass mention. Any other escape keeps its target (a URL, a user, a channel)
// untouched; only a label after "|" has its plain mass mentions neutralised,
// in case a client ever reads a link's text as a message.
func neutraliseEscape(esc string) string {
	kw, label, ok := massMention(esc)
	if !ok {
		bar := strings.IndexByte(esc, '|')
		if bar < 0 {
			return esc
		}
		var sb strings.Builder
		sb.WriteString(esc[:bar])
		neutralisePlain(&sb, esc[bar:])
		return sb.String()
	}
	switch kw {
	case "group":
		kw = "channel" // the legacy name of @channel in private channels
	case "subteam":
		// Slack sends the group's handle as the label; without one, say what it was.
		kw = strings.TrimPrefix(strings.TrimSpace(label), "@")
		if kw == "" {
			kw = "group"
		}
	}
	var sb strings.Builder
	sb.WriteString("@" + noPing)
	neutralisePlain(&sb, kw) // a label may hold "@here" of its own
	return sb.String()
}

// massMention reads esc, one <…> escape, the lenient way Slack's parser
// does, and reports the keyword of the mass mention it is, lower case, with
// its label. Case does not matter, and neither do spaces and invisible
// characters anywhere in it: "<!channel >", "<!channel\u200b>",
// "<!\u2060HERE>" all ping. Whatever follows the keyword is ignored, so
// "<!channel-x>" counts too: an escape a parser might read as a ping costs
// the lead an invisible character at most.
func massMention(esc string) (kw, label string, ok bool) {
	inner := strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, esc[1:len(esc)-1])
	target, label, _ := strings.Cut(inner, "|")
	// Slack's commands are ASCII: a letter-like character from elsewhere
	// (a superscript digit, a fullwidth letter) in front of one is read
	// as noise here, so "<!⁴HERE>" is neutralised rather than guessed
	// harmless. The label keeps its characters.
	target = strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII {
			return -1
		}
		return r
	}, target)
	target, ok = strings.CutPrefix(target, "!")
	if !ok {
		return "", "", false
	}
	for _, k := range escapeKeywords {
		if len(target) >= len(k) && strings.EqualFold(target[:len(k)], k) {
			return k, label, true
		}
	}
	return "", "", false
}

// invisible reports whether r shows as nothing, or as blank space: spaces,
// control and format characters (zero-width space and joiners, word joiner,
// byte-order mark, soft hyphen, direction marks), combining marks, and the
// few letters and symbols fonts draw empty (Hangul fillers, the braille
// blank). Bytes that are not UTF-8 (utf8.RuneError) count too: what a
// client makes of them is anyone's guess.
func invisible(r rune) bool {
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800', utf8.RuneError:
		return true
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me)
}

// neutralisePlain writes s to sb with noPing after the "@" of every plain
// mass mention.
func neutralisePlain(sb *strings.Builder, s string) {
	for {
		i := strings.IndexByte(s, '@')
		if i < 0 {
			sb.WriteString(s)
			return
		}
		sb.WriteString(s[:i+1])
		s = s[i+1:]
		if isMassKeyword(s) {
			sb.WriteString(noPing)
		}
	}
}

// isMassKeyword reports whether s starts with a mass-mention keyword, in any
// case, that is not the start of a longer word. A longer word goes on with a
// digit, "_" or a letter that has case (@channels, @here_bot, @hereé);
// scripts written without spaces, such as Japanese, do not continue it, so
// "@here日本語" is still a mention.
func isMassKeyword(s string) bool {
	for _, kw := range massKeywords {
		if len(s) < len(kw) || !strings.EqualFold(s[:len(kw)], kw) {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[len(kw):])
		if next == utf8.RuneError || !continuesWord(next) {
			return true
		}
	}
	return false
}

func continuesWord(r rune) bool {
	return r == '_' || unicode.IsDigit(r) || unicode.IsLower(r) || unicode.IsUpper(r) || unicode.IsTitle(r)
}
