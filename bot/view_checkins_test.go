package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// goldenCheckIns are three check-ins, newest first, the newest with a drop
// of three points on the first statement.
func goldenCheckIns() []store.CheckIn {
	at := time.Date(2026, time.December, 1, 17, 0, 0, 0, time.UTC)
	return []store.CheckIn{
		{UserID: "U1", At: at, Scores: []int{2, 4, 3, 4, 5}},
		{UserID: "U1", At: at.AddDate(0, -1, 0), Scores: []int{5, 3, 3, 4, 4}},
		{UserID: "U1", At: at.AddDate(0, -2, 0), Scores: []int{4, 2, 3, 3, 4}},
	}
}

// TestCheckInGolden pins the check-in form, the trend it shows once saved
// and the monthly invitation, in both languages.
func TestCheckInGolden(t *testing.T) {
	golden(t, "checkin-form", checkInModal(en).Blocks.BlockSet)
	golden(t, "checkin-form.fr", checkInModal(fr).Blocks.BlockSet)
	cs := goldenCheckIns()
	golden(t, "checkin-saved", checkInSavedModal(en, "/mentor", cs, "Europe/Paris").Blocks.BlockSet)
	golden(t, "checkin-saved.fr", checkInSavedModal(fr, "/mentor", cs, "Europe/Paris").Blocks.BlockSet)
	golden(t, "checkin-one.fr", checkInTrendBlocks(fr, "/mentor", cs[2:], "Europe/Paris"))
	golden(t, "checkin-invite.fr", checkInInvite(fr))
}

// Every language says every statement and labels every score in its own
// words, and the form's title and buttons fit Slack's 24 characters.
func TestStatementsSpoken(t *testing.T) {
	for _, p := range []*lang.Printer{en, fr} {
		for i, st := range statements {
			if text := statementText(p, i); text == st.ID || text == "" {
				t.Errorf("%s has no text for %s", p.Lang(), st.ID)
			}
			if p != en && statementText(p, i) == statementText(en, i) {
				t.Errorf("%s says %s in English", p.Lang(), st.ID)
			}
		}
		for v := 1; v <= 5; v++ {
			if w := scoreWord(p, v); !strings.HasPrefix(w, string(rune('0'+v))+" · ") {
				t.Errorf("%s labels %d %q", p.Lang(), v, w)
			}
		}
		m := checkInModal(p)
		saved := checkInSavedModal(p, "/mentor", nil, "UTC")
		for _, s := range []string{m.Title.Text, m.Submit.Text, m.Close.Text, saved.Close.Text} {
			if n := len([]rune(s)); n > 24 {
				t.Errorf("%s: %q is %d characters; Slack takes 24", p.Lang(), s, n)
			}
		}
	}
}

// A French member's check-in commands answer in French.
func TestCheckIn_French(t *testing.T) {
	b := newTestBot(t)
	run := func(text string) (Reply, error) {
		return b.Dispatch(context.Background(), &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: fr}, text)
	}
	if r, err := run("check-in monthly"); err != nil || !strings.Contains(r.Text, "tu n'as pas encore de questions programmées") {
		t.Fatalf("monthly: %q, %v", r.Text, err)
	}
	if r, err := run("check-in off"); err != nil || !strings.HasPrefix(r.Text, "C'est noté : plus de point d'étape mensuel.") {
		t.Fatalf("off: %q, %v", r.Text, err)
	}
	if _, err := run("check-in weekly"); !strings.Contains(ErrorMessage(err), "ouvre le formulaire") {
		t.Fatalf("weekly: %v", err)
	}
	if _, err := run("check-in"); !strings.Contains(ErrorMessage(err), "Slack ne m'a pas laissé") {
		t.Fatalf("no trigger: %v", err)
	}
	resp, err := b.submitCheckIn(&Command{UserID: "U1", Name: "/mentor", P: fr}, checkInValues(5, 4))
	if err != nil || resp.Errors["ci3"] != "Choisis une note de 1 à 5." {
		t.Fatalf("incomplete form: %+v, %v", resp, err)
	}
}

