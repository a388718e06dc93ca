package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// clickAs clicks action with value as user and returns the one reply.
func clickAs(t *testing.T, b *Bot, sink *responseSink, env, user, action, value string) map[string]any {
	t.Helper()
	cb := slack.InteractionCallback{
		Type: slack.InteractionTypeBlockActions, User: slack.User{ID: user}, ResponseURL: sink.URL, TriggerID: "T" + env,
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

func blocksJSON(t *testing.T, blocks []slack.Block) string {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func commitments(t *testing.T, b *Bot, user string) []store.Commitment {
	t.Helper()
	cs, err := b.Experiments.Commitments(user, 0)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// I'll try it is on cards of prompts with an experiment only; it records a
// commitment due a week later at 16:00 in the member's zone, once however
// often it is clicked.
func TestTryIt(t *testing.T) {
	b, sink := newTestBot(t), newResponseSink(t)
	b.Slack = &homeSlack{} // users.info says Europe/Paris
	ref := promptRef{PromptID: "impostor-one", Theme: "impostor"}.value()
	p, _ := b.Catalog.Prompt("impostor-one")
	if raw := blocksJSON(t, promptBlocks(cardView{Prompt: p}, nil, "impostor", time.Time{})); !strings.Contains(raw, actionTryIt) {
		t.Fatalf("no I'll try it on a card with an experiment: %s", raw)
	}
	d, _ := b.Catalog.Prompt("daring-one")
	if raw := blocksJSON(t, promptBlocks(cardView{Prompt: d}, nil, "daring", time.Time{})); strings.Contains(raw, actionTryIt) {
		t.Fatalf("I'll try it on a card without an experiment: %s", raw)
	}
	m := clickAs(t, b, sink, "T1", "U1", actionTryIt, ref)
	// Friday 20 November 16:00 UTC is 17:00 in Paris; a week later at 16:00 there.
	if text := fmt.Sprint(m["text"]); !strings.Contains(text, "Ask one question in public.") || !strings.Contains(text, "Friday 27 November at 16:00 CET") {
		t.Fatalf("reply %q", text)
	}
	if m := clickAs(t, b, sink, "T2", "U1", actionTryIt, ref); !strings.Contains(fmt.Sprint(m["text"]), "already plan to try") {
		t.Fatalf("second click: %v", m["text"])
	}
	cs := commitments(t, b, "U1")
	want := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	if len(cs) != 1 || !cs[0].Due.Equal(want) || cs[0].Experiment != "Ask one question in public." || cs[0].PromptID != "impostor-one" {
		t.Fatalf("commitments %+v, want one due %v", cs, want)
	}
	// A subscriber is asked at their own nudge time.
	sub := store.Subscription{UserID: "U2", Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Monday, Hour: 9, Minute: 30, TZ: "America/New_York", NextDue: b.Now().Add(time.Hour)}}
	if err := b.Schedules.PutSubscription(sub); err != nil {
		t.Fatal(err)
	}
	clickAs(t, b, sink, "T3", "U2", actionTryIt, ref)
	if cs := commitments(t, b, "U2"); len(cs) != 1 || !cs[0].Due.Equal(time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC)) {
		t.Fatalf("subscriber's commitment %+v", cs)
	}
}

// The follow-up comes once at its time; Tried it records the outcome and
// opens the note form, whose words go to the journal beside it; a second
// click, or someone else's, changes nothing.
func TestFollowUp(t *testing.T) {
	b, sink := newTestBot(t), newResponseSink(t)
	client, sim := simSlack(t)
	opened := &homeSlack{}
	b.Slack = openerSlack{client, opened}
	due := time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)
	c, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: "impostor-one", Theme: "impostor", Experiment: "Ask one question in public.", At: due.AddDate(0, 0, -7), Due: due})
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{due.Add(-time.Minute), due, due.Add(time.Minute)} {
		if _, err := b.SendDue(context.Background(), at); err != nil {
			t.Fatal(err)
		}
	}
	posts := sim.MessagesIn("DU1")
	if len(posts) != 1 || !strings.Contains(posts[0].Text, "Last week you planned to try: Ask one question in public. How did it go?") {
		t.Fatalf("follow-ups posted: %+v", posts)
	}
	for _, id := range []string{actionExpTried, actionExpNotYet, actionExpNotForMe} {
		if !strings.Contains(string(posts[0].Blocks), id) {
			t.Fatalf("follow-up lacks %s: %s", id, posts[0].Blocks)
		}
	}
	if m := clickAs(t, b, sink, "F0", "U2", actionExpTried, expValue(c.Seq)); !strings.Contains(fmt.Sprint(m["text"]), "not one of yours") {
		t.Fatalf("U2's click on U1's follow-up: %v", m["text"])
	}
	m := clickAs(t, b, sink, "F1", "U1", actionExpTried, expValue(c.Seq))
	if text := fmt.Sprint(m["text"]); m["replace_original"] != true || !strings.Contains(text, "Noted, you tried it") || !strings.Contains(text, "A form is open") {
		t.Fatalf("Tried it: %v", m)
	}
	if len(opened.opened) != 1 || opened.opened[0].CallbackID != callbackExpNote || opened.opened[0].PrivateMetadata != expValue(c.Seq) {
		t.Fatalf("note form: %+v", opened.opened)
	}
	if m := clickAs(t, b, sink, "F2", "U1", actionExpNotForMe, expValue(c.Seq)); !strings.Contains(fmt.Sprint(m["text"]), "answered this one already: “tried it”") {
		t.Fatalf("second answer: %v", m["text"])
	}
	note := func(env, user, text string) string {
		ack := &fakeAcker{}
		cb := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: user},
			View: slack.View{CallbackID: callbackExpNote, PrivateMetadata: expValue(c.Seq), State: &slack.ViewState{
				Values: map[string]map[string]slack.BlockAction{blockExpNote: {actionExpNote: {Value: text}}}}}}
		b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: env}, cb)
		b.inflight.Wait()
		var out []string
		for _, a := range ack.get(env) {
			out = append(out, string(a))
		}
		return strings.Join(out, "\n")
	}
	if got := note("N0", "U2", "forged"); !strings.Contains(got, "errors") {
		t.Fatalf("U2's note on U1's experiment: %s", got)
	}
	for _, env := range []string{"N1", "N2"} { // submitted twice: one entry
		if got := note(env, "U1", "Nobody laughed."); !strings.Contains(got, "Saved to your journal") {
			t.Fatalf("%s: note ack %s", env, got)
		}
	}
	rs, _ := b.Journal.Reflections("U1", 0)
	if len(rs) != 1 || rs[0].Text != "Tried it. Nobody laughed." || rs[0].Prompt != "Try this week: Ask one question in public." {
		t.Fatalf("journal %+v", rs)
	}
	if rs, _ := b.Journal.Reflections("U2", 0); len(rs) != 0 {
		t.Fatalf("U2's journal %+v", rs)
	}
	r, err := dispatch(t, b, "status")
	if err != nil || !strings.Contains(blocksText(t, r), "*Experiments:* 1 of 1 experiment tried this quarter.") {
		t.Fatalf("status: %v\n%s", err, blocksText(t, r))
	}
}

