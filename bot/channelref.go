package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/slack-go/slack"
)

// ChannelRef names a channel as a member typed it. ID is set when Slack
// escaped the channel (<#C0123|name>) or the member typed an id; Name alone
// is set for #name, to be resolved with ResolveChannel.
type ChannelRef struct {
	ID   string
	Name string // without the #; may be empty when ID is set
}

// String is the channel as a message shows it: a link when the id is known.
func (r ChannelRef) String() string {
	if r.ID != "" {
		return "<#" + r.ID + ">"
	}
	return "#" + r.Name
}

// maxChannelName is Slack's limit on a channel name, in characters.
const maxChannelName = 80

// exBroadcast is an example of a broadcast, starting with the slash command.
func exBroadcast(p *lang.Printer, name string) string { return p.T("bcast_example", "Cmd", name) }

var (
	// escapedChannelRE is Slack's escape for a channel mention. Recent clients
	// send an empty label (<#C0123|>), older ones the name, some none at all.
	escapedChannelRE = regexp.MustCompile(`^<#([CG][A-Z0-9]+)(?:\|([^<>|]*))?>$`)
	// channelIDRE is a bare channel id. Names are lower case, so an upper-case
	// word with a digit cannot be one.
	channelIDRE = regexp.MustCompile(`^[CG][A-Z0-9]*[0-9][A-Z0-9]*$`)
)

// ParseChannelRef reads a channel argument: Slack's escaped form
// <#C0123ABC|name> (or <#C0123ABC>, or an empty label), a bare id C0123ABC or
// G0123ABC, or a name with or without its # (letters, digits, - and _, at
// most 80 characters). Names are lower-cased, as Slack shows them.
//
// Returns an EINVALID *Error in p's language, with an example of the slash
// command name, for anything else.
func ParseChannelRef(p *lang.Printer, name, arg string) (ChannelRef, error) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return ChannelRef{}, Errorf(EINVALID, "%s", p.T("bcast_which_channel", "Example", exBroadcast(p, name)))
	}
	if m := escapedChannelRE.FindStringSubmatch(arg); m != nil {
		return ChannelRef{ID: m[1], Name: m[2]}, nil
	}
	if channelIDRE.MatchString(arg) {
		return ChannelRef{ID: arg}, nil
	}
	channel := strings.ToLower(strings.TrimPrefix(arg, "#"))
	if !validChannelName(channel) {
		return ChannelRef{}, Errorf(EINVALID, "%s", p.T("bcast_bad_channel", "Arg", clip(arg), "Example", exBroadcast(p, name)))
	}
	return ChannelRef{Name: channel}, nil
}

// validChannelName reports whether name could be a Slack channel name. Slack
// allows letters of any script in names, so "letters" is not only a-z.
func validChannelName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > maxChannelName {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// ChannelFinder lists a workspace's conversations (conversations.list).
// *slack.Client implements it.
type ChannelFinder interface {
	GetConversationsContext(ctx context.Context, params *slack.GetConversationsParameters) ([]slack.Channel, string, error)
}

const (
	// channelPageSize is conversations.list's page size; Slack recommends at
	// most 200.
	channelPageSize = 200
	// maxChannelPages bounds the walk at 100,000 channels, far beyond a
	// workspace of 100,000 members, so a cursor that never ends cannot loop.
	maxChannelPages = 500
	// maxListRetries is how many 429s in a row one page may get before we
	// give up. conversations.list is Tier 2 (about 20 calls a minute), which
	// a workspace with thousands of channels reaches.
	maxListRetries = 5
)

// ResolveChannel returns ref with its ID set. A ref with an ID is returned as
// it is, at no cost; a name is looked up among the public, unarchived
// channels, 200 per call, following the cursor. A rate-limited page is
// retried after Slack's Retry-After, as long as ctx allows.
//
// Returns an ENOTFOUND *Error in p's language, with an example of the slash
// command name, when no such channel exists, and the Slack or context error,
// wrapped, when the listing fails.
func ResolveChannel(ctx context.Context, f ChannelFinder, p *lang.Printer, name string, ref ChannelRef) (ChannelRef, error) {
	if ref.ID != "" {
		return ref, nil
	}
	if ref.Name == "" {
		return ChannelRef{}, Errorf(EINVALID, "%s", p.T("bcast_which_channel", "Example", exBroadcast(p, name)))
	}
	cursor := ""
	for range maxChannelPages {
		params := &slack.GetConversationsParameters{
			Cursor: cursor, ExcludeArchived: true, Limit: channelPageSize, Types: []string{"public_channel"},
		}
		chans, next, err := listChannelsPage(ctx, f, params)
		if err != nil {
			return ChannelRef{}, fmt.Errorf("find channel #%s: %w", ref.Name, err)
		}
		for _, c := range chans {
			if c.Name == ref.Name || c.NameNormalized == ref.Name {
				return ChannelRef{ID: c.ID, Name: c.Name}, nil
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return ChannelRef{}, Errorf(ENOTFOUND, "%s", p.T("bcast_channel_unknown", "Name", clip(ref.Name), "Example", exBroadcast(p, name)))
}

// listChannelsPage fetches one page, waiting out rate limits.
func listChannelsPage(ctx context.Context, f ChannelFinder, params *slack.GetConversationsParameters) ([]slack.Channel, string, error) {
	for attempt := 0; ; attempt++ {
		chans, next, err := f.GetConversationsContext(ctx, params)
		rl, limited := errors.AsType[*slack.RateLimitedError](err)
		if !limited || attempt == maxListRetries {
			return chans, next, err
		}
		wait := max(rl.RetryAfter, time.Second)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, "", fmt.Errorf("rate limited, retry in %v: %w", wait, ctx.Err())
		}
	}
}
