package slacksim

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
)

// Input is what a user enters in one input element of a modal, read by the
// element's type: Text for a plain_text_input, Option for a static_select
// (the chosen option's value, "" for none), Options for a
// multi_static_select (the chosen options' values) and Time for a
// timepicker ("HH:MM", "" for none).
type Input struct {
	Text    string
	Option  string
	Options []string
	Time    string
}

// formElement is an input block's element as the app sent it.
type formElement struct {
	Type           string            `json:"type"`
	ActionID       string            `json:"action_id"`
	InitialValue   string            `json:"initial_value"`
	InitialOption  map[string]any    `json:"initial_option"`
	InitialOptions []map[string]any  `json:"initial_options"`
	InitialTime    string            `json:"initial_time"`
	Options        []map[string]any  `json:"options"`
	OptionGroups   []json.RawMessage `json:"option_groups"`
}

// formField is one input block of a modal.
type formField struct {
	blockID  string
	optional bool
	el       formElement
}

// formFields reads a view's input blocks; callers hold s.mu.
func formFields(v *viewRec) ([]formField, error) {
	var blocks []struct {
		Type     string      `json:"type"`
		BlockID  string      `json:"block_id"`
		Optional bool        `json:"optional"`
		Element  formElement `json:"element"`
	}
	if err := json.Unmarshal(v.fields["blocks"], &blocks); err != nil {
		return nil, fmt.Errorf("slacksim: decode the blocks of %s: %w", v.id, err)
	}
	var out []formField
	for _, b := range blocks {
		if b.Type == "input" {
			out = append(out, formField{blockID: b.BlockID, optional: b.Optional, el: b.Element})
		}
	}
	return out, nil
}

// openModal returns userID's open modal viewID; callers hold s.mu.
func (s *Server) openModal(userID, viewID string) (*viewRec, error) {
	v, ok := s.ui.views[viewID]
	if !ok || v.kind != "modal" || v.user != userID || s.stackIndex(userID, viewID) < 0 {
		return nil, fmt.Errorf("slacksim: %s has no open modal %s", userID, viewID)
	}
	return v, nil
}

// FormInputs returns what userID's open modal viewID shows in its input
// elements, by block_id and action_id: what was submitted last if the modal
// is still open (Slack keeps a member's input when the app answers with
// errors), else the elements' initial values.
func (s *Server) FormInputs(userID, viewID string) (map[string]map[string]Input, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.openModal(userID, viewID)
	if err != nil {
		return nil, err
	}
	fields, err := formFields(v)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]Input, len(fields))
	for _, f := range fields {
		in := f.el.initial()
		if st, ok := v.state[f.blockID][f.el.ActionID].(map[string]any); ok {
			in = inputOf(st)
		}
		out[f.blockID] = map[string]Input{f.el.ActionID: in}
	}
	return out, nil
}

// SubmitForm submits userID's open modal viewID as Slack does: every input
// element is in state.values, in Slack's shape for its type (value,
// selected_option, selected_options, selected_time), holding what changes
// gives for it and otherwise what FormInputs shows. Like Slack, it refuses,
// without sending anything, an empty required field, an option the element
// does not offer and a time that is not HH:MM. The ack's response_action is
// applied as by SubmitView.
func (s *Server) SubmitForm(ctx context.Context, userID, viewID string, changes map[string]map[string]Input) (*Ack, error) {
	inputs, err := s.FormInputs(userID, viewID)
	if err != nil {
		return nil, err
	}
	for blockID, acts := range changes {
		for actionID, in := range acts {
			if _, ok := inputs[blockID][actionID]; !ok {
				return nil, fmt.Errorf("slacksim: modal %s has no input %s/%s", viewID, blockID, actionID)
			}
			inputs[blockID][actionID] = in
		}
	}
	view, err := s.fillForm(userID, viewID, inputs)
	if err != nil {
		return nil, err
	}
	ack, err := s.Interactive(ctx, userID, map[string]any{
		"type": "view_submission", "view": view, "response_urls": []any{},
	})
	if err != nil {
		return nil, err
	}
	return ack, s.applyResponseAction(userID, viewID, ack.Payload)
}

