package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// frenchLead is a bot whose member U1 chose French and is a lead with a
// schedule, reflections, a win, a check-in and a weekly broadcast; U2 chose
// French too and has nothing yet.
func frenchLead(t *testing.T) *Bot {
	t.Helper()
	b := newTestBot(t)
	b.Leads = NewLeadDirectory([]string{"U1"}, "", nil)
	for _, text := range []string{"language fr", "subscribe weekly fri 16:00 Europe/Paris", "focus impostor daring", "role staff", "win J'ai tenu la démo sans filet"} {
		if _, err := dispatch(t, b, text); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
	}
	c := &Command{UserID: "U2", ChannelID: "D2", Name: "/mentor"}
	if _, err := b.Dispatch(context.Background(), c, "language fr"); err != nil {
		t.Fatal(err)
	}
	at := b.Now().Add(-26 * time.Hour)
	for _, r := range []store.Reflection{
		{UserID: "U1", PromptID: "impostor-one", Theme: "impostor", Prompt: "Qui t'a fait douter ?", Text: "Moi, surtout.", At: at.Add(-7 * 24 * time.Hour)},
		{UserID: "U1", PromptID: "daring-one", Theme: "daring", Prompt: "Qu'as-tu osé cette semaine ?", Text: "J'ai dit non à une réunion de trop.", At: at},
	} {
		if _, err := b.Journal.AddReflection(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.CheckIns.AddCheckIn(store.CheckIn{UserID: "U1", At: at, Scores: []int{2, 4, 4, 3, 5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Broadcasts.CreateBroadcast(store.Broadcast{LeadID: "U1", Channel: "C1", Theme: "vision", Lang: "fr", Schedule: store.Schedule{
		Cadence: store.CadenceWeekly, Day: time.Monday, Hour: 10, TZ: "Europe/Paris", NextDue: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}}); err != nil {
		t.Fatal(err)
	}
	return b
}

// homeOf builds the Home tab of userID as the bot would publish it, in the
// member's own language.
func homeOf(t *testing.T, b *Bot, userID string) []slack.Block {
	t.Helper()
	view, _, err := b.homeView(context.Background(), userID, "")
	if err != nil {
		t.Fatal(err)
	}
	return view.Blocks.BlockSet
}

// The Home tab of a French member, built from the store as the bot
// publishes it: a subscribed lead, and a newcomer.
func TestGolden_HomeFrench(t *testing.T) {
	b := frenchLead(t)
	golden(t, "home-lead.fr", homeOf(t, b, "U1"))
	golden(t, "home-newcomer.fr", homeOf(t, b, "U2"))
}

func TestGolden_HomeNewcomer(t *testing.T) {
	golden(t, "home-newcomer", homeBlocks(en, home{status: status{Name: "/mentor"}}))
}

// Home's own words are French for a French member, whatever the state:
// none of the English ones is left, and the buttons fit Slack's limit.
func TestHomeBlocks_French(t *testing.T) {
	english := []string{"Your reflection practice", "Get a prompt", "Settings", "Pause two weeks", "Resume", "Export my data",
		"Check in", "Your journal", "Your last reflections", "Only you can see this", "You are not subscribed", "You unsubscribed", "more:"}
	paused := sampleHome()
	paused.PausedUntil = "vendredi 4 décembre à 16 h (CET)"
	many := sampleHome()
	for i := range homeBroadcasts + 2 {
		many.Broadcasts = append(many.Broadcasts, store.Broadcast{ID: "b" + string(rune('a'+i%26)), Channel: "C1", Theme: "vision", Schedule: store.Schedule{TZ: "UTC"}})
	}
	for name, h := range map[string]home{
		"Subscribed":     sampleHome(),
		"Paused":         paused,
		"Newcomer":       {status: status{Name: "/mentor"}},
		"Unsubscribed":   {status: status{Name: "/mentor", Unsubscribed: "13 novembre"}},
		"ManyBroadcasts": many,
	} {
		t.Run(name, func(t *testing.T) {
			blocks := homeBlocks(fr, h)
			text := viewText(t, blocks)
			for _, s := range english {
				if strings.Contains(text, s) {
					t.Errorf("French Home shows %q:\n%s", s, text)
				}
			}
			for _, l := range buttonLabels(blocks) {
				if n := len([]rune(l)); n > 75 {
					t.Errorf("button %q is %d characters; Slack cuts at 75", l, n)
				}
			}
		})
	}
	if text := viewText(t, homeBlocks(fr, many)); !strings.Contains(text, "Et 3 autres diffusions : `/mentor broadcasts` les liste toutes.") {
		t.Errorf("no French pointer to the broadcasts left out:\n%s", text)
	}
}

// buttonLabels lists the labels of the buttons in blocks.
func buttonLabels(blocks []slack.Block) []string {
	var ls []string
	for _, b := range blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					ls = append(ls, btn.Text.Text)
				}
			}
		}
	}
	return ls
}

// The dates above reflections on Home are in the member's language and zone.
func TestHomeJournalDates(t *testing.T) {
	rs := []store.Reflection{{Theme: "daring", Prompt: "Q?", Text: "A.", At: time.Date(2026, 11, 13, 23, 30, 0, 0, time.UTC)}}
	for _, tc := range []struct {
		p    *lang.Printer
		want string
	}{{en, "Sat 14 Nov 2026  ·  `daring`"}, {fr, "sam. 14 nov. 2026  ·  `daring`"}} {
		if text := viewText(t, homeJournalBlocks(tc.p, "/mentor", rs, "Europe/Paris")); !strings.Contains(text, tc.want) {
			t.Errorf("%s: want %q in:\n%s", tc.p.Lang(), tc.want, text)
		}
	}
}
