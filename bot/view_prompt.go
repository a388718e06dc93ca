package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
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

// cardView is a prompt as one member reads it: in their language, with the
// words of their rhythm.
type cardView struct {
	P      *lang.Printer   // the member's; nil prints English
	Theme  *prompts.Theme  // in the member's language; nil for a theme retired since
	Prompt *prompts.Prompt // in the member's language
	// Daily is true when the member's prompts come every day or weekday:
	// the experiment is then for today, not this week.
	Daily bool
}

// cardView returns p as the member of printer pr reads it, in their
// language.
func (b *Bot) cardView(pr *lang.Printer, p *prompts.Prompt, daily bool) cardView {
	v := cardView{P: pr, Prompt: b.Catalog.Localize(p, pr.Lang()), Daily: daily}
	if t, ok := b.Catalog.Theme(p.Theme); ok {
		v.Theme = b.Catalog.ThemeIn(t, pr.Lang())
	}
	return v
}

// dailyRhythm reports whether a schedule sends prompts every day or
// weekday, rather than once a week.
func dailyRhythm(s store.Schedule) bool {
	return s.Cadence == store.CadenceDaily || s.Cadence == store.CadenceWeekdays
}

// daily reports whether the member's prompts come every day or weekday. A
// member with no subscription, or one that cannot be read, gets the weekly
// words: the card is still worth showing.
func (b *Bot) daily(userID string) bool {
	sub, ok, err := b.Schedules.Subscription(userID)
	if err != nil {
		b.Logger.Warn("read subscription for a card's words", "user", userID, "err", err)
	}
	return err == nil && ok && dailyRhythm(sub.Schedule)
}

// cardBlocks renders a prompt: its theme, the question in its form (what a
// scale's ends mean; a scenario's situation set apart from its question),
// the optional experiment and where the idea comes from.
func cardBlocks(v cardView) []slack.Block {
	p := v.Prompt
	title := p.Theme
	if v.Theme != nil {
		title = v.Theme.Title
	}
	blocks := []slack.Block{
		contextLine("*" + escape(title) + "*  ·  `" + p.Theme + "`"),
		section(questionText(v)),
	}
	if p.Form == prompts.FormScale {
		blocks = append(blocks, contextLine(v.P.T("prompt_scale", "Low", escape(p.Scale[0]), "High", escape(p.Scale[1]))))
	}
	if p.Try != "" {
		try := v.P.T("prompt_try_week", "Try", escape(p.Try))
		if v.Daily {
			try = v.P.T("prompt_try_daily", "Try", escape(p.Try))
		}
		blocks = append(blocks, section(try))
	}
	if p.Source != "" {
		blocks = append(blocks, contextLine(v.P.T("prompt_source", "Source", escape(p.Source))))
	}
	return blocks
}

// questionText is a card's question: quoted, or for a scenario, the
// situation quoted under a few words that announce it and the question
// after it, so it reads as a case to think through rather than one more
// question.
func questionText(v cardView) string {
	text := escape(v.Prompt.Text)
	if v.Prompt.Form == prompts.FormScenario {
		if situation, question, ok := splitScenario(text); ok {
			return v.P.T("prompt_scenario", "Situation", quoteLines(situation), "Question", question)
		}
	}
	return quoteLines(text)
}

// splitScenario cuts a scenario before the sentence holding its first
// question: the situation, then what it asks. ok is false when there is no
// sentence before the question (nothing to set apart).
func splitScenario(text string) (situation, question string, ok bool) {
	q := strings.IndexByte(text, '?')
	if q < 0 {
		return "", "", false
	}
	cut := -1
	for i, r := range text[:q] {
		if r != '.' && r != '!' && r != '…' && r != '\n' {
			continue
		}
		if end := i + utf8.RuneLen(r); end < q && unicode.IsSpace(rune(text[end])) {
			cut = end
		}
	}
	if cut <= 0 {
		return "", "", false
	}
	situation, question = strings.TrimSpace(text[:cut]), strings.TrimSpace(text[cut:])
	return situation, question, situation != "" && question != ""
}

