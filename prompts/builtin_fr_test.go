package prompts_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/prompts"
)

// French typography wants a space before these marks; "?" straight after a
// letter is an English habit.
var frenchPunctRE = regexp.MustCompile(`[\p{L}»)][?!;:]`)

// vousRE finds vouvoiement: the bot says "tu" to a member.
var vousRE = regexp.MustCompile(`(?i)(^|[^\p{L}])(vous|votre|vos)([^\p{L}]|$)`)

// tuRE finds tutoiement, which a team prompt's try line avoids.
var tuRE = regexp.MustCompile(`(?i)(^|[^\p{L}])((tu|toi|ton|ta|tes|te)([^\p{L}]|$)|t['’])`)

// TestBuiltinFrench checks the French catalog against the English one: every
// theme is complete, and every translation is French in form
// (tutoiement in private prompts, French typography, a French source naming
// the essay) and of about the English length.
func TestBuiltinFrench(t *testing.T) {
	c, err := prompts.Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	if !slices.Contains(c.Languages(), "fr") {
		t.Fatalf("Languages = %v, want fr", c.Languages())
	}
	for _, id := range c.Untranslated("fr") {
		p, _ := c.Prompt(id)
		t.Errorf("%s:%d: %s has no French text", p.File, p.Line, id)
	}
	for _, th := range c.Themes() {
		fr := c.ThemeIn(th, "fr")
		if fr.Title == th.Title || fr.Summary == th.Summary {
			t.Errorf("theme %s: French title %q, summary %q; want both in French", th.ID, fr.Title, fr.Summary)
		}
		for _, en := range th.Prompts {
			if p := c.Localize(en, "fr"); p != en {
				checkFrench(t, en, p)
			}
		}
	}
}

// checkFrench checks one translation p of the English prompt en.
func checkFrench(t *testing.T, en, p *prompts.Prompt) {
	t.Helper()
	at := p.File + ":" + itoa(p.Line) + ": " + p.ID
	if p.Text == en.Text {
		t.Errorf("%s: text is the English one", at)
	}
	if ratio := float64(utf8.RuneCountInString(p.Text)) / float64(utf8.RuneCountInString(en.Text)); ratio < 0.6 || ratio > 1.8 {
		t.Errorf("%s: text is %.1f times as long as the English one; keep the prompt's length", at, ratio)
	}
	essay, idea, ok := strings.Cut(p.Source, " : ")
	if !ok || !(strings.Contains(essay, "The Daring Journey of a Staff Engineer") || strings.Contains(essay, "Padok")) || len(strings.Fields(idea)) < 4 || p.Source == en.Source {
		t.Errorf("%s: source %q: want the essay (« The Daring Journey of a Staff Engineer » (OpenClassrooms), or le VP Engineering de Padok), \" : \", then the idea in French", at, p.Source)
	}
	fields := map[string]string{"text": p.Text, "try": p.Try, "followup": p.Followup, "scale": p.Scale[0] + " | " + p.Scale[1], "source": p.Source}
	for name, v := range fields {
		if m := frenchPunctRE.FindString(v); m != "" {
			t.Errorf("%s: %s has %q: French puts a space before ? ! ; and :", at, name, m)
		}
		if strings.Contains(v, "...") {
			t.Errorf("%s: %s has \"...\": write \"…\"", at, name)
		}
		if p.Audience == prompts.AudiencePrivate && name != "source" && vousRE.MatchString(v) {
			t.Errorf("%s: %s says %q: the bot says \"tu\" to a member", at, name, vousRE.FindString(v))
		}
	}
	// A team prompt's experiment invites the channel, as its text does:
	// « Essayons… », not « Essaie… ».
	if p.Audience == prompts.AudienceTeam && tuRE.MatchString(p.Try) {
		t.Errorf("%s: team try line says %q: invite the group (« essayons »)", at, tuRE.FindString(p.Try))
	}
	if p.Form == prompts.FormScale && (p.Scale == en.Scale || p.Scale[0] == "" || p.Scale[1] == "") {
		t.Errorf("%s: scale %q: want both labels in French", at, p.Scale)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
