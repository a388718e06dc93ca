package slacksim_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// newWorkspace is a simulator with two users, channels and a lead group.
func newWorkspace(t *testing.T, tweak ...func(*slacksim.Options)) *slacksim.Server {
	t.Helper()
	sim := newSim(t, tweak...)
	sim.AddUser(slacksim.User{ID: "U1", Name: "ada", RealName: "Ada Lovelace", TZ: "Europe/Berlin"})
	sim.AddUser(slacksim.User{ID: "U2", Name: "bob"})
	sim.AddChannel(slacksim.Channel{ID: "C1", Name: "general", Members: []string{"U1"}, BotIsMember: true})
	sim.AddChannel(slacksim.Channel{ID: "C2", Name: "random"})
	sim.AddChannel(slacksim.Channel{ID: "C3", Name: "old", Archived: true, BotIsMember: true})
	sim.AddUserGroup("S1", "U1", "U2")
	return sim
}

func TestPostMessage(t *testing.T) {
	sim := newWorkspace(t)
	api := webClient(sim)
	blocks := slack.MsgOptionBlocks(
		slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*Hi*", false, false), nil, nil),
	)
	ch, ts, err := api.PostMessage("C1", slack.MsgOptionText("hi", false), blocks)
	if err != nil || ch != "C1" || ts == "" {
		t.Fatalf("PostMessage = %s, %s, %v", ch, ts, err)
	}
	calls := sim.CallsTo("chat.postMessage")
	if len(calls) != 1 || !calls[0].TokenOK || calls[0].Params["channel"] != "C1" || calls[0].Params["text"] != "hi" ||
		!strings.Contains(calls[0].Params["blocks"], `"*Hi*"`) || calls[0].Status != 200 {
		t.Fatalf("calls = %+v", calls)
	}
	if _, ok := calls[0].Params["token"]; ok {
		t.Error("the token was recorded")
	}
	msgs := sim.MessagesIn("C1")
	if len(msgs) != 1 || msgs[0].TS != ts || msgs[0].User != "U0BOT" || msgs[0].Source != "chat.postMessage" ||
		!strings.Contains(string(msgs[0].Blocks), `"block_id"`) {
		t.Fatalf("messages = %+v", msgs)
	}

	t.Run("ToUserID", func(t *testing.T) {
		ch, _, err := api.PostMessage("U1", slack.MsgOptionText("dm", false))
		if err != nil || ch != "DU1" {
			t.Fatalf("PostMessage = %s, %v", ch, err)
		}
	})
	for name, tc := range map[string]struct{ channel, want string }{
		"ErrNotInChannel":    {"C2", "not_in_channel"},
		"ErrIsArchived":      {"C3", "is_archived"},
		"ErrChannelNotFound": {"C9", "channel_not_found"},
		"ErrUnknownUserDM":   {"DU9", "channel_not_found"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := api.PostMessage(tc.channel, slack.MsgOptionText("x", false))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
		})
	}
	t.Run("ErrNoText", func(t *testing.T) {
		_, _, err := api.PostMessage("C1")
		if err == nil || err.Error() != "no_text" {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestEphemeralAndUpdate(t *testing.T) {
	sim := newWorkspace(t)
	api := webClient(sim)
	ts, err := api.PostEphemeral("C1", "U1", slack.MsgOptionText("psst", false))
	if err != nil || ts == "" {
		t.Fatalf("PostEphemeral = %s, %v", ts, err)
	}
	if _, err := api.PostEphemeral("C1", "U2", slack.MsgOptionText("psst", false)); err == nil ||
		err.Error() != "user_not_in_channel" {
		t.Errorf("ephemeral to a non-member: %v", err)
	}
	m := sim.MessagesIn("C1")[0]
	if !m.Ephemeral || m.VisibleTo != "U1" || m.Source != "chat.postEphemeral" {
		t.Errorf("ephemeral = %+v", m)
	}
	if _, _, _, err := api.UpdateMessage("C1", ts, slack.MsgOptionText("x", false)); err == nil ||
		err.Error() != "message_not_found" {
		t.Errorf("updating an ephemeral: %v", err)
	}
	_, ts, _ = api.PostMessage("C1", slack.MsgOptionText("v1", false))
	if _, _, text, err := api.UpdateMessage("C1", ts, slack.MsgOptionText("v2", false)); err != nil || text != "v2" {
		t.Fatalf("UpdateMessage = %s, %v", text, err)
	}
	last := sim.Messages()[len(sim.Messages())-1]
	if last.TS != ts || last.Text != "v2" || last.Source != "chat.update" {
		t.Errorf("update = %+v", last)
	}
}

func TestPublishView(t *testing.T) {
	sim := newWorkspace(t)
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, CallbackID: "home", Blocks: slack.Blocks{
		BlockSet: []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject("plain_text", "Mentor", false, false))},
	}}
	resp, err := webClient(sim).PublishView("U1", view, "")
	if err != nil || !strings.HasPrefix(resp.View.ID, "V") || resp.View.Type != slack.VTHomeTab || resp.View.Hash == "" {
		t.Fatalf("PublishView = %+v, %v", resp, err)
	}
	calls := sim.CallsTo("views.publish")
	if len(calls) != 1 || calls[0].Params["user_id"] != "U1" || !strings.Contains(calls[0].Params["view"], `"home"`) {
		t.Fatalf("calls = %+v", calls)
	}
	if home := sim.HomeView("U1"); !strings.Contains(string(home), "Mentor") {
		t.Errorf("HomeView = %s", home)
	}
	if _, err := webClient(sim).PublishView("U1", view, "stale-hash"); err == nil || err.Error() != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
}