// fillForm checks inputs against the modal's elements, records them as the
// view's state in Slack's shapes and returns the view for the payload.
func (s *Server) fillForm(userID, viewID string, inputs map[string]map[string]Input) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.openModal(userID, viewID)
	if err != nil {
		return nil, err
	}
	fields, err := formFields(v)
	if err != nil {
		return nil, err
	}
	state := make(map[string]map[string]any, len(fields))
	for _, f := range fields {
		st, empty, err := f.el.state(inputs[f.blockID][f.el.ActionID])
		if err != nil {
			return nil, fmt.Errorf("slacksim: %s/%s: %w", f.blockID, f.el.ActionID, err)
		}
		if empty && !f.optional {
			return nil, fmt.Errorf("slacksim: %s/%s is required and empty; Slack would not submit", f.blockID, f.el.ActionID)
		}
		state[f.blockID] = map[string]any{f.el.ActionID: st}
	}
	v.state = state
	return s.viewJSON(v), nil
}

// initial is what the element shows before the user touches it.
func (e formElement) initial() Input {
	in := Input{Text: e.InitialValue, Time: e.InitialTime}
	if e.InitialOption != nil {
		in.Option, _ = e.InitialOption["value"].(string)
	}
	for _, o := range e.InitialOptions {
		v, _ := o["value"].(string)
		in.Options = append(in.Options, v)
	}
	return in
}

var timeRE = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

// state is the element's entry in state.values for in, and whether it is
// empty.
func (e formElement) state(in Input) (map[string]any, bool, error) {
	st := map[string]any{"type": e.Type}
	switch e.Type {
	case "plain_text_input":
		st["value"] = nilIfEmpty(in.Text)
		return st, in.Text == "", nil
	case "timepicker":
		if in.Time != "" && !timeRE.MatchString(in.Time) {
			return nil, false, fmt.Errorf("time %q is not HH:MM", in.Time)
		}
		st["selected_time"] = nilIfEmpty(in.Time)
		return st, in.Time == "", nil
	case "static_select":
		st["selected_option"] = nil
		if in.Option == "" {
			return st, true, nil
		}
		o, err := e.option(in.Option)
		st["selected_option"] = o
		return st, false, err
	case "multi_static_select":
		chosen := []any{}
		for _, val := range in.Options {
			o, err := e.option(val)
			if err != nil {
				return nil, false, err
			}
			chosen = append(chosen, o)
		}
		st["selected_options"] = chosen
		return st, len(chosen) == 0, nil
	}
	return nil, false, fmt.Errorf("slacksim cannot fill a %s element", e.Type)
}

// option finds the option with value among the element's options and groups.
func (e formElement) option(value string) (map[string]any, error) {
	opts := slices.Clone(e.Options)
	for _, raw := range e.OptionGroups {
		var g struct {
			Options []map[string]any `json:"options"`
		}
		if json.Unmarshal(raw, &g) == nil {
			opts = append(opts, g.Options...)
		}
	}
	for _, o := range opts {
		if v, _ := o["value"].(string); v == value {
			return o, nil
		}
	}
	return nil, fmt.Errorf("no option %q to choose", value)
}

// inputOf reads an element's state.values entry back.
func inputOf(st map[string]any) Input {
	var in Input
	in.Text, _ = st["value"].(string)
	in.Time, _ = st["selected_time"].(string)
	if o, ok := st["selected_option"].(map[string]any); ok {
		in.Option, _ = o["value"].(string)
	}
	if os, ok := st["selected_options"].([]any); ok {
		for _, o := range os {
			if m, ok := o.(map[string]any); ok {
				v, _ := m["value"].(string)
				in.Options = append(in.Options, v)
			}
		}
	}
	return in
}
