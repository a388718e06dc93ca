package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// BroadcastStore keeps leads' recurring broadcasts, the index of when each
// is due, and the topics each channel was sent. *store.DB implements it.
//
// Methods taking a lead or channel id return store.ErrInvalidID when it is
// empty or holds a NUL byte; a broadcast id is not checked: one that names
// nothing is not found.
type BroadcastStore interface {
	// CreateBroadcast stores a new broadcast under a fresh id, never reused,
	// and returns it as stored. Returns store.ErrInvalidID if its LeadID or
	// Channel is empty or holds a NUL byte.
	CreateBroadcast(b store.Broadcast) (store.Broadcast, error)
	// Broadcast reads one broadcast by id, and whether it exists.
	Broadcast(id string) (store.Broadcast, bool, error)
	// PutBroadcast replaces a broadcast and moves its due entry. Returns
	// store.ErrBroadcastNotFound, writing nothing, if it was deleted
	// meanwhile (its lead cancelled it while it was being posted), and
	// store.ErrInvalidID for an empty or NUL-holding ID, LeadID or Channel.
	PutBroadcast(b store.Broadcast) error
	// DeleteBroadcast removes a broadcast and its due entry. Deleting one
	// that does not exist is not an error.
	DeleteBroadcast(id string) error
	// BroadcastsByLead lists a lead's broadcasts, the next due first.
	BroadcastsByLead(leadID string) ([]store.Broadcast, error)
	// BroadcastsInChannel lists every lead's broadcasts to a channel, the
	// next due first. Returns store.ErrInvalidID for an empty or
	// NUL-holding channel id.
	BroadcastsInChannel(channelID string) ([]store.Broadcast, error)
	// BroadcastsDue lists the broadcasts due at or before now, oldest
	// first, at most limit (all when limit <= 0).
	BroadcastsDue(now time.Time, limit int) ([]store.Broadcast, error)
	// ChannelHistory returns the channel's newest limit topics (all when
	// limit <= 0), oldest first.
	ChannelHistory(channelID string, limit int) ([]store.HistoryEntry, error)
	// AppendChannelHistory records a topic sent to a channel.
	AppendChannelHistory(channelID string, e store.HistoryEntry) error
}

// cmdBroadcast is `broadcast #CHANNEL THEME|"topic"`, `broadcast #CHANNEL
// every DAY HH:MM [TZ] THEME|"topic"` and `broadcast cancel ID`, with
// `role:ROLE` and `lang:LANG` (or `rôle:`, `langue:`) anywhere after
// `broadcast`; `chaque` may stand for `every`. The post is in the
// lead's language unless lang: says otherwise.
//
// Cancelling needs no lead status: authors may always cancel their own,
// a lead who was demoted since included.
func (b *Bot) cmdBroadcast(ctx context.Context, c *Command) (Reply, error) {
	if len(c.Args) > 0 && strings.EqualFold(c.Args[0], "cancel") {
		return b.cancelBroadcast(c)
	}
	if err := b.mustBeLead(ctx, c); err != nil {
		return Reply{}, err
	}
	req, err := b.parseBroadcast(ctx, c)
	if err != nil {
		return Reply{}, err
	}
	if err := b.mustBeInChannel(ctx, c, req.channel); err != nil {
		return Reply{}, err
	}
	if req.every != nil {
		return b.scheduleBroadcast(c, req)
	}
	return b.broadcastNow(ctx, c, req)
}

// mustBeLead refuses politely, saying how one becomes a lead.
func (b *Bot) mustBeLead(ctx context.Context, c *Command) error {
	return b.leadOnly(ctx, c, false)
}

// leadOnly returns nil for a lead, else an EFORBIDDEN refusal saying how one
// becomes a lead. listing is for `broadcasts` from a member with none: they
// asked to see their own, not to post, so the refusal says they have none.
func (b *Bot) leadOnly(ctx context.Context, c *Command, listing bool) error {
	if b.Leads != nil {
		if ok, err := b.Leads.IsLead(ctx, c.UserID); err != nil {
			return err
		} else if ok {
			return nil
		}
		if listing {
			return Errorf(EFORBIDDEN, "%s", b.Leads.NoBroadcasts(c.P, c.Name))
		}
		return Errorf(EFORBIDDEN, "%s", b.Leads.HowToBecome(c.P, c.Name))
	}
	if listing {
		return Errorf(EFORBIDDEN, "%s", c.P.T("bcast_no_leads_listing"))
	}
	return Errorf(EFORBIDDEN, "%s", c.P.T("bcast_no_leads"))
}

