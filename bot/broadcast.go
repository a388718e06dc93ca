package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

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

// broadcastReq is a parsed `broadcast` command.
type broadcastReq struct {
	channel ChannelRef
	every   *store.Schedule // nil for once, now
	note    string          // how the zone of every was read, or ""
	theme   string          // a theme id, or "" with topic set
	topic   string          // the lead's own words, cleaned
	role    string          // from role:ROLE; "" for prompts suitable for everyone
}

// cmdBroadcast is `broadcast #CHANNEL THEME|"topic"`, `broadcast #CHANNEL
// every DAY HH:MM [TZ] THEME|"topic"` and `broadcast cancel ID`.
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
			return Errorf(EFORBIDDEN, "%s", b.Leads.NoBroadcasts(c.Name))
		}
		return Errorf(EFORBIDDEN, "%s", b.Leads.HowToBecome(c.Name))
	}
	if listing {
		return Errorf(EFORBIDDEN, "You have no broadcasts. Broadcasting to channels is for team leads, and this workspace has none set up yet: an admin sets MENTOR_LEADS or MENTOR_LEAD_GROUP.")
	}
	return Errorf(EFORBIDDEN, "Broadcasting to channels is for team leads, and this workspace has none set up yet: an admin sets MENTOR_LEADS or MENTOR_LEAD_GROUP.")
}

func (b *Bot) parseBroadcast(ctx context.Context, c *Command) (broadcastReq, error) {
	usage := fmt.Sprintf("For example `%[1]s broadcast #team last-mile`, `%[1]s broadcast #team \"our own topic\"` or `%[1]s broadcast #team every mon 10:00 vision`.", c.Name)
	if len(c.Args) < 2 {
		return broadcastReq{}, Errorf(EINVALID, "Which channel, and what? %s", usage)
	}
	ref, err := ParseChannelRef(c.Name, c.Args[0])
	if err != nil {
		return broadcastReq{}, err
	}
	if ref.ID == "" {
		if ref, err = ResolveChannel(ctx, b.Channels, c.Name, ref); err != nil {
			return broadcastReq{}, err
		}
	}
	req := broadcastReq{channel: ref}
	rest, err := takeRole(c.Args[1:], &req.role)
	if err != nil {
		return req, err
	}
	if len(rest) == 0 {
		return req, Errorf(EINVALID, "Which theme, or which topic? %s", usage)
	}
	if strings.EqualFold(rest[0], "every") {
		g := scheduleGrammar{name: c.Name, broadcast: true}
		sched, n, note, err := parseEvery(g, rest[1:], b.memberZone(ctx, c.UserID))
		if err != nil {
			return req, err
		}
		req.every, req.note, rest = &sched, note, rest[1+n:]
	}
	switch {
	case len(rest) == 0 || strings.TrimSpace(rest[0]) == "" && len(rest) == 1:
		return req, Errorf(EINVALID, "Which theme, or which topic? %s", usage)
	case len(rest) > 1:
		return req, Errorf(EINVALID, "Put a topic of your own between quotes, for example `%s broadcast #team \"%s\"`.", c.Name, clip(strings.Join(rest, " ")))
	case strings.ContainsAny(rest[0], " \t\n"):
		if req.role != "" {
			return req, Errorf(EINVALID, "`role:` chooses among a theme's prompts; a topic of your own is posted as you wrote it. Leave out `role:%s`.", req.role)
		}
		if req.topic, err = CleanTopic(rest[0]); err != nil {
			return req, Errorf(ErrorCode(err), "%s For example `%s broadcast #team \"What slowed us down this week?\"`.", ErrorMessage(err), c.Name)
		}
		return req, nil
	}
	t, err := b.resolveTheme(c.Name, rest[0])
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return req, Errorf(ENOTFOUND, "%s To post your own words, put them between quotes, for example `%s broadcast #team \"our own topic\"`.", ErrorMessage(err), c.Name)
		}
		return req, err
	}
	req.theme = t.ID
	return req, teamPool(t, req.role)
}

