package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// serveInteractive handles buttons, modal submissions and message
// shortcuts, each routed by its id through the interaction table
// (commands.go). Identity always comes from the payload's user as Slack
// reports it, never from a button's value or a modal's metadata.
func (b *Bot) serveInteractive(ctx context.Context, ack Acker, req socketmode.Request, cb slack.InteractionCallback) {
	start := b.Now()
	if !b.seen.first("env:"+req.EnvelopeID, start) {
		b.ackEmpty(ack, req)
		return
	}
	if cb.User.ID == "" {
		// Nobody to act for: Slack always says who acted.
		b.ackEmpty(ack, req)
		b.Logger.Warn("interactive payload without a user", "type", cb.Type, "callback", logValue(cb.View.CallbackID))
		return
	}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		// Acked at once: Slack wants the ack within 3 seconds and the answer
		// goes to the response_url (or a modal) anyway.
		b.ackEmpty(ack, req)
		b.serveAction(ctx, cb, start)
	case slack.InteractionTypeViewSubmission:
		b.serveForm(ctx, ack, req, cb, start)
	case slack.InteractionTypeMessageAction:
		b.ackEmpty(ack, req)
		b.serveShortcut(ctx, cb, start)
	default:
		b.ackEmpty(ack, req)
	}
}

// serveAction runs one button.
func (b *Bot) serveAction(ctx context.Context, cb slack.InteractionCallback, start time.Time) {
	if len(cb.ActionCallback.BlockActions) == 0 {
		b.Logger.Warn("button payload without an action", "user", cb.User.ID)
		return
	}
	action := cb.ActionCallback.BlockActions[0]
	c := &Command{UserID: cb.User.ID, ChannelID: cb.Channel.ID, Name: b.Command, Sub: "unknown", TriggerID: cb.TriggerID, ResponseURL: cb.ResponseURL}
	r, ok := b.table.lookup(kindButton, action.ActionID)
	if !ok {
		b.Logger.Warn("unknown button", "action", logValue(action.ActionID), "user", c.UserID, "value", logValue(action.Value))
		b.logCommand(c, nil, start)
		return
	}
	c.Sub = r.logName()
	res := b.runHandler(ctx, c, func() (Reply, error) {
		if err := b.checkPayload(c, r, action.Value); err != nil {
			return Reply{}, err
		}
		return r.handle(ctx, c)
	})
	if cb.View.Type == slack.VTHomeTab {
		b.answerHome(ctx, c, res)
	} else if res.err != nil || len(res.reply.Blocks) > 0 {
		b.respond(ctx, c.ResponseURL, b.replyMessage(c, res))
	}
	b.logCommand(c, res.err, start)
	b.afterChange(ctx, c, res.err)
}

// serveForm saves one modal submission. The ack carries the answer (field
// errors or the next view), so what was submitted is on disk before the
// member sees "Saved".
func (b *Bot) serveForm(ctx context.Context, ack Acker, req socketmode.Request, cb slack.InteractionCallback, start time.Time) {
	c := &Command{UserID: cb.User.ID, Name: b.Command, Sub: "unknown"}
	r, ok := b.table.lookup(kindForm, cb.View.CallbackID)
	if !ok {
		b.ackEmpty(ack, req) // closes the modal; nothing is saved
		b.Logger.Warn("unknown modal", "user", c.UserID, "callback", logValue(cb.View.CallbackID))
		b.logCommand(c, nil, start)
		return
	}
	c.Sub = r.logName()
	if cb.View.ID != "" {
		c.Form = cb.View.ID + "/" + cb.View.Hash
	}
	var values formValues
	if cb.View.State != nil {
		values = cb.View.State.Values
	}
	var resp *viewResponse
	res := b.runHandler(ctx, c, func() (Reply, error) {
		err := b.checkPayload(c, r, cb.View.PrivateMetadata)
		if err == nil {
			resp, err = r.submit(c, values)
		}
		return Reply{}, err
	})
	if res.err != nil {
		b.replyMessage(c, res) // logs an error of ours
		resp = r.fail(localError(c.P, res.err))
	}
	if err := ack.Ack(req, resp); err != nil {
		b.Logger.Error("ack failed", "envelope", req.EnvelopeID, "err", err)
	}
	b.logCommand(c, res.err, start)
	if resp == nil || resp.Action != "errors" { // a refused form changed nothing
		b.afterChange(ctx, c, res.err)
	}
}

