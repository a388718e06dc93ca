package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Acker acknowledges Socket Mode envelopes. *socketmode.Client implements it.
type Acker interface {
	Ack(req socketmode.Request, payload ...any) error
}

// ackFlushGrace is how long Run keeps the socket open after the last handler
// finished, so the acks it queued are written before the connection closes.
// slack-go queues acks on a channel and offers no way to wait for the write.
const ackFlushGrace = 250 * time.Millisecond

// Run connects over Socket Mode and serves until ctx is cancelled, then stops
// taking envelopes, waits (at most ShutdownTimeout) for in-flight replies and
// closes the socket. slack-go reconnects by itself after a disconnect or a
// dropped socket; Run returns an error only when it gives up, e.g. on
// invalid_auth.
func (b *Bot) Run(ctx context.Context, sm *socketmode.Client) error {
	// The socket outlives ctx a little, so replies in flight can still be acked.
	sockCtx, closeSocket := context.WithCancel(context.WithoutCancel(ctx))
	defer closeSocket()
	runErr := make(chan error, 1)
	go func() { runErr <- sm.RunContext(sockCtx) }()

	// Handlers get a context that survives the shutdown signal, so they can
	// finish their reply; ShutdownTimeout bounds how long we wait for them.
	work := context.WithoutCancel(ctx)
	for {
		select {
		case <-ctx.Done():
			b.drain()
			time.Sleep(ackFlushGrace)
			closeSocket()
			<-runErr
			b.connected.Store(false)
			return nil
		case err := <-runErr:
			b.connected.Store(false)
			b.drain()
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("socket mode: %w", err)
		case evt := <-sm.Events:
			if err := unfixable(evt); err != nil {
				closeSocket()
				<-runErr
				b.connected.Store(false)
				b.drain()
				return fmt.Errorf("socket mode: %w", err)
			}
			b.handleEvent(work, sm, evt)
		}
	}
}

// unfixable returns the error of a failed connection that no retry fixes,
// which slack-go retries all the same: missing_scope, an app-level token
// without connections:write. Retried, the bot would never start and never
// say why but in a warning a minute.
func unfixable(evt socketmode.Event) error {
	e, ok := evt.Data.(*slack.ConnectionErrorEvent)
	if evt.Type != socketmode.EventTypeConnectionError || !ok || e.ErrorObj == nil {
		return nil
	}
	if e.ErrorObj.Error() == "missing_scope" {
		return e.ErrorObj
	}
	return nil
}

// drain waits for in-flight handlers and the writes they left behind, at most
// ShutdownTimeout.
func (b *Bot) drain() {
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(b.ShutdownTimeout):
		b.Logger.Warn("shutdown: gave up waiting for in-flight work", "timeout", b.ShutdownTimeout)
	}
}

// inflight is the work shutdown waits for: handlers and the writes they
// leave behind. It also counts it, for Idle.
type inflight struct {
	wg sync.WaitGroup
	n  atomic.Int64
}

func (w *inflight) Add(delta int) { w.n.Add(int64(delta)); w.wg.Add(delta) }
func (w *inflight) Done()         { w.n.Add(-1); w.wg.Done() }
func (w *inflight) Wait()         { w.wg.Wait() }

// Idle reports whether no handler runs and no write one left behind is
// pending. An envelope's handler starts before its ack is sent, so once
// Slack has the ack, the bot is busy until every answer to it is posted:
// a local session (mentorbot try) waits for Idle rather than guessing from
// a quiet spell, which a loaded machine can stretch past any guess.
func (b *Bot) Idle() bool { return b.inflight.n.Load() == 0 }

// goWork runs fn on a goroutine of its own as in-flight work that shutdown
// waits for, so nothing ever queues behind a slow handler. A pool of workers
// that stay, kept here before, saved each command a fresh goroutine's stack
// growth; measured alone it bought nothing the benchmark could tell from
// noise (docs/benchmarks.md), so a go statement does.
func (b *Bot) goWork(fn func()) {
	b.inflight.Add(1)
	go func() {
		defer b.inflight.Done()
		fn()
	}()
}

// handleEvent routes one Socket Mode event. It never blocks on a handler:
// every envelope is served on its own goroutine so a slow one cannot delay
// the acks of the others.
func (b *Bot) handleEvent(ctx context.Context, ack Acker, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		// A (re)connect starts after the socket was lost: not ready until hello.
		b.connected.Store(false)
		b.Logger.Info("connecting to Slack")
	case socketmode.EventTypeConnected:
		b.connected.Store(true)
		if b.connects.Add(1) > 1 {
			b.Metrics.Reconnect()
		}
		b.Logger.Info("connected to Slack")
	case socketmode.EventTypeHello:
		b.connected.Store(true)
	case socketmode.EventTypeConnectionError:
		b.connected.Store(false)
		if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			b.Logger.Warn("cannot reach Slack, will retry", "attempt", e.Attempt, "backoff", e.Backoff, "err", e.ErrorObj)
		}
	case socketmode.EventTypeInvalidAuth:
		b.connected.Store(false)
		b.Logger.Error("Slack rejected the app token")
	case socketmode.EventTypeErrorBadMessage:
		if e, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			b.goWork(func() { b.serveBadMessage(ctx, ack, e) })
		}
	case socketmode.EventTypeErrorWriteFailed:
		// Never the data itself: it holds the reply, a member's journal perhaps.
		if e, ok := evt.Data.(*socketmode.ErrorWriteFailed); ok {
			id := ""
			if e.Response != nil {
				id = e.Response.EnvelopeID
			}
			b.Logger.Warn("socket mode: an ack could not be written", "envelope", id, "err", e.Cause)
		}
	case socketmode.EventTypeIncomingError:
		b.Logger.Warn("socket mode trouble", "type", evt.Type, "data", fmt.Sprint(evt.Data))
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if ok && evt.Request != nil {
			b.goWork(func() { b.serveSlash(ctx, ack, *evt.Request, cmd) })
		}
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if ok && evt.Request != nil {
			b.goWork(func() { b.serveInteractive(ctx, ack, *evt.Request, cb) })
		}
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if ok && evt.Request != nil {
			b.goWork(func() { b.serveEvent(ctx, ack, *evt.Request, ev) })
		}
	}
}

// ackEmpty acknowledges an envelope with no payload, logging a failure.
func (b *Bot) ackEmpty(ack Acker, req socketmode.Request) {
	if err := ack.Ack(req); err != nil {
		b.Logger.Error("ack failed", "envelope", req.EnvelopeID, "err", err)
	}
}

// serveEvent acknowledges an Events API envelope at once and handles the
// event once, even when Slack redelivers it.
func (b *Bot) serveEvent(ctx context.Context, ack Acker, req socketmode.Request, ev slackevents.EventsAPIEvent) {
	b.ackEmpty(ack, req)
	id := ""
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		id = cb.EventID
	}
	now := b.Now()
	if !b.seen.first("env:"+req.EnvelopeID, now) || !b.seen.first("event:"+id, now) {
		b.Logger.Debug("duplicate event ignored", "envelope", req.EnvelopeID, "event_id", id)
		return
	}
	b.Logger.Debug("event", "type", ev.InnerEvent.Type, "retry", req.RetryAttempt)
	b.homeOpened(ctx, ev)
}