// takeRole removes a `role:ROLE` word from args into role. A broadcast
// without one draws only from prompts suitable for everyone.
func takeRole(args []string, role *string) ([]string, error) {
	var rest []string
	for _, a := range args {
		name, val, ok := strings.Cut(a, ":")
		if !ok || !strings.EqualFold(name, "role") || *role != "" {
			rest = append(rest, a)
			continue
		}
		val = strings.ToLower(strings.TrimSpace(val))
		if !slices.Contains(prompts.Roles, val) {
			return nil, Errorf(EINVALID, "Roles are %s: for example `role:manager`.", codeList(nil, prompts.Roles))
		}
		*role = val
	}
	return rest, nil
}

// teamPool refuses a broadcast whose theme has no team prompt for the role
// (or for everyone), rather than accept it and post nothing: a channel is
// never sent a private prompt instead.
func teamPool(t *prompts.Theme, role string) error {
	opt := broadcastPick(t.ID, role)
	for _, p := range t.Prompts {
		if opt.InPool(p) {
			return nil
		}
	}
	if role != "" {
		return Errorf(EINVALID, "The `%s` theme has no team topic written for %s. Leave out `role:%s` for topics suitable for everyone.", t.ID, roleNoun(role), role)
	}
	return Errorf(EINVALID, "The `%s` theme has no team topic suitable for everyone. Give a role, like `role:manager`, or a topic of your own between quotes.", t.ID)
}

// broadcastPick is what a broadcast draws from: team prompts only, for the
// role the lead gave or else for everyone.
func broadcastPick(theme, role string) prompts.PickOptions {
	return prompts.PickOptions{Theme: theme, Audience: prompts.AudienceTeam, Role: role, RoleOnly: true}
}

// roleNoun names a role in a sentence.
func roleNoun(role string) string {
	switch role {
	case "ic":
		return "individual contributors"
	case "staff":
		return "staff engineers"
	}
	return role + "s"
}

// parseEvery reads the schedule after `every`: a day, a time and maybe a
// zone (tz, the lead's own, by default), in any order, up to the last word,
// which is the theme or topic. It says how many words it used, and how it
// read the zone.
func parseEvery(g scheduleGrammar, words []string, tz string) (store.Schedule, int, string, error) {
	p := scheduleParser{g: g, s: store.Schedule{Cadence: store.CadenceWeekly, TZ: tz}}
	i := 0
	for i < len(words)-1 {
		n, err := p.take(words[i : len(words)-1])
		if err != nil {
			return store.Schedule{}, 0, "", err
		}
		if n == 0 {
			break
		}
		i += n
	}
	if p.day == "" || p.clock == "" {
		// The last word, kept for the theme, may complete the schedule: then
		// what is missing is the theme.
		if i < len(words) {
			if n, err := p.take(words[i:]); err == nil && n > 0 && i+n == len(words) && p.day != "" && p.clock != "" {
				return store.Schedule{}, 0, "", Errorf(EINVALID, "Which theme, or which topic? Put it after the time, for example %s.", g.example("weekly mon 10:00"))
			}
		}
		// A word that stopped the schedule before the theme, shaped like the
		// missing day or time ("funday", "25:00"), is named.
		if i < len(words)-1 {
			if err := p.misshapen(words[i]); err != nil {
				return store.Schedule{}, 0, "", err
			}
		}
		return store.Schedule{}, 0, "", Errorf(EINVALID, "Every when? Give a day and a time, then the theme, for example %s.", g.example("weekly mon 10:00"))
	}
	sched, note, err := p.finish()
	return sched, i, note, err
}

// broadcastNow posts one topic at once.
func (b *Bot) broadcastNow(ctx context.Context, c *Command, req broadcastReq) (Reply, error) {
	bc := store.Broadcast{LeadID: c.UserID, Channel: req.channel.ID, ChannelName: req.channel.Name, Theme: req.theme, Role: req.role, Topic: req.topic}
	if err := b.postBroadcast(ctx, bc); err != nil {
		return Reply{}, b.broadcastError(err, req.channel, c.Name)
	}
	return textReply(fmt.Sprintf("Posted in %s. Replies will gather in its thread.", req.channel)), nil
}

