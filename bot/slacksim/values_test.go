package slacksim_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// formModal has one input of each type SubmitForm fills, prefilled.
func formModal() slack.ModalViewRequest {
	txt := func(s string) *slack.TextBlockObject { return slack.NewTextBlockObject("plain_text", s, false, false) }
	opt := func(v string) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(v, txt(strings.ToUpper(v)), nil)
	}
	cadence := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "cadence", opt("weekly"), opt("daily"))
	cadence.InitialOption = opt("weekly")
	clock := slack.NewTimePickerBlockElement("time")
	clock.InitialTime = "16:00"
	zone := slack.NewPlainTextInputBlockElement(nil, "tz")
	zone.InitialValue = "Europe/Paris"
	themes := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "focus", opt("vision"), opt("daring"))
	themes.InitialOptions = []*slack.OptionBlockObject{opt("vision")}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "form", Title: txt("Form"), Submit: txt("Save"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("cadence", txt("How often"), nil, cadence),
			slack.NewInputBlock("time", txt("At"), nil, clock),
			slack.NewInputBlock("tz", txt("Zone"), nil, zone),
			slack.NewInputBlock("focus", txt("Themes"), nil, themes).WithOptional(true),
		}},
	}
}

// formBot opens formModal on "/mentor form" and sends every submission's
// values, as slack-go decodes them, to got; a zone without a slash gets a
// field error.
func formBot(t *testing.T, got chan<- map[string]map[string]slack.BlockAction) handler {
	return func(c *socketmode.Client, evt socketmode.Event) {
		switch data := evt.Data.(type) {
		case slack.SlashCommand:
			_ = c.Ack(*evt.Request)
			if _, err := c.OpenView(data.TriggerID, formModal()); err != nil {
				t.Errorf("OpenView: %v", err)
			}
		case slack.InteractionCallback:
			vals := data.View.State.Values
			got <- vals
			if !strings.Contains(vals["tz"]["tz"].Value, "/") {
				_ = c.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"tz": "Region/City"}))
				return
			}
			_ = c.Ack(*evt.Request, slack.NewClearViewSubmissionResponse())
		default:
			ackAll(c, evt)
		}
	}
}

func TestSubmitForm(t *testing.T) {
	sim := newWorkspace(t)
	got := make(chan map[string]map[string]slack.BlockAction, 4)
	startConnected(t, sim, formBot(t, got))
	if _, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1", Text: "form"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(sim.OpenViews("U1")) == 1 })
	id := sim.OpenViews("U1")[0].ID

	t.Run("Prefilled", func(t *testing.T) {
		in, err := sim.FormInputs("U1", id)
		if err != nil {
			t.Fatal(err)
		}
		if in["cadence"]["cadence"].Option != "weekly" || in["time"]["time"].Time != "16:00" ||
			in["tz"]["tz"].Text != "Europe/Paris" || !slices.Equal(in["focus"]["focus"].Options, []string{"vision"}) {
			t.Fatalf("inputs = %+v", in)
		}
	})

	t.Run("ErrorsKeepInput", func(t *testing.T) {
		ack, err := sim.SubmitForm(ctxT(t, 5*time.Second), "U1", id, map[string]map[string]slacksim.Input{
			"cadence": {"cadence": {Option: "daily"}}, "tz": {"tz": {Text: "Mars"}},
		})
		if err != nil || !strings.Contains(string(ack.Payload), `"errors"`) {
			t.Fatalf("SubmitForm = %+v, %v", ack, err)
		}
		v := <-got
		// Slack's shapes, as slack-go decodes them; untouched fields keep their initial values.
		if v["cadence"]["cadence"].SelectedOption.Value != "daily" || v["cadence"]["cadence"].SelectedOption.Text.Text != "DAILY" ||
			v["time"]["time"].SelectedTime != "16:00" || v["tz"]["tz"].Value != "Mars" ||
			len(v["focus"]["focus"].SelectedOptions) != 1 || v["focus"]["focus"].SelectedOptions[0].Value != "vision" {
			t.Fatalf("values = %+v", v)
		}
		in, _ := sim.FormInputs("U1", id)
		if in["tz"]["tz"].Text != "Mars" || in["cadence"]["cadence"].Option != "daily" {
			t.Fatalf("the member's input was not kept: %+v", in)
		}
	})

	t.Run("ErrRefusedBySlack", func(t *testing.T) {
		for name, change := range map[string]map[string]map[string]slacksim.Input{
			"UnknownOption": {"cadence": {"cadence": {Option: "hourly"}}},
			"BadTime":       {"time": {"time": {Time: "25:00"}}},
			"Required":      {"tz": {"tz": {}}},
			"NoSuchInput":   {"nope": {"nope": {Text: "x"}}},
		} {
			if _, err := sim.SubmitForm(ctxT(t, 5*time.Second), "U1", id, change); err == nil {
				t.Errorf("%s: submitted", name)
			}
		}
		select {
		case v := <-got:
			t.Fatalf("the app received a submission Slack refuses: %+v", v)
		default:
		}
	})

	t.Run("OK", func(t *testing.T) {
		_, err := sim.SubmitForm(ctxT(t, 5*time.Second), "U1", id, map[string]map[string]slacksim.Input{
			"time": {"time": {Time: "09:30"}}, "tz": {"tz": {Text: "Asia/Tokyo"}}, "focus": {"focus": {}},
		})
		if err != nil {
			t.Fatal(err)
		}
		v := <-got
		if v["time"]["time"].SelectedTime != "09:30" || v["tz"]["tz"].Value != "Asia/Tokyo" || len(v["focus"]["focus"].SelectedOptions) != 0 {
			t.Fatalf("values = %+v", v)
		}
		if open := sim.OpenViews("U1"); len(open) != 0 {
			t.Fatalf("open views = %+v", open)
		}
	})
}
