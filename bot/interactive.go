package bot

import (
	"context"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Action ids of the buttons the bot renders.
const (
	actionAnotherPrompt = "prompt.another"
)

// serveInteractive acknowledges a button click at once (Slack wants the ack
// within 3 seconds and the answer can take longer) and answers at the
// response_url. Identity comes only from the payload's user, never from a
// button's value.
func (b *Bot) serveInteractive(ctx context.Context, ack Acker, req socketmode.Request, cb slack.InteractionCallback) {
	b.ackEmpty(ack, req)
	start := b.Now()
	if !b.seen.first("env:"+req.EnvelopeID, start) {
		return
	}
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		b.Logger.Debug("interaction ignored", "type", cb.Type)
		return
	}
	action := cb.ActionCallback.BlockActions[0]
	c := &Command{UserID: cb.User.ID, ChannelID: cb.Channel.ID, Name: b.Command, Sub: action.ActionID, TriggerID: cb.TriggerID, ResponseURL: cb.ResponseURL}
	var res result
	switch action.ActionID {
	case actionAnotherPrompt:
		res = b.runHandler(ctx, c, func() (Reply, error) { return b.anotherPrompt(ctx, c, action.Value) })
	default:
		b.Logger.Warn("unknown button", "action", action.ActionID, "user", c.UserID)
		return
	}
	b.respond(ctx, c.ResponseURL, b.replyMessage(c, res))
	b.logCommand(c, res.err, start)
}
