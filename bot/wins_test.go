package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// winsSlack knows a few users, records the DMs posted, and fails
// chat.getPermalink or chat.postMessage on demand.
type winsSlack struct {
	homeSlack
	users        map[string]*slack.User
	permalinkErr error
	postErr      error

	dmMu sync.Mutex
	dms  map[string][]string // user → texts
}

func newWinsSlack() *winsSlack {
	return &winsSlack{users: map[string]*slack.User{
		"U1": {ID: "U1"}, "U2": {ID: "U2"},
		"UBOT1": {ID: "UBOT1", IsBot: true},
		"UGONE": {ID: "UGONE", Deleted: true},
	}, dms: map[string][]string{}}
}

func (s *winsSlack) GetUserInfoContext(_ context.Context, id string, _ ...slack.GetUserInfoOption) (*slack.User, error) {
	if u, ok := s.users[id]; ok {
		return u, nil
	}
	return nil, slack.SlackErrorResponse{Err: "user_not_found"}
}

func (s *winsSlack) PostMessageContext(_ context.Context, channel string, opts ...slack.MsgOption) (string, string, error) {
	if s.postErr != nil {
		return "", "", s.postErr
	}
	_, values, err := slack.UnsafeApplyMsgOptions("", channel, "", opts...)
	if err != nil {
		return "", "", err
	}
	s.dmMu.Lock()
	defer s.dmMu.Unlock()
	s.dms[channel] = append(s.dms[channel], values.Get("text"))
	return channel, "1.0", nil
}

func (s *winsSlack) GetPermalinkContext(ctx context.Context, p *slack.PermalinkParameters) (string, error) {
	if s.permalinkErr != nil {
		return "", s.permalinkErr
	}
	return s.homeSlack.GetPermalinkContext(ctx, p)
}

func dispatchAs(t *testing.T, b *Bot, user, text string) (Reply, error) {
	t.Helper()
	r, err := b.Dispatch(context.Background(), &Command{UserID: user, ChannelID: "D1", Name: "/mentor"}, text)
	b.inflight.Wait()
	return r, err
}

func mustWins(t *testing.T, b *Bot, user string) []store.Win {
	t.Helper()
	ws, _, err := b.Wins.Wins(user, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestCmdWin(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		b := newTestBot(t)
		r, err := dispatch(t, b, `win Said "no" to the third rewrite, kindly`)
		if err != nil || !strings.Contains(r.Text, "You have 1 win") {
			t.Fatalf("first win: %q, %v", r.Text, err)
		}
		r, _ = dispatch(t, b, "win  Shipped it <!channel> ")
		if !strings.Contains(r.Text, "You have 2 wins") {
			t.Fatalf("second win: %q", r.Text)
		}
		ws := mustWins(t, b, "U1")
		if ws[1].Text != `Said "no" to the third rewrite, kindly` || !ws[1].At.Equal(b.Now()) {
			t.Fatalf("an unpaired quote is part of the win: %+v", ws[1])
		}
		if strings.Contains(ws[0].Text, "<!channel>") || !strings.HasPrefix(ws[0].Text, "Shipped it @") {
			t.Fatalf("mass mention kept: %q", ws[0].Text)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		b := newTestBot(t)
		_, err := dispatch(t, b, "win   ")
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "evidence file") && !strings.Contains(ErrorMessage(err), "doubt") {
			t.Fatalf("empty win: %v", err)
		}
		if n := len(mustWins(t, b, "U1")); n != 0 {
			t.Fatalf("%d wins kept", n)
		}
	})
	t.Run("TooLong", func(t *testing.T) {
		b := newTestBot(t)
		if _, err := dispatch(t, b, "win "+strings.Repeat("é", store.MaxWinLen)); err != nil {
			t.Fatalf("%d characters refused: %v", store.MaxWinLen, err)
		}
		_, err := dispatch(t, b, "win "+strings.Repeat("é", store.MaxWinLen+1))
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "1001 characters") {
			t.Fatalf("too long: %v", err)
		}
	})
}