// serveShortcut runs one message shortcut; its answer goes to the
// response_url.
func (b *Bot) serveShortcut(ctx context.Context, cb slack.InteractionCallback, start time.Time) {
	c := &Command{UserID: cb.User.ID, ChannelID: cb.Channel.ID, Name: b.Command, Sub: "unknown", TriggerID: cb.TriggerID, ResponseURL: cb.ResponseURL}
	r, ok := b.table.lookup(kindShortcut, cb.CallbackID)
	if !ok {
		b.Logger.Warn("unknown shortcut", "user", c.UserID, "callback", logValue(cb.CallbackID))
		b.logCommand(c, nil, start)
		return
	}
	c.Sub, c.Message = r.logName(), &cb.Message
	res := b.runHandler(ctx, c, func() (Reply, error) { return r.handle(ctx, c) })
	if res.err != nil || len(res.reply.Blocks) > 0 {
		b.respond(ctx, c.ResponseURL, b.replyMessage(c, res))
	}
	b.logCommand(c, res.err, start)
	b.afterChange(ctx, c, res.err)
}

// openReflect opens the reflection modal; Slack's trigger_id is valid for 3
// seconds, so this runs straight from the click.
func (b *Bot) openReflect(ctx context.Context, c *Command) (Reply, error) {
	ref := parsePromptRef(c.Value)
	p, ok := b.Catalog.Prompt(ref.PromptID)
	if !ok {
		return Reply{}, Errorf(ENOTFOUND, "That prompt is no longer in the catalog. `%s prompt` gives you a new one.", c.Name)
	}
	t, _ := b.Catalog.Theme(p.Theme)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.Slack.OpenViewContext(ctx, c.TriggerID, reflectModal(t, p, ref)); err != nil {
		return Reply{}, fmt.Errorf("open reflect modal for %s: %w", c.UserID, err)
	}
	return Reply{}, nil
}

// viewResponse is a view_submission ack: field errors, or the next view.
type viewResponse struct {
	Action string                  `json:"response_action"`
	Errors map[string]string       `json:"errors,omitempty"`
	View   *slack.ModalViewRequest `json:"view,omitempty"`
}

