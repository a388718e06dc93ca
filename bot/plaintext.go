package bot

import (
	"regexp"
	"strings"
)

// wireEscapeRE matches one of Slack's <…> escapes in a message's text:
// a user, channel or group mention, a special mention, or a link, with its
// label after "|" when Slack sent one.
var wireEscapeRE = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)

// plainWords turns text as Slack sends it (manifest should_escape: true) into
// what the member saw when typing it, for places Slack does not render, such
// as the exported Markdown file: <@U0LEE|lee> becomes @lee, <#C0TEAM|team>
// #team, <!here> @here, a link its label and address, and &lt; &gt; &amp;
// their characters. Entities are decoded last, so an escaped "&lt;@U1&gt;"
// stays the text the member typed. A mention Slack sent without its label
// keeps the id (@U0LEE): better than a guess.
func plainWords(s string) string {
	s = wireEscapeRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := wireEscapeRE.FindStringSubmatch(m)
		target, label := sub[1], sub[2]
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if label != "" {
				return target[:1] + label
			}
			return target
		case strings.HasPrefix(target, "!subteam^"):
			if label != "" {
				return "@" + strings.TrimPrefix(label, "@")
			}
			return "@" + strings.TrimPrefix(target, "!subteam^")
		case strings.HasPrefix(target, "!"):
			if label != "" {
				return label
			}
			return "@" + strings.TrimPrefix(target, "!")
		case label != "" && label != target:
			return label + " (" + target + ")"
		}
		return target
	})
	return entityDecoder.Replace(s)
}

// entityDecoder undoes the only three entities Slack sends.
var entityDecoder = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