func TestCmdWins(t *testing.T) {
	b := newTestBot(t)
	r, err := dispatch(t, b, "wins")
	if err != nil || !strings.Contains(blocksText(t, r), "evidence for the days doubt shows up") {
		t.Fatalf("empty list: %v\n%s", err, blocksText(t, r))
	}
	for i := range 60 {
		// The worst case: long words that escape, a link, an author.
		w := store.Win{UserID: "U1", Text: fmt.Sprintf("win %02d %s", i, strings.Repeat("日&", 495)), At: b.Now(),
			Author: "U0123456789", Channel: "C0123456789", Permalink: "https://example-workspace.slack.com/archives/C0123456789/p1700000000000100"}
		if _, err := b.Wins.AddWin(w); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args  string
		shown int
	}{{"", winsDefault}, {" 3", 3}, {" 50", 50}, {" 99", 50}} {
		r, err := dispatch(t, b, "wins"+tc.args)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(r.Blocks)
		if got := strings.Count(string(raw), `"action_id":"`+actionWinDelete+`"`); got != tc.shown {
			t.Errorf("wins%s: %d Delete buttons, want %d", tc.args, got, tc.shown)
		}
		if n := encodedSize(r.Blocks); len(r.Blocks) > maxBlocks || n > replyBudget {
			t.Errorf("wins%s: %d blocks, %d bytes: over Slack's limits", tc.args, len(r.Blocks), n)
		}
		if _, cut := fitBlocks(r.Blocks, replyBudget); cut {
			t.Errorf("wins%s: the reply's budget cut the list; it should fit as built", tc.args)
		}
		if text := blocksText(t, r); !strings.Contains(text, "win 59") || !strings.Contains(text, "(60 wins)") || !strings.Contains(text, "export` has every word") {
			t.Errorf("wins%s lacks the newest, the count or the footer:\n%.300s", tc.args, text)
		}
	}
	for _, bad := range []string{"wins 0", "wins ten", "wins 3 4"} {
		if _, err := dispatch(t, b, bad); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// clickDelete clicks a button of a win's (action) as clicker and returns
// the reply.
func clickDelete(t *testing.T, b *Bot, sink *responseSink, env, clicker, action, value string) map[string]any {
	t.Helper()
	cb := slack.InteractionCallback{
		Type: slack.InteractionTypeBlockActions, User: slack.User{ID: clicker}, ResponseURL: sink.URL,
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: action, Value: value}}},
	}
	before := len(sink.messages())
	b.serveInteractive(context.Background(), &fakeAcker{}, socketmode.Request{EnvelopeID: env}, cb)
	b.inflight.Wait()
	msgs := sink.messages()
	if len(msgs) != before+1 {
		t.Fatalf("%s: %d replies, want one", env, len(msgs)-before)
	}
	return msgs[len(msgs)-1]
}

