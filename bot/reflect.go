package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
)

// The Reflect button and the reflection modal: opening it on a card, and
// checking and saving what the member wrote.

// openReflect opens the reflection modal; Slack's trigger_id is valid for 3
// seconds, so this runs straight from the click.
func (b *Bot) openReflect(ctx context.Context, c *Command) (Reply, error) {
	ref := parsePromptRef(c.Value)
	p, ok := b.Catalog.Prompt(ref.PromptID)
	if !ok {
		return Reply{}, &Error{Code: ENOTFOUND, Message: c.P.T("prompt_gone", "Cmd", c.Name)}
	}
	// The card the modal repeats labels its experiment as the one clicked did.
	v := b.cardView(c.P, p, b.daily(c.UserID))
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.Slack.OpenViewContext(ctx, c.TriggerID, reflectModal(v, ref)); err != nil {
		return Reply{}, fmt.Errorf("open reflect modal for %s: %w", c.UserID, err)
	}
	return Reply{}, nil
}

// submitReflection validates and saves a reflection, and returns the ack:
// errors shown under the field, or the "Saved" view once it is on disk.
// Its route has checked the metadata, the prompt and slot written about.
func (b *Bot) submitReflection(c *Command, values formValues) (*viewResponse, error) {
	ref := parsePromptRef(c.Value)
	p, _ := b.Catalog.Prompt(ref.PromptID) // nil when retired since: reflectionFor says so
	var shown *prompts.Prompt              // p in the member's language
	if p != nil {
		shown = b.Catalog.Localize(p, c.P.Lang())
	}
	text, bad := reflectionText(c.P, shown, values)
	if bad == nil && b.untouchedStem(p, text) {
		bad = fieldError(c.P.T("prompt_reflection_empty"))
	}
	if bad != nil {
		return bad, nil
	}
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	r, saved, err := b.savedBefore(c, ref.PromptID)
	if err != nil {
		return nil, err
	}
	if !saved {
		if r, err = b.reflectionFor(c.P, c.UserID, ref, text); err != nil {
			return nil, err
		}
		r.View = c.Form
		if r, err = b.Journal.AddReflection(r); err != nil {
			return nil, err
		}
	}
	ns, err := b.Schedules.Nudges(c.UserID, 200)
	if err != nil {
		b.Logger.Warn("reflection saved; streak unknown", "user", c.UserID, "err", err)
	}
	return &viewResponse{Action: "update", View: savedModal(c.P, c.Name, streak(ns), !r.Slot.IsZero(), shown)}, nil
}

// reflectionText is the journal entry a submitted form makes, in the
// member's language, or the field errors to show. p is the prompt in that
// language, nil when retired. A scale's rating comes first, with what its
// ends mean, so the entry reads on its own later; a sentence to finish must
// go beyond the words it started with.
func reflectionText(pr *lang.Printer, p *prompts.Prompt, values formValues) (string, *viewResponse) {
	text := strings.TrimSpace(values[blockReflection][actionReflection].Value)
	if p != nil && p.Form == prompts.FormScale {
		rating := values[blockRating][actionRating].SelectedOption.Value
		if len(rating) != 1 || rating < "1" || rating > "5" {
			return "", &viewResponse{Action: "errors", Errors: map[string]string{blockRating: pr.T("prompt_rating_missing")}}
		}
		head := pr.T("prompt_rating_entry", "Rating", rating, "Low", p.Scale[0], "High", p.Scale[1])
		if text != "" {
			head += "\n" + pr.T("prompt_rating_higher", "Text", text)
		}
		text = head
	}
	switch n := utf8.RuneCountInString(text); {
	case n == 0, p != nil && p.Form == prompts.FormFinish && text == strings.TrimSpace(finishStem(p)):
		return "", fieldError(pr.T("prompt_reflection_empty"))
	case n > store.MaxReflectionLen:
		return "", fieldError(pr.T("prompt_reflection_too_long", "N", pr.Number(n), "Max", pr.Number(store.MaxReflectionLen)))
	}
	return text, nil
}

// untouchedStem reports whether text is only the words a sentence to finish
// starts with, in any of the catalog's languages: the member may have
// switched languages between opening the form and sending it, and the form
// started in the language of the opening.
func (b *Bot) untouchedStem(p *prompts.Prompt, text string) bool {
	if p == nil || p.Form != prompts.FormFinish {
		return false
	}
	for _, l := range b.Catalog.Languages() {
		if text == strings.TrimSpace(finishStem(b.Catalog.Localize(p, l))) {
			return true
		}
	}
	return false
}

// savedBefore finds the reflection this very form submission already
// saved: Slack sends a submission again when its ack was lost or late, and
// the member presses Submit again when "Saved" does not come. Either way the
// modal is the same view with the same hash, and the answer is "Saved"
// again, not a second entry. The words of the first submission are kept.
func (b *Bot) savedBefore(c *Command, promptID string) (store.Reflection, bool, error) {
	if c.Form == "" {
		return store.Reflection{}, false, nil
	}
	r, ok, err := b.Journal.LastReflectionOn(c.UserID, promptID)
	if err != nil {
		return r, false, fmt.Errorf("read last reflection of %s on %s: %w", c.UserID, promptID, err)
	}
	return r, ok && r.View == c.Form, nil
}

func fieldError(msg string) *viewResponse {
	return &viewResponse{Action: "errors", Errors: map[string]string{blockReflection: msg}}
}