// submitReflection validates and saves a reflection, and returns the ack:
// errors shown under the field, or the "Saved" view once it is on disk.
// Its route has checked the metadata, the prompt and slot written about.
func (b *Bot) submitReflection(c *Command, values formValues) (*viewResponse, error) {
	ref := parsePromptRef(c.Value)
	p, _ := b.Catalog.Prompt(ref.PromptID) // nil when retired since: reflectionFor says so
	text, bad := reflectionText(p, values)
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
		if r, err = b.reflectionFor(c.UserID, ref, text); err != nil {
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
	return &viewResponse{Action: "update", View: savedModal(c.Name, streak(ns), !r.Slot.IsZero(), p)}, nil
}

// reflectionText is the journal entry a submitted form makes, or the field
// errors to show. A scale's rating comes first, with what its ends mean, so
// the entry reads on its own later; a sentence to finish must go beyond the
// words it started with.
func reflectionText(p *prompts.Prompt, values formValues) (string, *viewResponse) {
	text := strings.TrimSpace(values[blockReflection][actionReflection].Value)
	if p != nil && p.Form == prompts.FormScale {
		rating := values[blockRating][actionRating].SelectedOption.Value
		if len(rating) != 1 || rating < "1" || rating > "5" {
			return "", &viewResponse{Action: "errors", Errors: map[string]string{blockRating: "Choose a number from 1 to 5."}}
		}
		head := fmt.Sprintf("%s of 5 (1: %s, 5: %s)", rating, p.Scale[0], p.Scale[1])
		if text != "" {
			head += "\nOne point higher: " + text
		}
		text = head
	}
	switch n := utf8.RuneCountInString(text); {
	case n == 0, p != nil && p.Form == prompts.FormFinish && text == strings.TrimSpace(finishStem(p)):
		return "", fieldError("Write a few words first, or press Cancel.")
	case n > store.MaxReflectionLen:
		return "", fieldError(fmt.Sprintf("That is %d characters; the journal keeps at most %d per entry.", n, store.MaxReflectionLen))
	}
	return text, nil
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

// Checking what a button or a modal carries. Identity comes from Slack's
// user.id alone; a value or metadata only says which prompt, slot or
// confirmation the click is about, and that must be the acting member's own.
// What is not is refused: nothing changes, the member gets notYours (or the
// modal shows notYourForm) and a Warn line names the member, the action or
// callback and the value, clipped. Nothing a member wrote is ever logged.

// checkPayload runs the ownership check route r declares for value, a
// button's value or a form's metadata, and hands value to the handler in
// c.Value once it passed. A route that declares it carries nothing gets no
// value at all, so no handler can act on an unchecked one.
func (b *Bot) checkPayload(c *Command, r *route, value string) error {
	var reason string
	var err error
	switch r.carries {
	case carriesNothing:
		return nil
	case carriesPrompt, carriesSlot:
		// Skip and Pause are only on scheduled nudges: their value names a slot.
		reason, err = b.checkRef(c.UserID, c.ChannelID, value, r.carries == carriesSlot)
	case carriesOffer:
		if value != forgetValue(r.id, c.UserID) {
			reason = "offered to someone else"
		}
	case carriesExp:
		reason, err = b.checkExp(c.UserID, value)
	case carriesWin:
		var formed bool
		if reason, formed, err = b.checkWin(c.UserID, value); err == nil && formed && reason != "" {
			// A second click on Delete looks the same as a forged one.
			b.Logger.Warn("interactive payload refused", "user", c.UserID, r.kind.String(), r.id, "value", logValue(value), "reason", reason)
			return Errorf(ENOTFOUND, winGone, c.Name)
		}
	default:
		reason = "no check for this payload" // newTable refuses such a route
	}
	if err != nil {
		return err
	}
	if reason != "" {
		return b.refuse(c, r.kind, r.id, value, reason)
	}
	c.Value = value
	return nil
}

// checkRef reads a button value or a reflection modal's metadata strictly
// and says why it is not the member's ("" when it is): it must parse, and a
// slot, when it names one, must be one of the member's own nudges, posted in
// channel when the payload and the record both say where. A prompt card asked
// for carries no slot; its prompt is the catalog's, anyone's to read.
func (b *Bot) checkRef(userID, channel, value string, slotted bool) (string, error) {
	ref, ok := readPromptRef(value)
	switch {
	case !ok:
		return "malformed value", nil
	case ref.Slot.IsZero() && slotted:
		return "no slot", nil
	case ref.Slot.IsZero():
		return "", nil
	}
	n, ok, err := b.ownNudge(userID, ref.Slot)
	switch {
	case err != nil:
		return "", err
	case !ok:
		return "slot is not one of the member's nudges", nil
	case channel != "" && n.Channel != "" && channel != n.Channel:
		return "nudge was posted in another channel", nil
	}
	return "", nil
}

// readPromptRef is parsePromptRef that also says whether v is well formed:
// three fields, a prompt id and a slot of zero or more seconds, and maybe a
// fourth, the slot a skip button skips.
func readPromptRef(v string) (promptRef, bool) {
	parts := strings.Split(v, "|")
	if (len(parts) != 3 && len(parts) != 4) || parts[0] == "" {
		return promptRef{}, false
	}
	for _, sec := range parts[2:] {
		if n, err := strconv.ParseInt(sec, 10, 64); err != nil || n < 0 {
			return promptRef{}, false
		}
	}
	return parsePromptRef(v), true
}

// ownNudge finds the member's nudge of slot: among their newest hundred,
// where a live card's slot always is, and only then among all of them.
func (b *Bot) ownNudge(userID string, slot time.Time) (store.Nudge, bool, error) {
	for _, limit := range []int{100, 0} {
		ns, err := b.Schedules.Nudges(userID, limit)
		if err != nil {
			return store.Nudge{}, false, fmt.Errorf("read nudges of %s: %w", userID, err)
		}
		for _, n := range ns {
			if n.Slot.Equal(slot) {
				return n, true, nil
			}
		}
		if len(ns) < limit {
			break // that was all of them
		}
	}
	return store.Nudge{}, false, nil
}

// forgetValue is the value of a forget confirmation's button: the action
// and the member it was offered to, so that a click by anyone else is
// refused. Whom to delete is still the clicker, as Slack reports them.
func forgetValue(actionID, userID string) string {
	return actionID + ":" + userID
}

// refuse logs a payload that is not the member's and returns the answer
// they get. The log names the payload by its kind ("action" for a button's
// action_id, "callback" for a modal's callback_id) and id.
func (b *Bot) refuse(c *Command, k kind, id, value, reason string) error {
	b.Logger.Warn("interactive payload refused", "user", c.UserID, k.String(), id, "value", logValue(value), "reason", reason)
	if k == kindForm {
		return Errorf(EFORBIDDEN, "%s", notYourForm)
	}
	return Errorf(EFORBIDDEN, notYours, c.Name)
}

const (
	notYours    = "That button is not one of yours, so I changed nothing. `%s help` lists what you can do."
	notYourForm = "This form is not for one of your prompts, so nothing was saved. Copy your words, then press Reflect under a prompt of yours."
)

// logValue is a value from a payload as it may be logged: at most 80
// characters, so a forged payload cannot flood the log.
func logValue(v string) string {
	if utf8.RuneCountInString(v) <= 80 {
		return v
	}
	return string([]rune(v)[:80]) + "…"
}