func TestDeleteWin(t *testing.T) {
	b, sink := newTestBot(t), newResponseSink(t)
	var logs syncLogs
	b.Logger = newTextLogger(&logs)
	mine, _ := b.Wins.AddWin(store.Win{UserID: "U1", Text: "mine", At: b.Now()})
	keep, _ := b.Wins.AddWin(store.Win{UserID: "U1", Text: "keep me", At: b.Now()})
	theirs, _ := b.Wins.AddWin(store.Win{UserID: "U2", Text: "theirs", At: b.Now()})
	r, _ := dispatch(t, b, "wins")
	raw, _ := json.Marshal(r.Blocks)
	value := winValue(mine.Seq, 2)
	if !strings.Contains(string(raw), `"value":"`+value+`"`) {
		t.Fatalf("the list has no Delete with %q:\n%s", value, raw)
	}

	t.Run("OK", func(t *testing.T) {
		m := clickDelete(t, b, sink, "A1", "U1", actionWinDelete, value)
		if text := fmt.Sprint(m["blocks"]); m["replace_original"] != true || !strings.Contains(text, "Delete this win for good?") ||
			!strings.Contains(text, actionWinDeleteConfirm) || !strings.Contains(text, actionWinDeleteKeep) {
			t.Fatalf("Delete asks nothing first: %v", m)
		}
		if n := len(mustWins(t, b, "U1")); n != 2 {
			t.Fatalf("asking deleted: %d wins left", n)
		}
		m = clickDelete(t, b, sink, "K1", "U1", actionWinDeleteKeep, "keep")
		if text := fmt.Sprint(m["blocks"]); !strings.Contains(text, "Nothing was deleted.") || !strings.Contains(text, "mine") {
			t.Fatalf("Keep it: %v", m)
		}
		m = clickDelete(t, b, sink, "D1", "U1", actionWinDeleteConfirm, value)
		text := fmt.Sprint(m["blocks"])
		if m["replace_original"] != true || !strings.Contains(text, "Deleted that win.") || !strings.Contains(text, "keep me") || strings.Contains(text, "mine") {
			t.Fatalf("reply %v", m)
		}
		if ws := mustWins(t, b, "U1"); len(ws) != 1 || ws[0].Seq != keep.Seq {
			t.Fatalf("U1's wins after delete: %+v", ws)
		}
	})
	t.Run("Twice", func(t *testing.T) {
		for _, action := range []string{actionWinDeleteConfirm, actionWinDelete} {
			m := clickDelete(t, b, sink, "D2"+action, "U1", action, value)
			if !strings.Contains(fmt.Sprint(m["text"]), "not in your list any more") {
				t.Fatalf("second click on %s: %v", action, m["text"])
			}
		}
	})
	t.Run("Forged", func(t *testing.T) {
		// U1 forges a button naming U2's win: nothing of U2's changes.
		for _, action := range []string{actionWinDelete, actionWinDeleteConfirm} {
			m := clickDelete(t, b, sink, "D3"+action, "U1", action, winValue(theirs.Seq, 2))
			if !strings.Contains(fmt.Sprint(m["text"]), "nothing changed") || strings.Contains(fmt.Sprint(m), "theirs") {
				t.Fatalf("forged click on %s: %v", action, m)
			}
		}
		if ws := mustWins(t, b, "U2"); len(ws) != 1 || ws[0].Text != "theirs" {
			t.Fatalf("U2's wins after a forged delete: %+v", ws)
		}
		if !strings.Contains(logs.String(), "interactive payload refused") {
			t.Fatalf("forged click not logged:\n%s", logs.String())
		}
		for _, garbage := range []string{"", "x", "1:", ":3", "1:0", "1:51", "-1:2", "18446744073709551616:2"} {
			m := clickDelete(t, b, sink, "G"+garbage, "U1", actionWinDeleteConfirm, garbage)
			if !strings.Contains(fmt.Sprint(m["text"]), "not one of yours") {
				t.Errorf("value %q: %v", garbage, m["text"])
			}
		}
		if ws := mustWins(t, b, "U1"); len(ws) != 1 {
			t.Fatalf("garbage values deleted U1's wins: %+v", ws)
		}
	})
}

