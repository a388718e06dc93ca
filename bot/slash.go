package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// maxResponseBytes bounds a message posted to a response_url, which has
// limits of its own; a larger reply keeps its words and drops its layout.
const maxResponseBytes = 16 * 1024

// Reply is what a handler answers: a message only the member sees.
type Reply struct {
	Text   string        // notification and fallback text
	Blocks []slack.Block // the message itself
	// ReplaceOriginal replaces the message a button was clicked in.
	ReplaceOriginal bool
}

// message is a reply as Slack wants it in an ack or at a response_url.
type message struct {
	ResponseType    string        `json:"response_type,omitempty"`
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
	ReplaceOriginal bool          `json:"replace_original,omitempty"`
}

func (r Reply) message() message {
	return message{ResponseType: "ephemeral", Text: r.Text, Blocks: r.Blocks, ReplaceOriginal: r.ReplaceOriginal}
}

// result is a handler's outcome.
type result struct {
	reply Reply
	err   error
}

// serveSlash is the one adapter from a slash command envelope to a handler:
// it runs the handler, acks with its reply when the reply is ready within
// AckWithin and under Slack's 20 KB ack limit, and otherwise acks empty and
// delivers the reply to the command's response_url.
func (b *Bot) serveSlash(ctx context.Context, ack Acker, req socketmode.Request, sc slack.SlashCommand) {
	start := b.Now()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if !b.seen.first("env:"+req.EnvelopeID, start) {
		b.ackEmpty(ack, req)
		b.Logger.Debug("duplicate envelope ignored", "envelope", req.EnvelopeID)
		return
	}
	name := sc.Command
	if name == "" {
		name = b.Command
	}
	c := &Command{UserID: sc.UserID, ChannelID: sc.ChannelID, Name: name, TriggerID: sc.TriggerID, ResponseURL: sc.ResponseURL}

	// The handler runs here; a timer acks empty if it is still running at
	// AckWithin. Whoever sets acked first acks; emptyAcked closes once the
	// timer's empty ack is written, so the reply never overtakes it.
	var acked atomic.Bool
	emptyAcked := make(chan struct{})
	timer := time.AfterFunc(b.AckWithin, func() {
		if acked.CompareAndSwap(false, true) {
			b.ackEmpty(ack, req)
			b.Metrics.Ack(b.Now().Sub(start))
			close(emptyAcked)
		}
	})
	res := b.runHandler(ctx, c, func() (Reply, error) { return b.Dispatch(ctx, c, sc.Text) })
	timer.Stop()
	msg := b.replyMessage(c, res)
	if acked.CompareAndSwap(false, true) {
		b.Metrics.Ack(b.Now().Sub(start))
		// slack-go refuses (with an error, before sending) an ack of 20 KB
		// or more, which Slack would silently drop; such a reply goes to the
		// response_url instead.
		if err := ack.Ack(req, msg); err != nil {
			b.Logger.Warn("reply too large for the ack, sending it to the response_url", "envelope", req.EnvelopeID, "err", err)
			b.ackEmpty(ack, req)
			b.respond(ctx, c.ResponseURL, msg)
		}
	} else {
		<-emptyAcked
		b.respond(ctx, c.ResponseURL, msg)
	}
	b.logCommand(c, res.err, start)
	b.afterChange(ctx, c, res.err)
}

