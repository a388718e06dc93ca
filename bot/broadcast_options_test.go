package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
)

// parseAs reads text, the words after /mentor, as lead U1 speaking p's
// language would have it read: tokenized, then parsed as a broadcast.
func parseAs(t *testing.T, b *Bot, p *lang.Printer, text string) (broadcastReq, error) {
	t.Helper()
	words, quoted, err := tokenizeQuoted(p, text)
	if err != nil {
		return broadcastReq{}, err
	}
	c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: p, Sub: "broadcast", Args: words[1:], Quoted: quoted}
	return b.parseBroadcast(context.Background(), c)
}

// The options and the weekly word are read however a lead spells them, in
// English or French, in any case, with or without accents; a topic between
// French guillemets is the text inside, trimmed of the spaces French puts
// there, like one between "…" or “…”.
func TestBroadcastOptions_Spellings(t *testing.T) {
	const q = "Qu’avons-nous appris cette semaine ?"
	for _, tt := range []struct {
		name, cmd         string
		role, lang, topic string
		theme, weekly     bool
	}{
		{"RoleAccent", "broadcast C0TEAM1 delegation rôle:manager", "manager", "", "", true, false},
		{"RoleAccentUpper", "broadcast C0TEAM1 delegation RÔLE:Manager", "manager", "", "", true, false},
		{"RoleMixedCase", "broadcast C0TEAM1 Role:MANAGER delegation", "manager", "", "", true, false},
		{"LangueCode", "broadcast C0TEAM1 delegation langue:en", "", "en", "", true, false},
		{"LangueUpper", "broadcast C0TEAM1 LANGUE:EN delegation", "", "en", "", true, false},
		{"LangFrancais", "broadcast C0TEAM1 delegation lang:français", "", "fr", "", true, false},
		{"LangFrancaisNoAccent", "broadcast C0TEAM1 delegation Lang:Francais", "", "fr", "", true, false},
		{"LangFrench", "broadcast C0TEAM1 delegation lang:French", "", "fr", "", true, false},
		{"LangueAnglais", "broadcast C0TEAM1 delegation langue:anglais", "", "en", "", true, false},
		{"LangEnglish", "broadcast C0TEAM1 delegation lang:ENGLISH", "", "en", "", true, false},
		{"LangueLocale", "broadcast C0TEAM1 delegation langue:fr_CA", "", "fr", "", true, false},
		{"Both", "broadcast C0TEAM1 rôle:ic delegation langue:Français", "ic", "fr", "", true, false},
		{"Chaque", "broadcast C0TEAM1 chaque lundi 10h UTC delegation", "", "", "", true, true},
		{"ChaqueUpper", "broadcast C0TEAM1 CHAQUE Lundi 10h delegation langue:en", "", "en", "", true, true},
		{"Every", "broadcast C0TEAM1 Every lundi 10h delegation", "", "", "", true, true},
		// A schedule written as subscribe takes it, without every.
		{"TousLes", "broadcast C0TEAM1 tous les lundis à 10h delegation", "", "", "", true, true},
		{"LeJour", "broadcast C0TEAM1 le vendredi à 16h delegation langue:en", "", "en", "", true, true},
		{"Hebdomadaire", "broadcast C0TEAM1 hebdomadaire lundi 10h delegation", "", "", "", true, true},
		{"ChaqueSemaine", "broadcast C0TEAM1 chaque semaine lundi 10h delegation", "", "", "", true, true},
		{"DayFirst", "broadcast C0TEAM1 mon 10:00 UTC delegation", "", "", "", true, true},
		{"TimeFirst", `broadcast C0TEAM1 16:00 fri "` + q + `"`, "", "", q, false, true},
		{"Guillemets", "broadcast C0TEAM1 « " + q + " »", "", "", q, false, false},
		{"GuillemetsNoBreakSpace", "broadcast C0TEAM1 «\u00a0" + q + "\u00a0»", "", "", q, false, false},
		{"GuillemetsNarrowSpace", "broadcast C0TEAM1 «\u202f" + q + "\u202f»", "", "", q, false, false},
		{"GuillemetsTight", "broadcast C0TEAM1 «" + q + "»", "", "", q, false, false},
		{"GuillemetsWeekly", "broadcast C0TEAM1 chaque vendredi 16h « " + q + " » langue:fr", "", "fr", q, false, true},
		{"GuillemetsTheme", "broadcast C0TEAM1 « delegation »", "", "", "", true, false},
		{"QuotedThemeUpper", `broadcast C0TEAM1 "Delegation"`, "", "", "", true, false},
		{"QuotedOneWord", `broadcast C0TEAM1 "Rétrospective"`, "", "", "Rétrospective", false, false},
		{"QuotedThemePrefix", `broadcast C0TEAM1 « deleg »`, "", "", "deleg", false, false},
		{"QuotedEvery", `broadcast C0TEAM1 "Every"`, "", "", "Every", false, false},
		{"QuotedChaque", `broadcast C0TEAM1 « Chaque »`, "", "", "Chaque", false, false},
		{"QuotedOneWordWeekly", `broadcast C0TEAM1 every mon 10:00 UTC “Retro”`, "", "", "Retro", false, true},
		{"StraightQuotes", `broadcast C0TEAM1 "` + q + `"`, "", "", q, false, false},
		{"OptionInsideOwnTopic", `broadcast C0TEAM1 « Notre rôle:manager, c'est quoi ? »`, "", "", "Notre rôle:manager, c'est quoi ?", false, false},
	} {
		for _, p := range []*lang.Printer{en, fr} {
			t.Run(tt.name+"/"+p.Lang(), func(t *testing.T) {
				b, _ := leadSimBot(t)
				req, err := parseAs(t, b, p, tt.cmd)
				if err != nil {
					t.Fatalf("%s: %v", tt.cmd, err)
				}
				if req.role != tt.role || req.lang != tt.lang || req.topic != tt.topic {
					t.Errorf("role %q lang %q topic %q, want %q %q %q", req.role, req.lang, req.topic, tt.role, tt.lang, tt.topic)
				}
				if (req.theme == "delegation") != tt.theme {
					t.Errorf("theme %q, want delegation: %v", req.theme, tt.theme)
				}
				if (req.every != nil) != tt.weekly {
					t.Fatalf("weekly %v, want %v", req.every != nil, tt.weekly)
				}
				if tt.weekly && req.every.Day != time.Monday && req.every.Day != time.Friday {
					t.Errorf("weekly on %v", req.every.Day)
				}
			})
		}
	}
}

