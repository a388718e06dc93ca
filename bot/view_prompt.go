package bot

import (
	"strings"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/slack-go/slack"
)

// promptBlocks renders a prompt card: the theme, the question, the optional
// experiment, where the idea comes from, and a button for another prompt of
// the same theme (or of any theme when askedTheme is anyTheme).
func promptBlocks(t *prompts.Theme, p *prompts.Prompt, askedTheme string) []slack.Block {
	title := p.Theme
	if t != nil {
		title = t.Title
	}
	blocks := []slack.Block{
		contextLine("*" + escape(title) + "*  ·  `" + p.Theme + "`"),
		section(quoteLines(escape(p.Text))),
	}
	if p.Try != "" {
		blocks = append(blocks, section("*Try this week:* "+escape(p.Try)))
	}
	if p.Source != "" {
		blocks = append(blocks, contextLine("From "+escape(p.Source)))
	}
	another := slack.NewButtonBlockElement(actionAnotherPrompt, askedTheme, plain("Another prompt"))
	return append(blocks, slack.NewActionBlock("prompt.actions", another))
}

// escape makes catalog text literal for Slack's mrkdwn, where &, < and >
// are control characters (<!channel> would ping a whole channel). Bold and
// italics still work; bare URLs are still linked by Slack.
func escape(s string) string { return mrkdwnEscaper.Replace(s) }

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// quoteLines renders text as a Slack block quote, paragraph breaks included.
func quoteLines(text string) string {
	return "> " + strings.ReplaceAll(text, "\n", "\n> ")
}
