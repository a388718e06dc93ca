package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// cardCase is one prompt of each form, as the catalog of one language
// writes it. The views are pinned with prompts written here rather than the
// built-in catalog's, so a catalog edit does not move these golden files.
type cardCase struct {
	theme  *prompts.Theme
	prompt *prompts.Prompt
}

// formCases are a question, a sentence to finish, a scale and a scenario, in
// English and in French.
var formCases = map[string]map[string]cardCase{
	"en": {
		"question": {
			&prompts.Theme{ID: "impostor", Title: "Impostor syndrome"},
			&prompts.Prompt{ID: "t-question", Theme: "impostor", Form: prompts.FormQuestion,
				Text:   "Think of the last time you kept a question to yourself because asking it might show what you don't know yet. What did staying quiet cost you?",
				Try:    "Ask one question in a public channel that shows what you are still learning.",
				Source: "Padok's VP of Engineering, on going back to hands-on work: the impostor feeling comes back."},
		},
		"finish": {
			&prompts.Theme{ID: "delegation", Title: "Delegation"},
			&prompts.Prompt{ID: "t-finish", Theme: "delegation", Form: prompts.FormFinish,
				Text:     "The part of my job I still over-explain is…",
				Followup: "Who would notice if you explained it in half the words?",
				Source:   "Padok's VP of Engineering: letting the experts decide."},
		},
		"scale": {
			&prompts.Theme{ID: "impostor", Title: "Impostor syndrome"},
			&prompts.Prompt{ID: "t-scale", Theme: "impostor", Form: prompts.FormScale,
				Text:   "How at ease are you asking a question in a public channel?",
				Scale:  [2]string{"anxious", "at ease"},
				Source: "Padok's VP of Engineering: asking what you don't know."},
		},
		"scenario": {
			&prompts.Theme{ID: "daring", Title: "Daring"},
			&prompts.Prompt{ID: "t-scenario", Theme: "daring", Form: prompts.FormScenario,
				Text:   "Your proof of concept works, the team doubts it, and the next review that could approve it is three weeks away. You could ship it behind a flag tomorrow, on your own. What evidence would you want first, what would a failure cost, and who would pay for it?",
				Try:    "For your next risky change, write one line on what a rollback would not undo.",
				Source: `"The Daring Journey of a Staff Engineer" (OpenClassrooms), Ahmed: outside the process you must be very sure.`},
		},
	},
	"fr": {
		"question": {
			&prompts.Theme{ID: "impostor", Title: "Syndrome de l'imposteur"},
			&prompts.Prompt{ID: "t-question", Theme: "impostor", Form: prompts.FormQuestion,
				Text:   "Repense à la dernière fois où tu as gardé une question pour toi, de peur de montrer ce que tu ne sais pas encore. Qu'est-ce que ce silence t'a coûté ?",
				Try:    "Pose dans un canal public une question qui montre ce que tu es encore en train d'apprendre.",
				Source: "le VP Engineering de Padok, sur son retour au terrain : le sentiment d'imposture revient."},
		},
		"finish": {
			&prompts.Theme{ID: "delegation", Title: "Déléguer"},
			&prompts.Prompt{ID: "t-finish", Theme: "delegation", Form: prompts.FormFinish,
				Text:     "La partie de mon travail que j'explique encore trop, c'est…",
				Followup: "Qui remarquerait si tu l'expliquais en deux fois moins de mots ?",
				Source:   "le VP Engineering de Padok : laisser les experts décider."},
		},
		"scale": {
			&prompts.Theme{ID: "impostor", Title: "Syndrome de l'imposteur"},
			&prompts.Prompt{ID: "t-scale", Theme: "impostor", Form: prompts.FormScale,
				Text:   "À quel point es-tu à l'aise pour poser une question dans un canal public ?",
				Scale:  [2]string{"tendu", "à l'aise"},
				Source: "le VP Engineering de Padok : demander ce qu'on ne sait pas."},
		},
		"scenario": {
			&prompts.Theme{ID: "daring", Title: "Oser"},
			&prompts.Prompt{ID: "t-scenario", Theme: "daring", Form: prompts.FormScenario,
				Text:   "Ta preuve de concept marche, l'équipe en doute, et la prochaine revue qui pourrait la valider est dans trois semaines. Tu pourrais la livrer dès demain derrière un flag, sans demander à personne. Quelles preuves voudrais-tu d'abord, que coûterait un échec, et qui le paierait ?",
				Try:    "Pour ton prochain changement risqué, écris en une ligne ce qu'un retour arrière ne déferait pas.",
				Source: "« The Daring Journey of a Staff Engineer » (OpenClassrooms), Ahmed : hors du processus, il faut être très sûr de soi."},
		},
	},
}