// A French lead's topic in guillemets is posted as the words inside, and
// a weekly broadcast written with chaque and langue: is stored like one
// written with every and lang:.
func TestBroadcastOptions_FrenchLead(t *testing.T) {
	b, sim := leadSimBot(t)
	leadSays(t, b, fr, "broadcast C0TEAM1 «\u202fQu’avons-nous appris cette semaine\u202f?\u202f»")
	msgs := sim.MessagesIn("C0TEAM1")
	if len(msgs) != 1 || msgs[0].Text != "Sujet de discussion : Qu’avons-nous appris cette semaine\u202f?" {
		t.Fatalf("posts %+v, want the words inside the guillemets", msgs)
	}
	got := leadSays(t, b, fr, "broadcast C0TEAM1 chaque mardi 10h UTC delegation Rôle:manager langue:anglais")
	contains(t, got, "Diffusion `b1` : un sujet `delegation` pour les managers dans <#C0TEAM1> chaque mardi à 10 h (UTC), en anglais.")
	bc, _, err := b.Broadcasts.Broadcast("b1")
	if err != nil || bc.Role != "manager" || bc.Lang != "en" || bc.Schedule.Day != time.Tuesday || bc.Schedule.Hour != 10 {
		t.Fatalf("stored %+v, %v", bc, err)
	}
}

