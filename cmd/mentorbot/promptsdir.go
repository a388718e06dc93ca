package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
)

// dirCheck is what loading an operator's MENTOR_PROMPTS_DIR found. serve,
// try and `prompts lint DIR` all get it from checkPromptsDir, so that lint
// refuses exactly what serve refuses, with the same lines.
type dirCheck struct {
	catalog  *prompts.Catalog // nil when there are problems
	messages *lang.Catalog    // nil when there are problems
	// problems stop serve; warnings are what the bot loads as it is but
	// the author should look at. Each is a "file:line: what" line.
	problems, warnings        []string
	promptFiles, messageFiles int
}

// checkPromptsDir loads dir's prompt files over the built-in catalog and its
// message files over the built-in messages, with every check of each.
func checkPromptsDir(dir string) (*dirCheck, error) {
	base, err := prompts.Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in catalog:\n%w", err)
	}
	d := &dirCheck{}
	if d.promptFiles, err = promptFiles(dir); err != nil {
		return nil, err
	}
	// Every layout goes through the catalog's checks, even one without a
	// prompt file directly in dir: a misnamed language directory ("DE",
	// "de-DE") is a problem beside message files or alone.
	for _, p := range prompts.LintOverlay(base, dir) {
		if p.Warning {
			d.warnings = append(d.warnings, p.String())
		} else {
			d.problems = append(d.problems, p.String())
		}
	}
	if len(d.problems) == 0 {
		if d.catalog, err = base.WithOverlay(dir); err != nil {
			d.problems = append(d.problems, err.Error())
		}
	}
	lp, n, err := lang.Lint(dir)
	if err != nil {
		return nil, err
	}
	d.messageFiles = n
	errs, warnings := splitProblems(lp)
	d.problems, d.warnings = append(d.problems, errs...), append(d.warnings, warnings...)
	if len(errs) == 0 {
		if d.messages, err = lang.Load(dir); err != nil {
			d.problems = append(d.problems, err.Error())
		}
	}
	if d.catalog != nil && d.messages != nil {
		d.warnings = append(d.warnings, halfLanguages(dir, d.catalog, d.messages)...)
	}
	return d, nil
}

// halfLanguages warns of a language with prompt files but no messages, whose
// prompts no member ever sees (a member gets a language only through its
// message file), and of one with messages but no prompts.
func halfLanguages(dir string, c *prompts.Catalog, m *lang.Catalog) []string {
	var out []string
	for _, l := range c.Languages() {
		if !m.Speaks(l) {
			out = append(out, fmt.Sprintf("%s/%s: warning: no message file gives language %s a lang_name (such as messages.%s.toml), so no member gets %s and these prompts are never shown", dir, l, l, l, l))
		}
	}
	for _, l := range m.Languages() {
		if !slices.Contains(c.Languages(), l) {
			out = append(out, fmt.Sprintf("%s: warning: language %s has messages but no prompt files (%s/%s/*.md): its members get every prompt in English", dir, l, dir, l))
		}
	}
	return out
}

// refusal is the error serve and try stop with: the problems first, then
// the warnings counted in one line, so the real problem is in the last
// lines of a log that keeps only its tail.
func (d *dirCheck) refusal() error {
	msg := fmt.Sprintf("MENTOR_PROMPTS_DIR: %s:\n%s", count(len(d.problems), "problem"), strings.Join(d.problems, "\n"))
	if len(d.warnings) > 0 {
		msg += fmt.Sprintf("\nand %s: `mentorbot prompts lint DIR` lists them", count(len(d.warnings), "warning"))
	}
	return errors.New(msg)
}

// summary is lint's last line for a directory without problems.
func (d *dirCheck) summary(dir string) string {
	var parts []string
	if d.promptFiles > 0 {
		parts = append(parts, count(d.promptFiles, "file"))
	}
	if d.messageFiles > 0 {
		parts = append(parts, count(d.messageFiles, "message file"))
	}
	if len(d.warnings) > 0 {
		return fmt.Sprintf("%s: %s, %s, no other problems", dir, strings.Join(parts, ", "), count(len(d.warnings), "warning"))
	}
	return fmt.Sprintf("%s: %s, no problems", dir, strings.Join(parts, ", "))
}
