package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mentorbot/mentorbot/prompts"
)

// promptsCmd is `mentorbot prompts lint|list`, for prompt authors.
func promptsCmd(args []string, getenv envFunc, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: mentorbot prompts lint [DIR] | prompts list [--theme T] [--json]")
	}
	switch args[0] {
	case "lint":
		return promptsLint(args[1:], stdout)
	case "list":
		return promptsList(args[1:], getenv, stdout, stderr)
	default:
		return fmt.Errorf("unknown prompts command %q: use lint or list", args[0])
	}
}

// promptsLint checks the built-in catalog, or DIR as an operator overlay on
// top of it, and prints every problem as file:line: what is wrong.
func promptsLint(args []string, stdout io.Writer) error {
	if len(args) > 1 {
		return errors.New("usage: mentorbot prompts lint [DIR]")
	}
	base, err := prompts.Builtin()
	if len(args) == 0 {
		if err != nil {
			return fmt.Errorf("built-in catalog:\n%w", err)
		}
		fmt.Fprintf(stdout, "built-in catalog: %d themes, %d prompts, no problems\n", len(base.Themes()), base.Len())
		return nil
	}
	if err != nil {
		return fmt.Errorf("built-in catalog:\n%w", err)
	}
	dir := args[0]
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}
	// "No problems" about a directory with nothing in it would hide a wrong
	// path (the parent folder, a typo'd subfolder) from the author.
	files, err := promptFiles(dir)
	if err != nil {
		return err
	}
	if files == 0 {
		return fmt.Errorf("%s: no prompt files (*.md) in it; nothing was checked", dir)
	}
	if problems := prompts.LintOverlay(base, dir); len(problems) > 0 {
		return fmt.Errorf("%d problem(s):\n%w", len(problems), problems)
	}
	fmt.Fprintf(stdout, "%s: %d file(s), no problems\n", dir, files)
	return nil
}

// promptFiles counts the files in dir the catalog loads: visible *.md files,
// in any case.
func promptFiles(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && strings.EqualFold(filepath.Ext(e.Name()), ".md") {
			n++
		}
	}
	return n, nil
}

// promptsList prints the catalog, as text for people or JSON for tools.
func promptsList(args []string, getenv envFunc, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("prompts list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	theme := fs.String("theme", "", "only this theme (id or unique prefix)")
	asJSON := fs.Bool("json", false, "print JSON")
	dir := fs.String("dir", lookupDefault(getenv, "MENTOR_PROMPTS_DIR", ""), "operator prompt directory to overlay")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := loadCatalog(*dir)
	if err != nil {
		return err
	}
	themes := c.Themes()
	if *theme != "" {
		t, err := c.ResolveTheme(*theme)
		if err != nil {
			return err
		}
		themes = []*prompts.Theme{t}
	}
	if *asJSON {
		return writeJSON(stdout, themes)
	}
	for _, t := range themes {
		fmt.Fprintf(stdout, "# %s — %s (%d)\n%s\n\n", t.ID, t.Title, len(t.Prompts), t.Summary)
		for _, p := range t.Prompts {
			fmt.Fprintf(stdout, "%s  (%s · %s)\n  %s\n", p.ID, strings.Join(p.Audiences, ", "), strings.Join(p.Kinds, ", "), p.Text)
			if p.Try != "" {
				fmt.Fprintf(stdout, "  Try: %s\n", p.Try)
			}
			fmt.Fprintln(stdout)
		}
	}
	return nil
}

type jsonPrompt struct {
	ID        string   `json:"id"`
	Theme     string   `json:"theme"`
	Text      string   `json:"text"`
	Audiences []string `json:"audience"`
	Kinds     []string `json:"kind"`
	Try       string   `json:"try,omitempty"`
	Source    string   `json:"source,omitempty"`
}

type jsonTheme struct {
	ID      string       `json:"id"`
	Title   string       `json:"title"`
	Summary string       `json:"summary"`
	Prompts []jsonPrompt `json:"prompts"`
}

func writeJSON(w io.Writer, themes []*prompts.Theme) error {
	out := make([]jsonTheme, 0, len(themes))
	for _, t := range themes {
		jt := jsonTheme{ID: t.ID, Title: t.Title, Summary: t.Summary, Prompts: []jsonPrompt{}}
		for _, p := range t.Prompts {
			jt.Prompts = append(jt.Prompts, jsonPrompt{p.ID, p.Theme, p.Text, p.Audiences, p.Kinds, p.Try, p.Source})
		}
		out = append(out, jt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
