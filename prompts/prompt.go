package prompts

import "slices"

// Kinds of prompt. A prompt has at least one.
const (
	// KindReflection is a private question a member asks themselves, sent in
	// a DM or answered in the reflection modal.
	KindReflection = "reflection"
	// KindDiscussion is a topic a team can discuss in a thread, sent by a
	// lead's broadcast.
	KindDiscussion = "discussion"
)

// themeOrder is the built-in themes in DESIGN.md order. An array, not a
// slice, so the package's own copy cannot be changed through ThemeIDs.
var themeOrder = [...]string{
	"impostor", "hands-on", "last-mile", "vision", "empathy", "daring",
	"experiments", "first-principles", "communication", "delegation",
	"growth", "quality-speed",
}

// audienceOrder and kindOrder are the allowed values, in the order messages
// list them.
var (
	audienceOrder = [...]string{"ic", "staff", "manager", "lead"}
	kindOrder     = [...]string{KindReflection, KindDiscussion}
)

// ThemeIDs lists the built-in theme ids in DESIGN.md order. The catalog may
// add themes but never renames these. It is read-only: it is a copy, so
// changing it changes nothing in this package.
var ThemeIDs = slices.Clone(themeOrder[:])

// Audiences lists the roles a prompt may address: individual contributor,
// staff engineer, manager, and lead. It is read-only in the same way as
// ThemeIDs.
var Audiences = slices.Clone(audienceOrder[:])

// Prompt is one question from the catalog. A catalog hands out shared
// pointers to its prompts: treat them as read-only.
type Prompt struct {
	ID        string   // unique across the catalog and never reused; history refers to it
	Theme     string   // the id of the theme it belongs to
	Text      string   // Slack mrkdwn; paragraphs separated by "\n\n"
	Audiences []string // a non-empty subset of Audiences
	Kinds     []string // a non-empty subset of KindReflection, KindDiscussion
	Try       string   // an optional small experiment for the week
	Source    string   // which essay and which idea the prompt comes from
	File      string   // where the prompt was defined, for messages
	Line      int      // the line of its "## id" heading, 1-based
}

// For reports whether the prompt addresses role. The empty role matches
// every prompt.
func (p Prompt) For(role string) bool {
	return role == "" || slices.Contains(p.Audiences, role)
}

// Is reports whether the prompt is of the given kind. The empty kind matches
// every prompt.
func (p Prompt) Is(kind string) bool {
	return kind == "" || slices.Contains(p.Kinds, kind)
}

// Theme is a group of prompts about one hard part of the job.
type Theme struct {
	ID      string
	Title   string    // shown by /mentor themes
	Summary string    // one line, shown by /mentor themes
	Prompts []*Prompt // live prompts in file order; read-only
}
