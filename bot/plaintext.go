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
	return entityDecoder.Replace(typedEscapes(s, true))
}

// typedEscapes shows Slack's <…> escapes in s as the member typed them:
// <@U0LEE|lee> as @lee, <#C0TEAM|team> as #team, <!here> as @here, a
// user group as @its-handle, a link as its label, and with withURL its
// address after the label in brackets. An escape with no target stays as
// it is. plainWords uses it for the export; clip, with the links short,
// for an error that quotes the member's words, where the escapes quoted
// raw in a code span read as markup the member never wrote.
func typedEscapes(s string, withURL bool) string {
	return wireEscapeRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := wireEscapeRE.FindStringSubmatch(m)
		target, label := sub[1], sub[2]
		switch {
		case target == "":
			return m
		case target[0] == '@' || target[0] == '#':
			if label != "" {
				return target[:1] + strings.TrimPrefix(label, target[:1])
			}
			return target
		case strings.HasPrefix(target, "!subteam^"):
			if label != "" {
				return "@" + strings.TrimPrefix(label, "@")
			}
			return "@" + strings.TrimPrefix(target, "!subteam^")
		case target[0] == '!':
			if label != "" {
				return label
			}
			keyword, _, _ := strings.Cut(target[1:], "^")
			return "@" + keyword
		case label != "" && label != target:
			if withURL {
				return label + " (" + target + ")"
			}
			return label
		}
		return target
	})
}

// entityDecoder undoes the only three entities Slack sends.
var entityDecoder = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