func TestFaults(t *testing.T) {
	sim := newWorkspace(t)
	api := webClient(sim)
	t.Run("RateLimited", func(t *testing.T) {
		sim.FailNext("chat.postMessage", 1, slacksim.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond})
		_, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false))
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
			t.Fatalf("err = %#v", err)
		}
		last := sim.CallsTo("chat.postMessage")
		if c := last[len(last)-1]; c.Status != 429 || c.Error != "ratelimited" {
			t.Errorf("call = %+v", c)
		}
		if _, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false)); err != nil {
			t.Errorf("the next call: %v", err)
		}
	})
	t.Run("ServerError", func(t *testing.T) {
		sim.FailNext("users.info", 1, slacksim.Fault{Status: 500})
		_, err := api.GetUserInfo("U1")
		var sc slack.StatusCodeError
		if !errors.As(err, &sc) || sc.Code != 500 {
			t.Fatalf("err = %#v", err)
		}
	})
	t.Run("SetFault", func(t *testing.T) {
		sim.SetFault(func(c slacksim.Call, n int) *slacksim.Fault {
			if c.Method == "auth.test" && n%2 == 1 {
				return &slacksim.Fault{Error: "fatal_error", Delay: 10 * time.Millisecond}
			}
			return nil
		})
		defer sim.SetFault(nil)
		for i, want := range []string{"fatal_error", "", "fatal_error"} {
			_, err := api.AuthTest()
			if got := errString(err); got != want {
				t.Errorf("call %d: %q, want %q", i+1, got, want)
			}
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestTokens(t *testing.T) {
	sim := newWorkspace(t)
	for name, tc := range map[string]struct{ token, want string }{
		"OK":                  {"xoxb-sim-bot", ""},
		"ErrInvalidAuth":      {"xoxb-wrong", "invalid_auth"},
		"ErrNotAuthed":        {"", "not_authed"},
		"ErrAppTokenOnBotAPI": {"xapp-sim-app", "not_allowed_token_type"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := slack.New(tc.token, slack.OptionAPIURL(sim.APIURL())).AuthTest()
			if got := errString(err); got != tc.want {
				t.Fatalf("err = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("ErrUnknownMethod", func(t *testing.T) {
		resp, err := http.PostForm(sim.APIURL()+"chat.teleport", url.Values{"token": {"xoxb-sim-bot"}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(body) != `{"error":"unknown_method","ok":false}` {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
}

func TestDirectory(t *testing.T) {
	sim := newWorkspace(t)
	api := webClient(sim)
	u, err := api.GetUserInfo("U1")
	if err != nil || u.Name != "ada" || u.RealName != "Ada Lovelace" || u.TZ != "Europe/Berlin" ||
		(u.TZOffset != 3600 && u.TZOffset != 7200) || u.TZLabel == "" {
		t.Errorf("GetUserInfo = %+v, %v", u, err)
	}
	if u, err := api.GetUserInfo("U2"); err != nil || u.TZ != "" || u.TZOffset != 0 {
		t.Errorf("a user without a zone = %+v, %v", u, err)
	}
	if _, err := api.GetUserInfo("U9"); errString(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	sim.AddUser(slacksim.User{ID: "U3", Name: "eve", Locale: "fr-CA"})
	for _, tc := range []struct {
		user, want string
		include    bool
	}{{"U3", "fr-CA", true}, {"U1", "en-US", true}, {"U3", "", false}} {
		u, err := api.GetUserInfo(tc.user, slack.GetUserInfoOptionIncludeLocale(tc.include))
		if err != nil || u.Locale != tc.want {
			t.Errorf("GetUserInfo(%s, include_locale=%v).Locale = %q, %v; want %q", tc.user, tc.include, u.Locale, err, tc.want)
		}
	}
	ch, _, already, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || ch.ID != "DU1" || already {
		t.Errorf("OpenConversation = %+v, %v, %v", ch, already, err)
	}
	info, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C2"})
	if err != nil || info.Name != "random" || info.IsMember || info.IsArchived {
		t.Errorf("GetConversationInfo = %+v, %v", info, err)
	}
	if _, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C9"}); errString(err) != "channel_not_found" {
		t.Errorf("unknown channel: %v", err)
	}
	members, err := api.GetUserGroupMembers("S1")
	if err != nil || strings.Join(members, ",") != "U1,U2" {
		t.Errorf("GetUserGroupMembers = %v, %v", members, err)
	}
	if _, err := api.GetUserGroupMembers("S9"); errString(err) != "no_such_subteam" {
		t.Errorf("unknown group: %v", err)
	}
}

func TestUploadFile(t *testing.T) {
	sim := newWorkspace(t)
	content := `{"reflections":[]}`
	f, err := webClient(sim).UploadFileContext(ctxT(t, 5*time.Second), slack.UploadFileParameters{
		Filename: "export.json", FileSize: len(content), Content: content, Channel: "DU1", Title: "Your data",
	})
	if err != nil || f.Title != "Your data" {
		t.Fatalf("UploadFile = %+v, %v", f, err)
	}
	got, ok := sim.File(f.ID)
	if !ok || string(got.Content) != content || got.Channel != "DU1" || got.Name != "export.json" {
		t.Errorf("File = %+v", got)
	}
	m := sim.MessagesIn("DU1")
	if len(m) != 1 || m[0].Source != "files" || len(m[0].FileIDs) != 1 || m[0].FileIDs[0] != f.ID {
		t.Errorf("messages = %+v", m)
	}
}

func TestRateLimitOption(t *testing.T) {
	sim := newWorkspace(t, func(o *slacksim.Options) { o.RateLimit = true })
	api := webClient(sim)
	var limited int
	for range 5 {
		if _, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false)); err != nil {
			var rl *slack.RateLimitedError
			if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
				t.Fatalf("err = %v", err)
			}
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("%d of 5 rate limited, want 2 after a burst of 3", limited)
	}
	if _, _, err := api.PostMessage("DU1", slack.MsgOptionText("x", false)); err != nil {
		t.Errorf("another channel has its own limit: %v", err)
	}
}

func TestSubscribe(t *testing.T) {
	sim := newWorkspace(t)
	ch, cancel := sim.Subscribe()
	if _, _, err := webClient(sim).PostMessage("U1", slack.MsgOptionText("hello", false)); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-ch:
		if m.Text != "hello" || m.Channel != "DU1" {
			t.Errorf("message = %+v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message")
	}
	cancel()
	if _, ok := <-ch; ok {
		t.Error("channel still open after cancel")
	}
	cancel() // twice is fine
}

func TestJSONBodyParams(t *testing.T) {
	sim := newWorkspace(t)
	body := `{"channel":"C1","text":"hi","unfurl_links":false,"blocks":[{"type":"divider"}]}`
	req, _ := http.NewRequest(http.MethodPost, sim.APIURL()+"chat.postMessage", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer xoxb-sim-bot")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		OK bool `json:"ok"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || !out.OK {
		t.Fatalf("answer %+v, %v", out, err)
	}
	p := sim.CallsTo("chat.postMessage")[0].Params
	if p["unfurl_links"] != "false" || p["blocks"] != `[{"type":"divider"}]` || p["text"] != "hi" {
		t.Errorf("params = %v", p)
	}
}