func TestCmdThanks(t *testing.T) {
	newBot := func(t *testing.T) (*Bot, *winsSlack) {
		b, s := newTestBot(t), newWinsSlack()
		b.Slack = s
		return b, s
	}
	t.Run("OK", func(t *testing.T) {
		b, s := newBot(t)
		r, err := dispatchAs(t, b, "U1", "thanks <@U2|bob> for the careful review of #42")
		if err != nil || !strings.Contains(r.Text, "Sent. <@U2>") {
			t.Fatalf("thanks: %q, %v", r.Text, err)
		}
		if dms := s.dms["U2"]; len(dms) != 1 || dms[0] != "<@U1> thanked you: for the careful review of #42" {
			t.Fatalf("DMs to U2: %q", dms)
		}
		// Punctuation after the name is not part of the thanks.
		if _, err := dispatchAs(t, b, "U1", "thanks <@U2|bob>: great review"); err != nil {
			t.Fatal(err)
		}
		if dms := s.dms["U2"]; len(dms) != 2 || dms[1] != "<@U1> thanked you: great review" {
			t.Fatalf("DMs to U2: %q", dms)
		}
		ws := mustWins(t, b, "U2")
		if len(ws) != 2 || ws[1].From != "U1" || ws[1].Text != "for the careful review of #42" {
			t.Fatalf("U2's wins: %+v", ws)
		}
		if n := len(mustWins(t, b, "U1")); n != 0 {
			t.Fatalf("the sender got %d wins", n)
		}
	})
	for _, tc := range []struct{ name, text, want string }{
		{"Nobody", "thanks", "Whom would you like to thank?"},
		{"Yourself", "thanks <@U1> for being me", "`/mentor win TEXT` keeps it"},
		{"ABot", "thanks <@UBOT1|deploybot> for deploying", "Bots keep no wins"},
		{"LeftTheWorkspace", "thanks <@UGONE> for everything", "left the workspace"},
		{"Unknown", "thanks <@U404> for nothing", "cannot find that person"},
		{"PlainName", "thanks @bob for the review", "picked from the list"},
		{"Everyone", "thanks <!here> all of you", "one person at a time"},
		{"NoReason", "thanks <@U2|bob>  ", "Say what for"},
		{"OnlyAFullStop", "thanks <@U2|bob>.", "Say what for"},
		{"OnlyPunctuation", "thanks <@U2|bob> ,!? &amp; -", "Say what for"},
		{"TwoPeople", "thanks <@U2|bob> <@U3|lee> for pairing", "one person at a time"},
		{"TwoPeopleComma", "thanks <@U2|bob>, <@U3|lee> for pairing", "one person at a time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, s := newBot(t)
			_, err := dispatchAs(t, b, "U1", tc.text)
			if ErrorCode(err) == EINTERNAL || !strings.Contains(ErrorMessage(err), tc.want) {
				t.Fatalf("%q: %v, want %q", tc.text, err, tc.want)
			}
			if len(s.dms) != 0 {
				t.Fatalf("DMs sent: %v", s.dms)
			}
			for _, u := range []string{"U1", "U2", "UBOT1", "UGONE", "U404"} {
				if n := len(mustWins(t, b, u)); n != 0 {
					t.Fatalf("%s has %d wins", u, n)
				}
			}
		})
	}
	t.Run("DMFails", func(t *testing.T) {
		b, s := newBot(t)
		s.postErr = errors.New("slack down")
		r, err := dispatchAs(t, b, "U1", "thanks <@U2> for the pairing")
		if err != nil || !strings.Contains(r.Text, "could not DM them") {
			t.Fatalf("%q, %v", r.Text, err)
		}
		if n := len(mustWins(t, b, "U2")); n != 1 {
			t.Fatalf("U2 has %d wins; the thanks must be kept", n)
		}
	})
}

// saveWinAs runs the save_win shortcut on msg in channel C1 as clicker.
func saveWinAs(t *testing.T, b *Bot, sink *responseSink, env, clicker string, msg slack.Message) string {
	t.Helper()
	cb := slack.InteractionCallback{Type: slack.InteractionTypeMessageAction, CallbackID: callbackSaveWin,
		User: slack.User{ID: clicker}, ResponseURL: sink.URL, Message: msg}
	cb.Channel.ID = "C1"
	before := len(sink.messages())
	b.serveInteractive(context.Background(), &fakeAcker{}, socketmode.Request{EnvelopeID: env}, cb)
	b.inflight.Wait()
	msgs := sink.messages()
	if len(msgs) != before+1 {
		t.Fatalf("%s: %d replies, want one", env, len(msgs)-before)
	}
	return fmt.Sprint(msgs[len(msgs)-1]["text"])
}

