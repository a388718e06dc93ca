package slacksim

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// element is the part of a block element or rich text piece Render reads.
type element struct {
	Type        string            `json:"type"`
	ActionID    string            `json:"action_id"`
	Text        json.RawMessage   `json:"text"` // an object in buttons, a string in rich text
	Value       string            `json:"value"`
	Style       json.RawMessage   `json:"style"` // a string in buttons, an object in rich text
	Placeholder *textObj          `json:"placeholder"`
	AltText     string            `json:"alt_text"`
	URL         string            `json:"url"`
	Elements    []json.RawMessage `json:"elements"`
	Multiline   bool              `json:"multiline"`

	// What inputs, selects and pickers hold before the member touches them.
	InitialValue         string        `json:"initial_value"`
	InitialOption        *option       `json:"initial_option"`
	InitialOptions       []option      `json:"initial_options"`
	InitialTime          string        `json:"initial_time"`
	InitialDate          string        `json:"initial_date"`
	InitialDateTime      int64         `json:"initial_date_time"`
	InitialUser          string        `json:"initial_user"`
	InitialUsers         []string      `json:"initial_users"`
	InitialConversation  string        `json:"initial_conversation"`
	InitialConversations []string      `json:"initial_conversations"`
	InitialChannel       string        `json:"initial_channel"`
	InitialChannels      []string      `json:"initial_channels"`
	Options              []option      `json:"options"`
	OptionGroups         []optionGroup `json:"option_groups"`

	// Rich text pieces.
	UserID      string `json:"user_id"`
	ChannelID   string `json:"channel_id"`
	UsergroupID string `json:"usergroup_id"`
	Range       string `json:"range"`
	Name        string `json:"name"`
}

type option struct {
	Text  textObj `json:"text"`
	Value string  `json:"value"`
}

type optionGroup struct {
	Options []option `json:"options"`
}

// control renders an interactive element; buttons get the next number.
// Outside raw mode every element shows the value it holds, as Slack does,
// and its placeholder only when it holds none.
func (r *renderer) control(blockID string, raw json.RawMessage) string {
	var e element
	if json.Unmarshal(raw, &e) != nil {
		return "[?]"
	}
	switch e.Type {
	case "button":
		b := Button{N: len(r.buttons) + 1, Text: textOf(e.textObj()), ActionID: e.ActionID, BlockID: blockID, Value: e.Value}
		r.buttons = append(r.buttons, b)
		label := fmt.Sprintf("[%d %s]", b.N, b.Text)
		switch e.styleName() {
		case "primary":
			return r.style(green, label)
		case "danger":
			return r.style(red, label)
		}
		return r.style(bold, label)
	case "image":
		return fmt.Sprintf("[image: %s]", e.AltText)
	case "plain_text_input":
		if r.raw {
			return "[" + placeholder(e, "________") + "]"
		}
	}
	if r.raw {
		return fmt.Sprintf("<%s: %s>", e.Type, placeholder(e, "…"))
	}
	return r.valueOf(e)
}

// valueOf shows what a non-button element holds: "[value]" for text,
// "[value ▾]" for selects and pickers, ticked boxes for checkboxes and
// radio buttons; the placeholder, dimmed, when it holds nothing.
func (r *renderer) valueOf(e element) string {
	var vals []string
	menu := " ▾"
	switch e.Type {
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		menu = ""
		if e.InitialValue != "" {
			vals = []string{e.InitialValue}
		}
		if e.Multiline && e.InitialValue != "" {
			return "\n" + indent(e.InitialValue, "  │ ")
		}
	case "static_select", "external_select":
		if e.InitialOption != nil {
			vals = []string{r.plain(&e.InitialOption.Text)}
		}
	case "multi_static_select", "multi_external_select":
		for _, o := range e.InitialOptions {
			vals = append(vals, r.plain(&o.Text))
		}
	case "timepicker":
		vals = nonEmpty(e.InitialTime)
	case "datepicker":
		vals = nonEmpty(e.InitialDate)
	case "datetimepicker":
		if e.InitialDateTime > 0 {
			vals = []string{time.Unix(e.InitialDateTime, 0).UTC().Format("2006-01-02 15:04 UTC")}
		}
	case "users_select", "multi_users_select":
		for _, id := range append(nonEmpty(e.InitialUser), e.InitialUsers...) {
			vals = append(vals, "@"+r.userName(id))
		}
	case "conversations_select", "multi_conversations_select", "channels_select", "multi_channels_select":
		ids := append(nonEmpty(e.InitialConversation), e.InitialConversations...)
		for _, id := range append(append(ids, nonEmpty(e.InitialChannel)...), e.InitialChannels...) {
			vals = append(vals, "#"+r.channelName(id, ""))
		}
	case "checkboxes", "radio_buttons":
		return r.choices(e)
	case "overflow":
		return "[⋯]"
	default:
		return "[" + e.Type + "]"
	}
	if len(vals) == 0 {
		return "[" + r.style(dim, placeholder(e, "")) + menu + "]"
	}
	return "[" + strings.Join(vals, ", ") + menu + "]"
}

