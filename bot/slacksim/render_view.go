package slacksim

import (
	"encoding/json"
	"strings"
)

// View renders a modal or a Home tab as views.* methods return it: a modal's
// title on top and its submit and close buttons at the bottom ("[Save]
// [Cancel]", not numbered: a terminal session submits and cancels with its
// own commands); each field's error from errors (by block_id, as a
// response_action "errors" gives them) under the field. Buttons in the
// blocks are numbered as in Message.
func (r Renderer) View(view json.RawMessage, errors map[string]string) (string, []Button) {
	var v struct {
		Type   string   `json:"type"`
		Title  *textObj `json:"title"`
		Submit *textObj `json:"submit"`
		Close  *textObj `json:"close"`
		Blocks []block  `json:"blocks"`
	}
	if json.Unmarshal(view, &v) != nil {
		return "[a view that cannot be read]", nil
	}
	rr := &renderer{Renderer: r, errors: errors}
	if v.Title != nil {
		t := r.plain(v.Title)
		rr.add(r.style(bold, t), strings.Repeat("─", visibleLen(t)))
	}
	for _, b := range v.Blocks {
		rr.block(b)
	}
	if v.Type == "modal" {
		var foot []string
		if v.Submit != nil {
			foot = append(foot, r.style(green, "["+r.plain(v.Submit)+"]"))
		}
		closeText := "Close"
		if v.Close != nil {
			closeText = r.plain(v.Close)
		}
		rr.add(strings.Join(append(foot, "["+closeText+"]"), " "))
	}
	return strings.Join(rr.lines, "\n"), rr.buttons
}
