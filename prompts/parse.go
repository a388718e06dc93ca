package prompts

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// idRE is the syntax of theme and prompt ids: they end up in history records,
// button values and commands, so they are kept to one plain lowercase word
// with dashes.
var idRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Limits on a prompt. Slack rejects a section block whose text is longer than
// 3,000 characters, and an action id or button value over 255; history keeps
// ids, so they stay short.
const (
	maxIDLen   = 64
	maxTextLen = 3000
)

// file is one parsed prompt file, checked on its own but not yet against the
// rest of its directory or a base catalog.
type file struct {
	name      string
	theme     string // "" when missing or malformed, already reported
	themeLine int
	title     string
	summary   string
	titleLine int
	sumLine   int
	sections  []*section
}

// section is one "## id" prompt section.
type section struct {
	p       Prompt
	retired bool
	seen    map[string]bool // field keys given, to report a repeated one
	// bad holds the fields with an unknown value, already reported, so
	// that they are not reported again as missing.
	bad map[string]bool
	// The first edition's fields, kept working so that operators' files
	// still load: "audience: ic, staff" listed roles, and "kind:" said
	// reflection or discussion. Lines are 0 when not given.
	oldAudienceLine, kindLine, rolesLine, scaleLine, formLine int
	kinds                                                     []string
}

// parser walks the lines of one file, collecting problems as it goes.
type parser struct {
	name  string
	lang  string // the base code of the file's language: baseLang, or its directory's
	lines []string
	i     int // index of the next line; its number is i+1
	probs Problems
}

// parseFile parses one prompt file written in lang (a base code such as
// "en"). It returns the file with every prompt it could read, and every
// problem found in it.
func parseFile(name, lang string, data []byte) (*file, Problems) {
	p := &parser{name: name, lang: lang, lines: splitLines(data)}
	p.characters()
	f := &file{name: name}
	if p.frontMatter(f) {
		p.sections(f)
	}
	return f, p.probs
}

