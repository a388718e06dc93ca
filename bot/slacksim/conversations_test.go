package slacksim_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// newChannels is a simulator with five public channels (the bot in two of
// them), an archived one and two private ones, the bot in one.
func newChannels(t *testing.T) *slacksim.Server {
	t.Helper()
	sim := newSim(t)
	sim.AddUser(slacksim.User{ID: "U1"})
	for i := range 5 {
		sim.AddChannel(slacksim.Channel{ID: fmt.Sprintf("C%d", i+1), Name: fmt.Sprintf("team-%d", i+1),
			Members: []string{"U1"}, BotIsMember: i < 2})
	}
	sim.AddChannel(slacksim.Channel{ID: "C9", Name: "old", Archived: true})
	sim.AddChannel(slacksim.Channel{ID: "G1", Name: "secret", Members: []string{"U1"}, BotIsMember: true})
	sim.AddChannel(slacksim.Channel{ID: "G2", Name: "hidden", Members: []string{"U1"}})
	return sim
}

// listAll walks conversations.list with slack-go, as the bot does, and
// returns the channels and the size of each page.
func listAll(t *testing.T, api *slack.Client, params slack.GetConversationsParameters) ([]slack.Channel, []int) {
	t.Helper()
	var (
		all   []slack.Channel
		sizes []int
	)
	for range 100 {
		page, next, err := api.GetConversationsContext(ctxT(t, 5*time.Second), &params)
		if err != nil {
			t.Fatalf("GetConversations(%+v): %v", params, err)
		}
		all, sizes = append(all, page...), append(sizes, len(page))
		if next == "" {
			return all, sizes
		}
		params.Cursor = next
	}
	t.Fatal("the cursor never ended")
	return nil, nil
}

func ids(chans []slack.Channel) []string {
	out := make([]string, len(chans))
	for i, c := range chans {
		out[i] = c.ID
	}
	return out
}

func TestConversationsList(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		sim := newChannels(t)
		chans, sizes := listAll(t, webClient(sim), slack.GetConversationsParameters{
			ExcludeArchived: true, Limit: 2, Types: []string{"public_channel"},
		})
		if got := ids(chans); !slices.Equal(got, []string{"C1", "C2", "C3", "C4", "C5"}) || !slices.Equal(sizes, []int{2, 2, 1}) {
			t.Fatalf("ids %v in pages of %v, want C1…C5 in 2, 2, 1", got, sizes)
		}
		if n := len(sim.CallsTo("conversations.list")); n != 3 {
			t.Errorf("%d calls, want 3", n)
		}
		for _, c := range chans {
			member := c.ID == "C1" || c.ID == "C2"
			wantMembers := 1
			if member {
				wantMembers = 2 // the bot counts
			}
			if c.Name == "" || !c.IsChannel || c.IsPrivate || c.IsArchived || c.IsMember != member || c.NumMembers != wantMembers {
				t.Errorf("%s = name %q is_channel %v is_private %v is_archived %v is_member %v num_members %d",
					c.ID, c.Name, c.IsChannel, c.IsPrivate, c.IsArchived, c.IsMember, c.NumMembers)
			}
		}
	})
	t.Run("Defaults", func(t *testing.T) {
		sim := newChannels(t)
		chans, sizes := listAll(t, webClient(sim), slack.GetConversationsParameters{})
		if got := ids(chans); !slices.Equal(got, []string{"C1", "C2", "C3", "C4", "C5", "C9"}) || len(sizes) != 1 {
			t.Fatalf("ids %v in pages of %v, want public channels, archived included, in one page", got, sizes)
		}
		if c := chans[5]; !c.IsArchived {
			t.Errorf("C9 = %+v, want archived", c)
		}
		p := sim.CallsTo("conversations.list")[0].Params
		if _, ok := p["types"]; ok {
			t.Errorf("slack-go sent types %q; the default was not exercised", p["types"])
		}
	})
	t.Run("PrivateAndIM", func(t *testing.T) {
		sim := newChannels(t)
		api := webClient(sim)
		if _, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U1"}}); err != nil {
			t.Fatal(err)
		}
		chans, _ := listAll(t, api, slack.GetConversationsParameters{Types: []string{"private_channel", "im", "mpim"}})
		if got := ids(chans); !slices.Equal(got, []string{"DU1", "G1"}) {
			t.Fatalf("ids %v, want the bot's DM and the private channel it is in", got)
		}
		if dm, g := chans[0], chans[1]; !dm.IsIM || dm.User != "U1" || !g.IsPrivate || g.IsChannel || !g.IsMember || g.NumMembers != 2 {
			t.Errorf("DM %+v\nprivate %+v", dm, g)
		}
	})
	t.Run("LimitDefaultAndMax", func(t *testing.T) {
		sim := newSim(t)
		for i := range 1001 {
			sim.AddChannel(slacksim.Channel{ID: fmt.Sprintf("C%04d", i), Name: fmt.Sprintf("c-%d", i)})
		}
		api := webClient(sim)
		if _, sizes := listAll(t, api, slack.GetConversationsParameters{}); !slices.Equal(sizes, []int{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 1}) {
			t.Errorf("default pages %v, want ten of 100 and 1", sizes)
		}
		if _, sizes := listAll(t, api, slack.GetConversationsParameters{Limit: 5000}); !slices.Equal(sizes, []int{1000, 1}) {
			t.Errorf("limit 5000 pages %v, want 1000 and 1", sizes)
		}
	})
	t.Run("CursorSurvivesNewChannels", func(t *testing.T) {
		sim := newChannels(t)
		api := webClient(sim)
		page, next, err := api.GetConversations(&slack.GetConversationsParameters{Limit: 2})
		if err != nil || !slices.Equal(ids(page), []string{"C1", "C2"}) {
			t.Fatalf("first page %v, %v", ids(page), err)
		}
		sim.AddChannel(slacksim.Channel{ID: "C0", Name: "early"}) // behind the cursor
		page, _, err = api.GetConversations(&slack.GetConversationsParameters{Limit: 2, Cursor: next})
		if err != nil || !slices.Equal(ids(page), []string{"C3", "C4"}) {
			t.Fatalf("second page %v, %v", ids(page), err)
		}
	})
	for name, tc := range map[string]struct {
		params slack.GetConversationsParameters
		want   string
	}{
		"ErrInvalidTypes":  {slack.GetConversationsParameters{Types: []string{"public_channel", "dm"}}, "invalid_types"},
		"ErrInvalidCursor": {slack.GetConversationsParameters{Cursor: "not-a-cursor"}, "invalid_cursor"},
		"ErrInvalidLimit":  {slack.GetConversationsParameters{Limit: -1}, "invalid_limit"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := webClient(newChannels(t)).GetConversations(&tc.params)
			if errString(err) != tc.want {
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
		})
	}
}