// scheduleBroadcast stores a weekly broadcast, unless the lead has the
// same one already: it would post everything twice.
func (b *Bot) scheduleBroadcast(c *Command, req broadcastReq) (Reply, error) {
	unlock := b.locks.lock("broadcasts\x00" + c.UserID) // two quick identical commands
	defer unlock()
	now := b.Now()
	bc := store.Broadcast{LeadID: c.UserID, Channel: req.channel.ID, ChannelName: req.channel.Name,
		Theme: req.theme, Role: req.role, Topic: req.topic, Created: now}
	bc.Reschedule(*req.every, now)
	mine, err := b.Broadcasts.BroadcastsByLead(c.UserID)
	if err != nil {
		return Reply{}, fmt.Errorf("list broadcasts of %s: %w", c.UserID, err)
	}
	for _, o := range mine {
		if o.Channel == bc.Channel && o.Theme == bc.Theme && o.Role == bc.Role && o.Topic == bc.Topic && o.SameRule(bc.Schedule) {
			return Reply{}, Errorf(EINVALID, "You have this broadcast already: `%s`, %s in <#%s> %s. `%s broadcast cancel %s` stops it.",
				o.ID, broadcastWhat(o), o.Channel, broadcastWhen(o.Schedule), c.Name, o.ID)
		}
	}
	if bc, err = b.Broadcasts.CreateBroadcast(bc); err != nil {
		return Reply{}, fmt.Errorf("create broadcast for %s: %w", c.UserID, err)
	}
	note := ""
	if req.note != "" {
		note = " (" + req.note + ".)"
	}
	return textReply(fmt.Sprintf("Broadcast `%s`: %s in %s %s.%s The first one: %s. If I am not in the channel yet, `/invite @mentorbot` there. `%s broadcasts` lists yours.",
		bc.ID, broadcastWhat(bc), req.channel, broadcastWhen(bc.Schedule), note, localTime(c.P, bc.NextDue, bc.TZ), c.Name)), nil
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
	return Reply{Text: "Your broadcasts", Blocks: broadcastsBlocks(c.Name, bs)}, nil
}

func (b *Bot) cancelBroadcast(c *Command) (Reply, error) {
	switch {
	case len(c.Args) < 2:
		return Reply{}, Errorf(EINVALID, "Which one? `%s broadcast cancel b3`; `%s broadcasts` lists the ids.", c.Name, c.Name)
	case len(c.Args) > 2:
		return Reply{}, Errorf(EINVALID, "One at a time: `%s broadcast cancel %s`, then the next.", c.Name, clip(c.Args[1]))
	}
	id := strings.ToLower(c.Args[1])
	bc, ok, err := b.Broadcasts.Broadcast(id)
	if err != nil {
		return Reply{}, fmt.Errorf("read broadcast %s: %w", id, err)
	}
	if !ok || bc.LeadID != c.UserID {
		return Reply{}, Errorf(ENOTFOUND, "You have no broadcast `%s`. `%s broadcasts` lists yours.", clip(id), c.Name)
	}
	if err := b.Broadcasts.DeleteBroadcast(id); err != nil {
		return Reply{}, fmt.Errorf("cancel broadcast %s: %w", id, err)
	}
	left, err := b.Broadcasts.BroadcastsInChannel(bc.Channel)
	if err != nil {
		b.Logger.Warn("broadcast cancelled; the channel's others not listed", "broadcast", id, "err", err)
		return textReply(fmt.Sprintf("Cancelled `%s`: %s in <#%s> stops.", id, broadcastWhat(bc), bc.Channel)), nil
	}
	return textReply(fmt.Sprintf("Cancelled `%s`: %s in <#%s> stops. %s", id, broadcastWhat(bc), bc.Channel, stillPosting(c.UserID, bc.Channel, left))), nil
}

// postBroadcast posts one topic and records it in the channel's history.
func (b *Bot) postBroadcast(ctx context.Context, bc store.Broadcast) error {
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
		p = pick.Prompt
	}
	t, _ := b.Catalog.Theme(bc.Theme)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, _, err := b.post(ctx, bc.Channel,
		slack.MsgOptionText(topicFallback(t, p, bc.Topic), false),
		slack.MsgOptionBlocks(topicBlocks(t, p, bc.Topic, bc.LeadID)...))
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
func (b *Bot) broadcastError(err error, ch ChannelRef, name string) error {
	switch slackError(err) {
	case "not_in_channel":
		return Errorf(EINVALID, "I am not in %s. Invite me with `/invite @mentorbot` there, then try again.", ch)
	case "is_archived":
		return Errorf(EINVALID, "%s is archived; I can't post there.", ch)
	case "channel_not_found":
		return Errorf(ENOTFOUND, "I can't see %s. For a private channel, invite me first with `/invite @mentorbot`.", ch)
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