func TestSaveWin(t *testing.T) {
	msg := func(user, ts, text string) slack.Message {
		var m slack.Message
		m.User, m.Timestamp, m.Text = user, ts, text
		return m
	}
	t.Run("OK", func(t *testing.T) {
		b, sink, s := newTestBot(t), newResponseSink(t), newWinsSlack()
		b.Slack = s
		got := saveWinAs(t, b, sink, "S1", "U1", msg("U3", "1700000000.000100", "Great catch on the outage, Ada!"))
		if !strings.Contains(got, "Saved to your wins") || !strings.Contains(got, "1 win") {
			t.Fatalf("reply %q", got)
		}
		ws := mustWins(t, b, "U1")
		want := store.Win{Seq: ws[0].Seq, UserID: "U1", Text: "Great catch on the outage, Ada!", At: b.Now(), Author: "U3", Channel: "C1",
			Permalink: "https://example.slack.com/archives/C1/p1700000000000100"}
		if len(ws) != 1 || ws[0] != want {
			t.Fatalf("wins %+v, want %+v", ws, want)
		}
		// A second click on the same message keeps one win.
		if got := saveWinAs(t, b, sink, "S2", "U1", msg("U3", "1700000000.000100", "Great catch on the outage, Ada!")); !strings.Contains(got, "in your wins already") {
			t.Fatalf("second save: %q", got)
		}
		if n := len(mustWins(t, b, "U1")); n != 1 {
			t.Fatalf("%d wins after a double save", n)
		}
		// In French, the day in prose is written out, not abbreviated.
		if err := b.setLanguage("U1", "fr"); err != nil {
			t.Fatal(err)
		}
		got = saveWinAs(t, b, sink, "S3", "U1", msg("U3", "1700000000.000100", "Great catch on the outage, Ada!"))
		if want := "Ce message est déjà dans tes réussites, depuis le " + fr.LongDate(zoned(b.Now(), b.memberTZ("U1"))) + "."; !strings.HasPrefix(got, want) {
			t.Fatalf("French second save: %q, want it to start %q", got, want)
		}
	})
	t.Run("FileOnly", func(t *testing.T) {
		b, sink, s := newTestBot(t), newResponseSink(t), newWinsSlack()
		b.Slack = s
		m := msg("U3", "1700000000.000200", "")
		m.Files = []slack.File{{Name: "launch.png"}}
		saveWinAs(t, b, sink, "S1", "U1", m)
		ws := mustWins(t, b, "U1")
		if len(ws) != 1 || !strings.Contains(ws[0].Text, "launch.png") || ws[0].Permalink == "" {
			t.Fatalf("file-only message saved as %+v", ws)
		}
	})
	t.Run("NoPermalink", func(t *testing.T) {
		b, sink, s := newTestBot(t), newResponseSink(t), newWinsSlack()
		s.permalinkErr = errors.New("slack down")
		b.Slack = s
		got := saveWinAs(t, b, sink, "S1", "U1", msg("U3", "1700000000.000300", "Thanks for staying late"))
		if !strings.Contains(got, "could not get the message's link") {
			t.Fatalf("reply %q", got)
		}
		if ws := mustWins(t, b, "U1"); len(ws) != 1 || ws[0].Text != "Thanks for staying late" {
			t.Fatalf("wins %+v", ws)
		}
		if got := saveWinAs(t, b, sink, "S2", "U1", msg("U3", "1700000000.000300", "Thanks for staying late")); !strings.Contains(got, "already") {
			t.Fatalf("second save without a link: %q", got)
		}
	})
}

// TestWinMeta_DirectMessage: a message saved from a DM names no channel,
// which Slack would show as a raw id.
func TestWinMeta_DirectMessage(t *testing.T) {
	b := newTestBot(t)
	at := b.Now()
	dm := winMeta(en, store.Win{At: at, Author: "U1", Channel: "DU1"}, "UTC", false)
	if !strings.Contains(dm, "<@U1> in a direct message") || strings.Contains(dm, "<#") {
		t.Fatalf("DM win: %s", dm)
	}
	if ch := winMeta(en, store.Win{At: at, Author: "U1", Channel: "C1"}, "UTC", false); !strings.Contains(ch, "<@U1> in <#C1>") {
		t.Fatalf("channel win: %s", ch)
	}
}

// TestThanksAfterSenderForgets: a member's forget takes their id off the
// thanks they gave; the receiver keeps the words, from "a colleague", in
// their list, under an impostor card and in their export.
func TestThanksAfterSenderForgets(t *testing.T) {
	b := newTestBot(t)
	b.Slack = newWinsSlack()
	if _, err := dispatchAs(t, b, "U1", "thanks <@U2|bob> for the careful review of #42"); err != nil {
		t.Fatal(err)
	}
	en := b.Lang.Printer("en")
	if _, err := b.forget(context.Background(), &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: en, Value: forgetValue(actionForgetConfirm, "U1", b.Now())}); err != nil {
		t.Fatal(err)
	}
	list, err := dispatchAs(t, b, "U2", "wins")
	if err != nil {
		t.Fatal(err)
	}
	card, err := dispatchAs(t, b, "U2", "prompt impostor")
	if err != nil {
		t.Fatal(err)
	}
	export, err := b.exportMarkdown(en, "U2", "bob", "")
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"wins": blocksText(t, list), "impostor card": blocksText(t, card), "export": export} {
		if !strings.Contains(got, "for the careful review of #42") || !strings.Contains(got, "thanks from a colleague") || strings.Contains(got, "U1") {
			t.Errorf("%s after the sender forgot:\n%s", name, got)
		}
	}
}
