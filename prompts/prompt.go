package prompts

import "slices"

// Audiences of a prompt. Every prompt has exactly one.
const (
	// AudiencePrivate is a question a member reflects on alone, sent in a DM
	// or answered in the reflection form. It never reaches a channel.
	AudiencePrivate = "private"
	// AudienceTeam is a topic worded for a group ("we", "our team"), what a
	// lead's broadcast posts in a channel.
	AudienceTeam = "team"
)

// Forms of prompt: how a member answers it.
const (
	// FormQuestion is an open question, the default.
	FormQuestion = "question"
	// FormFinish is a sentence for the member to finish; its text ends with
	// an ellipsis.
	FormFinish = "finish"
	// FormScale asks for a rating from 1 to 5, then what would move it one
	// point higher; Prompt.Scale says what 1 and 5 mean.
	FormScale = "scale"
	// FormScenario is a short situation followed by a question.
	FormScenario = "scenario"
)

// themeOrder is the built-in themes in DESIGN.md order. An array, not a
// slice, so the package's own copy cannot be changed through ThemeIDs.
var themeOrder = [...]string{
	"impostor", "hands-on", "last-mile", "vision", "empathy", "daring",
	"experiments", "first-principles", "communication", "delegation",
	"growth", "quality-speed",
}

// roleOrder and audienceOrder are the allowed values, in the order messages
// list them.
var (
	roleOrder     = [...]string{"ic", "staff", "manager", "lead"}
	audienceOrder = [...]string{AudiencePrivate, AudienceTeam}
	formOrder     = [...]string{FormQuestion, FormFinish, FormScale, FormScenario}
)

// ThemeIDs lists the built-in theme ids in DESIGN.md order. The catalog may
// add themes but never renames these. It is read-only: it is a copy, so
// changing it changes nothing in this package.
var ThemeIDs = slices.Clone(themeOrder[:])

// Roles lists the roles a prompt may be written for: individual
// contributor, staff engineer, manager, and lead. It is read-only in the same
// way as ThemeIDs.
var Roles = slices.Clone(roleOrder[:])

// Prompt is one question from the catalog. A catalog hands out shared
// pointers to its prompts: treat them as read-only.
type Prompt struct {
	ID       string // unique across the catalog and never reused; history refers to it
	Theme    string // the id of the theme it belongs to
	Text     string // Slack mrkdwn; paragraphs separated by "\n\n"
	Audience string // AudiencePrivate or AudienceTeam
	// Roles are the roles the prompt is written for, a subset of Roles in
	// that order; empty means everyone.
	Roles []string
	// Form is how the member answers: FormQuestion, FormFinish, FormScale
	// or FormScenario.
	Form string
	// Scale, for FormScale, says what 1 and 5 mean: Scale[0] is 1.
	Scale    [2]string
	Try      string // an optional small experiment for the week
	Followup string // an optional question asked after the member answers
	Source   string // which essay and which idea the prompt comes from
	File     string // where the prompt was defined, for messages
	Line     int    // the line of its "## id" heading, 1-based
}

// For reports whether the prompt is written for role. The empty role, and a
// prompt for everyone, match.
func (p Prompt) For(role string) bool {
	return role == "" || len(p.Roles) == 0 || slices.Contains(p.Roles, role)
}

// ForEveryone reports whether the prompt suits every role: it names none, or
// all of them.
func (p Prompt) ForEveryone() bool {
	return len(p.Roles) == 0 || len(p.Roles) == len(roleOrder)
}

// Is reports whether the prompt has the given audience. The empty audience
// matches every prompt.
func (p Prompt) Is(audience string) bool {
	return audience == "" || p.Audience == audience
}

// Theme is a group of prompts about one hard part of the job.
type Theme struct {
	ID      string
	Title   string    // shown by /mentor themes
	Summary string    // one line, shown by /mentor themes
	Prompts []*Prompt // live prompts in file order; read-only
}

// Count returns how many of the theme's live prompts have the audience.
func (t *Theme) Count(audience string) int {
	n := 0
	for _, p := range t.Prompts {
		if p.Is(audience) {
			n++
		}
	}
	return n
}