// runHandler calls fn, turning a panic into an error so one bad command can
// never take the bot down or leave the member without an answer.
func (b *Bot) runHandler(ctx context.Context, c *Command, fn func() (Reply, error)) (res result) {
	defer func() {
		if p := recover(); p != nil {
			b.Logger.ErrorContext(ctx, "handler panicked", "user", c.UserID, "sub", c.Sub, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res = result{err: fmt.Errorf("panic in %q: %v", c.Sub, p)}
		}
	}()
	if c.P == nil {
		c.P = b.commandPrinter(ctx, c.UserID)
	}
	reply, err := fn()
	return result{reply: reply, err: err}
}

// replyMessage turns a handler's outcome into the message the member sees.
// Our own errors are logged with context; the member gets the apology.
func (b *Bot) replyMessage(c *Command, res result) message {
	if res.err == nil {
		return fitMessage(res.reply.message())
	}
	if ErrorCode(res.err) == EINTERNAL {
		b.Logger.Error("command failed", "user", c.UserID, "sub", c.Sub, "err", redact(res.err))
	}
	text := localError(c.P, res.err)
	return fitMessage(message{ResponseType: "ephemeral", Text: text, Blocks: errorBlocks(text)})
}

// fits reports whether msg is small enough for a response_url.
func fits(msg message) bool {
	raw, err := json.Marshal(msg)
	return err == nil && len(raw) <= maxResponseBytes
}

// respond posts msg to a response_url, for replies that missed the ack.
// At most maxReplies posts are in flight; up to maxQueuedReplies more wait
// for one to finish, and past that a reply is dropped with a log line and a
// metric: a response_url that hangs must not pile up goroutines and
// connections by the thousand. Each post has replyPostTimeout, and the reply
// as a whole, waiting and retries included, respondTimeout.
func (b *Bot) respond(ctx context.Context, url string, msg message) {
	if url == "" {
		b.Logger.Error("reply lost: no response_url")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, respondTimeout)
	defer cancel()
	release, ok := b.replies.acquire(ctx)
	if !ok {
		b.Metrics.ReplyDropped()
		b.Logger.Error("reply dropped: too many replies to response_urls in flight", "in_flight", cap(b.replies.slots), "queued", b.replies.queue)
		return
	}
	defer release()
	if !fits(msg) {
		// Even the response_url has limits; keep the words, drop the layout.
		msg.Blocks = nil
		msg.Text, _ = fitText(msg.Text, maxMessageChars, maxResponseBytes/2)
	}
	wm := &slack.WebhookMessage{Text: msg.Text, ResponseType: msg.ResponseType, ReplaceOriginal: msg.ReplaceOriginal}
	if len(msg.Blocks) > 0 {
		wm.Blocks = &slack.Blocks{BlockSet: msg.Blocks}
	}
	// A response_url takes five posts in thirty minutes, so a reply that
	// failed on the way (a 5xx, a 429, the network) is worth trying again.
	var err error
	for attempt := range respondAttempts {
		if err = b.postReply(ctx, url, wm); !transient(err) {
			break
		}
		wait := respondBackoff << attempt
		if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
			wait = max(wait, rl.RetryAfter)
		}
		if attempt == respondAttempts-1 || !sleepCtx(ctx, wait) {
			break
		}
	}
	if err != nil {
		b.Logger.Error("reply to response_url failed", "err", redact(err))
	}
}

// postReply is one post to a response_url, cut off at replyPostTimeout.
func (b *Bot) postReply(ctx context.Context, url string, wm *slack.WebhookMessage) error {
	ctx, cancel := context.WithTimeout(ctx, b.replies.postTimeout)
	defer cancel()
	return slack.PostWebhookCustomHTTPContext(ctx, url, b.HTTPClient, wm)
}

// Bounds on replies to response_urls. 32 posts at once is far more than a
// team's clicks need (a post takes tens of milliseconds), and 256 waiting
// cover a burst of a few seconds; a reply that waits longer than
// respondTimeout is stale anyway.
const (
	maxReplies       = 32
	maxQueuedReplies = 256
	replyPostTimeout = 10 * time.Second
	respondTimeout   = 30 * time.Second
)

// replyLimiter bounds the replies posted at once and those waiting.
type replyLimiter struct {
	slots       chan struct{} // one token per post in flight
	queue       int           // how many may wait for a slot
	waiting     atomic.Int64
	postTimeout time.Duration
}

func newReplyLimiter(inFlight, queued int, postTimeout time.Duration) *replyLimiter {
	return &replyLimiter{slots: make(chan struct{}, inFlight), queue: queued, postTimeout: postTimeout}
}

// acquire takes a slot, waiting for one if fewer than queue replies already
// wait, and until ctx ends at most. It reports false when the reply must be
// dropped; otherwise release gives the slot back.
func (l *replyLimiter) acquire(ctx context.Context) (release func(), ok bool) {
	release = func() { <-l.slots }
	select {
	case l.slots <- struct{}{}:
		return release, true
	default:
	}
	if l.waiting.Add(1) > int64(l.queue) {
		l.waiting.Add(-1)
		return nil, false
	}
	defer l.waiting.Add(-1)
	select {
	case l.slots <- struct{}{}:
		return release, true
	case <-ctx.Done():
		return nil, false
	}
}

// respondAttempts bounds the posts of one reply to a response_url, the
// first waiting respondBackoff before the second, and doubling after.
const respondAttempts = 3

var respondBackoff = 500 * time.Millisecond

// sleepCtx waits d, or less if ctx ends first; it reports whether it waited
// the whole of d.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// logCommand writes the one line per command an operator reads.
func (b *Bot) logCommand(c *Command, err error, start time.Time) {
	outcome := "ok"
	level := slog.LevelInfo
	if err != nil {
		outcome = ErrorCode(err)
		if outcome == EINTERNAL {
			level = slog.LevelError
		}
	}
	d := b.Now().Sub(start)
	b.Metrics.Command(c.Sub, outcome, d)
	b.Logger.LogAttrs(context.Background(), level, "command",
		slog.String("user", c.UserID), slog.String("sub", c.Sub), slog.String("outcome", outcome), slog.Duration("duration", d))
}
