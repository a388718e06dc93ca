package slacksim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// button is an interactive element found in a block list.
type button struct {
	blockID string
	el      map[string]any
}

// findButton finds the button with actionID in an actions block's elements
// or a section's accessory.
func findButton(blocks json.RawMessage, actionID string) (button, error) {
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		return button{}, fmt.Errorf("decode blocks: %w", err)
	}
	for _, b := range bs {
		blockID, _ := b["block_id"].(string)
		els, _ := b["elements"].([]any)
		if acc, ok := b["accessory"]; ok {
			els = append(els, acc)
		}
		for _, e := range els {
			el, _ := e.(map[string]any)
			if id, _ := el["action_id"].(string); id == actionID && el["type"] == "button" {
				return button{blockID: blockID, el: el}, nil
			}
		}
	}
	return button{}, fmt.Errorf("slacksim: no button with action_id %q", actionID)
}

func (b button) action() map[string]any {
	now := time.Now()
	a := map[string]any{
		"action_id": b.el["action_id"], "block_id": b.blockID, "type": "button",
		"action_ts": fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000),
	}
	for _, k := range []string{"text", "value", "style"} {
		if v, ok := b.el[k]; ok {
			a[k] = v
		}
	}
	return a
}

// Click delivers the block_actions payload Slack sends when userID clicks the
// button with actionID in msg: with the container, channel, message (not for
// an ephemeral message), a response_url tied to msg and a trigger_id.
func (s *Server) Click(ctx context.Context, userID string, msg Message, actionID string) (*Ack, error) {
	if msg.Deleted {
		return nil, errors.New("slacksim: clicking a deleted message")
	}
	b, err := findButton(msg.Blocks, actionID)
	if err != nil {
		return nil, err
	}
	s.ensureUser(userID)
	payload := map[string]any{
		"type": "block_actions",
		"container": map[string]any{
			"type": "message", "message_ts": msg.TS, "channel_id": msg.Channel, "is_ephemeral": msg.Ephemeral,
		},
		"channel": map[string]any{"id": msg.Channel, "name": s.channelName(msg.Channel)},
		"state":   map[string]any{"values": map[string]any{}},
		"response_url": s.newResponseURL(respTarget{
			user: userID, channel: msg.Channel, msgTS: msg.TS, ephemeral: msg.Ephemeral,
		}),
		"actions": []any{b.action()},
	}
	if !msg.Ephemeral {
		payload["message"] = s.messageJSON(msg)
	}
	return s.Interactive(ctx, userID, payload)
}

// ClickHome clicks the button with actionID on userID's Home tab.
func (s *Server) ClickHome(ctx context.Context, userID, actionID string) (*Ack, error) {
	s.mu.Lock()
	v, ok := s.ui.homes[userID]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("slacksim: %s has no Home tab", userID)
	}
	return s.ClickView(ctx, userID, v.id, actionID)
}

// ClickView clicks the button with actionID in a view (a modal or a Home
// tab): a block_actions payload with a view container and no response_url,
// as Slack sends for views.
func (s *Server) ClickView(ctx context.Context, userID, viewID, actionID string) (*Ack, error) {
	s.mu.Lock()
	v, ok := s.ui.views[viewID]
	var view map[string]any
	var blocks json.RawMessage
	if ok {
		view, blocks = s.viewJSON(v), v.fields["blocks"]
	}
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("slacksim: no view %s", viewID)
	}
	b, err := findButton(blocks, actionID)
	if err != nil {
		return nil, err
	}
	return s.Interactive(ctx, userID, map[string]any{
		"type":      "block_actions",
		"container": map[string]any{"type": "view", "view_id": viewID},
		"view":      view,
		"state":     view["state"],
		"actions":   []any{b.action()},
	})
}

// SubmitView submits userID's open modal viewID with plain-text input
// values[block_id][action_id], and applies the ack's response_action to the
// modal stack as Slack does: none closes the view, "errors" keeps it open with
// field errors (see View.Errors), "clear" closes the stack, "update" replaces
// the view, "push" stacks a new one.
func (s *Server) SubmitView(ctx context.Context, userID, viewID string, values map[string]map[string]string) (*Ack, error) {
	view, err := s.fillView(userID, viewID, values)
	if err != nil {
		return nil, err
	}
	ack, err := s.Interactive(ctx, userID, map[string]any{
		"type": "view_submission", "view": view, "response_urls": []any{},
	})
	if err != nil {
		return nil, err
	}
	if err := s.applyResponseAction(userID, viewID, ack.Payload); err != nil {
		return ack, err
	}
	return ack, nil
}

// fillView records the submitted values in the view's state and returns the
// view object for the payload.
func (s *Server) fillView(userID, viewID string, values map[string]map[string]string) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.ui.views[viewID]
	if !ok || v.kind != "modal" || v.user != userID || s.stackIndex(userID, viewID) < 0 {
		return nil, fmt.Errorf("slacksim: %s has no open modal %s", userID, viewID)
	}
	v.state = make(map[string]map[string]any, len(values))
	for blockID, acts := range values {
		v.state[blockID] = make(map[string]any, len(acts))
		for actionID, val := range acts {
			v.state[blockID][actionID] = map[string]any{"type": "plain_text_input", "value": val}
		}
	}
	return s.viewJSON(v), nil
}

// stackIndex is viewID's place in userID's modal stack, or -1. Callers hold s.mu.
func (s *Server) stackIndex(userID, viewID string) int {
	for i, v := range s.ui.stacks[userID] {
		if v.id == viewID {
			return i
		}
	}
	return -1
}

func (s *Server) applyResponseAction(userID, viewID string, payload json.RawMessage) error {
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if len(payload) > 0 && strings.TrimSpace(string(payload)) != "null" {
		if err := json.Unmarshal(payload, &resp); err != nil {
			return fmt.Errorf("decode view_submission ack: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.stackIndex(userID, viewID)
	if i < 0 {
		return nil // the app closed or replaced it meanwhile
	}
	stack := s.ui.stacks[userID]
	switch resp.ResponseAction {
	case "":
		s.closeViews(stack[i:])
		s.ui.stacks[userID] = stack[:i]
	case "errors":
		stack[i].errors = resp.Errors
	case "clear":
		s.closeViews(stack)
		delete(s.ui.stacks, userID)
	case "update", "push":
		fields, errc := parseView(string(resp.View), "modal")
		if errc != "" {
			return fmt.Errorf("slacksim: response_action %s with a bad view: %s", resp.ResponseAction, errc)
		}
		if resp.ResponseAction == "update" {
			stack[i].fields, stack[i].hash, stack[i].errors, stack[i].state = fields, newHash(), nil, nil
		} else if s.pushView(userID, fields) == nil {
			return errors.New("slacksim: response_action push: push_limit_reached")
		}
	default:
		return fmt.Errorf("slacksim: unknown response_action %q", resp.ResponseAction)
	}
	return nil
}
