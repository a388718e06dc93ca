package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// dueBatch bounds the nudges one tick takes on; the rest wait for the next.
const dueBatch = 10000

// thenAndNowAge is how old an answer must be to be shown again beside the
// same prompt: long enough for the member to have changed their mind.
const thenAndNowAge = 8 * 7 * 24 * time.Hour

// SendReport counts what one SendDue call did.
type SendReport struct {
	Sent, Skipped, Retry, Failed int
}

// ScheduleStore keeps subscriptions, the index of when each is due, and the
// record of every slot (nudge) sent or skipped. *store.DB implements it.
//
// Methods taking a member id return store.ErrInvalidID when it is empty or
// holds a NUL byte.
type ScheduleStore interface {
	// Subscription returns the member's subscription and whether they have
	// one.
	Subscription(userID string) (store.Subscription, bool, error)
	// PutSubscription writes a subscription and moves its due-index entry,
	// in one transaction.
	PutSubscription(s store.Subscription) error
	// DeleteSubscription removes a subscription and its index entry.
	// Deleting one that does not exist is not an error.
	DeleteSubscription(userID string) error
	// EndSubscription removes a subscription and its index entry, and
	// records when the member unsubscribed, in one transaction.
	EndSubscription(userID string, at time.Time) error
	// Unsubscribed returns when the member last unsubscribed, and false if
	// they never did or subscribed again since.
	Unsubscribed(userID string) (time.Time, bool, error)
	// DueBefore lists the subscriptions due at or before now, oldest first,
	// at most limit (all when limit <= 0). An entry stays due until
	// PutSubscription or FinishNudge moves it.
	DueBefore(now time.Time, limit int) ([]store.Due, error)

	// ClaimNudge returns the record of a member's slot, creating it with
	// status NudgeSending when there is none: a caller that gets back
	// another status must not send.
	ClaimNudge(n store.Nudge) (store.Nudge, error)
	// FinishNudge records a slot's outcome, the subscription with its next
	// due time and, when a prompt was sent, its history entry, in one
	// transaction.
	FinishNudge(n store.Nudge, next store.Subscription, hist *store.HistoryEntry) error
	// Nudges lists the member's newest limit slot records (all when limit <=
	// 0), newest first.
	Nudges(userID string, limit int) ([]store.Nudge, error)
}

// count adds one delivery's outcome ("sent", "skipped", "retried" or
// "failed"; any other counts nowhere).
func (r *SendReport) count(outcome string) {
	switch outcome {
	case "sent":
		r.Sent++
	case "skipped":
		r.Skipped++
	case "retried":
		r.Retry++
	case "failed":
		r.Failed++
	}
}

// add counts o's outcomes too.
func (r *SendReport) add(o SendReport) {
	r.Sent, r.Skipped, r.Retry, r.Failed = r.Sent+o.Sent, r.Skipped+o.Skipped, r.Retry+o.Retry, r.Failed+o.Failed
}

// SendDue sends every nudge due at now, at most SendConcurrency at a time,
// then the lead broadcasts and the experiments' follow-ups due. It
// is what the cron tick calls; tests and `try` call it with any now. A nudge
// Slack could not take this time (429, 5xx, network) stays due and is retried
// on the next tick; it is never dropped.
func (b *Bot) SendDue(ctx context.Context, now time.Time) (SendReport, error) {
	due, err := b.Schedules.DueBefore(now, dueBatch)
	if err != nil {
		return SendReport{}, fmt.Errorf("read due index: %w", err)
	}
	var (
		rep   SendReport
		mu    sync.Mutex
		wg    sync.WaitGroup
		jobs  = make(chan store.Due)
		since = b.backlog.start(now) // for the grace window (pacing.go)
	)
	for range max(1, min(b.SendConcurrency, len(due))) {
		wg.Go(func() {
			for d := range jobs {
				outcome := b.deliver(ctx, d, now, since)
				if outcome != "" {
					b.Metrics.Nudge(outcome)
				}
				mu.Lock()
				rep.count(outcome)
				mu.Unlock()
			}
		})
	}
	for _, d := range due {
		if ctx.Err() != nil {
			break
		}
		jobs <- d
	}
	close(jobs)
	wg.Wait()
	b.backlog.end(rep, len(due) == dueBatch)
	brep, err := b.sendBroadcasts(ctx, now)
	rep.add(brep)
	if err != nil {
		return rep, err
	}
	frep, err := b.sendFollowUps(ctx, now)
	rep.add(frep)
	if err != nil {
		return rep, err
	}
	if rep != (SendReport{}) {
		b.Logger.Info("tick", "sent", rep.Sent, "skipped", rep.Skipped, "retry", rep.Retry, "failed", rep.Failed)
	}
	return rep, nil
}

