package lang

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
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
// reads them) against the built-in messages: each file parses, is at most
// MaxFileSize and is named after a language's base code ("de", never
// "de-DE" or "DE"); a *.toml file named otherwise,
// in dir or in one of its subdirectories, is a problem rather than ignored;
// each message is one the bot shows (an unknown id is a typo, never shown);
// its value is a string, or for a message with plural forms a table of
// plural forms with "other"; its text is a valid template using only the
// values the bot passes for it (those the built-in languages use, and Count
// for a message with plural forms), and it runs with them; a language the
// binary does not have gives its lang_name. It returns the problems, and how
// many message files it read. Only an unknown id is a Warning: every other
// problem would show a member a broken sentence, so serve refuses to start
// with one.
func Lint(dir string) ([]Problem, int, error) {
	builtin, err := builtinMessages()
	if err != nil {
		return nil, 0, err
	}
	names, problems, err := messageFiles(dir)
	if err != nil {
		return nil, 0, err
	}
	named := map[string]bool{} // languages that give a lang_name
	for _, n := range names {
		ps, name := lintFile(n, builtin)
		problems = append(problems, ps...)
		if name || slices.ContainsFunc(ps, func(p Problem) bool { return !p.Warning }) {
			named[fileLang(n)] = true // a broken file is reported once
		}
	}
	problems = append(problems, unnamedLanguages(names, named)...)
	return problems, len(names), nil
}

// builtinMsg is what the built-in files say of one message id.
type builtinMsg struct {
	plural bool
	values []string // every value a built-in text of it uses
}

// builtinMessages is what every built-in file says, read once: the files
// are compiled in, and every Lint (serve with MENTOR_PROMPTS_DIR, prompts
// lint) compared against the same parse. Callers only read it.
var builtinMessages = sync.OnceValues(readBuiltinMessages)

// readBuiltinMessages reads every built-in file.
func readBuiltinMessages() (map[string]*builtinMsg, error) {
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

// lintFile checks one operator file, and says whether it gives lang_name.
func lintFile(file string, builtin map[string]*builtinMsg) ([]Problem, bool) {
	if msg := fileLangProblem(file); msg != "" {
		return []Problem{{File: file, Msg: msg}}, false
	}
	data, p := readMessageFile(file)
	if p != nil {
		return []Problem{*p}, false
	}
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		p := Problem{File: file, Msg: err.Error()}
		if pe, ok := err.(toml.ParseError); ok {
			p.Line, p.Msg = pe.Position.Line, pe.Message
		}
		return []Problem{p}, false
	}
	lineAt := lineIndex(strings.Split(string(data), "\n"))
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var problems []Problem
	for _, id := range ids {
		at := Problem{File: file, Line: lineAt[id]}
		want, ok := builtin[id]
		if !ok {
			at.Msg, at.Warning = fmt.Sprintf("%s is not a message the bot shows; check its spelling in bot/lang/messages", id), true
			problems = append(problems, at)
			continue
		}
		if msg := valueShape(id, raw[id], want.plural); msg != "" {
			at.Msg = msg
			problems = append(problems, at)
			continue
		}
		forms, plural := messageForms(raw[id])
		allowed := want.values
		if plural {
			allowed = append(slices.Clone(allowed), "Count")
		}
		for _, f := range forms {
			if msg := checkTemplate(id, f, allowed); msg != "" {
				at.Msg = msg
				problems = append(problems, at)
			}
		}
	}
	if len(problems) == 0 {
		// What Load will do with the file, so that lint refuses all it refuses.
		if _, err := i18n.ParseMessageFileBytes(data, file, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal}); err != nil {
			problems = append(problems, Problem{File: file, Msg: err.Error()})
		}
	}
	name, _ := raw["lang_name"].(string)
	return problems, strings.TrimSpace(name) != ""
}

// valueList names the values a message is given: ".A, .B", or "none".
func valueList(values []string) string {
	values = slices.Compact(slices.Sorted(slices.Values(values)))
	if len(values) == 0 {
		return "none"
	}
	return "." + strings.Join(values, ", .")
}

// lineIndex maps each message id of a file to the line where it starts
// (`id = …`, `"id" = …`, `[id]`, `["id"]`), its first such line. It reads
// the file once, so a file of thousands of ids lints in linear time.
func lineIndex(lines []string) map[string]int {
	at := make(map[string]int, len(lines))
	for i, l := range lines {
		l = strings.TrimSpace(l)
		var key string
		if rest, ok := strings.CutPrefix(l, "["); ok {
			key, _, ok = strings.Cut(rest, "]")
			if !ok {
				continue
			}
		} else if k, _, ok := strings.Cut(l, "="); ok {
			key = k
		} else {
			continue
		}
		key = strings.Trim(strings.TrimSpace(key), `"`)
		if _, seen := at[key]; !seen && key != "" {
			at[key] = i + 1
		}
	}
	return at
}
