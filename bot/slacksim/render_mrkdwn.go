package slacksim

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ANSI styles, used only when Renderer.Color is set.
const (
	bold      = "\x1b[1m"
	dim       = "\x1b[2m"
	italic    = "\x1b[3m"
	underline = "\x1b[4m"
	strike    = "\x1b[9m"
	red       = "\x1b[31m"
	green     = "\x1b[32m"
	code      = "\x1b[36m"
	mention   = "\x1b[1;34m"
	reset     = "\x1b[0m"
)

// style wraps s in an ANSI style when colour is on. A style inside s ends
// with a reset, after which st applies again.
func (r Renderer) style(st, s string) string {
	if !r.Color || s == "" {
		return s
	}
	return st + strings.ReplaceAll(s, reset, reset+st) + reset
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// visibleLen is how many columns s takes, its ANSI escapes not counted.
func visibleLen(s string) int {
	return utf8.RuneCountInString(ansiRE.ReplaceAllString(s, ""))
}

func (r Renderer) userName(id string) string {
	if r.UserName != nil {
		if name, ok := r.UserName(id); ok && name != "" {
			return name
		}
	}
	return id
}

// channelName is the channel's name, else the label the link carried, else
// its id.
func (r Renderer) channelName(id, label string) string {
	if r.ChannelName != nil {
		if name, ok := r.ChannelName(id); ok && name != "" {
			return name
		}
	}
	if label != "" {
		return label
	}
	return id
}

// groupName is a user group's handle, else the label the mention carried,
// else its id: Slack shows <!subteam^S0LEADS> as @leads, never as the id.
func (r Renderer) groupName(id, label string) string {
	if r.GroupName != nil {
		if name, ok := r.GroupName(id); ok && name != "" {
			return name
		}
	}
	if label != "" {
		return strings.TrimPrefix(label, "@")
	}
	return id
}

// mrkdwn renders Slack's mrkdwn as its clients show it: *bold*, _italic_,
// ~strike~ and `code` lose their marks (and gain a style with colour),
// ```blocks``` are indented, "> " quotes get a bar, <…> links, mentions and
// channels show their labels or names, and &lt; &gt; &amp; are decoded
// last, so an escaped "&lt;!here&gt;" stays text.
func (r Renderer) mrkdwn(s string) string {
	var b strings.Builder
	for i := 0; ; i++ {
		before, block, found := strings.Cut(s, "```")
		if i%2 == 0 {
			b.WriteString(r.lines(before))
		} else {
			b.WriteString(indent(strings.Trim(decodeEntities(before), "\n"), "    "))
		}
		if !found {
			return b.String()
		}
		if i%2 == 0 && !strings.Contains(block, "```") {
			b.WriteString(r.lines("```" + block)) // an unclosed fence is text
			return b.String()
		}
		s = block
	}
}

// lines formats text line by line: quotes, then inline marks.
func (r Renderer) lines(s string) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		if q, ok := strings.CutPrefix(l, "&gt; "); ok {
			ls[i] = r.style(dim, "│ ") + r.inline(q)
		} else if q, ok := strings.CutPrefix(l, "> "); ok {
			ls[i] = r.style(dim, "│ ") + r.inline(q)
		} else {
			ls[i] = r.inline(l)
		}
	}
	return strings.Join(ls, "\n")
}

// marks are mrkdwn's inline styles by their delimiter.
var marks = map[byte]string{'*': bold, '_': italic, '~': strike, '`': code}

// inline formats one line: angle-bracket links and the marks in marks.
// A mark opens after a boundary (start, space, punctuation) before a
// non-space, and closes on the same line before a boundary, as in Slack,
// so snake_case_names and 2*3*4 stay as typed.
func (r Renderer) inline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '<':
			if end := strings.IndexByte(s[i:], '>'); end > 1 && !strings.ContainsAny(strings.SplitN(s[i+1:i+end], "|", 2)[0], " \t") {
				b.WriteString(r.angle(s[i+1 : i+end]))
				i += end + 1
				continue
			}
		case marks[c] != "" && opens(s, i):
			if end := closes(s, i); end > 0 {
				inner := s[i+1 : end]
				if c == '`' {
					b.WriteString(r.style(code, decodeEntities(inner)))
				} else {
					b.WriteString(r.style(marks[c], r.inline(inner)))
				}
				i = end + 1
				continue
			}
		}
		n := strings.IndexAny(s[i+1:], "<*_~`")
		if n < 0 {
			n = len(s) - i - 1
		}
		b.WriteString(decodeEntities(s[i : i+1+n]))
		i += 1 + n
	}
	return b.String()
}

// opens reports whether the mark at i may open a span.
func opens(s string, i int) bool {
	if i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == s[i] {
		return false
	}
	return i == 0 || boundary(rune(s[i-1]))
}

// closes finds the mark closing the one at i on the same line, or -1.
func closes(s string, i int) int {
	for j := i + 2; j < len(s); j++ {
		switch {
		case s[j] == '\n':
			return -1
		case s[j] == s[i] && s[j-1] != ' ' && (j+1 == len(s) || boundary(rune(s[j+1]))):
			return j
		}
	}
	return -1
}

func boundary(c rune) bool {
	return unicode.IsSpace(c) || (unicode.IsPunct(c) && c != '_' && c != '*' && c != '~' && c != '`') || c > unicode.MaxASCII
}

// angle renders what was between < and > (a target without spaces, then
// an optional |label): a mention, a channel, a special
// mention, a date or a link.
func (r Renderer) angle(s string) string {
	target, label, _ := strings.Cut(s, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		if label != "" && r.UserName == nil {
			return r.style(mention, "@"+label)
		}
		return r.style(mention, "@"+r.userName(target[1:]))
	case strings.HasPrefix(target, "#"):
		return r.style(mention, "#"+r.channelName(target[1:], label))
	case strings.HasPrefix(target, "!subteam^"):
		return r.style(mention, "@"+r.groupName(strings.TrimPrefix(target, "!subteam^"), label))
	case strings.HasPrefix(target, "!date^"):
		return decodeEntities(label)
	case strings.HasPrefix(target, "!"):
		return r.style(mention, "@"+target[1:])
	}
	url := decodeEntities(target)
	if label == "" || label == target {
		return r.style(underline, url)
	}
	return r.style(underline, decodeEntities(label)) + " (" + url + ")"
}

var entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func decodeEntities(s string) string { return entities.Replace(s) }