// deliver sends or skips one due slot and says how it went: "sent",
// "skipped" (late or paused), "retried" (Slack unavailable; it stays due),
// "failed" (Slack refused it for good, or we could not read or record it), or
// "" when there was nothing to do. SendDue counts each in the metrics. The
// member's lock keeps it apart from their own commands. A slot more than
// Grace older than since, the start of the backlog this tick belongs to, is
// skipped as late (pacing.go).
func (b *Bot) deliver(ctx context.Context, d store.Due, now, since time.Time) string {
	unlock := b.locks.lock(d.UserID)
	defer unlock()
	// The nudge's history entry is written with its outcome, not through
	// the history writer: a prompt the member's own command picked just
	// before must reach the disk first, or its entry (which may start a
	// cycle) would come after the nudge's and hide it from the next pick.
	b.settleHistory(d.UserID)
	log := b.Logger.With("user", d.UserID, "slot", d.At)
	sub, ok, err := b.Schedules.Subscription(d.UserID)
	if err != nil {
		log.Error("nudge: read subscription", "err", err)
		return "failed"
	}
	if !ok || !sub.NextDue.Equal(d.At) {
		return "" // changed since the index was read
	}
	switch {
	case since.Sub(sub.NextDue) > b.Grace:
		return b.skip(log, sub, "late", now)
	case sub.PausedUntil.After(sub.NextDue):
		return b.skip(log, sub, "paused", now)
	}
	n, p, err := b.claim(ctx, sub)
	if err != nil {
		log.Error("nudge: claim", "err", err)
		return "failed"
	}
	if n.Status != store.NudgeSending {
		// The slot has its outcome already, yet it is still the next one: a
		// schedule changed back onto a slot skipped earlier, say. Move on,
		// rather than find it due again on every tick.
		log.Warn("nudge: slot already finished; moving to the next", "status", n.Status)
		sub.Advance(n.Slot, now)
		if err := b.Schedules.PutSubscription(sub); err != nil {
			log.Error("nudge: reschedule", "err", err)
		}
		return ""
	}
	channel, ts, err := b.postPaced(ctx, sub, n, p)
	if err != nil {
		if transient(err) {
			log.Warn("nudge: Slack unavailable, will retry", "err", err)
			return "retried"
		}
		// Slack will refuse this the same way every time (an account
		// deactivated, DMs closed): record it and move on to the next slot.
		log.Warn("nudge: undeliverable", "err", err)
		return b.skip(log, sub, "undeliverable", now)
	}
	n.Status, n.Channel, n.TS, n.At = store.NudgeSent, channel, ts, now
	hist := &store.HistoryEntry{PromptID: p.ID, Theme: p.Theme, At: now, NewCycle: n.NewCycle}
	sub.Advance(sub.NextDue, now)
	if err := b.Schedules.FinishNudge(n, sub, hist); err != nil {
		log.Error("nudge: sent but not recorded; it may be sent again", "err", err)
		return "sent"
	}
	log.Info("nudge sent", "prompt", p.ID)
	return "sent"
}

