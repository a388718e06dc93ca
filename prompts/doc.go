// Package prompts is mentorbot's catalog of reflection prompts: the prompt
// files built into the binary, the operator's files laid over them, and a
// picker that shows every prompt of a theme once before it repeats any.
//
// It imports neither Slack nor bbolt. The bot turns prompts into Block Kit
// and stores history; this package only reads files and chooses.
//
// # The catalog
//
// A Catalog is a list of themes, each a list of prompts. Builtin parses the
// files embedded from catalog/*.md, one per theme, and their translations in
// catalog/LANG/*.md; the built-in themes are
// ThemeIDs, in DESIGN.md order. WithOverlay returns a new catalog with an
// operator's directory (MENTOR_PROMPTS_DIR) applied: it may add themes, add
// prompts to a theme, replace a prompt by defining its id again, or withdraw
// one with "retired: true". Load reads any directory of prompt files as a
// catalog of its own, for tests. Lint and LintOverlay report every problem in
// a directory, each as "file:line: message", for `mentorbot prompts lint`.
// Nothing is loaded half-way: Builtin, Load and WithOverlay return Problems
// instead of a catalog when any file is invalid.
//
// # The format
//
// A prompt file is Markdown: front matter naming the theme, then one
// "## id" section per prompt, with "key: value" field lines, a blank line,
// and the text.
//
//	---
//	theme: impostor
//	title: Impostor syndrome
//	summary: Doubting you belong in the room, and doing the work anyway.
//	---
//
//	## impostor-quiet-question
//	audience: private
//	roles: ic, staff
//	source: Padok's VP of Engineering, on going back to hands-on work: the impostor feeling comes back.
//
//	Think of the last time you kept a question to yourself...
//
// Lines within a paragraph are joined with a space, because Slack shows each
// newline as a line break. docs/prompt-format.md is the full reference.
//
// # Languages
//
// The files directly in a directory are English, the base language. A
// subdirectory named by a two-letter language code (catalog/fr, or
// MENTOR_PROMPTS_DIR/de) translates them: the same themes and ids, the same
// audience, roles and form, with the text, scale labels, try, follow-up and
// source in that language. Catalog.Localize returns a prompt in a member's
// language and Catalog.ThemeIn a theme's title and summary; either falls back
// to English when the language lacks it, so a language can be added a theme
// at a time. Lint reports an id or a field that differs from English as a
// problem, and each prompt a language lacks as a warning at the English
// prompt's line (Catalog.Untranslated lists them). Replacing an English
// prompt in an overlay drops its translations, which were made for the old
// text.
//
// Every prompt has one audience: private (a member reflects alone) or team
// (worded for a group, what broadcasts post). The first edition's fields,
// "audience: ROLES" and "kind:", still load, with warnings (Catalog.Warnings)
// saying what to write instead; Problem.Warning marks them, and only other
// problems stop a load.
//
// # Picking without repeats
//
// Catalog.Pick chooses a prompt for a member (or a channel) from their
// history. Within a theme, no prompt is shown twice until every prompt of the
// pool has been shown; then a new cycle starts, marked in history, and it
// does not open with the prompt that closed the last one. Prompts for the
// member's role come first. Pick.Restarted says when a cycle starts again
// because the member has seen every prompt, so the bot can tell them once.
// PickOptions.Audience keeps a member's private pool and a channel's team
// pool apart; RoleOnly narrows a broadcast to a role, or to prompts for
// everyone. The choice is random but reproducible from the
// *rand.Rand passed in, and costs the entries since the theme's cycle began,
// not the whole history.
//
// # Caveats
//
// History must reach back to each theme's cycle marker. A caller that passes
// only the newest N entries may cut a cycle short, and the prompts before the
// cut count as unseen again.
//
// Cycles are per theme, not per audience. A team pick that starts a new
// cycle also ends the theme's private cycle if both share one history, so
// keep a member's history and a channel's history apart, as the bot does.
//
// Ids are forever. History names prompts by id: a renamed prompt is a new
// prompt to everyone, and an id reused for another question is skipped by
// everyone who saw the old one. A prompt an overlay moves to another theme
// starts afresh there, because history records the theme it was picked from.
//
// Choosing among all themes is uniform by theme, not by prompt: a theme with
// 15 prompts is picked as often as one with 40.
//
// The 3,000-character limit is on a prompt's text alone. A view that puts
// more in the same Slack section must leave room.
//
// Catalogs are immutable and safe for concurrent use; the themes and prompts
// they hand out are shared and must not be modified. The overlay directory is
// read when WithOverlay is called: edits to it take effect on restart.
package prompts
