package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/mentorbot/mentorbot/bot/lang"
)

// loadMessages loads the built-in message catalog and the operator's
// message files in dir (NAME.LANG.toml), if any. A file that would show a
// member a broken sentence stops the program with file:line: what is
// wrong; a message the bot never shows is only logged.
func loadMessages(dir string, logger *slog.Logger) (*lang.Catalog, error) {
	if dir == "" {
		return lang.Builtin()
	}
	problems, _, err := lang.Lint(dir)
	if err != nil {
		return nil, fmt.Errorf("MENTOR_PROMPTS_DIR: %w", err)
	}
	if errs, warnings := splitProblems(problems); len(errs) > 0 {
		return nil, fmt.Errorf("MENTOR_PROMPTS_DIR: message files:\n%s", strings.Join(errs, "\n"))
	} else if len(warnings) > 0 {
		logger.Warn("MENTOR_PROMPTS_DIR has messages the bot never shows; `mentorbot prompts lint DIR` lists them",
			"warnings", len(warnings), "first", warnings[0])
	}
	c, err := lang.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("MENTOR_PROMPTS_DIR: %w", err)
	}
	return c, nil
}

// lintMessages checks the message files in dir for `prompts lint`: it
// prints the warnings, and returns how many files it read and an error
// listing the problems, if any.
func lintMessages(dir string, stdout io.Writer) (int, error) {
	problems, files, err := lang.Lint(dir)
	if err != nil {
		return files, err
	}
	errs, warnings := splitProblems(problems)
	for _, w := range warnings {
		fmt.Fprintln(stdout, w)
	}
	if len(errs) > 0 {
		return files, fmt.Errorf("%s in message files:\n%s", count(len(errs), "problem"), strings.Join(errs, "\n"))
	}
	if files > 0 {
		fmt.Fprintf(stdout, "%s: %s, no problems\n", dir, count(files, "message file"))
	}
	return files, nil
}

// splitProblems sorts problems into errors and warnings, as lines.
func splitProblems(problems []lang.Problem) (errs, warnings []string) {
	for _, p := range problems {
		if p.Warning {
			warnings = append(warnings, p.String())
		} else {
			errs = append(errs, p.String())
		}
	}
	return errs, warnings
}
