package lang

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"golang.org/x/text/language"
)

// MaxFileSize is the largest message file Load and Lint read. The built-in
// files are a few kilobytes each; anything near this is a mistake (a log
// pasted in, a generated file), and reading it would delay start-up.
const MaxFileSize = 1 << 20

// messageFileRE is how an operator's message file is named: NAME.LANG.toml.
var messageFileRE = regexp.MustCompile(`^[^.].*\.[^.]+\.toml$`)

// messageFiles returns the message files of dir, as Load reads them, and a
// problem for each *.toml file (in any case) that Load would pass over: one
// not named NAME.LANG.toml in dir, or one in a subdirectory.
func messageFiles(dir string) ([]string, []Problem, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	var problems []Problem
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "."):
		case e.IsDir():
			sub, err := os.ReadDir(filepath.Join(dir, n))
			if err != nil {
				return nil, nil, err
			}
			for _, f := range sub {
				if !f.IsDir() && isTOML(f.Name()) && !strings.HasPrefix(f.Name(), ".") {
					problems = append(problems, Problem{File: filepath.Join(dir, n, f.Name()),
						Msg: fmt.Sprintf("message files go directly in %s, not in a subdirectory: move it there, named NAME.LANG.toml", dir)})
				}
			}
		case messageFileRE.MatchString(n):
			names = append(names, filepath.Join(dir, n))
		case isTOML(n):
			problems = append(problems, Problem{File: filepath.Join(dir, n),
				Msg: "a message file is named NAME.LANG.toml, in lower case, such as messages.de.toml; this one is not read"})
		}
	}
	return names, problems, nil
}

func isTOML(name string) bool { return strings.EqualFold(path.Ext(name), ".toml") }

// fileLang is the LANG of a file named NAME.LANG.toml.
func fileLang(file string) string {
	return strings.TrimPrefix(path.Ext(strings.TrimSuffix(filepath.Base(file), ".toml")), ".")
}

// fileLangProblem says what is wrong with the LANG of file, named
// NAME.LANG.toml, or "" when it is a language's base code in lower case
// ("de"). Languages are kept by base code, as prompt folders are named (a
// member's Slack locale de-DE or de-AT gets de): a file named "de-DE" or
// "DE" would load, then be merged into de or hidden by it, so it is refused
// with the name it should have.
func fileLangProblem(file string) string {
	tag := fileLang(file)
	t, err := language.Parse(tag)
	if err != nil {
		return fmt.Sprintf("%q is not a language tag (name the file NAME.LANG.toml, such as messages.de.toml)", tag)
	}
	base, _ := t.Base()
	if b := base.String(); b != tag {
		name := filepath.Base(file)
		return fmt.Sprintf("a language is named by its two-letter base code: rename it %q; members of every %s-… locale get it",
			strings.TrimSuffix(name, tag+".toml")+b+".toml", b)
	}
	return ""
}

// readMessageFile reads file, refusing one over MaxFileSize before reading it.
func readMessageFile(file string) ([]byte, *Problem) {
	f, err := os.Open(file)
	if err != nil {
		return nil, &Problem{File: file, Msg: err.Error()}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &Problem{File: file, Msg: err.Error()}
	}
	if len(data) > MaxFileSize {
		return nil, &Problem{File: file, Msg: fmt.Sprintf("too large: a message file may hold at most %d KiB", MaxFileSize>>10)}
	}
	return data, nil
}

// pluralForms are the CLDR plural categories a plural message may give.
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// valueShape says what is wrong with the TOML value of message id ("" when
// nothing): a string, or when the message has plural forms a table of them
// with at least "other".
func valueShape(id string, v any, plural bool) string {
	switch v := v.(type) {
	case string:
		if plural {
			return fmt.Sprintf("%s needs plural forms, such as [%s] with one = \"…\" and other = \"…\"", id, id)
		}
		return ""
	case map[string]any:
		if !plural {
			return fmt.Sprintf("%s has no plural forms: give it one text, %s = \"…\"", id, id)
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range v {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			if !slices.Contains(pluralForms, k) {
				return fmt.Sprintf("%s: %q is not a plural form (use %s)", id, k, strings.Join(pluralForms, ", "))
			}
			if _, ok := v[k].(string); !ok {
				return fmt.Sprintf("%s: %s must be a string (text in quotes)", id, k)
			}
		}
		if _, ok := v["other"]; !ok {
			return fmt.Sprintf("%s needs the plural form other, used for every count no other form covers", id)
		}
		return ""
	}
	if plural {
		return fmt.Sprintf("%s must be a table of plural forms, such as [%s] with one = \"…\" and other = \"…\"", id, id)
	}
	return fmt.Sprintf("%s must be a string (text in quotes)", id)
}

// checkTemplate parses text and runs it once with the values the bot gives
// message id (allowed), each a sample string and Count a number, so a text
// that could never be shown is refused at start rather than shown broken.
func checkTemplate(id, text string, allowed []string) string {
	t, err := template.New(id).Option("missingkey=zero").Parse(text)
	if err != nil {
		return fmt.Sprintf("%s: %v", id, err)
	}
	for _, v := range templateValues(text) {
		if !slices.Contains(allowed, v) {
			return fmt.Sprintf("%s uses {{.%s}}, which the bot does not give it (it gives %s)", id, v, valueList(allowed))
		}
	}
	if len(t.Templates()) > 1 {
		return fmt.Sprintf("%s: {{define}} and {{block}} are not for messages; write the text itself", id)
	}
	data := map[string]any{}
	for _, v := range allowed {
		data[v] = "sample"
	}
	data["Count"] = 2
	if err := t.Execute(io.Discard, data); err != nil {
		return fmt.Sprintf("%s: the text cannot be shown: %v", id, err)
	}
	return ""
}

// unnamedLanguages is a problem for each language the files add (one the
// binary does not have) that none of them gives a lang_name, the name
// `language` and the settings form show.
func unnamedLanguages(files []string, named map[string]bool) []Problem {
	builtin := map[string]bool{}
	if c, err := Builtin(); err == nil {
		for _, l := range c.Languages() {
			builtin[l] = true
		}
	}
	var problems []Problem
	seen := map[string]bool{}
	for _, f := range files {
		l := fileLang(f)
		if fileLangProblem(f) != "" || builtin[l] || named[l] || seen[l] {
			continue // a bad name is its own problem
		}
		seen[l] = true
		problems = append(problems, Problem{File: f, Msg: fmt.Sprintf("language %s has no lang_name: give lang_name = \"…\", the language's own name, which members choose it by", l)})
	}
	return problems
}
