package bot

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/slack-go/slack"
)

// GroupLister lists the members of a Slack user group (usergroups.users.list).
// *slack.Client implements it.
type GroupLister interface {
	GetUserGroupMembersContext(ctx context.Context, userGroup string, options ...slack.GetUserGroupMembersOption) ([]string, error)
}

// Defaults for LeadDirectory.
const (
	// DefaultLeadTTL is how long a fetched user-group list is trusted. A
	// member added to the group waits at most this long; usergroups.users.list
	// is Tier 2 (about 20 calls a minute), so one call per TTL costs nothing.
	DefaultLeadTTL = 5 * time.Minute
	// DefaultLeadRetry is how long a failed lookup is not retried, so an
	// outage costs one failing call per interval rather than one per command.
	DefaultLeadRetry = 30 * time.Second
)

// LeadDirectory answers whether a member may broadcast: listed in
// MENTOR_LEADS, or a member of the MENTOR_LEAD_GROUP user group.
//
// Listed ids are leads without any call to Slack. The group's members are
// fetched when first needed and again once the list is older than TTL; one
// caller at a time fetches, and the others answer from the list they have
// (or, before the first answer, wait for it). A failed lookup is logged and
// the last known list stays in use; with no list yet the group check answers
// false, so a Slack outage never stops a listed lead.
//
// Set the exported fields before first use; it is safe for concurrent use.
type LeadDirectory struct {
	// Now returns the current time. Can be mocked for tests.
	Now func() time.Time
	// TTL is how long a fetched list is fresh; DefaultLeadTTL if zero.
	TTL time.Duration
	// RetryAfter is how long a failed lookup is not retried; DefaultLeadRetry if zero.
	RetryAfter time.Duration
	// Logger receives lookup failures; never nil.
	Logger *slog.Logger

	ids    map[string]bool
	group  string
	lister GroupLister

	mu        sync.Mutex
	members   map[string]bool // the last list fetched; nil before the first success
	fetchedAt time.Time       // when members was fetched
	retryAt   time.Time       // no lookup before this, after a failure
	inflight  chan struct{}   // closed when the running lookup ends; nil if none runs
}

// NewLeadDirectory returns a directory of the listed ids and the members of
// group (a user-group id such as S0123ABC; "" for none). lister may be nil
// when group is "".
func NewLeadDirectory(ids []string, group string, lister GroupLister) *LeadDirectory {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id != "" {
			set[id] = true
		}
	}
	return &LeadDirectory{
		Now:    time.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		ids:    set,
		group:  group,
		lister: lister,
	}
}

// IsLead reports whether userID may broadcast.
//
// Lookup failures are logged, not returned: the answer then comes from the
// last known group list, or is false for the group if there never was one.
// Returns an error only when ctx ends while the group is being looked up.
func (d *LeadDirectory) IsLead(ctx context.Context, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	if d.ids[userID] {
		return true, nil
	}
	if d.group == "" || d.lister == nil {
		return false, nil
	}
	members, err := d.groupMembers(ctx)
	if err != nil {
		return false, err
	}
	return members[userID], nil
}

// groupMembers returns the group's members, fetching them if the list is
// stale and nobody else is fetching. The returned map is never modified
// afterwards (a refresh replaces it), so callers read it without the lock.
func (d *LeadDirectory) groupMembers(ctx context.Context) (map[string]bool, error) {
	d.mu.Lock()
	for {
		now := d.Now()
		fresh := d.members != nil && now.Sub(d.fetchedAt) < d.ttl()
		if fresh || now.Before(d.retryAt) {
			m := d.members
			d.mu.Unlock()
			return m, nil
		}
		if d.inflight == nil {
			break // ours to fetch
		}
		if d.members != nil {
			m := d.members // stale, but good enough while another caller fetches
			d.mu.Unlock()
			return m, nil
		}
		// No list at all yet: wait for the first lookup rather than start another.
		wait := d.inflight
		d.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		d.mu.Lock()
	}
	done := make(chan struct{})
	d.inflight = done
	d.mu.Unlock()

	list, err := d.lister.GetUserGroupMembersContext(ctx, d.group)

	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight = nil
	close(done)
	switch {
	case err != nil && ctx.Err() != nil:
		// Our caller gave up; that says nothing about Slack. The next caller
		// (or a waiter woken by done) tries again at once.
		return nil, ctx.Err()
	case err != nil:
		d.retryAt = d.Now().Add(d.retryAfter())
		if d.members != nil {
			d.Logger.WarnContext(ctx, "lead group lookup failed, using the last known members",
				"group", d.group, "members", len(d.members), "fetched_at", d.fetchedAt, "err", err)
		} else {
			d.Logger.ErrorContext(ctx, "lead group lookup failed and no members are known; only MENTOR_LEADS can broadcast",
				"group", d.group, "err", err)
		}
		return d.members, nil
	}
	set := make(map[string]bool, len(list))
	for _, id := range list {
		set[id] = true
	}
	d.members, d.fetchedAt, d.retryAt = set, d.Now(), time.Time{}
	return set, nil
}

func (d *LeadDirectory) ttl() time.Duration {
	if d.TTL > 0 {
		return d.TTL
	}
	return DefaultLeadTTL
}

func (d *LeadDirectory) retryAfter() time.Duration {
	if d.RetryAfter > 0 {
		return d.RetryAfter
	}
	return DefaultLeadRetry
}

// groupIDRE is what a user-group id looks like; anything else from the
// configuration is not put inside Slack markup.
var groupIDRE = regexp.MustCompile(`^S[A-Z0-9]+$`)

// HowToBecome is the one-line refusal for a member who is not a lead and
// tried a lead command: what happened (nothing was posted), how one becomes a
// lead, and that the rest of cmd (the slash command, e.g. "/mentor") is
// theirs, in p's language. The user group is named with Slack's
// <!subteam^ID> form, which a client shows as the group's handle; in the
// ephemeral reply it pings nobody.
func (d *LeadDirectory) HowToBecome(p *lang.Printer, cmd string) string {
	return p.T("bcast_lead_how", "How", d.how(p), "Cmd", cmd)
}

// NoBroadcasts is the answer to `broadcasts` from a member who is not a lead
// and has none: nothing was asked to be posted, so it says only that they
// have none and how one becomes a lead, like HowToBecome.
func (d *LeadDirectory) NoBroadcasts(p *lang.Printer, cmd string) string {
	return p.T("bcast_lead_none", "How", d.how(p), "Cmd", cmd)
}

// how says how a member becomes a lead.
func (d *LeadDirectory) how(p *lang.Printer) string {
	if groupIDRE.MatchString(d.group) {
		return p.T("bcast_lead_how_group", "Group", d.group)
	}
	return p.T("bcast_lead_how_list")
}