// openerSlack is a local Slack whose views.open goes to a homeSlack, which
// records the forms opened: the test's trigger ids are not the server's.
type openerSlack struct {
	*slack.Client
	views *homeSlack
}

func (o openerSlack) OpenViewContext(ctx context.Context, trigger string, v slack.ModalViewRequest) (*slack.ViewResponse, error) {
	return o.views.OpenViewContext(ctx, trigger, v)
}

// Not yet asks once more a week later; the second Not yet is the answer.
// A follow-up found later than Grace moves to the next day; one Slack
// cannot take stays due.
func TestFollowUp_NotYetLateRetry(t *testing.T) {
	b, sink := newTestBot(t), newResponseSink(t)
	b.Slack = offlineSlack{}
	due := time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)
	c, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: "impostor-one", Theme: "impostor", Experiment: "x", At: due, Due: due})
	if err != nil {
		t.Fatal(err)
	}
	if rep, _ := b.SendDue(context.Background(), due); rep.Retry != 1 || !commitments(t, b, "U1")[0].Waiting() {
		t.Fatalf("Slack down: %+v, %+v", rep, commitments(t, b, "U1"))
	}
	late := due.Add(b.Grace + time.Hour)
	if rep, _ := b.SendDue(context.Background(), late); rep.Skipped != 1 {
		t.Fatalf("late: %+v", rep)
	}
	if got := commitments(t, b, "U1")[0].Due; !got.Equal(due.Add(24 * time.Hour)) {
		t.Fatalf("a late follow-up moved to %v, want the next day at the same time", got)
	}
	client, sim := simSlack(t)
	b.Slack = client
	b.Now = func() time.Time { return due.Add(25 * time.Hour) }
	if rep, _ := b.SendDue(context.Background(), due.Add(24*time.Hour)); rep.Sent != 1 {
		t.Fatalf("next day: %+v", rep)
	}
	m := clickAs(t, b, sink, "Y1", "U1", actionExpNotYet, expValue(c.Seq))
	if !strings.Contains(fmt.Sprint(m["text"]), "ask once more, on Saturday 5 December at 16:00 UTC") {
		t.Fatalf("first Not yet: %v", m["text"])
	}
	again := commitments(t, b, "U1")[0].Due
	b.SendDue(context.Background(), again)
	if posts := sim.MessagesIn("DU1"); len(posts) != 2 || !strings.HasPrefix(posts[1].Text, "A while ago you planned to try") {
		t.Fatalf("posts %+v", posts)
	}
	if m := clickAs(t, b, sink, "Y2", "U1", actionExpNotYet, expValue(c.Seq)); !strings.Contains(fmt.Sprint(m["text"]), "will not ask about this one again") {
		t.Fatalf("second Not yet: %v", m["text"])
	}
	if cs := commitments(t, b, "U1"); cs[0].Outcome != store.OutcomeNotYet || cs[0].Waiting() || cs[0].Asks != 2 {
		t.Fatalf("after two Not yet: %+v", cs)
	}
	b.SendDue(context.Background(), again.AddDate(0, 1, 0))
	if n := len(sim.MessagesIn("DU1")); n != 2 {
		t.Fatalf("%d follow-ups after the last answer", n)
	}
}

