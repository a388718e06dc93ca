package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// formField is one input of an open form, as :submit and :help see it.
type formField struct {
	block, action, label, kind string
	optional                   bool
	options                    []formOption
}

type formOption struct{ value, text string }

// formOf reads a modal's title, input fields and whether it can be
// submitted.
func formOf(view json.RawMessage) (title string, fields []formField, submit bool) {
	type text struct {
		Text string `json:"text"`
	}
	type opt struct {
		Text  text   `json:"text"`
		Value string `json:"value"`
	}
	var v struct {
		Title  text  `json:"title"`
		Submit *text `json:"submit"`
		Blocks []struct {
			Type     string `json:"type"`
			BlockID  string `json:"block_id"`
			Optional bool   `json:"optional"`
			Label    text   `json:"label"`
			Element  struct {
				Type         string `json:"type"`
				ActionID     string `json:"action_id"`
				Options      []opt  `json:"options"`
				OptionGroups []struct {
					Options []opt `json:"options"`
				} `json:"option_groups"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if json.Unmarshal(view, &v) != nil {
		return "", nil, false
	}
	for _, b := range v.Blocks {
		if b.Type != "input" {
			continue
		}
		f := formField{block: b.BlockID, action: b.Element.ActionID, label: b.Label.Text, kind: b.Element.Type, optional: b.Optional}
		opts := b.Element.Options
		for _, g := range b.Element.OptionGroups {
			opts = append(opts, g.Options...)
		}
		for _, o := range opts {
			f.options = append(f.options, formOption{value: o.Value, text: o.Text.Text})
		}
		fields = append(fields, f)
	}
	return v.Title.Text, fields, v.Submit != nil
}

// topForm is the form the member sees: the top of their modal stack.
func (s *session) topForm() (slacksim.View, bool) {
	views := s.sim.OpenViews(s.me.ID)
	if len(views) == 0 {
		return slacksim.View{}, false
	}
	return views[len(views)-1], true
}

// pollViews shows the member's form when it opened, changed or closed, and
// their Home tab when it changed while they look at it. It reports whether
// it printed anything.
func (s *session) pollViews() bool {
	mb := s.me
	printed := false
	if v, ok := s.topForm(); !ok {
		if mb.form.id != "" {
			mb.form = formSeen{}
			fmt.Fprintln(s.out, s.dim("(the form closed)"))
			printed = true
		}
	} else if seen := (formSeen{v.ID, v.Hash, fmt.Sprint(v.Errors)}); seen != mb.form {
		same := seen.id == mb.form.id
		mb.form = seen
		s.showForm(v, same)
		printed = true
	}
	if mb.onHome {
		if raw := s.sim.HomeView(mb.ID); raw != nil && viewHash(raw) != mb.homeHash {
			// The app republishes after a form it refused too; a tab
			// that reads the same is not shown again as "updated".
			if text, _ := s.render.View(raw, nil); text == mb.homeText {
				mb.homeHash = viewHash(raw)
			} else {
				s.showHome(raw, mb.homeHash != "")
				printed = true
			}
		}
	}
	return printed
}

// showForm prints a modal with the values its fields hold, and says how to
// fill it; changed says the app replaced the form the member had. A form with nothing to fill or submit is closed once shown, as
// the member would close it after reading.
func (s *session) showForm(v slacksim.View, changed bool) {
	text, buttons := s.render.View(v.JSON, v.Errors)
	head := "── a form opened (only you see it)"
	if changed {
		head = "── the form now shows"
	}
	fmt.Fprintf(s.out, "\n%s\n%s\n", s.dim(head), strings.TrimRight(text, "\n"))
	if len(buttons) > 0 {
		s.me.target = clickTarget{kind: formTarget, key: v.ID}
	}
	_, fields, submit := formOf(v.JSON)
	switch {
	case len(fields) == 1 && fields[0].kind == "plain_text_input":
		fmt.Fprintln(s.out, s.dim("(:write YOUR TEXT submits it; :cancel closes it)"))
	case len(fields) > 0:
		fmt.Fprintln(s.out, s.dim(fmt.Sprintf("(:submit keeps these values; :submit FIELD=VALUE … changes some, e.g. :submit %s; :help lists the fields; :cancel closes it)", exampleInput(fields))))
	case !submit && len(buttons) == 0:
		if _, err := s.sim.CloseView(context.Background(), s.me.ID, v.ID); err == nil {
			s.me.form = formSeen{}
		}
	}
}

// formHelp lists the open form's fields for :help.
func (s *session) formHelp() {
	v, ok := s.topForm()
	if !ok {
		return
	}
	title, fields, _ := formOf(v.JSON)
	if len(fields) == 0 {
		return
	}
	inputs, _ := s.sim.FormInputs(s.me.ID, v.ID)
	fmt.Fprintf(s.out, "The open form %q has these fields (:submit FIELD=VALUE …):\n", title)
	for _, f := range fields {
		line := fmt.Sprintf("  %-8s %s", f.block, f.label)
		if f.optional {
			line += " (optional)"
		}
		if len(f.options) > 0 {
			vals := make([]string, len(f.options))
			for i, o := range f.options {
				vals[i] = o.value
			}
			line += ": " + strings.Join(vals, ", ")
			if f.kind == "multi_static_select" {
				line += " (several, comma-separated)"
			}
		} else if f.kind == "timepicker" {
			line += ": HH:MM"
		}
		if now := inputText(inputs[f.block][f.action]); now != "" {
			line += "; now " + now
		}
		fmt.Fprintln(s.out, line)
	}
}

// inputText is what an input holds, as :submit would take it.
func inputText(in slacksim.Input) string {
	switch {
	case in.Text != "":
		return in.Text
	case in.Time != "":
		return in.Time
	case in.Option != "":
		return in.Option
	}
	return strings.Join(in.Options, ",")
}

// write fills the open form's text box and submits it.
func (s *session) write(ctx context.Context, text string) bool {
	v, ok := s.topForm()
	if !ok {
		fmt.Fprintln(s.out, "No form is open. Click Reflect under a prompt first.")
		return false
	}
	_, fields, _ := formOf(v.JSON)
	for _, f := range fields {
		if f.kind == "plain_text_input" {
			if missing, ok := s.emptyRequired(v, fields, f); ok {
				// A prompt with a scale or a choice asks for it as well as
				// words; say how to send both rather than only "required".
				fmt.Fprintf(s.out, "This form asks for %q too. Send both: :submit %s %s=%q (:help lists the fields).\n",
					missing.label, exampleInput([]formField{missing}), f.block, text)
				return false
			}
			s.submitForm(ctx, v, fields, map[string]map[string]slacksim.Input{f.block: {f.action: {Text: text}}})
			return false
		}
	}
	fmt.Fprintln(s.out, "The open form has no text box; :submit sends it, :cancel closes it.")
	return false
}

// emptyRequired is the first required field of v, other than the text box
// :write fills, that holds nothing yet.
func (s *session) emptyRequired(v slacksim.View, fields []formField, box formField) (formField, bool) {
	inputs, err := s.sim.FormInputs(s.me.ID, v.ID)
	if err != nil {
		return formField{}, false // submitForm says so
	}
	for _, f := range fields {
		if f.block != box.block && !f.optional && inputText(inputs[f.block][f.action]) == "" {
			return f, true
		}
	}
	return formField{}, false
}

// exampleInput is a FIELD=VALUE that fits one of fields, for a hint: a time
// for the settings form's time, else the first field's first choice, else
// words.
func exampleInput(fields []formField) string {
	for _, f := range fields {
		if f.kind == "timepicker" {
			return f.block + "=09:30"
		}
	}
	f := fields[0]
	if len(f.options) > 0 {
		return f.block + "=" + f.options[len(f.options)/2].value
	}
	return f.block + `="your words"`
}

// submit sends the open form with some fields changed; the others keep the
// values the form holds.
func (s *session) submit(ctx context.Context, arg string) bool {
	v, ok := s.topForm()
	if !ok {
		fmt.Fprintf(s.out, "No form is open. %s subscribe with nothing after it opens the settings form.\n", s.cmd)
		return false
	}
	_, fields, _ := formOf(v.JSON)
	changes := map[string]map[string]slacksim.Input{}
	for _, kv := range splitArgs(arg) {
		name, val, hasValue := strings.Cut(kv, "=")
		f, ok := findField(fields, name)
		if !ok || !hasValue {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f.block
			}
			fmt.Fprintf(s.out, "Give FIELD=VALUE, where FIELD is one of %s (:help says more).\n", strings.Join(names, ", "))
			return false
		}
		in, err := fieldInput(f, val)
		if err != nil {
			fmt.Fprintf(s.out, "%s: %v\n", f.block, err)
			return false
		}
		changes[f.block] = map[string]slacksim.Input{f.action: in}
	}
	s.submitForm(ctx, v, fields, changes)
	return false
}

// submitForm submits v with changes over what it holds, unless a required
// field would be empty: Slack refuses that without telling the app.
func (s *session) submitForm(ctx context.Context, v slacksim.View, fields []formField, changes map[string]map[string]slacksim.Input) {
	inputs, err := s.sim.FormInputs(s.me.ID, v.ID)
	if err != nil {
		fmt.Fprintln(s.out, "(cannot read the form:", err, ")")
		return
	}
	for _, f := range fields {
		in := inputs[f.block][f.action]
		if c, ok := changes[f.block][f.action]; ok {
			in = c
		}
		if !f.optional && inputText(in) == "" {
			fmt.Fprintf(s.out, "Slack would not send the form: %q is required.\n", f.label)
			return
		}
	}
	if _, err := s.sim.SubmitForm(ctx, s.me.ID, v.ID, changes); errors.Is(err, slacksim.ErrNoAck) {
		fmt.Fprintln(s.out, "(Slack would show: the app did not respond in time)")
	} else if err != nil {
		fmt.Fprintln(s.out, "(submit failed:", err, ")")
	}
}

// cancel closes the open form, as its Cancel button does.
func (s *session) cancel(ctx context.Context, _ string) bool {
	v, ok := s.topForm()
	if !ok {
		fmt.Fprintln(s.out, "No form is open.")
		return false
	}
	if _, err := s.sim.CloseView(ctx, s.me.ID, v.ID); err != nil {
		fmt.Fprintln(s.out, "(cannot close the form:", err, ")")
		return false
	}
	s.me.form = formSeen{}
	if s.me.target.kind == formTarget {
		s.me.target = clickTarget{}
	}
	fmt.Fprintln(s.out, "Form closed; nothing was sent.")
	return false
}

// findField finds a field by its block id or label, or a unique prefix of
// either (ids first), case-insensitively.
func findField(fields []formField, name string) (formField, bool) {
	name = strings.ToLower(name)
	if name == "" {
		return formField{}, false
	}
	for _, key := range []func(formField) string{
		func(f formField) string { return f.block },
		func(f formField) string { return f.label },
	} {
		var found []formField
		for _, f := range fields {
			k := strings.ToLower(key(f))
			if k == name {
				return f, true
			}
			if strings.HasPrefix(k, name) {
				found = append(found, f)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return formField{}, false
}

// fieldInput reads what a member typed for a field by its element type.
func fieldInput(f formField, val string) (slacksim.Input, error) {
	switch f.kind {
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		return slacksim.Input{Text: val}, nil
	case "timepicker":
		t, err := time.Parse("15:04", val)
		if err != nil {
			return slacksim.Input{}, errors.New("give a time as HH:MM, e.g. 09:30")
		}
		return slacksim.Input{Time: t.Format("15:04")}, nil
	case "static_select":
		if val == "" {
			return slacksim.Input{}, nil
		}
		o, err := pickOption(f, val)
		return slacksim.Input{Option: o}, err
	case "multi_static_select":
		var in slacksim.Input
		for _, v := range strings.Split(val, ",") {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			o, err := pickOption(f, v)
			if err != nil {
				return in, err
			}
			in.Options = append(in.Options, o)
		}
		return in, nil
	}
	return slacksim.Input{}, fmt.Errorf("this session cannot fill a %s", f.kind)
}

// pickOption finds an option by value or text, or a unique prefix of one.
func pickOption(f formField, val string) (string, error) {
	low := strings.ToLower(val)
	var found []string
	for _, o := range f.options {
		if strings.ToLower(o.value) == low || strings.ToLower(o.text) == low {
			return o.value, nil
		}
		if strings.HasPrefix(strings.ToLower(o.value), low) || strings.HasPrefix(strings.ToLower(o.text), low) {
			found = append(found, o.value)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	vals := make([]string, len(f.options))
	for i, o := range f.options {
		vals[i] = o.value
	}
	return "", fmt.Errorf("%q is not a choice; choose from %s", val, strings.Join(vals, ", "))
}

// splitArgs splits at spaces outside double quotes and drops the quotes,
// so :submit tz="America/New York" label="a b" works.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, any := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, any = !quoted, true
		case r == ' ' && !quoted:
			if any {
				out = append(out, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}
