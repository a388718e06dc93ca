package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/slack-go/slack"
)

// sectionLimit is Slack's limit on a section's text; we stay a little under.
const sectionLimit = 2900

func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, text, false, false)
}

func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, false, false)
}

func section(text string) slack.Block { return slack.NewSectionBlock(mrkdwn(text), nil, nil) }

func contextLine(text string) slack.Block { return slack.NewContextBlock("", mrkdwn(text)) }

// textReply is a reply of one paragraph.
func textReply(text string) Reply { return Reply{Text: text, Blocks: []slack.Block{section(text)}} }

func errorBlocks(text string) []slack.Block { return []slack.Block{section(text)} }

// unknownReply answers a subcommand nobody has: what the member likely
// meant when there is something ("" for nothing), with the usage of its
// subcommand, rather than the whole help.
func unknownReply(p *lang.Printer, name, sub, meant string, closest *route) Reply {
	if meant == "" {
		text := p.T("help_unknown", "Word", clip(sub))
		return Reply{Text: text, Blocks: []slack.Block{section(text), contextLine(p.T("help_unknown_hint", "Cmd", name))}}
	}
	text := p.T("help_unknown_meant", "Word", clip(sub), "Cmd", name, "Meant", meant)
	usage := p.T("help_unknown_usage", "Usage", closest.usage(p, name), "Summary", closest.about(p), "Cmd", name)
	return Reply{Text: text, Blocks: []slack.Block{section(text), contextLine(usage)}}
}

// helpBlocks lists every subcommand, one line each, in p's language; the
// subcommands themselves stay as they are typed.
func helpBlocks(p *lang.Printer, name string, routes []*route) []slack.Block {
	var sb strings.Builder
	for _, r := range routes {
		fmt.Fprintf(&sb, "`%s`  %s\n", r.usage(p, name), r.about(p))
	}
	return []slack.Block{
		slack.NewHeaderBlock(plain("mentorbot")),
		section(p.T("help_intro")),
		section(strings.TrimRight(sb.String(), "\n")),
		contextLine(p.T("help_start", "Cmd", name)),
	}
}

// usage is a subcommand's usage line, as in "/mentor prompt [THEME]", its
// arguments in p's language.
func (r *route) usage(p *lang.Printer, name string) string {
	if r.args == "" {
		return name + " " + r.id
	}
	// Codes: help_args_language lists the languages loaded, an operator's too.
	return name + " " + r.id + " " + p.T(r.args, "Codes", strings.Join(p.Languages(), "|"))
}

// about is what a subcommand does, in p's language.
func (r *route) about(p *lang.Printer) string { return p.T(r.summary) }

// clip makes member input safe to quote back: short, one line, no markup.
func clip(s string) string {
	s = strings.ReplaceAll(strings.Join(strings.Fields(typedEscapes(s, false)), " "), "`", "'")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return escape(s)
}

// codeList renders ids as `a`, `b` and `c` in p's language ("et" in
// French).
func codeList(p *lang.Printer, ids []string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = "`" + id + "`"
	}
	switch len(quoted) {
	case 0:
		return ""
	case 1:
		return quoted[0]
	}
	return p.T("list_and", "Head", strings.Join(quoted[:len(quoted)-1], ", "), "Last", quoted[len(quoted)-1])
}
