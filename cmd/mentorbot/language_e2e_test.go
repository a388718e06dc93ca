package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/prompts"
)

// TestE2E_FrenchMember: a member whose Slack is in French (fr-FR) gets
// French from the first command, without choosing it: a prompt, status, the
// subscribe reply, the Home tab and the scheduled nudge. Their locale is
// stored, so after a restart the nudge speaks French without asking Slack
// again. `language en` then switches them to English, Home at once, and a
// restart keeps it. An
// English member beside them stays English throughout.
func TestE2E_FrenchMember(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t) // U1, ana: Slack's default en-US
	h.sim.AddUser(slacksim.User{ID: "UFR", Name: "zoe", TZ: "Europe/Paris", Locale: "fr-FR"})

	mustHave := func(what, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Fatalf("%s lacks %q:\n%s", what, w, got)
			}
		}
	}
	card := h.slash("UFR", "prompt impostor")
	mustHave("prompt", card, "Répondre", "Une autre question")
	if !inFrenchCatalog(t, "impostor", promptText(t, card)) {
		t.Fatalf("the card's prompt is not one of the French catalog's:\n%s", promptText(t, card))
	}
	mustHave("status", h.slash("UFR", "status"), "Tu n'as pas d'abonnement.")
	mustHave("subscribe", h.slash("UFR", "subscribe weekly fri 16:00"),
		"C'est noté : une question chaque vendredi à 16 h (Europe/Paris).", "Prochaine question : vendredi 20 novembre à 16 h (CET).")
	waitHome(t, h.sim, "UFR", "chaque vendredi à 16 h (Europe/Paris)", "Réglages")
	mustHave("English member's status", h.slash("U1", "status"), "You are not subscribed")
	if en := h.slash("U1", "prompt impostor"); inFrenchCatalog(t, "impostor", promptText(t, en)) {
		t.Fatalf("the English member got a French prompt:\n%s", promptText(t, en))
	}

	// A restart: the nudge is French, and users.info is not asked again.
	h.stop()
	asked := len(h.sim.CallsTo("users.info"))
	h.start()
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	h.tick(slot)
	dms := h.dms("UFR")
	if len(dms) != 1 {
		t.Fatalf("%d nudges at 16:00 in Paris, want 1", len(dms))
	}
	nudge, _ := slacksim.Render(dms[0].Text, dms[0].Blocks)
	mustHave("nudge", nudge, "Répondre", "Sauter la semaine prochaine (ven. 27 nov.)")
	if n := len(h.sim.CallsTo("users.info")) - asked; n != 0 {
		t.Fatalf("the nudge after a restart asked users.info %d times; the stored locale should do", n)
	}

	mustHave("language en", h.slash("UFR", "language en"), "Done: I speak English with you from now on.")
	waitHome(t, h.sim, "UFR", "weekly on Friday at 16:00 (Europe/Paris)", "Settings") // the Home tab follows at once
	mustHave("status in English", h.slash("UFR", "status"), "weekly on Friday at 16:00 (Europe/Paris)", "Friday 27 November at 16:00 CET")
	h.stop()
	h.start()
	mustHave("status after a restart", h.slash("UFR", "status"), "weekly on Friday at 16:00 (Europe/Paris)")
	mustHave("language after a restart", h.slash("UFR", "language"), "I speak *English* with you, as you chose.")
	h.tick(slot.Add(7 * 24 * time.Hour))
	if dms := h.dms("UFR"); len(dms) != 2 {
		t.Fatalf("%d nudges a week later, want 2", len(dms))
	} else if text, _ := slacksim.Render(dms[1].Text, dms[1].Blocks); !strings.Contains(text, "Skip next week") {
		t.Fatalf("the nudge after choosing English:\n%s", text)
	}
	// auto: back to Slack's French.
	mustHave("language auto", h.slash("UFR", "language auto"), "je te parle donc en français")
}

// inFrenchCatalog reports whether card quotes the French text of one of the
// theme's prompts.
func inFrenchCatalog(t *testing.T, theme, card string) bool {
	t.Helper()
	c, err := prompts.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	th, ok := c.Theme(theme)
	if !ok {
		t.Fatalf("no theme %s", theme)
	}
	for _, p := range th.Prompts {
		fr := c.Localize(p, "fr")
		first, _, _ := strings.Cut(fr.Text, "\n")
		if fr.Text != p.Text && strings.Contains(card, strings.TrimSpace(first)) {
			return true
		}
	}
	return false
}

// TestE2E_FrenchSettingsForm: `subscribe` alone opens the settings form in
// the member's French, its language menu on Automatic; choosing English
// there saves the schedule and answers in English, and the next command
// is English too.
func TestE2E_FrenchSettingsForm(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t)
	h.sim.AddUser(slacksim.User{ID: "UCA", Name: "lea", TZ: "America/Toronto", Locale: "fr-CA"})
	if got := h.slash("UCA", "subscribe"); !strings.Contains(got, "Choisis ton rythme dans le formulaire.") {
		t.Fatalf("subscribe alone:\n%s", got)
	}
	form := waitViews(t, h.sim, "UCA", 1)[0]
	if !strings.Contains(string(form.JSON), `"text":"Réglages"`) || !strings.Contains(string(form.JSON), "Automatique (celle de Slack)") {
		t.Fatalf("the form is not in French:\n%s", form.JSON)
	}
	in, err := h.sim.FormInputs("UCA", form.ID)
	if err != nil || in["lang"]["lang"].Option != "auto" || in["tz"]["tz"].Text != "America/Toronto" {
		t.Fatalf("form inputs %+v, %v; want Automatic and the Slack zone", in, err)
	}
	ack, err := h.sim.SubmitForm(context.Background(), "UCA", form.ID, map[string]map[string]slacksim.Input{"lang": {"lang": {Option: "en"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(ack.Payload); !strings.Contains(got, "Saved. You get a reflection prompt *weekly on Friday at 16:00 (America/Toronto)*") ||
		!strings.Contains(got, "Language: English") {
		t.Fatalf("the saved view is not in the English just chosen:\n%s", got)
	}
	if u, _ := h.app.db.User("UCA"); u.Lang != "en" || u.Locale != "fr-CA" {
		t.Fatalf("record %+v; want the choice beside the Slack locale", u)
	}
	if got := h.slash("UCA", "status"); !strings.Contains(got, "weekly on Friday at 16:00 (America/Toronto)") {
		t.Fatalf("status after choosing English:\n%s", got)
	}
}
