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
	Element   json.RawMessage   `json:"element"`
	AltText   string            `json:"alt_text"`
	Title     *textObj          `json:"title"`
}

type textObj struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// element is the part of a block element or rich text piece Render reads.
type element struct {
	Type        string            `json:"type"`
	ActionID    string            `json:"action_id"`
	Text        json.RawMessage   `json:"text"` // an object in buttons, a string in rich text
	Value       string            `json:"value"`
	Placeholder *textObj          `json:"placeholder"`
	AltText     string            `json:"alt_text"`
	URL         string            `json:"url"`
	Elements    []json.RawMessage `json:"elements"`
}

// renderer accumulates lines and numbered buttons.
type renderer struct {
	lines   []string
	buttons []Button
}

// Render turns a message's text and Block Kit blocks into plain text for a
// terminal, and lists its buttons numbered as they appear ("[1 Reflect]").
// Headers are upper-cased and underlined, section fields laid out in two
// columns, context in parentheses, dividers as a rule; mrkdwn is kept as is.
// Without blocks the text is the message. Blocks Render does not know show
// as "[type]".
func Render(text string, blocks json.RawMessage) (string, []Button) {
	var bs []block
	if len(blocks) == 0 || json.Unmarshal(blocks, &bs) != nil || len(bs) == 0 {
		return text, nil
	}
	r := &renderer{}
	for _, b := range bs {
		r.block(b)
	}
	return strings.Join(r.lines, "\n"), r.buttons
}

func (r *renderer) add(lines ...string) { r.lines = append(r.lines, lines...) }

func (r *renderer) block(b block) {
	switch b.Type {
	case "header":
		h := strings.ToUpper(textOf(b.Text))
		r.add(h, strings.Repeat("=", utf8.RuneCountInString(h)))
	case "section":
		r.section(b)
	case "context":
		var parts []string
		for _, raw := range b.Elements {
			parts = append(parts, elementText(raw))
		}
		r.add("(" + strings.Join(parts, " · ") + ")")
	case "divider":
		r.add(strings.Repeat("─", ruleWidth))
	case "actions":
		var parts []string
		for _, raw := range b.Elements {
			parts = append(parts, r.control(b.BlockID, raw))
		}
		r.add(strings.Join(parts, " "))
	case "input":
		r.add(fmt.Sprintf("%s: %s", textOf(b.Label), r.control(b.BlockID, b.Element)))
	case "image":
		r.add(fmt.Sprintf("[image: %s]", b.AltText))
	case "rich_text":
		r.add(richText(b.Elements))
	default:
		r.add("[" + b.Type + "]")
	}
}

func (r *renderer) section(b block) {
	if b.Text != nil {
		r.add(b.Text.Text)
	}
	r.add(columns(b.Fields)...)
	if len(b.Accessory) > 0 {
		r.add(r.control(b.BlockID, b.Accessory))
	}
}

// columns lays fields out two by two, the left column padded to one width.
func columns(fields []textObj) []string {
	width := 0
	cells := make([]string, len(fields))
	for i, f := range fields {
		cells[i] = fieldCell(f.Text)
		if i%2 == 0 {
			width = max(width, utf8.RuneCountInString(cells[i]))
		}
	}
	var out []string
	for i := 0; i < len(cells); i += 2 {
		if i+1 == len(cells) {
			out = append(out, cells[i])
			break
		}
		pad := width - utf8.RuneCountInString(cells[i])
		out = append(out, cells[i]+strings.Repeat(" ", pad)+"   "+cells[i+1])
	}
	return out
}

// fieldCell turns the common "*Label*\nvalue" field into "Label: value".
func fieldCell(text string) string {
	if label, value, ok := strings.Cut(text, "\n"); ok && len(label) > 2 &&
		strings.HasPrefix(label, "*") && strings.HasSuffix(label, "*") {
		text = strings.Trim(label, "*") + ": " + value
	}
	return strings.ReplaceAll(text, "\n", " ")
}

// control renders an interactive element; buttons get the next number.
func (r *renderer) control(blockID string, raw json.RawMessage) string {
	var e element
	if json.Unmarshal(raw, &e) != nil {
		return "[?]"
	}
	switch e.Type {
	case "button":
		b := Button{N: len(r.buttons) + 1, Text: textOf(e.textObj()), ActionID: e.ActionID, BlockID: blockID, Value: e.Value}
		r.buttons = append(r.buttons, b)
		return fmt.Sprintf("[%d %s]", b.N, b.Text)
	case "image":
		return fmt.Sprintf("[image: %s]", e.AltText)
	case "plain_text_input":
		return "[" + placeholder(e, "________") + "]"
	}
	return fmt.Sprintf("<%s: %s>", e.Type, placeholder(e, "…"))
}

func placeholder(e element, def string) string {
	if e.Placeholder != nil && e.Placeholder.Text != "" {
		return e.Placeholder.Text
	}
	return def
}

func (e element) textObj() *textObj {
	var t textObj
	if json.Unmarshal(e.Text, &t) != nil {
		return nil
	}
	return &t
}

// elementText is a context element: a text object or an image's alt text.
func elementText(raw json.RawMessage) string {
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
	return e.Text
}

// richText flattens rich_text sections, lists and quotes to their text.
func richText(elems []json.RawMessage) string {
	var b strings.Builder
	for _, raw := range elems {
		var e element
		if json.Unmarshal(raw, &e) != nil {
			continue
		}
		var s string
		switch {
		case json.Unmarshal(e.Text, &s) == nil:
			b.WriteString(s)
		case e.Type == "link":
			b.WriteString(e.URL)
		case len(e.Elements) > 0:
			if b.Len() > 0 && e.Type != "rich_text_section" {
				b.WriteString("\n")
			}
			b.WriteString(richText(e.Elements))
		}
	}
	return b.String()
}

func textOf(t *textObj) string {
	if t == nil {
		return ""
	}
	return t.Text
}
