package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// serveInteractive handles buttons and modal submissions. Identity always
// comes from the payload's user as Slack reports it, never from a button's
// value or a modal's metadata.
func (b *Bot) serveInteractive(ctx context.Context, ack Acker, req socketmode.Request, cb slack.InteractionCallback) {
	start := b.Now()
	if !b.seen.first("env:"+req.EnvelopeID, start) {
		b.ackEmpty(ack, req)
		return
	}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		// Acked at once: Slack wants the ack within 3 seconds and the answer
		// goes to the response_url (or a modal) anyway.
		b.ackEmpty(ack, req)
		b.serveAction(ctx, cb, start)
	case slack.InteractionTypeViewSubmission:
		// The ack carries the answer (field errors or the next view), so the
		// reflection is on disk before the member sees "Saved".
		c := &Command{UserID: cb.User.ID, Name: b.Command, Sub: "reflect.save"}
		submit, onError := b.submitReflection, fieldError
		if cb.View.CallbackID == callbackSettings {
			c.Sub, submit, onError = "settings.save", b.submitSettings, settingsError
		}
		var resp *viewResponse
		res := b.runHandler(ctx, c, func() (Reply, error) {
			var err error
			resp, err = submit(c, cb)
			return Reply{}, err
		})
		if res.err != nil {
			b.replyMessage(c, res) // logs an error of ours
			resp = onError(ErrorMessage(res.err))
		}
		if err := ack.Ack(req, resp); err != nil {
			b.Logger.Error("ack failed", "envelope", req.EnvelopeID, "err", err)
		}
		b.logCommand(c, res.err, start)
		b.afterChange(ctx, c, res.err)
	default:
		b.ackEmpty(ack, req)
	}
}

// serveAction runs one button.
func (b *Bot) serveAction(ctx context.Context, cb slack.InteractionCallback, start time.Time) {
	if len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	action := cb.ActionCallback.BlockActions[0]
	c := &Command{UserID: cb.User.ID, ChannelID: cb.Channel.ID, Name: b.Command, Sub: action.ActionID, TriggerID: cb.TriggerID, ResponseURL: cb.ResponseURL}
	var fn func() (Reply, error)
	switch action.ActionID {
	case actionAnotherPrompt:
		fn = func() (Reply, error) { return b.anotherPrompt(ctx, c, action.Value) }
	case actionReflect:
		fn = func() (Reply, error) { return Reply{}, b.openReflect(ctx, c, action.Value) }
	case actionSkipNext:
		fn = func() (Reply, error) { return b.skipNext(c) }
	case actionPauseTwoWeeks:
		fn = func() (Reply, error) { c.Args = []string{"2w"}; return b.cmdPause(ctx, c) }
	case actionForgetConfirm:
		fn = func() (Reply, error) { return b.forget(c) }
	case actionHomePrompt, actionHomeSettings, actionHomePause, actionHomeResume, actionHomeExport:
		fn = func() (Reply, error) { return b.homeAction(ctx, c, action.ActionID) }
	case actionForgetCancel:
		fn = func() (Reply, error) {
			r := textReply("Nothing was deleted.")
			r.ReplaceOriginal = true
			return r, nil
		}
	default:
		b.Logger.Warn("unknown button", "action", action.ActionID, "user", c.UserID)
		c.Sub = "unknown"
		b.logCommand(c, nil, start)
		return
	}
	res := b.runHandler(ctx, c, fn)
	if cb.View.Type == slack.VTHomeTab {
		b.answerHome(ctx, c, res)
	} else if res.err != nil || len(res.reply.Blocks) > 0 {
		b.respond(ctx, c.ResponseURL, b.replyMessage(c, res))
	}
	b.logCommand(c, res.err, start)
	b.afterChange(ctx, c, res.err)
}

// openReflect opens the reflection modal; Slack's trigger_id is valid for 3
// seconds, so this runs straight from the click.
func (b *Bot) openReflect(ctx context.Context, c *Command, value string) error {
	ref := parsePromptRef(value)
	p, ok := b.Catalog.Prompt(ref.PromptID)
	if !ok {
		return Errorf(ENOTFOUND, "That prompt is no longer in the catalog. `%s prompt` gives you a new one.", c.Name)
	}
	t, _ := b.Catalog.Theme(p.Theme)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.Slack.OpenViewContext(ctx, c.TriggerID, reflectModal(t, p, ref)); err != nil {
		return fmt.Errorf("open reflect modal for %s: %w", c.UserID, err)
	}
	return nil
}

// viewResponse is a view_submission ack: field errors, or the next view.
type viewResponse struct {
	Action string                  `json:"response_action"`
	Errors map[string]string       `json:"errors,omitempty"`
	View   *slack.ModalViewRequest `json:"view,omitempty"`
}

// submitReflection validates and saves a reflection, and returns the ack:
// errors shown under the field, or the "Saved" view once it is on disk.
func (b *Bot) submitReflection(c *Command, cb slack.InteractionCallback) (*viewResponse, error) {
	if cb.View.CallbackID != callbackReflect {
		return nil, nil
	}
	text := strings.TrimSpace(cb.View.State.Values[blockReflection][actionReflection].Value)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return fieldError("Write a few words first, or press Cancel."), nil
	case n > store.MaxReflectionLen:
		return fieldError(fmt.Sprintf("That is %d characters; the journal keeps at most %d per entry.", n, store.MaxReflectionLen)), nil
	}
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	r, err := b.reflectionFor(c.UserID, parsePromptRef(cb.View.PrivateMetadata), text)
	if err != nil {
		return nil, err
	}
	if r, err = b.Store.AddReflection(r); err != nil {
		return nil, err
	}
	ns, err := b.Store.Nudges(c.UserID, 200)
	if err != nil {
		b.Logger.Warn("reflection saved; streak unknown", "user", c.UserID, "err", err)
	}
	return &viewResponse{Action: "update", View: savedModal(c.Name, streak(ns), !r.Slot.IsZero())}, nil
}

func fieldError(msg string) *viewResponse {
	return &viewResponse{Action: "errors", Errors: map[string]string{blockReflection: msg}}
}
