package bot

import (
	"context"
	"encoding/json"
	"regexp"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// badEnvelope is what can still be read of an envelope slack-go could not
// decode: each part is read on its own, and a part that does not fit is
// left empty, so one field of an unexpected type costs only that field.
type badEnvelope struct {
	EnvelopeID  string
	Type        string // the envelope's: interactive, slash_commands, …
	PayloadType string // the interaction's: view_submission, block_actions, …
	UserID      string
	ResponseURL string
	// InputBlock is the first input block of a submitted view, where an
	// error can be shown.
	InputBlock string
}

// slackIDRE is a user id as Slack writes them.
var slackIDRE = regexp.MustCompile(`^[UW][A-Z0-9]{1,20}$`)

// readBadEnvelope reads what it safely can of raw, an envelope's frame.
func readBadEnvelope(raw []byte) badEnvelope {
	var frame struct {
		EnvelopeID string          `json:"envelope_id"`
		Type       string          `json:"type"`
		Payload    json.RawMessage `json:"payload"`
	}
	_ = json.Unmarshal(raw, &frame)
	var parts map[string]json.RawMessage
	_ = json.Unmarshal(frame.Payload, &parts)
	e := badEnvelope{EnvelopeID: frame.EnvelopeID, Type: frame.Type}
	_ = json.Unmarshal(parts["type"], &e.PayloadType)
	var user struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(parts["user"], &user) == nil {
		e.UserID = user.ID
	} else {
		_ = json.Unmarshal(parts["user_id"], &e.UserID) // a slash command's
	}
	if !slackIDRE.MatchString(e.UserID) {
		e.UserID = ""
	}
	_ = json.Unmarshal(parts["response_url"], &e.ResponseURL)
	var view struct {
		Blocks []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
		} `json:"blocks"`
	}
	if json.Unmarshal(parts["view"], &view) == nil {
		for _, bl := range view.Blocks {
			if bl.Type == "input" && bl.BlockID != "" {
				e.InputBlock = bl.BlockID
				break
			}
		}
	}
	return e
}

// serveBadMessage handles an envelope slack-go could not decode: it logs
// the cause and the envelope id, never the payload (it holds what the
// member wrote), acknowledges the envelope so Slack does not send it again,
// and tells the member where Slack allows: under the form's first field for
// a submission, at the response_url when there is one, or else in a DM.
// What they read (help_bad_message) is in their language when Slack's
// user id could be read, else in English: nothing was saved or changed.
func (b *Bot) serveBadMessage(ctx context.Context, ack Acker, e *socketmode.ErrorBadMessage) {
	env := readBadEnvelope(e.Message)
	b.Logger.Warn("envelope slack-go cannot decode", "envelope", env.EnvelopeID, "type", env.Type,
		"payload_type", env.PayloadType, "user", env.UserID, "cause", e.Cause)
	if env.EnvelopeID == "" || !b.seen.first("env:"+env.EnvelopeID, b.Now()) {
		return // nothing to ack, or acked already
	}
	// printerFor asks Slack at most localeTimeout, well inside the ack's 3 seconds.
	badMessageApology := b.printerFor(ctx, env.UserID).T("help_bad_message")
	req := socketmode.Request{EnvelopeID: env.EnvelopeID, Type: env.Type}
	if env.PayloadType == string(slack.InteractionTypeViewSubmission) && env.InputBlock != "" {
		resp := &viewResponse{Action: "errors", Errors: map[string]string{env.InputBlock: badMessageApology}}
		if err := ack.Ack(req, resp); err != nil {
			b.Logger.Error("ack failed", "envelope", env.EnvelopeID, "err", err)
		}
		return
	}
	b.ackEmpty(ack, req)
	switch {
	case env.ResponseURL != "":
		b.respond(ctx, env.ResponseURL, fitMessage(message{ResponseType: "ephemeral", Text: badMessageApology, Blocks: errorBlocks(badMessageApology)}))
	case env.UserID != "":
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if _, _, err := b.Slack.PostMessageContext(ctx, env.UserID, slack.MsgOptionText(badMessageApology, false)); err != nil {
			b.Logger.Error("could not tell the member about an envelope the bot cannot read", "user", env.UserID, "err", err)
		}
	}
}
