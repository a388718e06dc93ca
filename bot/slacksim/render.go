package slacksim

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Button is an interactive button as Render numbers it for a terminal.
type Button struct {
	N        int // 1-based, in reading order
	Text     string
	ActionID string
	BlockID  string
	Value    string
}

// ruleWidth is the width of a divider.
const ruleWidth = 40

// block is the part of any Block Kit block Render reads.
type block struct {
	Type      string            `json:"type"`
	BlockID   string            `json:"block_id"`
	Text      *textObj          `json:"text"`
	Fields    []textObj         `json:"fields"`
	Accessory json.RawMessage   `json:"accessory"`
	Elements  []json.RawMessage `json:"elements"`
	Label     *textObj          `json:"label"`
	Hint      *textObj          `json:"hint"`
	Optional  bool              `json:"optional"`
	Element   json.RawMessage   `json:"element"`
	AltText   string            `json:"alt_text"`
	Title     *textObj          `json:"title"`
}

type textObj struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// Renderer turns messages and views into terminal text the way Slack's
// clients show them: mrkdwn formatted, mentions and channels by name
// ("@lee", "#team"), entities decoded, every input showing its initial
// value, and buttons numbered in reading order ("[1 Reflect]"). The zero
// Renderer shows ids for names and no colour.
type Renderer struct {
	// UserName returns the handle a <@U…> mention shows; nil or false shows the id.
	UserName func(id string) (string, bool)
	// ChannelName returns the name a <#C…> link shows; nil or false shows the
	// name the link carries, else the id.
	ChannelName func(id string) (string, bool)
	// GroupName returns the handle a <!subteam^S…> mention shows (without
	// the @); nil or false shows the label the mention carries, else the id.
	GroupName func(id string) (string, bool)
	// Color marks bold, italic, code, links, mentions and placeholders with
	// ANSI escapes; leave it false unless the output is a terminal and
	// NO_COLOR is unset.
	Color bool

	// raw keeps text as the app sent it and controls as their placeholders:
	// the stable form Render gives tests.
	raw bool
}

// Renderer returns a Renderer that names users and channels as this server
// knows them at the time of rendering.
func (s *Server) Renderer(color bool) Renderer {
	return Renderer{
		Color: color,
		UserName: func(id string) (string, bool) {
			s.mu.Lock()
			defer s.mu.Unlock()
			u, ok := s.ws.users[id]
			return u.Name, ok
		},
		ChannelName: func(id string) (string, bool) {
			s.mu.Lock()
			defer s.mu.Unlock()
			c, ok := s.ws.channels[id]
			return c.Name, ok
		},
	}
}

// renderer accumulates lines and numbered buttons.
type renderer struct {
	Renderer
	lines   []string
	buttons []Button
	errors  map[string]string // field errors of a view, by block_id
}

// Render turns a message's text and Block Kit blocks into plain text for a
// terminal, and lists its buttons numbered as they appear ("[1 Reflect]").
// Headers are upper-cased and underlined, section fields laid out in two
// columns, context in parentheses, dividers as a rule; mrkdwn, mentions and
// entities are kept as sent and inputs show their placeholders, so tests can
// match what the app sent. Without blocks the text is the message. Blocks
// Render does not know show as "[type]". Renderer.Message shows what a
// member sees instead.
func Render(text string, blocks json.RawMessage) (string, []Button) {
	return Renderer{raw: true}.Message(text, blocks)
}

// Message renders a message's blocks, or its text when it has none, and
// lists its buttons.
func (r Renderer) Message(text string, blocks json.RawMessage) (string, []Button) {
	var bs []block
	if len(blocks) == 0 || json.Unmarshal(blocks, &bs) != nil || len(bs) == 0 {
		if r.raw {
			return text, nil
		}
		return r.mrkdwn(text), nil
	}
	rr := &renderer{Renderer: r}
	for _, b := range bs {
		rr.block(b)
	}
	return strings.Join(rr.lines, "\n"), rr.buttons
}

func (r *renderer) add(lines ...string) { r.lines = append(r.lines, lines...) }

