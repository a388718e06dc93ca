package prompts

import (
	"regexp"
	"strings"
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

// checkWording checks that a team prompt speaks to a group. A first-edition
// prompt gets warnings rather than problems: it loaded before, and an
// operator upgrading should not find the bot refusing to start.
func (p *parser) checkWording(s *section, old bool) {
	if s.p.Audience != AudienceTeam || s.p.Text == "" {
		return
	}
	report := p.problem
	if old {
		report = p.warn
	}
	for _, f := range [...]struct{ name, val string }{{"text", s.p.Text}, {"followup", s.p.Followup}} {
		if w := secondPersonRE.FindString(f.val); w != "" {
			report(s.p.Line, `team prompt %q says %q in its %s: a channel reads it as aimed at one person; write to the group ("we", "our team") or make it private`, s.p.ID, w, f.name)
		}
	}
	if !firstPluralRE.MatchString(s.p.Text) {
		report(s.p.Line, `team prompt %q does not speak to a group: say "we", "our" or "us"`, s.p.ID)
	}
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
