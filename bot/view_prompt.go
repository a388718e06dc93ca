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
		contextLine("*" + title + "*  ·  `" + p.Theme + "`"),
		section(quoteLines(p.Text)),
	}
	if p.Try != "" {
		blocks = append(blocks, section("*Try this week:* "+p.Try))
	}
	if p.Source != "" {
		blocks = append(blocks, contextLine("From "+p.Source))
	}
	another := slack.NewButtonBlockElement(actionAnotherPrompt, askedTheme, plain("Another prompt"))
	return append(blocks, slack.NewActionBlock("prompt.actions", another))
}

// quoteLines renders text as a Slack block quote, paragraph breaks included.
func quoteLines(text string) string {
	return "> " + strings.ReplaceAll(text, "\n", "\n> ")
}