// A paused member is not asked how an experiment went until the pause
// ends: the follow-up waits, at its time of day, and comes once.
func TestFollowUp_WaitsForThePause(t *testing.T) {
	b := newTestBot(t)
	client, sim := simSlack(t)
	b.Slack = client
	mustDispatch(t, b, "subscribe weekly fri 16:00 UTC")
	mustDispatch(t, b, "pause until 2026-12-10")
	due := time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)
	if _, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: "impostor-one", Theme: "impostor", Experiment: "x", At: due, Due: due}); err != nil {
		t.Fatal(err)
	}
	if rep, _ := b.SendDue(context.Background(), due); rep.Sent != 0 || len(sim.MessagesIn("DU1")) != 0 {
		t.Fatalf("asked during the pause: %+v", rep)
	}
	end := mustSub(t, b, "U1").PausedUntil
	// An experiment planned now is said to be asked about after the pause.
	if planned, _ := b.followUpAt(t.Context(), "U1", b.Now()); planned.Before(end) {
		t.Fatalf("a follow-up planned during the pause is due %v, before it ends at %v", planned, end)
	}
	got := commitments(t, b, "U1")[0].Due
	if got.Before(end) || got.Sub(end) >= 24*time.Hour || got.Hour() != 16 {
		t.Fatalf("follow-up moved to %v, want the first 16:00 after the pause ends at %v", got, end)
	}
	b.Now = func() time.Time { return got }
	if rep, _ := b.SendDue(context.Background(), got); rep.Sent < 1 {
		t.Fatalf("after the pause: %+v", rep)
	}
	if msgs := sim.MessagesIn("DU1"); len(msgs) == 0 || !strings.HasPrefix(msgs[len(msgs)-1].Text, "A while ago you planned") {
		t.Fatalf("after the pause: %+v", msgs)
	}
}

// The journal sums up the member's experiments under its entries, once
// there are some.
func TestJournalExperiments(t *testing.T) {
	b := newTestBot(t)
	r, _ := dispatch(t, b, "journal")
	if strings.Contains(blocksText(t, r), "Experiments") {
		t.Fatalf("a journal without experiments mentions them:\n%s", blocksText(t, r))
	}
	for _, outcome := range []string{store.OutcomeTried, store.OutcomeNotForMe, ""} {
		c := store.Commitment{UserID: "U1", PromptID: "impostor-one", Experiment: "x", At: b.Now(), Outcome: outcome}
		if outcome == "" {
			c.Due = b.Now().Add(followUpAfter)
		}
		if _, err := b.Experiments.AddCommitment(c); err != nil {
			t.Fatal(err)
		}
	}
	r, _ = dispatch(t, b, "journal")
	if text := blocksText(t, r); !strings.Contains(text, "1 of 3 experiments tried this quarter; next question Friday 27 November at 16:00 UTC.") {
		t.Fatalf("journal:\n%s", text)
	}
}

// An experiment planned in French is asked about in the language the
// member reads now; one whose words the catalog no longer has keeps them.
func TestFollowUp_InTheMembersLanguage(t *testing.T) {
	b := newTestBot(t)
	var err error
	if b.Catalog, err = prompts.Builtin(); err != nil {
		t.Fatal(err)
	}
	client, sim := simSlack(t)
	b.Slack = client
	pr, _ := b.Catalog.Prompt("impostor-quiet-question")
	french, english := b.Catalog.Localize(pr, "fr").Try, b.Catalog.Localize(pr, "en").Try
	if french == "" || french == english {
		t.Fatalf("the test needs a translated experiment: %q / %q", french, english)
	}
	due := time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)
	for _, words := range []string{french, "Words the catalog rewrote since."} {
		if _, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: pr.ID, Theme: pr.Theme, Experiment: words, At: due, Due: due}); err != nil {
			t.Fatal(err)
		}
	}
	b.Now = func() time.Time { return due }
	if rep, _ := b.SendDue(context.Background(), due); rep.Sent != 2 {
		t.Fatalf("%+v", rep)
	}
	var texts []string
	for _, m := range sim.MessagesIn("DU1") {
		texts = append(texts, m.Text)
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, english) || strings.Contains(all, french) || !strings.Contains(all, "Words the catalog rewrote since.") {
		t.Fatalf("follow-ups:\n%s", all)
	}
}
