package prompts

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The first edition's kinds, read only to turn them into an audience.
const kindDiscussion = "discussion"

var kindOrder = [...]string{"reflection", kindDiscussion}

// A team prompt is read aloud to a channel, so it must not single anyone
// out. The check is a heuristic on words, not grammar: English "you" is
// singular and plural alike, and "What do you think?" in a channel still
// lands on whoever reads it, so a team prompt says "we", "our" or "us" and
// never "you" at all. A try line is an invitation, and may say "you".
var (
	secondPersonRE = regexp.MustCompile(`(?i)\b(you|your|yours|yourself|yourselves)\b`)
	firstPluralRE  = regexp.MustCompile(`(?i)\b(we|our|ours|us|ourselves|team)\b`)
)

// maxScenarioLen keeps a scenario short enough to read on a phone before
// the question.
const maxScenarioLen = 700

// checkWording checks that a team prompt speaks to a group, in the languages
// whose words the check knows (English and French); another language's team
// prompts are not checked. A first-edition prompt gets warnings rather than
// problems: it loaded before, and an operator upgrading should not find the
// bot refusing to start.
func (p *parser) checkWording(s *section, old bool) {
	if s.p.Audience != AudienceTeam || s.p.Text == "" {
		return
	}
	w, ok := wordings[p.lang]
	if !ok {
		return
	}
	report := p.problem
	if old {
		report = p.warn
	}
	for _, f := range [...]struct{ name, val string }{{"text", s.p.Text}, {"followup", s.p.Followup}} {
		if word := w.you(f.val); word != "" {
			report(s.p.Line, `team prompt %q says %q in its %s: a channel reads it as aimed at one person; write to the group (%s) or make it private`, s.p.ID, word, f.name, w.we)
		}
	}
	if !w.group(s.p.Text) {
		report(s.p.Line, `team prompt %q does not speak to a group: say %s`, s.p.ID, w.say)
	}
}

// wording is how the team-wording check reads one language: you finds a
// word that addresses the reader, group reports whether the text speaks as a
// group, and we and say quote that language's words in messages.
type wording struct {
	you     func(string) string
	group   func(string) bool
	we, say string
}

// wordings are the languages the team-wording check knows, by base code.
var wordings = map[string]wording{
	baseLang: {
		you:   secondPersonRE.FindString,
		group: firstPluralRE.MatchString,
		we:    `"we", "our team"`,
		say:   `"we", "our" or "us"`,
	},
	"fr": {you: frenchYou, group: frenchGroup, we: `"nous", "notre équipe"`, say: `"nous", "notre" or "nos"`},
}

// frenchWords splits text into its French words, each a run of letters
// with the apostrophe of an elision ("t'", "l'") kept, so that "t'aider" is
// told from the "t" of "a-t-on". It reads as the regular expression
// \p{L}+['’]? would, by hand: every prompt of every language is checked
// each time a catalog loads, and the expression's backtracker, which clears
// its state for each match, cost more than the rest of the load together.
func frenchWords(text string) []string {
	var words []string
	start := -1
	for i, r := range text {
		switch {
		case unicode.IsLetter(r):
			if start < 0 {
				start = i
			}
		case start >= 0:
			end := i
			if r == '\'' || r == '’' {
				end += utf8.RuneLen(r)
			}
			words = append(words, text[start:end])
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, text[start:])
	}
	return words
}

// frenchYouWords address the reader, singular or plural: the bot says "tu"
// to a member, and a team prompt says "nous", never "vous", for the same
// reason it never says "you" in English.
var frenchYouWords = map[string]bool{
	"tu": true, "toi": true, "te": true, "t'": true, "t’": true, "ton": true, "ta": true, "tes": true,
	"tien": true, "tienne": true, "tiens": true, "tiennes": true,
	"vous": true, "votre": true, "vos": true, "vôtre": true, "vôtres": true,
}

// frenchYou returns the first word of text that addresses the reader, or "".
// "Ton" after a determiner is the noun ("le ton d'une revue"), not "your".
func frenchYou(text string) string {
	words := frenchWords(strings.ToLower(text))
	for i, w := range words {
		if !frenchYouWords[w] {
			continue
		}
		if w == "ton" && i > 0 && slices.Contains([]string{"le", "un", "du", "ce", "même", "quel"}, words[i-1]) {
			continue
		}
		return w
	}
	return ""
}

// frenchGroup reports whether text speaks as a group: "nous", "notre",
// "nos", or the team itself.
func frenchGroup(text string) bool {
	for _, w := range frenchWords(strings.ToLower(text)) {
		switch strings.TrimRight(w, "'’") {
		case "nous", "notre", "nos", "nôtre", "nôtres", "équipe", "équipes":
			return true
		}
	}
	return false
}

// checkForm checks the fields each form needs, and that a follow-up is a
// question.
func (p *parser) checkForm(s *section) {
	id, line, text := s.p.ID, s.p.Line, strings.TrimSpace(s.p.Text)
	if s.p.Form == "" && !s.bad["form"] {
		s.p.Form = FormQuestion
	}
	if s.p.Followup != "" && !strings.HasSuffix(s.p.Followup, "?") {
		p.problem(line, "prompt %q followup is not a question: end it with \"?\"", id)
	}
	if s.scaleLine > 0 && s.p.Form != FormScale && !s.bad["form"] {
		p.problem(s.scaleLine, `scale is only for "form: scale"`)
	}
	if text == "" {
		return
	}
	switch s.p.Form {
	case FormFinish:
		if !strings.HasSuffix(text, "…") && !strings.HasSuffix(text, "...") {
			p.problem(line, "prompt %q is a sentence to finish: end its text with \"…\"", id)
		}
	case FormScale:
		if s.scaleLine == 0 {
			p.problem(line, `prompt %q is a scale and has no "scale: WHAT 1 MEANS | WHAT 5 MEANS" field`, id)
		}
	case FormScenario:
		if !strings.HasSuffix(text, "?") {
			p.problem(line, "prompt %q is a scenario: end it with the question it asks", id)
		}
		if n := utf8.RuneCountInString(text); n > maxScenarioLen {
			p.problem(line, "prompt %q is a scenario of %d characters: keep it under %d", id, n, maxScenarioLen)
		}
	}
}