// printers are the test printers by language, with the suffix of their
// golden files.
var printers = []struct {
	p      *lang.Printer
	suffix string
}{{en, ""}, {fr, ".fr"}}

func caseView(t *testing.T, p *lang.Printer, form string, daily bool) cardView {
	t.Helper()
	c, ok := formCases[p.Lang()][form]
	if !ok {
		t.Fatalf("no %s case of form %s", p.Lang(), form)
	}
	return cardView{P: p, Theme: c.theme, Prompt: c.prompt, Daily: daily}
}

// TestGolden_PromptForms pins a card asked for with /mentor prompt, one per
// form, in both languages: the scale says what its ends mean, the scenario
// sets its situation apart from its question.
func TestGolden_PromptForms(t *testing.T) {
	for _, pr := range printers {
		for _, form := range []string{"question", "finish", "scale", "scenario"} {
			t.Run(pr.p.Lang()+"/"+form, func(t *testing.T) {
				v := caseView(t, pr.p, form, false)
				golden(t, "prompt-"+form+pr.suffix, promptBlocks(v, cardBlocks(v), "*", time.Time{}))
			})
		}
	}
}

// TestGolden_Nudge pins a daily member's nudge of a prompt whose cycle
// restarted, with their earlier answer under it ("then and now"): it says
// "today" twice, never "this week"; the earlier answer, three months old,
// is "then" (avant), never "yesterday" (hier).
func TestGolden_Nudge(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	slot := time.Date(2026, 12, 4, 9, 0, 0, 0, loc)
	sched := store.Schedule{Cadence: store.CadenceDaily, Hour: 9, TZ: "Europe/Paris"}
	earlier := &store.Reflection{At: time.Date(2026, 9, 1, 8, 30, 0, 0, time.UTC), Text: "The roadmap, every Monday.\nI repeat it because I doubt it landed."}
	for _, pr := range printers {
		t.Run(pr.p.Lang(), func(t *testing.T) {
			v := caseView(t, pr.p, "finish", true)
			v.Prompt = withTry(v.Prompt, map[string]string{"en": "Say it once, in writing.", "fr": "Dis-le une seule fois, par écrit."}[pr.p.Lang()])
			blocks := nudgeBlocks(v, cycleCard(v, true), slot, sched, earlier)
			golden(t, "nudge"+pr.suffix, blocks)
			got := blocksText(t, Reply{Blocks: blocks})
			for _, week := range []string{"this week", "cette semaine", "Hier"} {
				if strings.Contains(got, week) {
					t.Errorf("a daily nudge says %q:\n%s", week, got)
				}
			}
			if want := map[string]string{"en": "*Then and now.* You answered this on 1 September 2026:", "fr": "*Avant et maintenant.* Tu y as répondu le 1er septembre 2026 :"}[pr.p.Lang()]; !strings.Contains(got, want) {
				t.Errorf("no %q:\n%s", want, got)
			}
		})
	}
}

func withTry(p *prompts.Prompt, try string) *prompts.Prompt {
	c := *p
	c.Try = try
	return &c
}

// TestGolden_ReflectModal pins the Reflect form of a scale, in both
// languages, and keeps its title and buttons within Slack's 24 characters.
func TestGolden_ReflectModal(t *testing.T) {
	for _, pr := range printers {
		t.Run(pr.p.Lang(), func(t *testing.T) {
			m := reflectModal(caseView(t, pr.p, "scale", false), promptRef{PromptID: "t-scale"})
			golden(t, "reflect-modal"+pr.suffix, m.Blocks.BlockSet)
			saved := savedModal(pr.p, "/mentor", 3, true, formCases[pr.p.Lang()]["finish"].prompt)
			golden(t, "reflect-saved"+pr.suffix, saved.Blocks.BlockSet)
			for _, s := range []*slack.TextBlockObject{m.Title, m.Submit, m.Close, saved.Title, saved.Close} {
				if n := len([]rune(s.Text)); n > 24 {
					t.Errorf("%q is %d characters; Slack allows 24", s.Text, n)
				}
			}
		})
	}
}

// A card's experiment is for today when the member's prompts come daily or
// on weekdays, and for this week otherwise (or without a subscription).
func TestCardBlocks_TryPeriod(t *testing.T) {
	for _, tt := range []struct {
		p     *lang.Printer
		daily bool
		want  string
	}{
		{en, false, "*Try this week:* "}, {en, true, "*Try:* "},
		{fr, false, "*À essayer cette semaine :* "}, {fr, true, "*À essayer :* "},
	} {
		got := blocksText(t, Reply{Blocks: cardBlocks(caseView(t, tt.p, "question", tt.daily))})
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s daily=%v: card without %q:\n%s", tt.p.Lang(), tt.daily, tt.want, got)
		}
	}
}