// choices lays out checkboxes "[x] A  [ ] B" and radio buttons "(•) A  ( ) B".
func (r *renderer) choices(e element) string {
	chosen := map[string]bool{}
	for _, o := range e.InitialOptions {
		chosen[o.Value] = true
	}
	if e.InitialOption != nil {
		chosen[e.InitialOption.Value] = true
	}
	on, off := "[x] ", "[ ] "
	if e.Type == "radio_buttons" {
		on, off = "(•) ", "( ) "
	}
	var parts []string
	for _, o := range e.Options {
		mark := off
		if chosen[o.Value] {
			mark = on
		}
		parts = append(parts, mark+r.text(&o.Text))
	}
	return strings.Join(parts, "  ")
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
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

// styleName is a button's style ("primary", "danger" or "").
func (e element) styleName() string {
	var s string
	_ = json.Unmarshal(e.Style, &s)
	return s
}

// richText flattens rich_text sections, lists and quotes to their text;
// outside raw mode mentions show names and styled text its style.
func (r *renderer) richText(elems []json.RawMessage) string {
	var b strings.Builder
	for _, raw := range elems {
		var e element
		if json.Unmarshal(raw, &e) != nil {
			continue
		}
		var s string
		switch {
		case json.Unmarshal(e.Text, &s) == nil:
			b.WriteString(r.richStyle(e, s))
		case e.Type == "link":
			b.WriteString(r.style(underline, e.URL))
		case r.raw:
			if len(e.Elements) > 0 {
				if b.Len() > 0 && e.Type != "rich_text_section" {
					b.WriteString("\n")
				}
				b.WriteString(r.richText(e.Elements))
			}
		case e.Type == "user":
			b.WriteString(r.style(mention, "@"+r.userName(e.UserID)))
		case e.Type == "channel":
			b.WriteString(r.style(mention, "#"+r.channelName(e.ChannelID, "")))
		case e.Type == "usergroup":
			b.WriteString(r.style(mention, "@"+e.UsergroupID))
		case e.Type == "broadcast":
			b.WriteString(r.style(mention, "@"+e.Range))
		case e.Type == "emoji":
			b.WriteString(":" + e.Name + ":")
		case len(e.Elements) > 0:
			if b.Len() > 0 && e.Type != "rich_text_section" {
				b.WriteString("\n")
			}
			inner := r.richText(e.Elements)
			if e.Type == "rich_text_quote" {
				inner = indent(inner, "│ ")
			} else if e.Type == "rich_text_preformatted" {
				inner = indent(inner, "    ")
			}
			b.WriteString(inner)
		}
	}
	return b.String()
}

// richStyle applies a rich text piece's bold, italic, strike and code.
func (r *renderer) richStyle(e element, s string) string {
	if r.raw || len(e.Style) == 0 {
		return s
	}
	var st struct{ Bold, Italic, Strike, Code bool }
	_ = json.Unmarshal(e.Style, &st)
	switch {
	case st.Code:
		return r.style(code, s)
	case st.Bold:
		return r.style(bold, s)
	case st.Italic:
		return r.style(italic, s)
	case st.Strike:
		return r.style(strike, s)
	}
	return s
}
