package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
)

// The topic card a channel reads, in each language, as the catalog's
// Localize and ThemeIn hand it its text; and the lead's own words, whose
// frame follows the broadcast's language while the words stay the lead's.
func TestGolden_BroadcastPost(t *testing.T) {
	th := &prompts.Theme{ID: "vision", Title: "Vision and direction"}
	p := &prompts.Prompt{ID: "vision-team-why", Theme: "vision", Audience: prompts.AudienceTeam,
		Text: "If a new colleague asked why our team exists, what would each of us answer?",
		Try:  "Ask it at the next stand-up & compare the answers."}
	golden(t, "broadcast-post", topicBlocks(en, th, p, "", "U0LEAD"))
	thFr := &prompts.Theme{ID: "vision", Title: "Vision et cap"}
	pFr := &prompts.Prompt{ID: "vision-team-why", Theme: "vision", Audience: prompts.AudienceTeam,
		Text: "Si une nouvelle recrue nous demandait pourquoi notre équipe existe, que répondrait chacun de nous ?",
		Try:  "Pose la question au prochain point d'équipe & comparez les réponses."}
	golden(t, "broadcast-post.fr", topicBlocks(fr, thFr, pFr, "", "U0LEAD"))
	golden(t, "broadcast-own.fr", topicBlocks(fr, nil, nil, "Qu'est-ce qui nous a ralentis cette semaine ?", "U0LEAD"))
	if got, want := topicFallback(fr, thFr, pFr, ""), "Sujet de discussion (Vision et cap) : "+pFr.Text; got != want {
		t.Errorf("French fallback %q, want %q", got, want)
	}
}

// The listing, in each language: themes with and without a role, a topic of
// the lead's own, a broadcast on hold, one paused and one failing, in
// either language.
func TestGolden_Broadcasts(t *testing.T) {
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	bs := []store.Broadcast{
		{ID: "b1", Channel: "C0TEAM1", Theme: "vision", Lang: "fr",
			Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Monday, Hour: 10, TZ: "Europe/Paris", NextDue: at(23, 9)}},
		{ID: "b2", Channel: "C0TEAM1", Theme: "impostor", Role: "ic", Lang: "en", Failing: "restricted_action",
			Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Wednesday, Hour: 9, Minute: 30, TZ: "Europe/Paris", NextDue: at(25, 8).Add(30 * time.Minute)}},
		{ID: "b3", Channel: "C0LEADS", Topic: "What did we ship this week that nobody noticed at all?", Lang: "fr",
			Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 16, TZ: "Europe/Paris", NextDue: at(27, 15)}},
		{ID: "b4", Channel: "C0TEAM1", Theme: "delegation", Role: "manager", Lang: "en", Failing: failNotLead,
			Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Tuesday, Hour: 11, TZ: "UTC", NextDue: at(24, 11)}},
		{ID: "b5", Channel: "C0GONE", Theme: "empathy", Lang: "fr", Paused: true, Failing: "channel_not_found",
			Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Thursday, Hour: 15, TZ: "UTC"}},
	}
	golden(t, "broadcasts", broadcastsBlocks(en, "/mentor", bs))
	golden(t, "broadcasts.fr", broadcastsBlocks(fr, "/mentor", bs))
	golden(t, "broadcasts-none.fr", broadcastsBlocks(fr, "/mentor", nil))
}

// leadSimBot is a lead bot over the simulator with the bot in C0TEAM1.
func leadSimBot(t *testing.T) (*Bot, *slacksim.Server) {
	t.Helper()
	b := newLeadBot(t)
	var sim *slacksim.Server
	b.Slack, sim = simSlack(t)
	sim.AddChannel(slacksim.Channel{ID: "C0TEAM1", Name: "team", BotIsMember: true})
	return b, sim
}

// leadSays runs one command as lead U1 speaking p's language and returns
// the reply's text, failing the test on an error.
func leadSays(t *testing.T, b *Bot, p *lang.Printer, text string) string {
	t.Helper()
	r, err := dispatchIn(t, b, p, text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return r.Text
}

// A broadcast posts in its lead's language unless lang: names another; the
// lead's reply stays in the lead's language.
func TestBroadcastLang_Now(t *testing.T) {
	for _, tt := range []struct {
		name       string
		lead       *lang.Printer
		cmd        string
		reply, out string
	}{
		{"FrenchLead", fr, "broadcast C0TEAM1 delegation", "C'est publié dans <#C0TEAM1>.", "Sujet de discussion"},
		{"EnglishLead", en, "broadcast C0TEAM1 delegation", "Posted in <#C0TEAM1>.", "Discussion topic"},
		{"EnglishLeadLangFr", en, "broadcast C0TEAM1 LANG:FR delegation", "Posted in <#C0TEAM1>.", "Sujet de discussion"},
		{"FrenchLeadLangEn", fr, "broadcast lang:en C0TEAM1 delegation", "C'est publié dans <#C0TEAM1>.", "Discussion topic"},
		{"OwnTopicLangFr", en, `broadcast C0TEAM1 "What slowed us down?" lang:fr`, "Posted in", "Sujet de discussion : What slowed us down?"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, sim := leadSimBot(t)
			contains(t, leadSays(t, b, tt.lead, tt.cmd), tt.reply)
			msgs := sim.MessagesIn("C0TEAM1")
			if len(msgs) != 1 {
				t.Fatalf("%d posts, want 1", len(msgs))
			}
			contains(t, msgs[0].Text, tt.out)
			footer := "Asked for by <@U1>"
			if strings.HasPrefix(tt.out, "Sujet") {
				footer = "Proposé par <@U1>"
			}
			contains(t, rendered(msgs[0]), footer)
		})
	}
	t.Run("ErrUnknownLang", func(t *testing.T) {
		b, sim := leadSimBot(t)
		c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: fr}
		_, err := b.Dispatch(context.Background(), c, "broadcast C0TEAM1 delegation lang:de")
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "`lang:en`, `lang:fr`") {
			t.Fatalf("err %v, want EINVALID listing the languages", err)
		}
		if n := len(sim.MessagesIn("C0TEAM1")); n != 0 {
			t.Fatalf("%d posts after a refusal", n)
		}
	})
}

