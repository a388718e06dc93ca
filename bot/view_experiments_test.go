package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
)

// TestFollowUpGolden pins the follow-up DM, its second asking and the What
// happened? form in both languages.
func TestFollowUpGolden(t *testing.T) {
	c := store.Commitment{Seq: 7, UserID: "U1", PromptID: "impostor-one", Theme: "impostor",
		Experiment: "Ask one question in public.", Asks: 0}
	golden(t, "followup", followUpBlocks(en, c))
	c.Experiment = "Pose une question en public."
	golden(t, "followup.fr", followUpBlocks(fr, c))
	c.Asks = 1
	golden(t, "followup-again.fr", followUpBlocks(fr, c))
	c.Outcome = store.OutcomeTried
	for _, p := range []*lang.Printer{en, fr} {
		m := expNoteModal(p, c)
		for _, s := range []string{m.Title.Text, m.Submit.Text, m.Close.Text} {
			if n := len([]rune(s)); n > 24 {
				t.Errorf("%s: %q is %d characters; Slack takes 24", p.Lang(), s, n)
			}
		}
	}
	golden(t, "expnote.fr", expNoteModal(fr, c).Blocks.BlockSet)
}

// The next question of a member with no schedule is shown in their Slack
// zone, where it was set, not in the workspace's default zone (UTC here).
func TestExpSummary_MemberZone(t *testing.T) {
	b := newTestBot(t)
	b.Slack = &homeSlack{} // users.info says Europe/Paris
	b.DefaultTZ = "UTC"
	due := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	if _, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: "impostor-one", Theme: "impostor",
		Experiment: "Ask one question in public.", At: b.Now(), Due: due}); err != nil {
		t.Fatal(err)
	}
	r, err := dispatch(t, b, "status")
	if text := blocksText(t, r); err != nil || !strings.Contains(text, "0 of 1 experiment tried this quarter; next question Friday 27 November at 16:00 CET.") {
		t.Fatalf("status: %v\n%s", err, text)
	}
	line, err := b.expSummary(context.Background(), fr, "U1")
	if want := "*Expériences :* ce trimestre, tu en as essayé 0 sur 1 ; prochaine question le vendredi 27 novembre à 16 h (CET)."; err != nil || line != want {
		t.Fatalf("French summary:\n%q, %v\nwant\n%q", line, err, want)
	}
}

// A French member commits, is asked in French, and answers.
func TestExperiment_French(t *testing.T) {
	b := newTestBot(t)
	b.Slack = &homeSlack{}
	ref := promptRef{PromptID: "impostor-one", Theme: "impostor"}.value()
	c := &Command{UserID: "U1", Name: "/mentor", Value: ref, P: fr}
	r, err := b.tryIt(context.Background(), c)
	if err != nil || !strings.Contains(r.Text, "C'est noté, tu vas essayer") || !strings.Contains(r.Text, "le vendredi 27 novembre à 16 h (CET)") {
		t.Fatalf("I'll try it: %q, %v", r.Text, err)
	}
	r, _ = b.tryIt(context.Background(), c)
	if !strings.Contains(r.Text, "Tu as déjà prévu d'essayer celle-ci") {
		t.Fatalf("second click: %q", r.Text)
	}
	cm := commitments(t, b, "U1")[0]
	cm.Due, cm.Asks = time.Time{}, 1
	if err := b.Experiments.PutCommitment(cm); err != nil {
		t.Fatal(err)
	}
	c.Value = expValue(cm.Seq)
	r, err = b.expNotYet(context.Background(), c)
	if err != nil || !strings.HasPrefix(r.Text, "Rien ne presse.") {
		t.Fatalf("Not yet: %q, %v", r.Text, err)
	}
}

// A member's answers are noted in their own words, in either language: the
// journal says "Not for me" / "Pas pour moi", as the button they pressed,
// never "Not for you" / "Pas pour toi"; the reply, which is the bot
// speaking to them, quotes the experiment.
func TestExperimentAnswer_OwnWords(t *testing.T) {
	b := newTestBot(t)
	views := &homeSlack{}
	b.Slack = views
	for _, tc := range []struct {
		p                         *lang.Printer
		answer                    func(*Bot, context.Context, *Command) (Reply, error)
		try, note                 string
		reply, again, head, entry string
	}{
		{fr, (*Bot).expNotForMe, "Pose une question en public.", "Trop tôt pour moi.",
			"C'est noté, ce n'est pas pour toi : « Pose une question en public. »\nUn formulaire est ouvert",
			"Tu as déjà répondu à celle-ci : « pas pour moi ».",
			"*Pas pour moi :* Pose une question en public.",
			"Pas pour moi. Trop tôt pour moi."},
		{fr, (*Bot).expTried, "Pose une question en public.", "Trop tôt pour moi.",
			"C'est noté, tu l'as essayé : « Pose une question en public. »\nUn formulaire est ouvert",
			"Tu as déjà répondu à celle-ci : « essayé ».",
			"*Essayé :* Pose une question en public.",
			"Essayé. Trop tôt pour moi."},
		{en, (*Bot).expNotForMe, "Ask one question in public.", "Too soon for me.",
			"Noted, not for you: “Ask one question in public.”\nA form is open",
			"You answered this one already: “not for me”.",
			"*Not for me:* Ask one question in public.",
			"Not for me. Too soon for me."},
		{en, (*Bot).expTried, "Ask one question in public.", "Too soon for me.",
			"Noted, you tried it: “Ask one question in public.”\nA form is open",
			"You answered this one already: “tried it”.",
			"*Tried it:* Ask one question in public.",
			"Tried it. Too soon for me."},
	} {
		cm, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: "impostor-one", Theme: "impostor",
			Experiment: tc.try, At: b.Now(), Asks: 1})
		if err != nil {
			t.Fatal(err)
		}
		c := &Command{UserID: "U1", Name: "/mentor", Value: expValue(cm.Seq), P: tc.p}
		if r, err := tc.answer(b, context.Background(), c); err != nil || !strings.HasPrefix(r.Text, tc.reply) {
			t.Fatalf("answer: %q, %v; want it to start %q", r.Text, err, tc.reply)
		}
		if _, err := tc.answer(b, context.Background(), c); ErrorMessage(err) != tc.again {
			t.Errorf("second answer: %v; want %q", err, tc.again)
		}
		form := views.opened[len(views.opened)-1]
		if head := blocksText(t, Reply{Blocks: form.Blocks.BlockSet}); !strings.Contains(head, tc.head) {
			t.Errorf("form: %q, want %q in it", head, tc.head)
		}
		if _, err := b.submitExpNote(c, formValues{blockExpNote: {actionExpNote: {Value: tc.note}}}); err != nil {
			t.Fatal(err)
		}
		rs, _ := b.Journal.Reflections("U1", 0)
		if len(rs) == 0 || rs[0].Text != tc.entry || !strings.HasSuffix(rs[0].Prompt, tc.try) {
			t.Errorf("journal entry %+v, want %q", rs, tc.entry)
		}
	}
}
