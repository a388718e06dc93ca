package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	c := &Command{UserID: cb.User.ID, ChannelID: cb.Channel.ID, Name: b.Command, Sub: "unknown", TriggerID: cb.TriggerID, ResponseURL: cb.ResponseURL, MessageTS: cb.Container.MessageTs}
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

// viewResponse is a view_submission ack: field errors, or the next view.
type viewResponse struct {
	Action string                  `json:"response_action"`
	Errors map[string]string       `json:"errors,omitempty"`
	View   *slack.ModalViewRequest `json:"view,omitempty"`
}

// Checking what a button or a modal carries. Identity comes from Slack's
// user.id alone; a value or metadata only says which prompt, slot or
// confirmation the click is about, and that must be the acting member's own.
// What is not is refused: nothing changes, the member gets help_not_yours
// (or the modal shows help_not_your_form), in their language, and a Warn line names the member, the action or
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
		if u, _, ok := forgetOffer(r.id, value); !ok || u != c.UserID {
			reason = "offered to someone else"
		}
	case carriesExp:
		reason, err = b.checkExp(c.UserID, value)
	case carriesWin:
		var formed bool
		if reason, formed, err = b.checkWin(c.UserID, value); err == nil && formed && reason != "" {
			// A second click on Delete looks the same as a forged one; so
			// does a list from before the member's forget, nothing to warn of.
			level := slog.LevelWarn
			if _, forgot := b.forgotten.Load(c.UserID); forgot {
				level = slog.LevelInfo
			}
			b.Logger.Log(context.Background(), level, "interactive payload refused", "user", c.UserID, r.kind.String(), r.id, "value", logValue(value), "reason", reason)
			return winGone(c)
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
func forgetValue(actionID, userID string, at time.Time) string {
	return actionID + ":" + userID + ":" + strconv.FormatInt(at.UnixMilli(), 10)
}

// forgetOffer reads forgetValue: whom the button was offered to and when.
// A value from before offers were dated ("forget.confirm:U1") has a zero
// time.
func forgetOffer(actionID, value string) (userID string, at time.Time, ok bool) {
	rest, ok := strings.CutPrefix(value, actionID+":")
	if !ok {
		return "", time.Time{}, false
	}
	userID, ms, dated := strings.Cut(rest, ":")
	if !dated {
		return userID, time.Time{}, true
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return "", time.Time{}, false
	}
	return userID, time.UnixMilli(n), true
}

// refuse logs a payload the member may not use (not theirs, malformed, or
// naming what is gone) and returns the answer they get. The log names the
// payload by its kind ("action" for a button's action_id, "callback" for a
// modal's callback_id) and id.
func (b *Bot) refuse(c *Command, k kind, id, value, reason string) error {
	if forgot, ok := b.forgotten.Load(c.UserID); ok {
		if slot := parsePromptRef(value).Slot; !slot.IsZero() && slot.Before(forgot.(time.Time)) {
			// A nudge card or its form from before the member's forget:
			// theirs, but nothing of it is kept any more. Nothing to warn
			// an operator of; any other refusal still warns.
			b.Logger.Info("interactive payload from before a forget", "user", c.UserID, k.String(), id, "reason", reason)
			return &Error{Code: EFORBIDDEN, Message: c.P.T("help_forgotten_card", "Cmd", c.Name)}
		}
	}
	b.Logger.Warn("interactive payload refused", "user", c.UserID, k.String(), id, "value", logValue(value), "reason", reason)
	if k == kindForm {
		return &Error{Code: EFORBIDDEN, Message: c.P.T("help_not_your_form")}
	}
	return &Error{Code: EFORBIDDEN, Message: c.P.T("help_not_yours", "Cmd", c.Name)}
}

// logValue is a value from a payload as it may be logged: at most 80
// characters, so a forged payload cannot flood the log.
func logValue(v string) string {
	if utf8.RuneCountInString(v) <= 80 {
		return v
	}
	return string([]rune(v)[:80]) + "…"
}
