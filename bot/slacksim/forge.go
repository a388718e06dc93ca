package slacksim

import (
	"context"
	"encoding/json"
	"fmt"
)

// Forged payloads: what Slack itself would never send, for testing that an
// app takes identity from the payload's user alone and refuses values and
// metadata that are not that user's. Unlike Click, ClickView and SubmitView
// they check nothing against the simulated workspace.

// ForgeClick is Click with the button's value replaced by value: userID
// clicks the button actionID of msg, anyone's message, as if it carried
// value. The button must be in msg.
func (s *Server) ForgeClick(ctx context.Context, userID string, msg Message, actionID, value string) (*Ack, error) {
	var bs []map[string]any
	if err := json.Unmarshal(msg.Blocks, &bs); err != nil {
		return nil, fmt.Errorf("decode blocks: %w", err)
	}
	found := false
	for _, b := range bs {
		els, _ := b["elements"].([]any)
		if acc, ok := b["accessory"]; ok {
			els = append(els, acc)
		}
		for _, e := range els {
			if el, _ := e.(map[string]any); el["action_id"] == actionID && el["type"] == "button" {
				el["value"], found = value, true
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("slacksim: no button with action_id %q", actionID)
	}
	raw, err := json.Marshal(bs)
	if err != nil {
		return nil, err
	}
	msg.Blocks = raw
	return s.Click(ctx, userID, msg, actionID)
}

// ForgeViewAction delivers the block_actions payload of userID clicking a
// button actionID carrying value in view: a view object as HomeView or
// View.JSON give it, anyone's, showing that button or not.
func (s *Server) ForgeViewAction(ctx context.Context, userID string, view json.RawMessage, actionID, value string) (*Ack, error) {
	var v map[string]any
	if err := json.Unmarshal(view, &v); err != nil {
		return nil, fmt.Errorf("decode view: %w", err)
	}
	return s.Interactive(ctx, userID, map[string]any{
		"type":      "block_actions",
		"container": map[string]any{"type": "view", "view_id": v["id"]},
		"view":      v,
		"state":     v["state"],
		"actions":   []any{map[string]any{"action_id": actionID, "block_id": "forged", "type": "button", "value": value}},
	})
}

// ForgeSubmission delivers the view_submission payload of userID submitting
// view (a view object as View.JSON gives it, anyone's, edited at will) with
// state.values set to values, raw: values[block_id][action_id] is an
// element's state, such as {"type": "plain_text_input", "value": "…"}. The
// ack's response_action is returned, not applied to any modal stack.
func (s *Server) ForgeSubmission(ctx context.Context, userID string, view json.RawMessage, values map[string]map[string]any) (*Ack, error) {
	var v map[string]any
	if err := json.Unmarshal(view, &v); err != nil {
		return nil, fmt.Errorf("decode view: %w", err)
	}
	v["state"] = map[string]any{"values": values}
	return s.Interactive(ctx, userID, map[string]any{"type": "view_submission", "view": v, "response_urls": []any{}})
}