// What the scheduler sends on its own, with no command to take a language
// from, speaks the language known for the member: a French member's first
// nudge of the month brings the check-in in French, and their follow-up
// asks in French. It never asks Slack (scheduledPrinter).
func TestScheduled_French(t *testing.T) {
	b := newTestBot(t)
	api, sim := simSlack(t)
	sim.AddUser(slacksim.User{ID: "U1", TZ: "Europe/Paris", Locale: "fr-FR"})
	b.Slack = api
	if err := b.Members.SetLocale("U1", "fr-FR"); err != nil { // read on an earlier command
		t.Fatal(err)
	}
	slot := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	sub := store.Subscription{UserID: "U1", Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 16, TZ: "Europe/Paris", NextDue: slot}}
	if err := b.Schedules.PutSubscription(sub); err != nil {
		t.Fatal(err)
	}
	if err := b.CheckIns.SetCheckInMonthly("U1", true); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: "impostor-one", Theme: "impostor",
		Experiment: "Pose une question en public.", At: slot.AddDate(0, 0, -7), Due: slot}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendDue(context.Background(), slot); err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, m := range sim.MessagesIn("DU1") {
		all.WriteString(m.Text + "\n" + string(m.Blocks) + "\n")
	}
	for _, want := range []string{"Un nouveau mois commence", "Faire le point",
		"La semaine dernière, tu avais prévu d'essayer : « Pose une question en public. » Comment ça s'est passé ?", "Pas pour moi"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("the DMs lack %q:\n%s", want, all.String())
		}
	}
	if n := len(sim.CallsTo("users.info")); n != 0 {
		t.Errorf("the scheduler asked users.info %d times; it sends in the language known", n)
	}
}

// A subscriber the bot has no locale for (one from before languages, after
// an upgrade) gets their nudge in English, and Slack is not asked: a
// fan-out must not wait on users.info once per member. Their next command
// reads the locale.
func TestScheduled_UnknownLocaleIsEnglish(t *testing.T) {
	b := newTestBot(t)
	api, sim := simSlack(t)
	sim.AddUser(slacksim.User{ID: "U1", TZ: "Europe/Paris", Locale: "fr-FR"})
	b.Slack = api
	slot := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	sub := store.Subscription{UserID: "U1", Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 16, TZ: "Europe/Paris", NextDue: slot}}
	if err := b.Schedules.PutSubscription(sub); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendDue(context.Background(), slot); err != nil {
		t.Fatal(err)
	}
	dms := sim.MessagesIn("DU1")
	if len(dms) != 1 || !strings.Contains(dms[0].Text+string(dms[0].Blocks), "Skip next week") {
		t.Fatalf("want one English nudge, got %+v", dms)
	}
	if n := len(sim.CallsTo("users.info")); n != 0 {
		t.Fatalf("the scheduler asked users.info %d times", n)
	}
	if got := b.commandPrinter(context.Background(), "U1").Lang(); got != "fr" {
		t.Fatalf("the member's next command speaks %q, want fr", got)
	}
}

// Two check-ins on one day (in the member's zone) are "le 1er décembre",
// not "du 1er décembre au 1er décembre"; a year apart they still give both.
func TestCheckInLegend_SameDay(t *testing.T) {
	at := time.Date(2026, time.December, 1, 9, 0, 0, 0, time.UTC)
	legend := func(p *lang.Printer, older time.Time) string {
		cs := []store.CheckIn{{UserID: "U1", At: at, Scores: []int{3, 3, 3, 3, 3}}, {UserID: "U1", At: older, Scores: []int{3, 3, 3, 3, 3}}}
		blocks := checkInTrendBlocks(p, "/mentor", cs, "Europe/Paris")
		return blocksText(t, Reply{Blocks: blocks})
	}
	for _, tc := range []struct {
		p     *lang.Printer
		older time.Time
		want  string
	}{
		{fr, at.Add(-2 * time.Hour), "2 points d'étape, le 1er décembre."},
		{en, at.Add(-2 * time.Hour), "2 check-ins, 1 December."},
		{fr, at.AddDate(-1, 0, 0), "2 points d'étape, du 1er décembre 2025 au 1er décembre 2026."},
		{fr, at.AddDate(0, 0, -1), "2 points d'étape, du 30 novembre au 1er décembre."},
	} {
		if got := legend(tc.p, tc.older); !strings.Contains(got, tc.want) {
			t.Errorf("%s %s: %q, want %q in it", tc.p.Lang(), tc.older, got, tc.want)
		}
	}
}