// thenAndNowQuestion is what a nudge asks under the member's earlier answer:
// the prompt's follow-up, one step further than last time, when it has one.
func thenAndNowQuestion(v cardView) string {
	if v.Prompt.Followup != "" {
		return v.P.T("prompt_then_followup", "Followup", escape(v.Prompt.Followup))
	}
	return v.P.T("prompt_then_today")
}

// cycleCard is v's card, opened by a line saying the theme starts over when
// restarted: without it, a prompt seen before looks like a mistake.
func cycleCard(v cardView, restarted bool) []slack.Block {
	if !restarted {
		return cardBlocks(v)
	}
	notice := v.P.T("prompt_cycle")
	if v.Theme != nil {
		notice = v.P.T("prompt_cycle_theme", "Theme", escape(v.Theme.Title))
	}
	return append([]slack.Block{contextLine(notice)}, cardBlocks(v)...)
}

// promptBlocks is a prompt asked for with /mentor prompt: its card, a button
// to reflect on it, one for another prompt of the theme asked for
// (askedTheme is anyTheme when none was) and, when the prompt has an
// experiment, I'll try it.
func promptBlocks(v cardView, card []slack.Block, askedTheme string, slot time.Time) []slack.Block {
	ref := promptRef{PromptID: v.Prompt.ID, Theme: askedTheme, Slot: slot}
	buttons := cardButtons(v, ref)
	return append(card, slack.NewActionBlock("prompt.actions", buttons...))
}

// cardButtons are the buttons every card has: Reflect, Another prompt and,
// when the prompt has an experiment, I'll try it.
func cardButtons(v cardView, ref promptRef) []slack.BlockElement {
	reflect := slack.NewButtonBlockElement(actionReflect, ref.value(), plain(v.P.T("prompt_reflect")))
	reflect.Style = slack.StylePrimary
	buttons := []slack.BlockElement{reflect, slack.NewButtonBlockElement(actionAnotherPrompt, ref.value(), plain(v.P.T("prompt_another")))}
	if v.Prompt.Try != "" {
		buttons = append(buttons, tryButton(v.P, ref))
	}
	return buttons
}

// nudgeBlocks is the scheduled DM: the prompt's card, the member's earlier
// answer to the same prompt when there is one ("then and now"), and the
// buttons. sched is the member's schedule, for the words of its period, the
// zone of its dates and the slot the skip button names: the one after this
// card's.
func nudgeBlocks(v cardView, card []slack.Block, slot time.Time, sched store.Schedule, earlier *store.Reflection) []slack.Block {
	head := v.P.T("prompt_nudge_week")
	if dailyRhythm(sched) {
		head = v.P.T("prompt_nudge_today")
	}
	blocks := []slack.Block{section(head)}
	blocks = append(blocks, card...)
	if earlier != nil {
		blocks = append(blocks, slack.NewDividerBlock(), section(v.P.T("prompt_then_now",
			"Date", v.P.LongDate(inZone(earlier.At, sched.TZ)),
			"Answer", quoteLines(escape(shorten(earlier.Text, 600))),
			"Question", thenAndNowQuestion(v))))
	}
	ref := promptRef{PromptID: v.Prompt.ID, Theme: v.Prompt.Theme, Slot: slot}
	buttons := cardButtons(v, ref)
	if next, err := sched.SlotAfter(slot); err == nil {
		skip := ref
		skip.Skip = next
		buttons = append(buttons, slack.NewButtonBlockElement(actionSkipNext, skip.value(), plain(skipLabel(v.P, sched, next))))
	}
	buttons = append(buttons, slack.NewButtonBlockElement(actionPauseTwoWeeks, ref.value(), plain(v.P.T("prompt_pause"))))
	return append(blocks, slack.NewActionBlock("nudge.actions", buttons...))
}

// inZone is t in the zone named tz, or in UTC when tz does not load.
func inZone(t time.Time, tz string) time.Time {
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc)
}

// nudgeFallback is the notification text: what shows in a DM preview.
func nudgeFallback(v cardView) string {
	if v.Theme == nil {
		return v.Prompt.Text
	}
	return v.P.T("prompt_fallback", "Title", v.Theme.Title, "Text", v.Prompt.Text)
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