// A weekly broadcast keeps the language it was given, says it when it is
// not the lead's own, lists it, and posts every week in it, whatever the
// lead speaks by then; one stored before broadcasts had a language posts in
// English.
func TestBroadcastLang_Weekly(t *testing.T) {
	b, sim := leadSimBot(t)
	got := leadSays(t, b, en, "broadcast C0TEAM1 every mon 10:00 UTC delegation lang:fr")
	contains(t, got, "Broadcast `b1`: a `delegation` topic in <#C0TEAM1> every Monday at 10:00 (UTC), in French. The first one: Monday 23 November at 10:00 UTC.")
	got = leadSays(t, b, fr, "broadcast C0TEAM1 every tue 10:00 UTC delegation")
	contains(t, got, "Diffusion `b2` : un sujet `delegation` dans <#C0TEAM1> chaque mardi à 10 h (UTC). La première : mardi 24 novembre à 10 h (UTC).")
	for id, want := range map[string]string{"b1": "fr", "b2": "fr"} {
		if bc, _, _ := b.Broadcasts.Broadcast(id); bc.Lang != want {
			t.Fatalf("%s stored in %q, want %q", id, bc.Lang, want)
		}
	}
	r, err := b.Dispatch(context.Background(), &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: en}, "broadcasts")
	if err != nil {
		t.Fatal(err)
	}
	contains(t, blocksText(t, r), "every Monday at 10:00 (UTC) · in French · next")
	// The same again in another language would post twice at once.
	_, err = dispatchIn(t, b, en, "broadcast C0TEAM1 every mon 10:00 UTC delegation")
	if want := "You have this broadcast already: `b1`, a `delegation` topic in <#C0TEAM1> every Monday at 10:00 (UTC), in French. `/mentor broadcast cancel b1` stops it."; ErrorMessage(err) != want {
		t.Fatalf("duplicate in English: %v, want %q", err, want)
	}
	// A record as the previous version wrote it: no language.
	old, err := b.Broadcasts.CreateBroadcast(store.Broadcast{LeadID: "U1", Channel: "C0TEAM1", Theme: "daring", Created: b.Now(),
		Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Monday, Hour: 10, TZ: "UTC", NextDue: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}

	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if rep, err := b.sendBroadcasts(context.Background(), monday); err != nil || rep.Sent != 2 {
		t.Fatalf("Monday: %+v, %v; want b1 and %s sent", rep, err, old.ID)
	}
	if rep, err := b.sendBroadcasts(context.Background(), monday.Add(24*time.Hour)); err != nil || rep.Sent != 1 {
		t.Fatalf("Tuesday: %+v, %v; want b2 sent", rep, err)
	}
	var french, english int
	theme, _ := b.Catalog.Theme("delegation")
	for _, m := range sim.MessagesIn("C0TEAM1") {
		switch {
		case strings.HasPrefix(m.Text, "Sujet de discussion ("+b.Catalog.ThemeIn(theme, "fr").Title+") : "):
			french++
			contains(t, rendered(m), "On en parle dans le fil")
			// The prompt is the catalog's French text of the one picked.
			text := strings.TrimPrefix(m.Text, "Sujet de discussion ("+b.Catalog.ThemeIn(theme, "fr").Title+") : ")
			if p := frenchPrompt(b, theme, text); p == nil {
				t.Errorf("French post %q is no prompt of delegation as Localize gives it in French", m.Text)
			}
		case strings.HasPrefix(m.Text, "Discussion topic (") && strings.Contains(rendered(m), "Reply in the thread"):
			english++
		default:
			t.Errorf("post %q is in neither language", m.Text)
		}
	}
	if french != 2 || english != 1 {
		t.Fatalf("%d French and %d English posts, want 2 and 1 (the old record)", french, english)
	}
}

