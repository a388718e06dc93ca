package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// sendBroadcasts posts the recurring broadcasts due at now. A slot is posted
// at most once: LastSlot is checked before posting and moved with NextDue
// after, in one write. A 429 or 5xx leaves the broadcast due for the next
// tick, like a nudge.
func (b *Bot) sendBroadcasts(ctx context.Context, now time.Time) (SendReport, error) {
	due, err := b.Broadcasts.BroadcastsDue(now, dueBatch)
	if err != nil {
		return SendReport{}, fmt.Errorf("read due broadcasts: %w", err)
	}
	var rep SendReport
	for _, bc := range due {
		if ctx.Err() != nil {
			break
		}
		outcome := b.deliverBroadcast(ctx, bc, now)
		if outcome != "" {
			b.Metrics.Broadcast(outcome)
		}
		rep.count(outcome)
	}
	return rep, nil
}

// deliverBroadcast posts or skips one due broadcast slot and says how it
// went, like deliver: "sent", "skipped" (too late), "retried", "failed", or
// "" when there was nothing to do.
func (b *Bot) deliverBroadcast(ctx context.Context, due store.Broadcast, now time.Time) string {
	unlock := b.locks.lock("broadcast\x00" + due.ID)
	defer unlock()
	log := b.Logger.With("broadcast", due.ID, "channel", due.Channel, "slot", due.NextDue)
	bc, ok, err := b.Broadcasts.Broadcast(due.ID)
	if err != nil {
		log.Error("broadcast: read", "err", err)
		return "failed"
	}
	if !ok || bc.Paused || !bc.NextDue.Equal(due.NextDue) {
		return "" // cancelled, paused or moved since the index was read
	}
	slot := bc.NextDue
	outcome := "sent"
	reason := "" // why the author may no longer post it
	switch {
	case !bc.LastSlot.Before(slot):
		outcome = "" // posted before a crash; only the next slot was missing
	case now.Sub(slot) > b.Grace:
		outcome = "skipped"
		log.Info("broadcast skipped: too late", "late", now.Sub(slot))
		slot = now
	default:
		// Checked at every post: a lead demoted, or gone from the channel,
		// since they scheduled it must not go on posting in their name.
		if reason, err = b.authorMayPost(ctx, bc); reason == "" && err == nil {
			err = b.postBroadcast(ctx, bc)
		}
	}
	switch code := slackError(err); {
	case reason != "":
		outcome = b.hold(ctx, &bc, reason, log)
	case err == nil:
		if outcome == "sent" {
			bc.LastSlot, bc.Failing = slot, ""
			log.Info("broadcast posted")
		}
	case transient(err):
		log.Warn("broadcast: Slack unavailable, will retry", "err", err)
		return "retried"
	case held(code): // archived, or the bot is not in the channel
		outcome = b.hold(ctx, &bc, code, log)
	case code == "channel_not_found":
		// Gone for good (or private without us): nothing more to try.
		bc.Paused, bc.Failing, outcome = true, code, "failed"
		b.tellLead(ctx, bc)
	default:
		// Another refusal: the schedule stays, marked failing, until a
		// post succeeds again.
		if code == "" {
			code = "error"
		}
		bc.Failing, outcome = code, "failed"
		log.Warn("broadcast failed", "err", err)
	}
	bc.Advance(slot, now)
	if err := b.Broadcasts.PutBroadcast(bc); err != nil {
		log.Error("broadcast: record outcome", "err", err)
	}
	return outcome
}

// hold keeps a broadcast from posting its slot for reason, which may pass
// (an archived channel or one the bot is not in, an author no longer a
// lead or no longer in it): it
// stays due and is checked again at its next slot, so it goes on by itself
// once it can. The lead is told once, when it is first held for reason.
// Before, such a broadcast was paused for good, with no way to resume it
// but to cancel it and schedule it again. It returns the slot's outcome:
// "failed" the first time, which is news, "skipped" the weeks after, an
// expected state that an alert on failures must not count every week.
func (b *Bot) hold(ctx context.Context, bc *store.Broadcast, reason string, log *slog.Logger) string {
	if bc.Failing == reason {
		return "skipped"
	}
	bc.Failing = reason
	log.Info("broadcast held until it can post again", "lead", bc.LeadID, "reason", reason)
	b.tellLead(ctx, *bc)
	return "failed"
}

// held reports whether reason holds a broadcast rather than pausing it
// (hold).
func held(reason string) bool {
	switch reason {
	case failNotLead, failLeftChannel, "is_archived", "not_in_channel":
		return true
	}
	return false
}

// tellLead DMs a lead that their broadcast was held or paused, in the
// lead's own language (not the broadcast's).
func (b *Bot) tellLead(ctx context.Context, bc store.Broadcast) {
	p := b.printerFor(ctx, bc.LeadID)
	id := "bcast_paused_dm"
	if held(bc.Failing) {
		id = "bcast_held_dm"
	}
	text := p.T(id, "ID", bc.ID, "Channel", bc.Channel, "Why", failure(p, bc.Failing), "Cmd", b.Command)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, _, err := b.Slack.PostMessageContext(ctx, bc.LeadID, slack.MsgOptionText(text, false)); err != nil {
		b.Logger.Error("could not tell the lead about a paused broadcast", "lead", bc.LeadID, "broadcast", bc.ID, "err", err)
	}
}
