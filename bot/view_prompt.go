package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// promptRef is what a card's buttons carry: which prompt, for which
// scheduled slot (zero for a prompt asked for), and for Another prompt, the
// theme asked for. Never who: identity always comes from Slack's payload.
type promptRef struct {
	PromptID string
	Theme    string
	Slot     time.Time
}

func (r promptRef) value() string {
	slot := int64(0)
	if !r.Slot.IsZero() {
		slot = r.Slot.Unix()
	}
	return fmt.Sprintf("%s|%s|%d", r.PromptID, r.Theme, slot)
}

// parsePromptRef reads a button value or modal metadata. Anything malformed
// reads as a zero ref, which handlers treat as "no such prompt".
func parsePromptRef(v string) promptRef {
	parts := strings.Split(v, "|")
	if len(parts) != 3 {
		return promptRef{}
	}
	r := promptRef{PromptID: parts[0], Theme: parts[1]}
	if sec, err := strconv.ParseInt(parts[2], 10, 64); err == nil && sec > 0 {
		r.Slot = time.Unix(sec, 0).UTC()
	}
	return r
}

// cardBlocks renders a prompt: its theme, the question, the optional
// experiment and where the idea comes from.
func cardBlocks(t *prompts.Theme, p *prompts.Prompt) []slack.Block {
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
	return blocks
}

// card is p's cardBlocks, built for every message. The blocks used to be
// made once, converted to types without slack-go's MarshalJSON methods, and
// kept; measured alone that cache bought 1% of the command benchmark's CPU
// per command at 64 members and none at 1,000 (docs/benchmarks.md).
func (b *Bot) card(p *prompts.Prompt) []slack.Block {
	t, _ := b.Catalog.Theme(p.Theme)
	return cardBlocks(t, p)
}

// promptCard is a prompt asked for with promptBlocks.
func (b *Bot) promptCard(p *prompts.Prompt, askedTheme string, slot time.Time) []slack.Block {
	return promptBlocks(b.card(p), p, askedTheme, slot)
}

// promptBlocks is a prompt asked for with /mentor prompt: its card, a button
// to reflect on it and one for another prompt of the theme asked for
// (askedTheme is anyTheme when none was).
func promptBlocks(card []slack.Block, p *prompts.Prompt, askedTheme string, slot time.Time) []slack.Block {
	ref := promptRef{PromptID: p.ID, Theme: askedTheme, Slot: slot}
	reflect := slack.NewButtonBlockElement(actionReflect, ref.value(), plain("Reflect"))
	reflect.Style = slack.StylePrimary
	another := slack.NewButtonBlockElement(actionAnotherPrompt, ref.value(), plain("Another prompt"))
	return append(card, slack.NewActionBlock("prompt.actions", reflect, another))
}

// nudgeBlocks is the scheduled DM: the prompt's card, the member's earlier
// answer to the same prompt when there is one ("then and now"), and the
// buttons.
func nudgeBlocks(card []slack.Block, p *prompts.Prompt, slot time.Time, earlier *store.Reflection) []slack.Block {
	blocks := []slack.Block{section("Your reflection prompt for this week. Take ten quiet minutes when you can.")}
	blocks = append(blocks, card...)
	if earlier != nil {
		blocks = append(blocks, slack.NewDividerBlock(),
			section(fmt.Sprintf("*Then and now.* You answered this on %s:\n%s\nWhat would you say today?",
				earlier.At.Format("2 January 2006"), quoteLines(escape(shorten(earlier.Text, 600))))))
	}
	ref := promptRef{PromptID: p.ID, Theme: p.Theme, Slot: slot}
	reflect := slack.NewButtonBlockElement(actionReflect, ref.value(), plain("Reflect"))
	reflect.Style = slack.StylePrimary
	return append(blocks, slack.NewActionBlock("nudge.actions",
		reflect,
		slack.NewButtonBlockElement(actionAnotherPrompt, ref.value(), plain("Another prompt")),
		slack.NewButtonBlockElement(actionSkipNext, ref.value(), plain("Skip next week")),
		slack.NewButtonBlockElement(actionPauseTwoWeeks, ref.value(), plain("Pause two weeks")),
	))
}

// nudgeFallback is the notification text: what shows in a DM preview.
func nudgeFallback(t *prompts.Theme, p *prompts.Prompt) string {
	if t == nil {
		return p.Text
	}
	return t.Title + ": " + p.Text
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

// shorten cuts text to at most n characters, on a word boundary when it can.
func shorten(text string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	cut := string(r[:n])
	if i := strings.LastIndexAny(cut, " \n"); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