// broadcastNow posts one topic at once.
func (b *Bot) broadcastNow(ctx context.Context, c *Command, req broadcastReq) (Reply, error) {
	bc := store.Broadcast{LeadID: c.UserID, Channel: req.channel.ID, ChannelName: req.channel.Name, Theme: req.theme, Role: req.role, Topic: req.topic,
		Lang: cmp.Or(req.lang, c.P.Lang())}
	if err := b.postBroadcast(ctx, bc); err != nil {
		return Reply{}, b.broadcastError(c.P, err, req.channel)
	}
	return textReply(c.P.T("bcast_posted", "Channel", req.channel.String())), nil
}

// sameTopic reports whether two of a lead's own topics are the same words,
// whatever their case or the spaces between them: "notre  sujet" posted
// beside "Notre sujet" reads as the same post twice.
func sameTopic(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// scheduleBroadcast stores a weekly broadcast, unless the lead has the
// same one already: it would post everything twice. The same in another
// language is the same too: two posts at once, one in each language, is
// what nobody wants; the refusal names the language to cancel.
func (b *Bot) scheduleBroadcast(c *Command, req broadcastReq) (Reply, error) {
	unlock := b.locks.lock("broadcasts\x00" + c.UserID) // two quick identical commands
	defer unlock()
	now := b.Now()
	bc := store.Broadcast{LeadID: c.UserID, Channel: req.channel.ID, ChannelName: req.channel.Name,
		Theme: req.theme, Role: req.role, Topic: req.topic, Lang: cmp.Or(req.lang, c.P.Lang()), Created: now}
	bc.Reschedule(*req.every, now)
	mine, err := b.Broadcasts.BroadcastsByLead(c.UserID)
	if err != nil {
		return Reply{}, fmt.Errorf("list broadcasts of %s: %w", c.UserID, err)
	}
	for _, o := range mine {
		if o.Channel == bc.Channel && o.Theme == bc.Theme && o.Role == bc.Role && sameTopic(o.Topic, bc.Topic) && o.SameRule(bc.Schedule) {
			inLang := "" // said when it is why the lead asked again
			if o.Lang != bc.Lang {
				inLang = broadcastLangName(c.P, o.Lang)
			}
			return Reply{}, Errorf(EINVALID, "%s", c.P.T("bcast_duplicate", "ID", o.ID, "What", broadcastWhat(c.P, o),
				"Channel", o.Channel, "When", broadcastWhen(c.P, o.Schedule), "Lang", inLang, "Cmd", c.Name))
		}
	}
	if bc, err = b.Broadcasts.CreateBroadcast(bc); err != nil {
		return Reply{}, fmt.Errorf("create broadcast for %s: %w", c.UserID, err)
	}
	inLang := "" // said only when it is not the lead's own
	if bc.Lang != c.P.Lang() {
		inLang = broadcastLangName(c.P, bc.Lang)
	}
	return textReply(c.P.T("bcast_scheduled", "ID", bc.ID, "What", broadcastWhat(c.P, bc), "Channel", req.channel.String(),
		"When", broadcastWhen(c.P, bc.Schedule), "Lang", inLang, "Note", req.note, "First", localTime(c.P, bc.NextDue, bc.TZ), "Cmd", c.Name)), nil
}

// cmdBroadcasts lists the member's broadcasts. A member who is not a lead
// (any more) still sees their own, to cancel them; one with none hears how
// one becomes a lead.
func (b *Bot) cmdBroadcasts(ctx context.Context, c *Command) (Reply, error) {
	bs, err := b.Broadcasts.BroadcastsByLead(c.UserID)
	if err != nil {
		return Reply{}, fmt.Errorf("list broadcasts of %s: %w", c.UserID, err)
	}
	if len(bs) == 0 {
		if err := b.leadOnly(ctx, c, true); err != nil {
			return Reply{}, err
		}
	}
	return Reply{Text: c.P.T("bcast_list_title"), Blocks: broadcastsBlocks(c.P, c.Name, bs)}, nil
}

func (b *Bot) cancelBroadcast(c *Command) (Reply, error) {
	switch {
	case len(c.Args) < 2:
		return Reply{}, Errorf(EINVALID, "%s", c.P.T("bcast_cancel_which", "Cmd", c.Name))
	case len(c.Args) > 2:
		return Reply{}, Errorf(EINVALID, "%s", c.P.T("bcast_cancel_one", "Cmd", c.Name, "ID", clip(c.Args[1])))
	}
	id := strings.ToLower(c.Args[1])
	bc, ok, err := b.Broadcasts.Broadcast(id)
	if err != nil {
		return Reply{}, fmt.Errorf("read broadcast %s: %w", id, err)
	}
	if !ok || bc.LeadID != c.UserID {
		return Reply{}, Errorf(ENOTFOUND, "%s", c.P.T("bcast_cancel_unknown", "ID", clip(id), "Cmd", c.Name))
	}
	if err := b.Broadcasts.DeleteBroadcast(id); err != nil {
		return Reply{}, fmt.Errorf("cancel broadcast %s: %w", id, err)
	}
	cancelled := c.P.T("bcast_cancelled", "ID", id, "What", broadcastWhat(c.P, bc), "Channel", bc.Channel)
	left, err := b.Broadcasts.BroadcastsInChannel(bc.Channel)
	if err != nil {
		b.Logger.Warn("broadcast cancelled; the channel's others not listed", "broadcast", id, "err", err)
		return textReply(cancelled), nil
	}
	return textReply(cancelled + " " + stillPosting(c.P, c.UserID, bc.Channel, left)), nil
}

// postBroadcast posts one topic, in the broadcast's language, and records
// it in the channel's history.
func (b *Bot) postBroadcast(ctx context.Context, bc store.Broadcast) error {
	lp := b.Lang.Printer(bc.Lang) // a language since removed by the operator posts in the default
	var p *prompts.Prompt
	var pick prompts.Pick
	if bc.Theme != "" {
		hist, err := b.Broadcasts.ChannelHistory(bc.Channel, historyWindow)
		if err != nil {
			return fmt.Errorf("read channel history %s: %w", bc.Channel, err)
		}
		// Never a private prompt: when an operator has since withdrawn the
		// theme's team prompts, the post fails and the lead's listing says so.
		opts := broadcastPick(bc.Theme, bc.Role)
		b.withRand(func(r *rand.Rand) { pick, err = b.Catalog.Pick(toShown(hist), opts, r) })
		if err != nil {
			return err
		}
		p = b.Catalog.Localize(pick.Prompt, lp.Lang()) // the same id, for the history
	}
	t, _ := b.Catalog.Theme(bc.Theme)
	if t != nil {
		t = b.Catalog.ThemeIn(t, lp.Lang())
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, _, err := b.post(ctx, bc.Channel,
		slack.MsgOptionText(topicFallback(lp, t, p, bc.Topic), false),
		slack.MsgOptionBlocks(topicBlocks(lp, t, p, bc.Topic, bc.LeadID)...))
	if err != nil || p == nil {
		return err
	}
	e := store.HistoryEntry{PromptID: p.ID, Theme: p.Theme, At: b.Now(), NewCycle: pick.NewCycle}
	if err := b.Broadcasts.AppendChannelHistory(bc.Channel, e); err != nil {
		b.Logger.Error("broadcast posted, channel history not recorded", "channel", bc.Channel, "err", err)
	}
	return nil
}

// broadcastError turns Slack's refusals into what a lead can act on.
func (b *Bot) broadcastError(p *lang.Printer, err error, ch ChannelRef) error {
	switch slackError(err) {
	case "not_in_channel":
		return Errorf(EINVALID, "%s", p.T("bcast_not_in_channel", "Channel", ch.String()))
	case "is_archived":
		return Errorf(EINVALID, "%s", p.T("bcast_archived", "Channel", ch.String()))
	case "channel_not_found":
		return Errorf(ENOTFOUND, "%s", p.T("bcast_channel_not_found", "Channel", ch.String()))
	}
	return err
}

// slackError is the error code Slack answered with ("not_in_channel"), or "".
func slackError(err error) string {
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return se.Err
	}
	return ""
}
