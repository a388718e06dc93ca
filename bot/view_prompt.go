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
// theme asked for; a nudge's skip button also carries the slot it skips.
// Never who: identity always comes from Slack's payload.
type promptRef struct {
	PromptID string
	Theme    string
	Slot     time.Time
	// Skip is the slot the skip button skips, the one after Slot; zero on
	// every other button, and on cards sent before buttons named it.
	Skip time.Time
}

func (r promptRef) value() string {
	v := fmt.Sprintf("%s|%s|%d", r.PromptID, r.Theme, unixOrZero(r.Slot))
	if !r.Skip.IsZero() {
		v += "|" + strconv.FormatInt(r.Skip.Unix(), 10)
	}
	return v
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// parsePromptRef reads a button value or modal metadata. Anything malformed
// reads as a zero ref, which handlers treat as "no such prompt".
func parsePromptRef(v string) promptRef {
	parts := strings.Split(v, "|")
	if len(parts) != 3 && len(parts) != 4 {
		return promptRef{}
	}
	r := promptRef{PromptID: parts[0], Theme: parts[1], Slot: timeOf(parts[2])}
	if len(parts) == 4 {
		r.Skip = timeOf(parts[3])
	}
	return r
}

// timeOf reads unix seconds; anything else, or 0, is the zero time.
func timeOf(s string) time.Time {
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil && sec > 0 {
		return time.Unix(sec, 0).UTC()
	}
	return time.Time{}
}

// cardBlocks renders a prompt: its theme, the question (with what a
// scale's ends mean), the optional experiment and where the idea comes from.
func cardBlocks(t *prompts.Theme, p *prompts.Prompt) []slack.Block {
	title := p.Theme
	if t != nil {
		title = t.Title
	}
	blocks := []slack.Block{
		contextLine("*" + escape(title) + "*  ·  `" + p.Theme + "`"),
		section(quoteLines(escape(p.Text))),
	}
	if p.Form == prompts.FormScale {
		blocks = append(blocks, contextLine(scaleLine(p)))
	}
	if p.Try != "" {
		blocks = append(blocks, section("*Try this week:* "+escape(p.Try)))
	}
	if p.Source != "" {
		blocks = append(blocks, contextLine("From "+escape(p.Source)))
	}
	return blocks
}

// thenAndNowQuestion is what a nudge asks under the member's earlier answer:
// the prompt's follow-up, one step further than last time, when it has one.
func thenAndNowQuestion(p *prompts.Prompt) string {
	if p.Followup != "" {
		return "*One step further:* " + escape(p.Followup)
	}
	return "What would you say today?"
}

// scaleLine says what the ends of a scale prompt mean, and what comes after
// the rating.
func scaleLine(p *prompts.Prompt) string {
	return fmt.Sprintf("From 1 (%s) to 5 (%s). Then: what would move it one point higher?", escape(p.Scale[0]), escape(p.Scale[1]))
}

// card is p's cardBlocks, built for every message. The blocks used to be
// made once, converted to types without slack-go's MarshalJSON methods, and
// kept; measured alone that cache bought 1% of the command benchmark's CPU
// per command at 64 members and none at 1,000 (docs/benchmarks.md).
func (b *Bot) card(p *prompts.Prompt) []slack.Block {
	t, _ := b.Catalog.Theme(p.Theme)
	return cardBlocks(t, p)
}

// cycleCard is p's card, opened by a line saying the theme starts over when
// restarted: without it, a prompt seen before looks like a mistake.
func (b *Bot) cycleCard(p *prompts.Prompt, restarted bool) []slack.Block {
	if !restarted {
		return b.card(p)
	}
	name := "this theme"
	if t, ok := b.Catalog.Theme(p.Theme); ok {
		name = "*" + escape(t.Title) + "*"
	}
	notice := contextLine("You have seen every prompt in " + name + "; here they come again, in a new order.")
	return append([]slack.Block{notice}, b.card(p)...)
}

// promptCard is a prompt asked for with promptBlocks.
func (b *Bot) promptCard(p *prompts.Prompt, askedTheme string, slot time.Time) []slack.Block {
	return promptBlocks(b.card(p), p, askedTheme, slot)
}

// promptBlocks is a prompt asked for with /mentor prompt: its card, a button
// to reflect on it, one for another prompt of the theme asked for
// (askedTheme is anyTheme when none was) and, when the prompt has an
// experiment, I'll try it.
func promptBlocks(card []slack.Block, p *prompts.Prompt, askedTheme string, slot time.Time) []slack.Block {
	ref := promptRef{PromptID: p.ID, Theme: askedTheme, Slot: slot}
	reflect := slack.NewButtonBlockElement(actionReflect, ref.value(), plain("Reflect"))
	reflect.Style = slack.StylePrimary
	buttons := []slack.BlockElement{reflect, slack.NewButtonBlockElement(actionAnotherPrompt, ref.value(), plain("Another prompt"))}
	if p.Try != "" {
		buttons = append(buttons, tryButton(nil, ref))
	}
	return append(card, slack.NewActionBlock("prompt.actions", buttons...))
}

// nudgeBlocks is the scheduled DM: the prompt's card, the member's earlier
// answer to the same prompt when there is one ("then and now"), and the
// buttons. sched is the member's schedule, for the words of its period and
// the slot the skip button names: the one after this card's.
func nudgeBlocks(card []slack.Block, p *prompts.Prompt, slot time.Time, sched store.Schedule, earlier *store.Reflection) []slack.Block {
	period := "this week"
	if sched.Cadence == store.CadenceDaily || sched.Cadence == store.CadenceWeekdays {
		period = "today"
	}
	blocks := []slack.Block{section("Your reflection prompt for " + period + ". Take ten quiet minutes when you can.")}
	blocks = append(blocks, card...)
	if earlier != nil {
		blocks = append(blocks, slack.NewDividerBlock(),
			section(fmt.Sprintf("*Then and now.* You answered this on %s:\n%s\n%s",
				earlier.At.Format("2 January 2006"), quoteLines(escape(shorten(earlier.Text, 600))), thenAndNowQuestion(p))))
	}
	ref := promptRef{PromptID: p.ID, Theme: p.Theme, Slot: slot}
	reflect := slack.NewButtonBlockElement(actionReflect, ref.value(), plain("Reflect"))
	reflect.Style = slack.StylePrimary
	buttons := []slack.BlockElement{reflect, slack.NewButtonBlockElement(actionAnotherPrompt, ref.value(), plain("Another prompt"))}
	if p.Try != "" {
		buttons = append(buttons, tryButton(nil, ref))
	}
	if next, err := sched.SlotAfter(slot); err == nil {
		skip := ref
		skip.Skip = next
		buttons = append(buttons, slack.NewButtonBlockElement(actionSkipNext, skip.value(), plain(skipLabel(nil, sched, next))))
	}
	buttons = append(buttons, slack.NewButtonBlockElement(actionPauseTwoWeeks, ref.value(), plain("Pause two weeks")))
	return append(blocks, slack.NewActionBlock("nudge.actions", buttons...))
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
