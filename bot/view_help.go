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
func unknownReply(name, sub, meant string, closest *route) Reply {
	text := fmt.Sprintf("I don't know `%s`.", clip(sub))
	usage := fmt.Sprintf("`%s help` lists everything I can do; `%s prompt` gives you something to reflect on now.", name, name)
	if meant != "" {
		text += fmt.Sprintf(" Did you mean `%s %s`?", name, meant)
		usage = fmt.Sprintf("`%s`  %s. `%s help` lists everything.", strings.TrimSpace(name+" "+closest.id+" "+closest.args), closest.summary, name)
	}
	return Reply{Text: text, Blocks: []slack.Block{section(text), contextLine(usage)}}
}

// helpBlocks lists every subcommand, one line each.
func helpBlocks(name string, routes []*route) []slack.Block {
	var sb strings.Builder
	for _, r := range routes {
		usage := strings.TrimSpace(r.id + " " + r.args)
		fmt.Fprintf(&sb, "`%s %s`  %s\n", name, usage, r.summary)
	}
	return []slack.Block{
		slack.NewHeaderBlock(plain("mentorbot")),
		section("Prompts about the human side of engineering: impostor syndrome, the last mile, vision, empathy, daring. Everything I send you here is visible only to you."),
		section(strings.TrimRight(sb.String(), "\n")),
		contextLine(fmt.Sprintf("Start with `%s prompt`, or `%s themes` to choose one.", name, name)),
	}
}

// clip makes member input safe to quote back: short, one line, no markup.
func clip(s string) string {
	s = strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "`", "'")
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
