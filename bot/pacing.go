package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// Slack lets an app post about one message a second per channel and, across
// a workspace, several hundred a minute; past that chat.postMessage answers
// 429 with a Retry-After. A fan-out of many nudges due at once therefore
// runs at Slack's pace, not the bot's: 100,000 take hours. Two rules keep
// that orderly.
//
// Pacing: when Slack says 429 (after slack-go's own few retries), every
// sender holds back until the Retry-After has passed, and the nudge is
// posted again rather than left for a later tick, so nudges go out oldest
// due first, each once, with no retry loop hammering Slack meanwhile.
//
// Grace: a slot is skipped as late when it was older than Grace as the
// backlog it belongs to began, not when its turn comes. A backlog begins at
// a tick that finds slots due and lasts while ticks keep sending and leave
// some due: a delay that is only Slack's pace never costs a member their
// nudge, while a bot that was down, or a Slack that was unreachable (ticks
// that send nothing), still skips what is older than Grace.

// postPacer is the instant no sender may post before, after a 429.
type postPacer struct {
	mu    sync.Mutex
	until time.Time
}

// hold keeps every sender back until t at least.
func (p *postPacer) hold(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.After(p.until) {
		p.until = t
	}
}

// holding returns how long senders must still wait at now.
func (p *postPacer) holding(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.until.Sub(now)
}

// postPaced posts a nudge, waiting out Slack's rate limit on the bot's
// clock as often as Slack asks. It returns any other error, and the rate
// limit's when ctx ends during a wait.
func (b *Bot) postPaced(ctx context.Context, sub store.Subscription, n store.Nudge, p *prompts.Prompt) (string, string, error) {
	var limitErr error
	for {
		if d := b.pace.holding(b.Now()); d > 0 {
			select {
			case <-b.After(d):
			case <-ctx.Done():
				if limitErr == nil {
					limitErr = ctx.Err()
				}
				return "", "", limitErr
			}
		}
		channel, ts, err := b.postNudge(ctx, sub, n, p)
		rl, limited := errors.AsType[*slack.RateLimitedError](err)
		if !limited || ctx.Err() != nil {
			return channel, ts, err
		}
		limitErr = err
		b.pace.hold(b.Now().Add(max(rl.RetryAfter, time.Second)))
	}
}

// backlog is when the current run of ticks that find slots due began.
type backlog struct {
	mu    sync.Mutex
	since time.Time
}

// start returns the instant the grace window is judged at for a tick at
// now: the start of the backlog it continues, or now.
func (l *backlog) start(now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.since.IsZero() || l.since.After(now) {
		l.since = now
	}
	return l.since
}

// end records a tick's outcome: the backlog goes on only when the tick
// sent something and left slots due.
func (l *backlog) end(rep SendReport, full bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rep.Sent == 0 || !full && rep.Retry == 0 {
		l.since = time.Time{}
	}
}