// What a French lead reads from the whole broadcast command family, good
// input and bad, written out as a golden file to be read as a lead would.
func TestGolden_BroadcastLeadFrench(t *testing.T) {
	b, _ := leadSimBot(t)
	b.Leads = NewLeadDirectory([]string{"U1", "U2"}, "S0LEADS", nil)
	if _, err := b.Dispatch(context.Background(), &Command{UserID: "U2", ChannelID: "D2", Name: "/mentor", P: en},
		"broadcast C0TEAM1 every thu 09:00 UTC impostor"); err != nil {
		t.Fatal(err)
	}
	got := transcript(t, b, fr,
		"broadcast C0TEAM1 delegation",
		"broadcast C0TEAM1 delegation lang:en",
		"broadcast C0TEAM1 every mon 10:00 Europe/Paris delegation",
		"broadcast C0TEAM1 every monday 10:00 paris delegation",
		"broadcast C0TEAM1 every wed 9:30 UTC delegation role:manager lang:en",
		`broadcast C0TEAM1 every fri 16:00 UTC "Qu'est-ce qu'on a livré cette semaine sans que personne ne le remarque ?"`,
		"broadcasts",
		"broadcast C0TEAM1 delegation lang:de",
		"broadcast C0TEAM1 lang:fr delegation LANG:EN",
		"broadcast C0TEAM1 delegation role:cto",
		"broadcast C0TEAM1 delegation role:ic role:lead",
		`broadcast C0TEAM1 "Notre sujet" role:lead`,
		"broadcast C0TEAM1 astrology",
		"broadcast C0TEAM1 our own words",
		"broadcast C0TEAM1 every mon delegation",
		"broadcast #Bad!Name delegation",
		"broadcast",
		"broadcast cancel",
		"broadcast cancel b9",
		"broadcast cancel b2 b3",
		"broadcast cancel b2",
		"broadcast cancel b3",
		"broadcast C0TEAM1 «\u202fQu’avons-nous appris cette semaine\u202f?\u202f»",
		"broadcast C0TEAM1 chaque mardi 10h UTC delegation Rôle:manager langue:anglais",
		"broadcast C0TEAM1 delegation lang:français",
		"broadcast C0TEAM1 delegation langage:fr",
		"broadcast C0TEAM1 vision rôle: manager",
		"broadcast C0TEAM1 nos propres mots",
	)
	compareGolden(t, "broadcast-lead.fr.golden.txt", []byte(got))
	c := &Command{UserID: "U3", ChannelID: "D3", Name: "/mentor", P: fr}
	_, err := b.Dispatch(context.Background(), c, "broadcast C0TEAM1 delegation")
	want := "Les diffusions dans les canaux sont réservées aux leads d'équipe : je n'ai donc rien publié. Pour devenir lead, " +
		"demande à un admin de t'ajouter à <!subteam^S0LEADS>, ou d'ajouter ton ID de membre à `MENTOR_LEADS`. Tout le reste de `/mentor help` est à toi."
	if ErrorCode(err) != EFORBIDDEN || ErrorMessage(err) != want {
		t.Fatalf("not a lead: %v, want %q", err, want)
	}
}

// A lead demoted since they scheduled a broadcast in English hears why it
// is on hold in their own language, French, and the channel hears nothing.
func TestBroadcastLang_HeldDM(t *testing.T) {
	b, sim := leadSimBot(t)
	if err := b.setLanguage("U1", "fr"); err != nil {
		t.Fatal(err)
	}
	contains(t, leadSays(t, b, fr, "broadcast C0TEAM1 every mon 10:00 UTC delegation lang:en"), ", en anglais.")
	b.Leads = NewLeadDirectory([]string{"U2"}, "", nil)
	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if rep, err := b.sendBroadcasts(context.Background(), monday); err != nil || rep.Failed != 1 {
		t.Fatalf("%+v, %v; want b1 failed", rep, err)
	}
	if n := len(sim.MessagesIn("C0TEAM1")); n != 0 {
		t.Fatalf("%d posts by a demoted lead", n)
	}
	var dms []string
	for _, m := range sim.Messages() {
		if m.Channel != "C0TEAM1" {
			dms = append(dms, m.Text)
		}
	}
	want := "Ta diffusion `b1` dans <#C0TEAM1> est en attente : tu n'es plus lead ici, et les diffusions sont réservées aux leads. Elle reprendra d'elle-même dès que ça change ; `/mentor broadcast cancel b1` la supprime."
	if len(dms) != 1 || dms[0] != want {
		t.Fatalf("DMs %q, want one: %q", dms, want)
	}
}

// frenchPrompt finds the prompt of th whose French text is text.
func frenchPrompt(b *Bot, th *prompts.Theme, text string) *prompts.Prompt {
	for _, p := range th.Prompts {
		if b.Catalog.Localize(p, "fr").Text == text {
			return p
		}
	}
	return nil
}

// rendered is a posted message as a member reads it.
func rendered(m slacksim.Message) string {
	text, _ := slacksim.Render(m.Text, m.Blocks)
	return text
}
