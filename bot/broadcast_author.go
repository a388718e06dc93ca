package bot

import (
	"context"
	"fmt"
	"slices"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// MemberLister lists a conversation's members (conversations.members, which
// needs channels:read for public channels and groups:read for private
// ones). *slack.Client implements it.
type MemberLister interface {
	GetUsersInConversationContext(ctx context.Context, params *slack.GetUsersInConversationParameters) ([]string, string, error)
}

const (
	// memberPageSize is conversations.members' largest page.
	memberPageSize = 1000
	// maxMemberPages bounds the walk at 100,000 members, a large
	// workspace's #general.
	maxMemberPages = 100
)

// Why a broadcast's author may no longer post it, as Broadcast.Failing
// records it.
const (
	failNotLead     = "author_not_lead"
	failLeftChannel = "author_not_in_channel"
)

// inChannel reports whether userID is a member of channelID, reading
// conversations.members a page at a time. With no ChannelMembers set it reports
// true: membership is not checked.
func (b *Bot) inChannel(ctx context.Context, channelID, userID string) (bool, error) {
	if b.ChannelMembers == nil {
		return true, nil
	}
	params := slack.GetUsersInConversationParameters{ChannelID: channelID, Limit: memberPageSize}
	for range maxMemberPages {
		ids, next, err := b.ChannelMembers.GetUsersInConversationContext(ctx, &params)
		if err != nil {
			return false, fmt.Errorf("list members of %s: %w", channelID, err)
		}
		if slices.Contains(ids, userID) {
			return true, nil
		}
		if next == "" {
			return false, nil
		}
		params.Cursor = next
	}
	return false, fmt.Errorf("list members of %s: more than %d pages", channelID, maxMemberPages)
}

// mustBeInChannel refuses a lead who is not a member of the channel they
// want to post in: the bot may be in a private channel the lead is not.
func (b *Bot) mustBeInChannel(ctx context.Context, c *Command, ch ChannelRef) error {
	ok, err := b.inChannel(ctx, ch.ID, c.UserID)
	switch {
	case err != nil:
		return b.broadcastError(c.P, err, ch)
	case !ok:
		return Errorf(EFORBIDDEN, "%s", c.P.T("bcast_lead_not_in_channel", "Channel", ch.String()))
	}
	return nil
}

// authorMayPost says why the author of bc may no longer post it ("" when
// they may): they are no longer a lead, or no longer in the channel. An
// error means it could not be told now (Slack unreachable) and the
// broadcast should wait for the next tick.
func (b *Bot) authorMayPost(ctx context.Context, bc store.Broadcast) (string, error) {
	if b.Leads == nil {
		return failNotLead, nil
	}
	lead, err := b.Leads.IsLead(ctx, bc.LeadID)
	switch {
	case err != nil:
		return "", fmt.Errorf("is %s a lead: %w", bc.LeadID, err)
	case !lead:
		return failNotLead, nil
	}
	in, err := b.inChannel(ctx, bc.Channel, bc.LeadID)
	switch {
	case err != nil:
		return "", err
	case !in:
		return failLeftChannel, nil
	}
	return "", nil
}
