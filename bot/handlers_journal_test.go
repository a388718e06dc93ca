package bot

import (
	"context"
	"errors"
	"fmt"
	"github.com/mentorbot/mentorbot/bot/slacksim"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// addReflections writes n reflections of userID, "<userID> entry 1" the
// oldest, one a day before the test bot's clock.
func addReflections(t *testing.T, b *Bot, userID string, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		r := store.Reflection{UserID: userID, PromptID: "imp-1", Theme: "impostor", Prompt: "What did you not ask?",
			Text: fmt.Sprintf("%s entry %d.", userID, i), At: b.Now().AddDate(0, 0, i-n-1)}
		if _, err := b.Journal.AddReflection(r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestJournal(t *testing.T) {
	b := newTestBot(t)
	t.Run("Empty", func(t *testing.T) {
		r, err := dispatch(t, b, "journal")
		if got := blocksText(t, r); err != nil || !strings.Contains(got, "Your journal is empty. `/mentor prompt`") {
			t.Fatalf("reply %q, %v", got, err)
		}
	})
	addReflections(t, b, "U1", 25)
	addReflections(t, b, "U2", 1)
	for _, tc := range []struct {
		text           string
		newest, oldest int    // U1's entries shown
		more           string // the pointer to older entries
	}{
		{"journal", 25, 21, "Older entries: `/mentor journal 20`, or `/mentor export` for all of them."},
		{"journal 1", 25, 25, "Older entries: `/mentor journal 20`"},
		{"JOURNAL 20", 25, 6, "Older entries: `/mentor export` has all of them."},
		{"journal 500", 25, 6, "Older entries: `/mentor export` has all of them."}, // at most twenty in one reply
	} {
		t.Run(tc.text, func(t *testing.T) {
			r, err := dispatch(t, b, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			got := blocksText(t, r)
			for i := 1; i <= 25; i++ {
				at := strings.Index(got, fmt.Sprintf("U1 entry %d.", i))
				if shown := i >= tc.oldest && i <= tc.newest; shown != (at >= 0) {
					t.Fatalf("entry %d shown %v:\n%s", i, at >= 0, got)
				}
				if next := strings.Index(got, fmt.Sprintf("U1 entry %d.", i+1)); at >= 0 && next > at {
					t.Fatalf("entry %d before entry %d: want newest first", i, i+1)
				}
			}
			if strings.Contains(got, "U2") {
				t.Fatalf("someone else's reflection shown:\n%s", got)
			}
			if !strings.Contains(got, tc.more) {
				t.Fatalf("no %q in\n%s", tc.more, got)
			}
		})
	}
	t.Run("AllShownSaysNoMore", func(t *testing.T) {
		b := newTestBot(t)
		addReflections(t, b, "U1", 3)
		r, _ := dispatch(t, b, "journal 3")
		if got := blocksText(t, r); !strings.Contains(got, "U1 entry 1.") || strings.Contains(got, "Older entries") || !strings.Contains(got, "Only you can see this.") {
			t.Fatalf("reply:\n%s", got)
		}
	})
	for _, text := range []string{"journal 0", "journal -1", "journal ten", "journal 5 6", "journal 1.5"} {
		t.Run("Err/"+text, func(t *testing.T) {
			_, err := dispatch(t, b, text)
			if ErrorCode(err) != EINVALID || ErrorMessage(err) != "`journal` takes how many entries to show, 1 to 20: `/mentor journal 10`." {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// A reflection is shown as text: Slack markup in it does not ping anyone or
// change the journal's layout.
func TestJournal_EscapesMarkup(t *testing.T) {
	b := newTestBot(t)
	r := store.Reflection{UserID: "U1", PromptID: "imp-1", Theme: "impostor", Prompt: "p", Text: "<!channel> look <@U2>", At: b.Now()}
	if _, err := b.Journal.AddReflection(r); err != nil {
		t.Fatal(err)
	}
	reply, _ := dispatch(t, b, "journal")
	if got := blocksText(t, reply); strings.Contains(got, "<!channel>") || strings.Contains(got, "<@U2>") || !strings.Contains(got, "&lt;!channel&gt; look") {
		t.Fatalf("reply:\n%s", got)
	}
}

// exportSlack is a Slack whose DMs and uploads succeed, recorded; or whose
// upload fails with uploadErr.
type exportSlack struct {
	homeSlack
	uploadErr error
	dmWith    []string
	uploads   []slack.UploadFileParameters
}

func (s *exportSlack) OpenConversationContext(_ context.Context, p *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error) {
	s.dmWith = append(s.dmWith, p.Users...)
	ch := &slack.Channel{}
	ch.ID = "D-" + strings.Join(p.Users, ",")
	return ch, false, false, nil
}

func (s *exportSlack) UploadFileContext(_ context.Context, p slack.UploadFileParameters) (*slack.FileSummary, error) {
	if s.uploadErr != nil {
		return nil, s.uploadErr
	}
	s.uploads = append(s.uploads, p)
	return &slack.FileSummary{ID: "F1"}, nil
}

func TestExport(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		b, sl := newTestBot(t), &exportSlack{}
		b.Slack = sl
		for _, text := range []string{"role staff", "subscribe weekly tue 09:30 Europe/Paris", "focus daring", "prompt impostor"} {
			if _, err := dispatch(t, b, text); err != nil {
				t.Fatalf("%s: %v", text, err)
			}
		}
		addReflections(t, b, "U1", 2)
		addReflections(t, b, "U2", 1)
		for _, w := range []store.Win{{UserID: "U1", Text: "First win of U1"}, {UserID: "U1", From: "U3", Text: "Thanks from U3"}, {UserID: "U2", Text: "not U1's"}} {
			if _, err := b.Wins.AddWin(w); err != nil {
				t.Fatal(err)
			}
		}
		r, err := dispatch(t, b, "export")
		if err != nil || !strings.Contains(r.Text, "I sent you a Markdown file in our DM") {
			t.Fatalf("reply %q, %v", r.Text, err)
		}
		if len(sl.dmWith) != 1 || sl.dmWith[0] != "U1" || len(sl.uploads) != 1 {
			t.Fatalf("DM with %v, %d uploads", sl.dmWith, len(sl.uploads))
		}
		up := sl.uploads[0]
		if up.Channel != "D-U1" || up.Filename != "mentorbot-2026-11-20.md" || up.FileSize != len(up.Content) {
			t.Fatalf("upload %+v", up)
		}
		for _, want := range []string{"everything kept about U1", "- Role: staff", "- Schedule: ", "Tuesday", "- Themes: Daring (daring)",
			"## Reflections (2)", "U1 entry 1.", "U1 entry 2.", "## Prompts shown (1)", "impostor-one (Impostor syndrome)",
			"## Wins (2)", "First win of U1", "thanks from U3\n\nThanks from U3"} {
			if !strings.Contains(up.Content, want) {
				t.Errorf("export lacks %q:\n%s", want, up.Content)
			}
		}
		if strings.Index(up.Content, "U1 entry 1.") > strings.Index(up.Content, "U1 entry 2.") {
			t.Errorf("reflections not oldest first:\n%s", up.Content)
		}
		if strings.Index(up.Content, "First win of U1") > strings.Index(up.Content, "Thanks from U3") {
			t.Errorf("wins not oldest first:\n%s", up.Content)
		}
		if strings.Contains(up.Content, "U2") {
			t.Errorf("someone else's data exported:\n%s", up.Content)
		}
	})
	t.Run("NothingKept", func(t *testing.T) {
		b, sl := newTestBot(t), &exportSlack{}
		b.Slack = sl
		if _, err := dispatch(t, b, "export"); err != nil || len(sl.uploads) != 1 {
			t.Fatalf("%v, %d uploads", err, len(sl.uploads))
		}
		for _, want := range []string{"- Role: none", "- Not subscribed", "## Reflections (0)", "## Prompts shown (0)"} {
			if !strings.Contains(sl.uploads[0].Content, want) {
				t.Errorf("export lacks %q:\n%s", want, sl.uploads[0].Content)
			}
		}
	})
	// No focus means every theme, as status and the Home tab say, not none.
	t.Run("EveryTheme", func(t *testing.T) {
		b, sl := newTestBot(t), &exportSlack{}
		b.Slack = sl
		mustDispatch(t, b, "subscribe weekly tue 09:30 Europe/Paris")
		st, err := dispatch(t, b, "status")
		if err != nil {
			t.Fatal(err)
		}
		contains(t, blocksText(t, st), "*Themes:* every theme")
		if _, err := dispatch(t, b, "export"); err != nil || len(sl.uploads) != 1 {
			t.Fatalf("%v, %d uploads", err, len(sl.uploads))
		}
		if got := sl.uploads[0].Content; !strings.Contains(got, "- Themes: every theme\n") {
			t.Errorf("export themes line:\n%s", got)
		}
	})
	// The export is a record of the member's own answers: each outcome in
	// the words of the button they pressed, in their language.
	t.Run("ExperimentsInOwnWords", func(t *testing.T) {
		for _, tc := range []struct {
			p    *lang.Printer
			want []string
		}{
			{en, []string{"· tried it\n", "· not for me\n", "· not tried\n", "· not answered yet\n"}},
			{fr, []string{"· essayé\n", "· pas pour moi\n", "· pas essayé\n", "· pas encore de réponse\n"}},
		} {
			b := newTestBot(t)
			for _, outcome := range []string{store.OutcomeTried, store.OutcomeNotForMe, store.OutcomeNotYet, ""} {
				c := store.Commitment{UserID: "U1", PromptID: "impostor-one", Experiment: "x", At: b.Now(), Outcome: outcome}
				if _, err := b.Experiments.AddCommitment(c); err != nil {
					t.Fatal(err)
				}
			}
			got, err := b.exportMarkdown(tc.p, "U1", "", "")
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("%s export lacks %q:\n%s", tc.p.Lang(), want, got)
				}
			}
			for _, theirs := range []string{"for you", "pour toi"} {
				if strings.Contains(got, theirs) {
					t.Errorf("%s export speaks of the member's answer as %q:\n%s", tc.p.Lang(), theirs, got)
				}
			}
		}
	})
	// A lead's broadcasts are theirs (forget deletes them): the export
	// lists them, a topic of their own in full; a member with none has no
	// such section.
	t.Run("Broadcasts", func(t *testing.T) {
		b := newTestBot(t)
		if got, _ := b.exportMarkdown(en, "U1", "", ""); strings.Contains(got, "## Broadcasts") {
			t.Errorf("a member without broadcasts has the section:\n%s", got)
		}
		topic := "What did we ship this week that nobody noticed, and who should hear about it?"
		for _, bc := range []store.Broadcast{
			{LeadID: "U1", Channel: "C0TEAM1", ChannelName: "team", Theme: "vision", Lang: "en"},
			{LeadID: "U1", Channel: "C0LEADS", Topic: topic, Lang: "fr"},
		} {
			bc.Reschedule(store.Schedule{Cadence: store.CadenceWeekly, Day: time.Monday, Hour: 10, TZ: "UTC"}, b.Now())
			if _, err := b.Broadcasts.CreateBroadcast(bc); err != nil {
				t.Fatal(err)
			}
		}
		got, err := b.exportMarkdown(en, "U1", "", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"## Broadcasts (2)\n", "- `b1` · #team · a `vision` topic · every Monday at 10:00 (UTC) · in English\n",
			"- `b2` · C0LEADS · “" + topic + "” · every Monday at 10:00 (UTC) · in French\n"} {
			if !strings.Contains(got, want) {
				t.Errorf("export lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("ErrUploadFails", func(t *testing.T) {
		b := newTestBot(t)
		b.Slack = &exportSlack{uploadErr: errors.New("file_upload_failed")}
		_, err := dispatch(t, b, "export")
		if ErrorCode(err) != EINTERNAL || ErrorMessage(err) != apology || !strings.Contains(err.Error(), "upload export for U1") {
			t.Fatalf("err = %v", err)
		}
	})
}

// slowNameSlack is a Slack whose users.info for a member's name (asked
// without options, unlike the locale) answers only once the DM is open.
type slowNameSlack struct {
	exportSlack
	opened chan struct{}
}

func (s *slowNameSlack) OpenConversationContext(ctx context.Context, p *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error) {
	defer close(s.opened)
	return s.exportSlack.OpenConversationContext(ctx, p)
}

func (s *slowNameSlack) GetUserInfoContext(ctx context.Context, user string, opts ...slack.GetUserInfoOption) (*slack.User, error) {
	if len(opts) == 0 {
		select {
		case <-s.opened:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return &slack.User{ID: user, Name: "ana"}, nil
}

// On a slow Slack, export asks for the member's name and opens their DM at
// once rather than one after the other: here users.info answers only after
// conversations.open, so asked in turn it would give up and name no one.
func TestExportOpensTheDMWhileAskingTheName(t *testing.T) {
	b, sl := newTestBot(t), &slowNameSlack{opened: make(chan struct{})}
	b.Slack = sl
	if _, err := dispatch(t, b, "export"); err != nil || len(sl.uploads) != 1 {
		t.Fatalf("export: %v, %d uploads", err, len(sl.uploads))
	}
	if doc := sl.uploads[0].Content; !strings.HasPrefix(doc, "# mentorbot: everything kept about ana\n") {
		t.Errorf("the name was not asked while the DM opened:\n%.200s", doc)
	}
}

// clickForget clicks a button of the forget confirmation offered to
// offeredTo now, as clicker, and returns what its response_url got.
func clickForget(t *testing.T, b *Bot, sink *responseSink, env, action, offeredTo, clicker string) map[string]any {
	t.Helper()
	return clickOffer(t, b, sink, env, action, forgetValue(action, offeredTo, b.Now()), clicker)
}

// clickOffer clicks a forget confirmation's button of the given value.
func clickOffer(t *testing.T, b *Bot, sink *responseSink, env, action, value, clicker string) map[string]any {
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

// kept counts what the store holds of a member, to see what forget leaves.
type kept struct{ role, subscribed, history, reflections, nudges, broadcasts, wins bool }

func keptOf(t *testing.T, b *Bot, userID string) kept {
	t.Helper()
	u, err1 := b.Members.User(userID)
	_, sub, err2 := b.Schedules.Subscription(userID)
	h, err3 := b.Members.History(userID, 0)
	rs, err4 := b.Journal.Reflections(userID, 0)
	ns, err5 := b.Schedules.Nudges(userID, 0)
	bs, err6 := b.Broadcasts.BroadcastsByLead(userID)
	_, wins, err7 := b.Wins.Wins(userID, 0)
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7); err != nil {
		t.Fatal(err)
	}
	return kept{u.Role != "", sub, len(h) > 0, len(rs) > 0, len(ns) > 0, len(bs) > 0, wins > 0}
}

func TestForget(t *testing.T) {
	b, sink := newTestBot(t), newResponseSink(t)
	everything := kept{true, true, true, true, true, true, true}
	for _, u := range []string{"U1", "U2"} {
		c := &Command{UserID: u, ChannelID: "D1", Name: "/mentor"}
		for _, text := range []string{"role lead", "subscribe daily 08:00 UTC", "prompt", "win Kept my calm"} {
			if _, err := b.Dispatch(context.Background(), c, text); err != nil {
				t.Fatalf("%s %s: %v", u, text, err)
			}
		}
		b.inflight.Wait()
		addReflections(t, b, u, 1)
		slot := b.Now().Add(-time.Hour)
		if err := b.Schedules.FinishNudge(store.Nudge{UserID: u, Slot: slot, Status: store.NudgeSkipped, Reason: "skip", At: slot}, mustSub(t, b, u), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Broadcasts.CreateBroadcast(store.Broadcast{LeadID: u, Channel: "C1", Theme: "daring", Schedule: store.Schedule{NextDue: b.Now().Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		if k := keptOf(t, b, u); k != everything {
			t.Fatalf("%s set up with %+v", u, k)
		}
	}

	r, err := dispatch(t, b, "forget")
	if got := blocksText(t, r); err != nil || !strings.Contains(got, "It cannot be undone. `/mentor export` first") {
		t.Fatalf("forget offered %q, %v", got, err)
	}
	if k := keptOf(t, b, "U1"); k != everything {
		t.Fatalf("asking deleted something: %+v", k)
	}
	// Cancel, the wrong member's confirmation, then the right one twice, as
	// a double click would.
	if msg := clickForget(t, b, sink, "F1", actionForgetCancel, "U1", "U1"); msg["text"] != "Nothing was deleted." || msg["replace_original"] != true {
		t.Fatalf("cancel answered %v", msg)
	}
	if k := keptOf(t, b, "U1"); k != everything {
		t.Fatalf("cancel deleted something: %+v", k)
	}
	if msg := clickForget(t, b, sink, "F2", actionForgetConfirm, "U2", "U1"); !strings.Contains(msg["text"].(string), "not one of yours") {
		t.Fatalf("someone else's confirmation answered %v", msg)
	}
	if k := keptOf(t, b, "U1"); k != everything {
		t.Fatalf("someone else's confirmation deleted something: %+v", k)
	}
	offered := forgetValue(actionForgetConfirm, "U1", b.Now())
	clock := b.Now
	b.Now = func() time.Time { return clock().Add(time.Second) }
	msg := clickOffer(t, b, sink, "F3", actionForgetConfirm, offered, "U1")
	if !strings.HasPrefix(msg["text"].(string), "Done. Everything I kept about you is deleted.") || msg["replace_original"] != true {
		t.Fatalf("F3: confirm answered %v", msg)
	}
	if k := keptOf(t, b, "U1"); k != (kept{}) {
		t.Fatalf("F3: U1 still has %+v", k)
	}
	// The member comes back and keeps a win; the confirmation used, or one
	// offered beside it before the forget, deletes nothing more, and nor
	// does one over an hour old or one from before offers were dated.
	if _, err := dispatch(t, b, "win Came back"); err != nil {
		t.Fatal(err)
	}
	for env, value := range map[string]string{
		"F4": offered, "F5": forgetValue(actionForgetConfirm, "U1", b.Now().Add(-2*time.Hour)), "F6": "forget.confirm:U1",
	} {
		msg := clickOffer(t, b, sink, env, actionForgetConfirm, value, "U1")
		if !strings.HasPrefix(msg["text"].(string), "That confirmation is no longer valid") || msg["replace_original"] != true {
			t.Fatalf("%s: a stale confirmation answered %v", env, msg)
		}
		if k := keptOf(t, b, "U1"); !k.wins {
			t.Fatalf("%s: a stale confirmation deleted the win kept since", env)
		}
	}
	// A confirmation offered after the forget works.
	b.Now = func() time.Time { return clock().Add(2 * time.Second) }
	msg = clickForget(t, b, sink, "F7", actionForgetConfirm, "U1", "U1")
	if !strings.HasPrefix(msg["text"].(string), "Done.") || keptOf(t, b, "U1") != (kept{}) {
		t.Fatalf("F7: a fresh confirmation answered %v", msg)
	}
	if k := keptOf(t, b, "U2"); k != everything {
		t.Fatalf("U1's forget took U2's %+v", k)
	}
}

func mustSub(t *testing.T, b *Bot, userID string) store.Subscription {
	t.Helper()
	sub, ok, err := b.Schedules.Subscription(userID)
	if err != nil || !ok {
		t.Fatalf("subscription of %s: %v, %v", userID, ok, err)
	}
	return sub
}

// After a forget, the member's old nudge cards are still in their Slack,
// but nothing of them is kept: a click says so, in place of "not one of
// yours", and no warning reaches the operator's log.
func TestForgottenCard(t *testing.T) {
	b, sink := newTestBot(t), newResponseSink(t)
	var logs strings.Builder
	b.Logger = newTextLogger(&logs)
	mustDispatch(t, b, "subscribe daily 08:00 UTC")
	slot := b.Now().Add(-time.Hour)
	if err := b.Schedules.FinishNudge(store.Nudge{UserID: "U1", Slot: slot, Status: store.NudgeSent, At: slot}, mustSub(t, b, "U1"), nil); err != nil {
		t.Fatal(err)
	}
	card := promptRef{PromptID: "impostor-one", Theme: "impostor", Slot: slot}.value()
	clickForget(t, b, sink, "F1", actionForgetConfirm, "U1", "U1")
	for i, action := range []string{actionSkipNext, actionPauseTwoWeeks} {
		msg := clickAs(t, b, sink, fmt.Sprint("S", i), "U1", action, card)
		if text := fmt.Sprint(msg["text"]); !strings.Contains(text, "from before you asked me to forget your data") {
			t.Fatalf("%s after forget: %q", action, text)
		}
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("a forgotten member's click logged a warning:\n%s", logs.String())
	}
	if k := keptOf(t, b, "U1"); k != (kept{}) {
		t.Fatalf("the clicks kept %+v", k)
	}
	// A card from after the forget that is not theirs is refused and
	// warned about as before: the forget does not quiet forged clicks.
	later := promptRef{PromptID: "impostor-one", Theme: "impostor", Slot: b.Now().Add(time.Hour)}.value()
	msg := clickAs(t, b, sink, "S9", "U1", actionSkipNext, later)
	if text := fmt.Sprint(msg["text"]); !strings.Contains(text, "not one of yours") || !strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("a card from after the forget: %q\n%s", text, logs.String())
	}
}

// A member with no schedule reads the journal's and the export's times in
// the zone Slack has for them, as status and Home do, not in UTC.
func TestJournalAndExportInSlackZone(t *testing.T) {
	b := newTestBot(t)
	client, sim := simSlack(t)
	b.Slack = client
	sim.AddUser(slacksim.User{ID: "U1", TZ: "Asia/Tokyo"})
	due := b.Now().Add(7 * 24 * time.Hour)
	if _, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: "impostor-one", Theme: "impostor", Experiment: "x", At: b.Now(), Due: due}); err != nil {
		t.Fatal(err)
	}
	r, err := dispatch(t, b, "journal")
	if err != nil {
		t.Fatal(err)
	}
	if got := blocksText(t, r); !strings.Contains(got, "next question") || !strings.Contains(got, "JST") {
		t.Fatalf("journal footer not in Tokyo time:\n%s", got)
	}
	name, tz := b.memberProfile(t.Context(), "U1")
	doc, err := b.exportMarkdown(en, "U1", name, tz)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc, "JST") || strings.Contains(doc, "UTC") {
		t.Fatalf("export not in Tokyo time:\n%s", doc)
	}
}