// claim picks the slot's prompt and claims the slot. After a crash the claim
// already exists and its prompt is reused, so a retry sends the same words.
func (b *Bot) claim(ctx context.Context, sub store.Subscription) (store.Nudge, *prompts.Prompt, error) {
	pick, err := b.pickNudgePrompt(sub)
	if err != nil {
		return store.Nudge{}, nil, err
	}
	n := store.Nudge{UserID: sub.UserID, Slot: sub.NextDue, PromptID: pick.Prompt.ID, Theme: pick.Prompt.Theme, NewCycle: pick.NewCycle, Restarted: pick.Restarted}
	n, err = b.Schedules.ClaimNudge(n)
	if err != nil {
		return n, nil, err
	}
	p, ok := b.Catalog.Prompt(n.PromptID)
	if !ok {
		p = pick.Prompt // retired since the claim
	}
	return n, p, nil
}

// pickNudgePrompt chooses a reflection prompt among the member's focus
// themes (all themes when they have none), preferring their role.
func (b *Bot) pickNudgePrompt(sub store.Subscription) (prompts.Pick, error) {
	return b.choosePrompt(sub.UserID, prompts.PickOptions{Audience: prompts.AudiencePrivate}, sub.Focus)
}

// postNudge sends the nudge DM for n's slot; posting to a user id opens the
// app's DM.
func (b *Bot) postNudge(ctx context.Context, sub store.Subscription, n store.Nudge, p *prompts.Prompt) (string, string, error) {
	// A send in flight finishes even when shutdown begins: cutting it off
	// could leave a message Slack accepted recorded as unsent.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	v := b.cardView(b.scheduledPrinter(sub.UserID), p, dailyRhythm(sub.Schedule))
	blocks := b.nudgeCard(v, sub, n.Slot, n.Restarted)
	return b.post(ctx, sub.UserID, slack.MsgOptionText(nudgeFallback(v), false), slack.MsgOptionBlocks(blocks...))
}

// nudgeCard is the whole nudge of v's prompt for slot: the card (opened by
// the new-cycle line when restarted), the member's evidence and earlier
// answer, the nudge's buttons and, once a month, the check-in. Another
// prompt on a nudge builds the same, so the card stays a nudge.
func (b *Bot) nudgeCard(v cardView, sub store.Subscription, slot time.Time, restarted bool) []slack.Block {
	p := v.Prompt
	var earlier *store.Reflection
	if r, ok, err := b.Journal.LastReflectionOn(sub.UserID, p.ID); err == nil && ok && slot.Sub(r.At) > thenAndNowAge {
		earlier = &r
	}
	blocks := nudgeBlocks(v, append(cycleCard(v, restarted), b.evidence(v.P, sub.UserID, p)...), slot, sub.Schedule, earlier)
	if b.monthlyCheckIn(sub.UserID, slot, sub.TZ) {
		blocks = append(blocks, checkInInvite(v.P)...)
	}
	return blocks
}

// skip records a slot as skipped and schedules the next one: the one after
// the slot, or after now for a slot sent late or undeliverable. Its outcome
// is "skipped", or "failed" when Slack refused the nudge or the record could
// not be written.
func (b *Bot) skip(log *slog.Logger, sub store.Subscription, reason string, now time.Time) string {
	n := store.Nudge{UserID: sub.UserID, Slot: sub.NextDue, Status: store.NudgeSkipped, Reason: reason, At: now}
	after := sub.NextDue
	if reason == "late" || reason == "undeliverable" {
		after = now
	}
	sub.Advance(after, now)
	if err := b.Schedules.FinishNudge(n, sub, nil); err != nil {
		b.Logger.Error("nudge: record skip", "user", sub.UserID, "err", err)
		return "failed"
	}
	log.Info("nudge skipped", "reason", reason)
	if reason == "undeliverable" {
		return "failed"
	}
	return "skipped"
}

// toShown is what the picker needs of hist.
func toShown(hist []store.HistoryEntry) []prompts.Shown {
	out := make([]prompts.Shown, len(hist))
	for i, h := range hist {
		out[i] = shown(h)
	}
	return out
}

// shown is what the picker needs of one history entry.
func shown(h store.HistoryEntry) prompts.Shown {
	return prompts.Shown{ID: h.PromptID, Theme: h.Theme, NewCycle: h.NewCycle}
}
