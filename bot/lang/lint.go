package lang

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/language"
)

// Problem is one thing wrong in an operator's message file.
type Problem struct {
	File string
	Line int // 0 when the problem is the file's as a whole
	Msg  string
	// Warning marks a message the bot never shows (an unknown id): the
	// files still load, the message is just unused.
	Warning bool
}

func (p Problem) String() string {
	s := p.File
	if p.Line > 0 {
		s = fmt.Sprintf("%s:%d", s, p.Line)
	}
	if p.Warning {
		return s + ": warning: " + p.Msg
	}
	return s + ": " + p.Msg
}

// Lint checks the operator's message files in dir (NAME.LANG.toml, as Load
// reads them) against the built-in messages: each file parses and is named
// after a language; each message is one the bot shows (an unknown id is a
// typo, never shown); its text is a valid template using only the values the
// bot passes for it (those the built-in languages use, and Count for a
// message with plural forms); and a message with plural forms keeps them.
// It returns the problems, and how many message files it read. Only an
// unknown id is a Warning: every other problem would show a member a
// broken sentence, so serve refuses to start with one.
func Lint(dir string) ([]Problem, int, error) {
	builtin, err := builtinMessages()
	if err != nil {
		return nil, 0, err
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.*.toml"))
	if err != nil {
		return nil, 0, err
	}
	var problems []Problem
	for _, n := range names {
		problems = append(problems, lintFile(n, builtin)...)
	}
	return problems, len(names), nil
}

// builtinMsg is what the built-in files say of one message id.
type builtinMsg struct {
	plural bool
	values []string // every value a built-in text of it uses
}

// builtinMessages reads every built-in file.
func builtinMessages() (map[string]*builtinMsg, error) {
	names, err := fs.Glob(builtinFS, "messages/*.toml")
	if err != nil {
		return nil, err
	}
	msgs := map[string]*builtinMsg{}
	for _, n := range names {
		data, err := builtinFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var raw map[string]any
		if err := toml.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("built-in messages %s: %w", n, err)
		}
		for id, v := range raw {
			m := msgs[id]
			if m == nil {
				m = &builtinMsg{}
				msgs[id] = m
			}
			forms, plural := messageForms(v)
			m.plural = m.plural || plural
			for _, f := range forms {
				m.values = append(m.values, templateValues(f)...)
			}
		}
	}
	return msgs, nil
}

// messageForms is a message's texts, and whether it has plural forms.
func messageForms(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, false
	case map[string]any:
		var forms []string
		for _, f := range v {
			if s, ok := f.(string); ok {
				forms = append(forms, s)
			}
		}
		return forms, true
	}
	return nil, false
}

var (
	actionRE = regexp.MustCompile(`\{\{(.*?)\}\}`)
	valueRE  = regexp.MustCompile(`\.([A-Z][A-Za-z0-9]*)`)
)

// templateValues are the names of the values a text's template uses.
func templateValues(text string) []string {
	var names []string
	for _, a := range actionRE.FindAllStringSubmatch(text, -1) {
		for _, m := range valueRE.FindAllStringSubmatch(a[1], -1) {
			names = append(names, m[1])
		}
	}
	return names
}

// lintFile checks one operator file.
func lintFile(file string, builtin map[string]*builtinMsg) []Problem {
	tag := strings.TrimPrefix(path.Ext(strings.TrimSuffix(filepath.Base(file), ".toml")), ".")
	if _, err := language.Parse(tag); err != nil {
		return []Problem{{File: file, Msg: fmt.Sprintf("%q is not a language tag (name the file NAME.LANG.toml, such as messages.de.toml)", tag)}}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return []Problem{{File: file, Msg: err.Error()}}
	}
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		p := Problem{File: file, Msg: err.Error()}
		if pe, ok := err.(toml.ParseError); ok {
			p.Line, p.Msg = pe.Position.Line, pe.Message
		}
		return []Problem{p}
	}
	lines := strings.Split(string(data), "\n")
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var problems []Problem
	for _, id := range ids {
		at := Problem{File: file, Line: lineOf(lines, id)}
		want, ok := builtin[id]
		if !ok {
			at.Msg, at.Warning = fmt.Sprintf("%s is not a message the bot shows; check its spelling in bot/lang/messages", id), true
			problems = append(problems, at)
			continue
		}
		forms, plural := messageForms(raw[id])
		if want.plural && !plural {
			at.Msg = fmt.Sprintf("%s needs plural forms, such as [%s] with one = \"…\" and other = \"…\"", id, id)
			problems = append(problems, at)
			continue
		}
		allowed := want.values
		if plural {
			allowed = append(slices.Clone(allowed), "Count")
		}
		for _, f := range forms {
			if _, err := template.New(id).Parse(f); err != nil {
				at.Msg = fmt.Sprintf("%s: %v", id, err)
				problems = append(problems, at)
				continue
			}
			for _, v := range templateValues(f) {
				if !slices.Contains(allowed, v) {
					at.Msg = fmt.Sprintf("%s uses {{.%s}}, which the bot does not give it (it gives %s)", id, v, valueList(allowed))
					problems = append(problems, at)
				}
			}
		}
	}
	return problems
}

// valueList names the values a message is given: ".A, .B", or "none".
func valueList(values []string) string {
	values = slices.Compact(slices.Sorted(slices.Values(values)))
	if len(values) == 0 {
		return "none"
	}
	return "." + strings.Join(values, ", .")
}

// lineOf is the line of the file where message id starts, 0 if not found.
func lineOf(lines []string, id string) int {
	for i, l := range lines {
		l = strings.TrimSpace(l)
		for _, start := range []string{id, `"` + id + `"`, "[" + id + "]", `["` + id + `"]`} {
			if rest, ok := strings.CutPrefix(l, start); ok {
				if rest = strings.TrimSpace(rest); rest == "" || rest[0] == '=' {
					return i + 1
				}
			}
		}
	}
	return 0
}