// splitLines splits data into lines without their line endings, tolerating
// CRLF and a leading byte-order mark, as Windows editors write them.
func splitLines(data []byte) []string {
	s := strings.TrimPrefix(string(data), "\uFEFF")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// characters reports every line that is not valid UTF-8 (a file saved as
// Latin-1, say) or holds a control character other than a tab: a NUL from a
// binary file, a carriage return from old Mac line ends, an escape sequence
// pasted from a terminal. None belongs in a Slack message, and each would
// reach one unseen by whoever reviewed the file.
func (p *parser) characters() {
	for i, l := range p.lines {
		if !utf8.ValidString(l) {
			p.problem(i+1, "not valid UTF-8")
		}
		if j := strings.IndexFunc(l, isControl); j >= 0 {
			r, _ := utf8.DecodeRuneInString(l[j:])
			p.problem(i+1, "contains a control character %U", r)
		}
	}
}

// isControl reports whether r is a control character a prompt file may not
// hold: any but the tab. Line ends are gone by then.
func isControl(r rune) bool { return r != '\t' && unicode.IsControl(r) }

func (p *parser) problem(line int, format string, args ...any) {
	p.probs = append(p.probs, Problem{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// warn records something the bot accepts but the author should change.
func (p *parser) warn(line int, format string, args ...any) {
	p.probs = append(p.probs, Problem{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// frontMatter reads the block between the two "---" lines. It reports false
// when there is none, because the rest of the file cannot be placed then.
func (p *parser) frontMatter(f *file) bool {
	for p.i < len(p.lines) && strings.TrimSpace(p.lines[p.i]) == "" {
		p.i++
	}
	if p.i == len(p.lines) || strings.TrimSpace(p.lines[p.i]) != "---" {
		p.problem(min(p.i+1, len(p.lines)), `no front matter: the file must start with a "---" line`)
		return false
	}
	open := p.i + 1
	seen := map[string]bool{}
	for p.i++; p.i < len(p.lines); p.i++ {
		line := strings.TrimSpace(p.lines[p.i])
		if line == "---" {
			p.i++
			if !seen["theme"] {
				p.problem(open, "missing theme in front matter")
			}
			return true
		}
		if line == "" {
			continue
		}
		if isHeading(line) {
			break // a prompt: the closing line is missing, not the prompt malformed
		}
		key, val, ok := splitField(line)
		switch {
		case !ok:
			p.problem(p.i+1, `want "key: value" in front matter, got %q`, line)
		case seen[key]:
			p.problem(p.i+1, "duplicate front-matter key %q", key)
		default:
			seen[key] = true
			p.frontField(f, key, val)
		}
	}
	p.problem(open, `front matter is not closed by a "---" line`)
	return false
}

func (p *parser) frontField(f *file, key, val string) {
	line := p.i + 1
	switch key {
	case "theme":
		if !idRE.MatchString(val) || len(val) > maxIDLen {
			p.problem(line, "bad theme id %q: use lowercase letters, digits and single dashes", val)
			return
		}
		f.theme, f.themeLine = val, line
	case "title":
		f.title, f.titleLine = val, line
	case "summary":
		f.summary, f.sumLine = val, line
	default:
		p.problem(line, "unknown front-matter key %q (want theme, title, summary)", key)
	}
}

// splitField splits a "key: value" line, lowercasing the key and trimming
// both. Only the first colon counts, so values may contain colons.
func splitField(line string) (key, val string, ok bool) {
	k, v, ok := strings.Cut(line, ":")
	k = strings.ToLower(strings.TrimSpace(k))
	if !ok || k == "" {
		return "", "", false
	}
	return k, strings.TrimSpace(v), true
}

// isHeading reports whether line starts a prompt section.
func isHeading(line string) bool {
	return strings.HasPrefix(line, "## ") || strings.TrimSpace(line) == "##"
}

// sections reads every prompt section after the front matter.
func (p *parser) sections(f *file) {
	reported := false
	for p.i < len(p.lines) {
		if isHeading(p.lines[p.i]) {
			f.sections = append(f.sections, p.section(f.theme))
			continue
		}
		if strings.TrimSpace(p.lines[p.i]) != "" && !reported {
			p.problem(p.i+1, `text before the first "## id" heading`)
			reported = true
		}
		p.i++
	}
}

// section reads one prompt: its heading, its field lines, and its text up to
// the next heading.
func (p *parser) section(theme string) *section {
	id := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p.lines[p.i]), "##"))
	s := &section{
		p:    Prompt{ID: id, Theme: theme, File: p.name, Line: p.i + 1},
		seen: map[string]bool{},
		bad:  map[string]bool{},
	}
	if !idRE.MatchString(id) || len(id) > maxIDLen {
		p.problem(s.p.Line, "bad prompt id %q: use lowercase letters, digits and single dashes, at most %d characters", id, maxIDLen)
	}
	p.i++
	p.fields(s)
	start := p.i
	for p.i < len(p.lines) && !isHeading(p.lines[p.i]) {
		p.i++
	}
	s.p.Text = joinText(p.lines[start:p.i])
	p.checkSection(s)
	return s
}

// fields reads the "key: value" lines under a heading, up to the first blank
// line. A line that is not a field ends them and counts as text, so a missing
// blank line gives one problem, not one per line of text.
func (p *parser) fields(s *section) {
	for ; p.i < len(p.lines); p.i++ {
		line := strings.TrimSpace(p.lines[p.i])
		if line == "" || isHeading(p.lines[p.i]) {
			return
		}
		key, val, ok := splitField(line)
		if !ok {
			p.problem(p.i+1, `want a "key: value" field line (a blank line separates the fields from the text)`)
			return
		}
		if s.seen[key] {
			p.problem(p.i+1, "duplicate field %q", key)
			continue
		}
		s.seen[key] = true
		p.field(s, key, val)
	}
}

func (p *parser) field(s *section, key, val string) {
	switch key {
	case "audience":
		p.audience(s, val)
	case "roles":
		s.rolesLine = p.i + 1
		s.p.Roles = p.list(s, key, val, roleOrder[:])
	case "kind":
		s.kindLine = p.i + 1
		s.kinds = p.list(s, key, val, kindOrder[:])
	case "form":
		s.formLine = p.i + 1
		if v := strings.ToLower(val); slices.Contains(formOrder[:], v) {
			s.p.Form = v
		} else {
			p.problem(p.i+1, "unknown form %q (want %s)", val, strings.Join(formOrder[:], ", "))
			s.bad[key] = true
		}
	case "scale":
		s.scaleLine = p.i + 1
		lo, hi, ok := strings.Cut(val, "|")
		s.p.Scale = [2]string{strings.TrimSpace(lo), strings.TrimSpace(hi)}
		if !ok || s.p.Scale[0] == "" || s.p.Scale[1] == "" || strings.Contains(hi, "|") {
			p.problem(p.i+1, `scale wants what 1 and 5 mean, separated by "|": "scale: not at all | completely"`)
			s.bad[key] = true
		}
	case "source":
		s.p.Source = val
	case "try":
		s.p.Try = val
	case "followup":
		s.p.Followup = val
	case "retired":
		switch strings.ToLower(val) {
		case "true":
			s.retired = true
		case "false":
		default:
			p.problem(p.i+1, `retired must be "true" or "false", got %q`, val)
		}
	default:
		p.problem(p.i+1, "unknown field %q (want audience, roles, form, scale, source, try, followup, retired; a blank line separates the fields from the text)", key)
	}
}

// audience reads "audience: private" or "audience: team", or the first
// edition's list of roles, which checkSection turns into roles.
func (p *parser) audience(s *section, val string) {
	v := strings.ToLower(val)
	if slices.Contains(audienceOrder[:], v) {
		s.p.Audience = v
		return
	}
	var roles []string
	for _, r := range strings.Split(v, ",") {
		r = strings.TrimSpace(r)
		if !slices.Contains(roleOrder[:], r) {
			p.problem(p.i+1, "unknown audience %q (want private or team; roles go in \"roles: ic, staff\")", val)
			s.bad["audience"] = true
			return
		}
		roles = append(roles, r)
	}
	s.oldAudienceLine = p.i + 1
	s.p.Roles = roles
}

// list parses a comma-separated list, lowercased and without duplicates,
// reporting values outside allowed.
func (p *parser) list(s *section, key, val string, allowed []string) []string {
	var out []string
	for _, v := range strings.Split(val, ",") {
		v = strings.ToLower(strings.TrimSpace(v))
		switch {
		case v == "" || slices.Contains(out, v):
		case !slices.Contains(allowed, v):
			p.problem(p.i+1, "unknown %s %q (want %s)", strings.TrimSuffix(key, "s"), v, strings.Join(allowed, ", "))
			s.bad[key] = true
		default:
			out = append(out, v)
		}
	}
	return out
}

// checkSection checks what one prompt needs whatever catalog it joins.
func (p *parser) checkSection(s *section) {
	id, line := s.p.ID, s.p.Line
	if s.retired {
		if s.p.Text != "" {
			p.problem(line, "retired prompt %q has text: a retired prompt is only its heading and retired: true", id)
		}
		return
	}
	if s.p.Text == "" {
		p.problem(line, "prompt %q has no text", id)
	}
	if n := utf8.RuneCountInString(s.p.Text); n > maxTextLen {
		p.problem(line, "prompt %q text is %d characters, over Slack's limit of %d", id, n, maxTextLen)
	}
	for _, f := range [...]struct{ name, val string }{{"try", s.p.Try}, {"followup", s.p.Followup}} {
		if n := utf8.RuneCountInString(f.val); n > maxTextLen {
			p.problem(line, "prompt %q %s is %d characters, over Slack's limit of %d", id, f.name, n, maxTextLen)
		}
	}
	old := p.firstEdition(s)
	if s.p.Audience == "" && !s.bad["audience"] {
		p.problem(line, "prompt %q has no audience (want private or team)", id)
	}
	s.p.Roles = ordered(s.p.Roles)
	p.checkWording(s, old)
	p.checkForm(s)
}

// firstEdition turns the first edition's "audience: ROLES" and "kind:"
// lines into roles and an audience, with a warning saying what to write
// instead, so that an operator's old files still load. A prompt of kind
// discussion alone becomes a team prompt; any other becomes private, which
// never exposes anyone in a channel. It reports whether the prompt used the
// old fields.
func (p *parser) firstEdition(s *section) bool {
	if s.oldAudienceLine > 0 {
		if s.rolesLine > 0 {
			p.problem(s.oldAudienceLine, `audience lists roles and roles is given too: write "audience: private" or "audience: team"`)
		} else {
			p.warn(s.oldAudienceLine, `audience lists roles (first-edition format): move them to "roles: %s" and write "audience: private" or "audience: team"`, strings.Join(s.p.Roles, ", "))
		}
	}
	if s.kindLine == 0 {
		return s.oldAudienceLine > 0
	}
	if s.p.Audience != "" || s.bad["audience"] {
		p.problem(s.kindLine, `kind is the first-edition form of audience: remove it`)
		return true
	}
	if s.bad["kind"] {
		return true
	}
	s.p.Audience = AudiencePrivate
	if len(s.kinds) == 1 && s.kinds[0] == kindDiscussion {
		s.p.Audience = AudienceTeam
	}
	p.warn(s.kindLine, `kind is replaced by audience (first-edition format): write "audience: %s"`, s.p.Audience)
	return true
}

// ordered returns roles in Roles order, or nil when they name every role:
// such a prompt is for everyone.
func ordered(roles []string) []string {
	if len(roles) == 0 || len(roles) == len(roleOrder) {
		return nil
	}
	var out []string
	for _, r := range roleOrder {
		if slices.Contains(roles, r) {
			out = append(out, r)
		}
	}
	return out
}

// joinText turns the text lines of a section into Slack mrkdwn. Authors wrap
// lines at about 100 columns, and Slack shows every newline as a line break,
// so lines within a paragraph are joined with a space; paragraphs stay
// separated by a blank line. A list item or a quote keeps its own line, as a
// reader of the Markdown file would expect.
func joinText(lines []string) string {
	var b strings.Builder
	blank := false // a blank line came after some text
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			blank = b.Len() > 0
			continue
		case b.Len() == 0:
		case blank:
			b.WriteString("\n\n")
		case startsLine(t):
			b.WriteByte('\n')
		default:
			b.WriteByte(' ')
		}
		b.WriteString(t)
		blank = false
	}
	return b.String()
}

// startsLine reports whether a text line is a list item or a quote, which
// must not be joined to the line before it.
func startsLine(t string) bool {
	for _, mark := range []string{"- ", "* ", "• ", ">"} {
		if strings.HasPrefix(t, mark) {
			return true
		}
	}
	digits := len(t) - len(strings.TrimLeft(t, "0123456789"))
	rest := t[digits:]
	return digits > 0 && (strings.HasPrefix(rest, ". ") || strings.HasPrefix(rest, ") "))
}