func TestSplitScenario(t *testing.T) {
	for _, tt := range []struct {
		name, text, situation, question string
	}{
		{"OK", "The build is red. Your lead is away. What do you do first?", "The build is red. Your lead is away.", "What do you do first?"},
		{"OKTwoQuestions", "It ships Friday… Nobody tested it! Do you say so? To whom?", "It ships Friday… Nobody tested it!", "Do you say so? To whom?"},
		{"OKParagraphs", "The build is red.\n\nWhat now?", "The build is red.", "What now?"},
		{"OKFrench", "Le build est rouge. Que fais-tu d'abord ?", "Le build est rouge.", "Que fais-tu d'abord ?"},
		{"ErrNoSituation", "What would you do if the build were red?", "", ""},
		{"ErrNoQuestion", "The build is red. Think about it.", "", ""},
		{"ErrVersionNumber", "Version 2.0 is out?", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, q, ok := splitScenario(tt.text)
			if ok != (tt.situation != "") || s != tt.situation || q != tt.question {
				t.Fatalf("splitScenario(%q) = %q, %q, %v; want %q, %q", tt.text, s, q, ok, tt.situation, tt.question)
			}
		})
	}
}

// TestGolden_ThemesFr pins /mentor themes in French, with themes as the
// French catalog titles them.
func TestGolden_ThemesFr(t *testing.T) {
	private, team := &prompts.Prompt{Audience: prompts.AudiencePrivate}, &prompts.Prompt{Audience: prompts.AudienceTeam}
	themes := []*prompts.Theme{
		{ID: "impostor", Title: "Syndrome de l'imposteur", Summary: "Douter de sa place, et faire le travail quand même.", Prompts: []*prompts.Prompt{private, private, team}},
		{ID: "daring", Title: "Oser", Summary: "Prendre un risque calculé, et l'assumer.", Prompts: []*prompts.Prompt{private}},
		{ID: "rituals", Title: "Nos rituels", Summary: "Un thème d'équipe ajouté par un opérateur.", Prompts: []*prompts.Prompt{team, team}},
	}
	golden(t, "themes.fr", themesBlocks(fr, "/mentor", themes))
}

// Every scenario of the built-in catalog, in every language, has a
// situation to set apart from its question: one that did not would be shown
// as a plain question.
func TestBuiltinScenariosSplit(t *testing.T) {
	c := builtin(t)
	n := 0
	for _, th := range c.Themes() {
		for _, p := range th.Prompts {
			if p.Form != prompts.FormScenario {
				continue
			}
			for _, lang := range []string{"en", "fr"} {
				n++
				if _, _, ok := splitScenario(escape(c.Localize(p, lang).Text)); !ok {
					t.Errorf("%s (%s): no situation before the question: %q", p.ID, lang, c.Localize(p, lang).Text)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no scenario in the built-in catalog")
	}
}

// The Reflect form answers a French member in French: the field errors,
// and the journal entry of a scale, whose ends are the French labels.
func TestReflectionText_French(t *testing.T) {
	scale := formCases["fr"]["scale"].prompt
	finish := formCases["fr"]["finish"].prompt
	for _, tt := range []struct {
		name   string
		p      *prompts.Prompt
		values formValues
		want   string
		field  string
	}{
		{"Scale", scale, form("4", "Poser la question avant la réunion."), "4 sur 5 (1 : tendu, 5 : à l'aise)\nPour gagner un point : Poser la question avant la réunion.", ""},
		{"ErrNoRating", scale, form("", "mots"), "Choisis une note de 1 à 5.", blockRating},
		{"ErrFinishUntouched", finish, form("", finishStem(finish)), "Écris d'abord quelques mots, ou appuie sur « Annuler ».", blockReflection},
		{"ErrTooLong", nil, form("", strings.Repeat("é", store.MaxReflectionLen+1)), "Ton texte fait 3\u202f001 caractères ; le journal en garde au plus 3\u202f000 par entrée.", blockReflection},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, bad := reflectionText(fr, tt.p, tt.values)
			switch {
			case tt.field == "" && (bad != nil || got != tt.want):
				t.Fatalf("got %q, %+v; want %q saved", got, bad, tt.want)
			case tt.field != "" && (bad == nil || bad.Errors[tt.field] != tt.want):
				t.Fatalf("got %q, %+v; want %q under %s", got, bad, tt.want, tt.field)
			}
		})
	}
}