func (r *renderer) block(b block) {
	switch b.Type {
	case "header":
		h := textOf(b.Text)
		if !r.raw {
			h = r.plain(b.Text)
		}
		h = strings.ToUpper(h)
		r.add(r.style(bold, h), strings.Repeat("=", utf8.RuneCountInString(h)))
	case "section":
		r.section(b)
	case "context":
		var parts []string
		for _, raw := range b.Elements {
			parts = append(parts, r.elementText(raw))
		}
		r.add(r.style(dim, "("+strings.Join(parts, " · ")+")"))
	case "divider":
		r.add(strings.Repeat("─", ruleWidth))
	case "actions":
		var parts []string
		for _, raw := range b.Elements {
			parts = append(parts, r.control(b.BlockID, raw))
		}
		r.add(strings.Join(parts, " "))
	case "input":
		r.input(b)
	case "image":
		r.add(fmt.Sprintf("[image: %s]", b.AltText))
	case "rich_text":
		r.add(r.richText(b.Elements))
	default:
		r.add("[" + b.Type + "]")
	}
}

func (r *renderer) section(b block) {
	if b.Text != nil {
		r.add(r.text(b.Text))
	}
	r.add(r.columns(b.Fields)...)
	if len(b.Accessory) > 0 {
		r.add(r.control(b.BlockID, b.Accessory))
	}
}

// input is a form field: its label, its control showing the value it holds,
// and the error the app answered for it, if any.
func (r *renderer) input(b block) {
	if r.raw {
		r.add(fmt.Sprintf("%s: %s", textOf(b.Label), r.control(b.BlockID, b.Element)))
		return
	}
	label := r.plain(b.Label)
	if b.Optional {
		label += " (optional)"
	}
	ctl := r.control(b.BlockID, b.Element)
	if !strings.HasPrefix(ctl, "\n") { // a multiline value starts on its own line
		ctl = " " + ctl
	}
	r.add(r.style(bold, label) + ":" + ctl)
	if b.Hint != nil {
		r.add(r.style(dim, "  "+r.plain(b.Hint)))
	}
	if msg, ok := r.errors[b.BlockID]; ok {
		r.add(r.style(red, "  ! "+msg))
	}
}

// columns lays fields out two by two, the left column padded to one width.
func (r *renderer) columns(fields []textObj) []string {
	width := 0
	cells := make([]string, len(fields))
	for i, f := range fields {
		cells[i] = r.fieldCell(f)
		if i%2 == 0 {
			width = max(width, visibleLen(cells[i]))
		}
	}
	var out []string
	for i := 0; i < len(cells); i += 2 {
		if i+1 == len(cells) {
			out = append(out, cells[i])
			break
		}
		pad := width - visibleLen(cells[i])
		out = append(out, cells[i]+strings.Repeat(" ", pad)+"   "+cells[i+1])
	}
	return out
}

// fieldCell turns the common "*Label*\nvalue" field into "Label: value".
func (r *renderer) fieldCell(f textObj) string {
	text := f.Text
	if label, value, ok := strings.Cut(text, "\n"); ok && len(label) > 2 &&
		strings.HasPrefix(label, "*") && strings.HasSuffix(label, "*") {
		if r.raw {
			text = strings.Trim(label, "*") + ": " + value
		} else {
			return r.text(&textObj{Type: f.Type, Text: label + ":"}) + " " +
				strings.ReplaceAll(r.text(&textObj{Type: f.Type, Text: value}), "\n", " ")
		}
	}
	if !r.raw {
		text = r.text(&textObj{Type: f.Type, Text: text})
	}
	return strings.ReplaceAll(text, "\n", " ")
}

// elementText is a context element: a text object or an image's alt text.
func (r *renderer) elementText(raw json.RawMessage) string {
	var e struct {
		Type    string `json:"type"`
		Text    string `json:"text"`
		AltText string `json:"alt_text"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	if e.Type == "image" {
		return "[" + e.AltText + "]"
	}
	if r.raw {
		return e.Text
	}
	return r.text(&textObj{Type: e.Type, Text: e.Text})
}

// text renders a text object: mrkdwn formatted, plain_text as it is.
func (r *renderer) text(t *textObj) string {
	switch {
	case t == nil:
		return ""
	case r.raw:
		return t.Text
	case t.Type == "mrkdwn":
		return r.mrkdwn(t.Text)
	}
	return t.Text
}

// plain is a plain_text object's text, or a mrkdwn one's without styling.
func (r Renderer) plain(t *textObj) string {
	if t == nil {
		return ""
	}
	if t.Type == "mrkdwn" {
		return Renderer{UserName: r.UserName, ChannelName: r.ChannelName, GroupName: r.GroupName}.mrkdwn(t.Text)
	}
	return t.Text
}

func textOf(t *textObj) string {
	if t == nil {
		return ""
	}
	return t.Text
}