// A word that looks like an option but is not read as one is refused with
// the option's spellings, never offered back as a topic to quote; words
// that only contain a colon still get the usual hint.
func TestBroadcastOptions_Lookalikes(t *testing.T) {
	for _, tt := range []struct {
		cmd, en, fr string
	}{
		{"broadcast C0TEAM1 delegation language:fr",
			"`language:fr` looks like an option. Write it `lang:` (or `langue:`), outside any quotes, for example `lang:fr`.",
			"`language:fr` ressemble à une option. Écris-la `lang:` (ou `langue:`), hors des guillemets, par exemple `lang:fr`."},
		{"broadcast C0TEAM1 vision Roles:manager",
			"`Roles:manager` looks like an option. Write it `role:` (or `rôle:`), outside any quotes, for example `role:manager`.",
			"`Roles:manager` ressemble à une option. Écris-la `role:` (ou `rôle:`), hors des guillemets, par exemple `role:manager`."},
		{"broadcast C0TEAM1 LANGAGE:anglais",
			"`LANGAGE:anglais` looks like an option. Write it `lang:` (or `langue:`), outside any quotes, for example `lang:fr`.",
			"`LANGAGE:anglais` ressemble à une option. Écris-la `lang:` (ou `langue:`), hors des guillemets, par exemple `lang:fr`."},
		{`broadcast C0TEAM1 delegation "pour tous rôle:manager"`,
			"`rôle:manager` looks like an option. Write it `role:` (or `rôle:`), outside any quotes, for example `role:manager`.",
			"`rôle:manager` ressemble à une option. Écris-la `role:` (ou `rôle:`), hors des guillemets, par exemple `role:manager`."},
		{"broadcast C0TEAM1 delegation rôle: manager",
			"Roles are `ic`, `staff`, `manager` and `lead`: for example `role:manager`.",
			"Les rôles possibles : `ic`, `staff`, `manager` et `lead`. Par exemple `role:manager`."},
		{"broadcast C0TEAM1 delegation lang:auto",
			"I don't post in `lang:auto`. Give one of `lang:en`, `lang:fr`, or leave `lang:` out to post in your own language.",
			"Je ne publie pas en `lang:auto`. Choisis parmi `lang:en`, `lang:fr`, ou retire `lang:` pour publier dans ta langue."},
		{"broadcast C0TEAM1 delegation langue:allemand",
			"I don't post in `langue:allemand`. Give one of `lang:en`, `lang:fr`, or leave `lang:` out to post in your own language.",
			"Je ne publie pas en `langue:allemand`. Choisis parmi `lang:en`, `lang:fr`, ou retire `lang:` pour publier dans ta langue."},
		{"broadcast C0TEAM1 note: read the doc",
			"Put a topic of your own between quotes, for example `/mentor broadcast #team \"note: read the doc\"`.",
			"Mets ton propre sujet entre guillemets, par exemple `/mentor broadcast #team « note: read the doc »`."},
	} {
		for _, p := range []*lang.Printer{en, fr} {
			t.Run(tt.cmd+"/"+p.Lang(), func(t *testing.T) {
				b, sim := leadSimBot(t)
				want := tt.en
				if p == fr {
					want = tt.fr
				}
				_, err := dispatchIn(t, b, p, tt.cmd)
				if ErrorCode(err) != EINVALID || ErrorMessage(err) != want {
					t.Fatalf("%s: %v, want %q", tt.cmd, err, want)
				}
				if n := len(sim.MessagesIn("C0TEAM1")); n != 0 {
					t.Fatalf("%d posts after a refusal", n)
				}
			})
		}
	}
	t.Run("NoQuoteHintWithOption", func(t *testing.T) {
		b, _ := leadSimBot(t)
		for _, cmd := range []string{"broadcast C0TEAM1 vision rôle:manager extra", "broadcast C0TEAM1 our words langue:fr"} {
			_, err := dispatchIn(t, b, fr, cmd)
			if msg := ErrorMessage(err); strings.Contains(msg, "rôle:manager") || strings.Contains(msg, "langue:fr") {
				t.Errorf("%s: %q quotes the option back", cmd, msg)
			}
		}
	})
}