func TestConversationsJoin(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		sim := newChannels(t)
		api := webClient(sim)
		if _, _, err := api.PostMessage("C3", slack.MsgOptionText("hi", false)); errString(err) != "not_in_channel" {
			t.Fatalf("post before joining: %v", err)
		}
		ch, warning, _, err := api.JoinConversation("C3")
		if err != nil || warning != "" || ch.ID != "C3" || !ch.IsMember {
			t.Fatalf("JoinConversation = %+v, %q, %v", ch, warning, err)
		}
		info, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C3", IncludeNumMembers: true})
		if err != nil || !info.IsMember || info.NumMembers != 2 {
			t.Errorf("GetConversationInfo = is_member %v num_members %d, %v", info.IsMember, info.NumMembers, err)
		}
		chans, _ := listAll(t, api, slack.GetConversationsParameters{})
		if i := slices.IndexFunc(chans, func(c slack.Channel) bool { return c.ID == "C3" }); i < 0 || !chans[i].IsMember {
			t.Errorf("conversations.list after join: %+v", chans)
		}
		if _, _, err := api.PostMessage("C3", slack.MsgOptionText("hi", false)); err != nil {
			t.Errorf("post after joining: %v", err)
		}
	})
	t.Run("AlreadyInChannel", func(t *testing.T) {
		ch, warning, warnings, err := webClient(newChannels(t)).JoinConversation("C1")
		if err != nil || !ch.IsMember || warning != "already_in_channel" || !slices.Equal(warnings, []string{"already_in_channel"}) {
			t.Fatalf("JoinConversation = %+v, %q, %v, %v", ch, warning, warnings, err)
		}
	})
	t.Run("InfoWithoutJoin", func(t *testing.T) {
		info, err := webClient(newChannels(t)).GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C4"})
		if err != nil || info.IsMember || info.NumMembers != 0 {
			t.Fatalf("GetConversationInfo = is_member %v num_members %d (not asked for), %v", info.IsMember, info.NumMembers, err)
		}
	})
	for name, tc := range map[string]struct{ channel, want string }{
		"ErrIsArchived":      {"C9", "is_archived"},
		"ErrPrivate":         {"G2", "method_not_supported_for_channel_type"},
		"ErrPrivateMember":   {"G1", "method_not_supported_for_channel_type"},
		"ErrDM":              {"DU1", "method_not_supported_for_channel_type"},
		"ErrChannelNotFound": {"C7", "channel_not_found"},
		"ErrUnknownDM":       {"DU9", "channel_not_found"},
	} {
		t.Run(name, func(t *testing.T) {
			sim := newChannels(t)
			_, _, _, err := webClient(sim).JoinConversation(tc.channel)
			if errString(err) != tc.want {
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
			for _, id := range []string{"C9", "G2"} {
				if info, err := webClient(sim).GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: id}); err != nil || info.IsMember {
					t.Errorf("%s after a refused join: is_member %v, %v", id, info.IsMember, err)
				}
			}
		})
	}
}

// conversations.members pages like Slack: by limit, with a cursor, the bot
// counted once it joined; a private channel without the bot is not found.
func TestConversationsMembers(t *testing.T) {
	s := slacksim.New(slacksim.Options{})
	defer s.Close()
	s.AddChannel(slacksim.Channel{ID: "C1", Name: "team", Members: []string{"U3", "U1", "U2"}, BotIsMember: true})
	s.AddChannel(slacksim.Channel{ID: "G1", Name: "secret", Members: []string{"U1"}})
	api := webClient(s)
	var got []string
	params := slack.GetUsersInConversationParameters{ChannelID: "C1", Limit: 2}
	pages := 0
	for {
		ids, next, err := api.GetUsersInConversationContext(ctxT(t, 5*time.Second), &params)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, ids...)
		if next == "" {
			break
		}
		params.Cursor = next
	}
	want := []string{s.Options().BotUserID, "U1", "U2", "U3"}
	slices.Sort(want)
	if !slices.Equal(got, want) || pages != 2 {
		t.Fatalf("members %v in %d pages, want %v in 2", got, pages, want)
	}
	for _, tc := range []struct{ channel, cursor, want string }{
		{"G1", "", "channel_not_found"},
		{"C9", "", "channel_not_found"},
		{"C1", "garbage", "invalid_cursor"},
	} {
		_, _, err := api.GetUsersInConversationContext(ctxT(t, 5*time.Second), &slack.GetUsersInConversationParameters{ChannelID: tc.channel, Cursor: tc.cursor})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %s", tc, err, tc.want)
		}
	}
}
