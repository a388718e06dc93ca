package slacksim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// modal is the reflection modal the test bot opens.
func modal() slack.ModalViewRequest {
	input := slack.NewInputBlock("answer",
		slack.NewTextBlockObject("plain_text", "Your reflection", false, false), nil,
		slack.NewPlainTextInputBlockElement(nil, "text"))
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "reflect", PrivateMetadata: "prompt-7",
		Title:  slack.NewTextBlockObject("plain_text", "Reflect", false, false),
		Submit: slack.NewTextBlockObject("plain_text", "Save", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{input}},
	}
}

// mentor is a tiny bot: "/mentor respond" answers through the response URL,
// "/mentor modal" opens a modal, a "reflect" click replaces the message and
// opens the modal, and a submission with an empty answer gets a field error.
func mentor(t *testing.T) handler {
	return func(c *socketmode.Client, evt socketmode.Event) {
		switch data := evt.Data.(type) {
		case slack.SlashCommand:
			_ = c.Ack(*evt.Request)
			switch data.Text {
			case "respond":
				_, _, err := c.PostMessage("", slack.MsgOptionResponseURL(data.ResponseURL, slack.ResponseTypeEphemeral),
					slack.MsgOptionText("via response url", false))
				if err != nil {
					t.Errorf("response url: %v", err)
				}
			case "modal":
				if _, err := c.OpenView(data.TriggerID, modal()); err != nil {
					t.Errorf("OpenView: %v", err)
				}
				if _, err := c.OpenView(data.TriggerID, modal()); errString(err) != "exchanged_trigger_id" {
					t.Errorf("reused trigger: %v", err)
				}
			}
		case slack.InteractionCallback:
			mentorInteraction(t, c, evt, data)
		default:
			ackAll(c, evt)
		}
	}
}

func mentorInteraction(t *testing.T, c *socketmode.Client, evt socketmode.Event, cb slack.InteractionCallback) {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		_ = c.Ack(*evt.Request)
		if cb.Container.Type == "message" {
			_, _, err := c.PostMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("opened", false))
			if err != nil {
				t.Errorf("replace original: %v", err)
			}
		}
		if _, err := c.OpenView(cb.TriggerID, modal()); err != nil {
			t.Errorf("OpenView from a click: %v", err)
		}
	case slack.InteractionTypeViewSubmission:
		if cb.View.State.Values["answer"]["text"].Value == "" {
			_ = c.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"answer": "Write something"}))
			return
		}
		_ = c.Ack(*evt.Request, slack.NewClearViewSubmissionResponse())
	}
}

func TestResponseURL(t *testing.T) {
	sim := newWorkspace(t)
	startConnected(t, sim, mentor(t))
	if _, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1", Text: "respond"}); err != nil {
		t.Fatal(err)
	}
	m, err := sim.WaitMessage(ctxT(t, 5*time.Second), func(m slacksim.Message) bool { return m.Source == "response_url" })
	if err != nil || m.Text != "via response url" || !m.Ephemeral || m.VisibleTo != "U1" || m.Channel != "DU1" {
		t.Fatalf("message = %+v, %v", m, err)
	}

	t.Run("ErrUsedURL", func(t *testing.T) {
		var p struct {
			ResponseURL string `json:"response_url"`
		}
		_ = json.Unmarshal(sim.Deliveries()[0].Payload, &p)
		statuses := ""
		for range 5 { // one use is gone already
			resp, err := http.Post(p.ResponseURL, "application/json", strings.NewReader(`{"text":"again"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			statuses += http.StatusText(resp.StatusCode) + ","
		}
		if statuses != "OK,OK,OK,OK,Not Found," {
			t.Errorf("statuses %s: a response URL takes 5 posts", statuses)
		}
	})
}

func TestModalFromSlashCommand(t *testing.T) {
	sim := newWorkspace(t)
	startConnected(t, sim, mentor(t))
	if _, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1", Text: "modal"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(sim.OpenViews("U1")) == 1 })
	v := sim.OpenViews("U1")[0]
	if v.CallbackID != "reflect" || v.PrivateMetadata != "prompt-7" || v.Type != "modal" {
		t.Fatalf("view = %+v", v)
	}

	t.Run("SubmitErrors", func(t *testing.T) {
		ack, err := sim.SubmitView(ctxT(t, 5*time.Second), "U1", v.ID, map[string]map[string]string{"answer": {"text": ""}})
		if err != nil || !strings.Contains(string(ack.Payload), `"errors"`) {
			t.Fatalf("SubmitView = %+v, %v", ack, err)
		}
		open := sim.OpenViews("U1")
		if len(open) != 1 || open[0].Errors["answer"] != "Write something" {
			t.Fatalf("open views = %+v", open)
		}
	})
	t.Run("SubmitClears", func(t *testing.T) {
		if _, err := sim.SubmitView(ctxT(t, 5*time.Second), "U1", v.ID, map[string]map[string]string{"answer": {"text": "I did it"}}); err != nil {
			t.Fatal(err)
		}
		if open := sim.OpenViews("U1"); len(open) != 0 {
			t.Fatalf("open views = %+v", open)
		}
	})
}

func TestClick(t *testing.T) {
	sim := newWorkspace(t)
	var got = make(chan slack.InteractionCallback, 2)
	h := mentor(t)
	startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
		if cb, ok := evt.Data.(slack.InteractionCallback); ok {
			got <- cb
		}
		h(c, evt)
	})
	btn := slack.NewButtonBlockElement("reflect", "prompt-7", slack.NewTextBlockObject("plain_text", "Reflect", false, false))
	_, ts, err := webClient(sim).PostMessage("U1", slack.MsgOptionText("A prompt", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("", btn)))
	if err != nil {
		t.Fatal(err)
	}
	msg := sim.MessagesIn("DU1")[0]
	if _, err := sim.Click(ctxT(t, 5*time.Second), "U1", msg, "reflect"); err != nil {
		t.Fatal(err)
	}
	cb := <-got
	if len(cb.ActionCallback.BlockActions) != 1 {
		t.Fatalf("callback = %+v", cb)
	}
	a := cb.ActionCallback.BlockActions[0]
	if a.ActionID != "reflect" || a.Value != "prompt-7" || a.BlockID == "" || cb.Container.MessageTs != ts ||
		cb.Container.ChannelID != "DU1" || cb.Message.Timestamp != ts || cb.User.ID != "U1" || cb.TriggerID == "" {
		t.Errorf("callback = %+v, action %+v", cb, a)
	}
	m, err := sim.WaitMessage(ctxT(t, 5*time.Second), func(m slacksim.Message) bool { return m.Source == "response_url" })
	if err != nil || m.TS != ts || m.Text != "opened" || m.Ephemeral {
		t.Errorf("replaced = %+v, %v", m, err)
	}
	waitFor(t, func() bool { return len(sim.OpenViews("U1")) == 1 })

	t.Run("ErrNoSuchButton", func(t *testing.T) {
		if _, err := sim.Click(ctxT(t, time.Second), "U1", msg, "nope"); err == nil {
			t.Fatal("clicked a missing button")
		}
	})
	t.Run("Home", func(t *testing.T) {
		home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewActionBlock("home-actions", btn),
		}}}
		if _, err := webClient(sim).PublishView("U1", home, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := sim.ClickHome(ctxT(t, 5*time.Second), "U1", "reflect"); err != nil {
			t.Fatal(err)
		}
		cb := <-got
		if cb.Container.Type != "view" || cb.View.Type != slack.VTHomeTab || cb.ResponseURL != "" {
			t.Errorf("home callback = %+v", cb)
		}
	})
}

func TestViewsErrors(t *testing.T) {
	sim := newWorkspace(t)
	api := webClient(sim)
	if _, err := api.OpenView("123.456.abc", modal()); errString(err) != "invalid_trigger_id" {
		t.Errorf("made-up trigger: %v", err)
	}
	if _, err := api.UpdateView(modal(), "", "", "V404"); errString(err) != "not_found" {
		t.Errorf("update unknown view: %v", err)
	}
}

func TestViewStack(t *testing.T) {
	sim := newWorkspace(t)
	triggers := make(chan string, 10)
	startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
		switch d := evt.Data.(type) {
		case slack.SlashCommand:
			triggers <- d.TriggerID
		case slack.InteractionCallback:
			triggers <- d.TriggerID
		}
		ackAll(c, evt)
	})
	ctx := ctxT(t, 5*time.Second)
	if _, err := sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: "U1"}); err != nil {
		t.Fatal(err)
	}
	api := webClient(sim)
	more := slack.NewActionBlock("", slack.NewButtonBlockElement("more", "", slack.NewTextBlockObject("plain_text", "More", false, false)))
	view := modal()
	view.ExternalID = "root-ext"
	view.Blocks.BlockSet = append(view.Blocks.BlockSet, more)
	root, err := api.OpenView(<-triggers, view)
	if err != nil {
		t.Fatal(err)
	}
	view.ExternalID = ""
	for i, want := range []string{"", "", "push_limit_reached"} {
		if _, err := sim.ClickView(ctx, "U1", root.View.ID, "more"); err != nil {
			t.Fatal(err)
		}
		_, err := api.PushView(<-triggers, view)
		if errString(err) != want {
			t.Fatalf("push %d: %v, want %q", i+1, err, want)
		}
	}
	stack := sim.OpenViews("U1")
	if len(stack) != 3 || stack[0].ID != root.View.ID || stack[2].ExternalID != "" {
		t.Fatalf("stack = %+v", stack)
	}
	if _, err := api.UpdateView(view, "root-ext", "wrong-hash", ""); errString(err) != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
	view.Title = slack.NewTextBlockObject("plain_text", "Updated", false, false)
	up, err := api.UpdateView(view, "root-ext", root.View.Hash, "")
	if err != nil || up.View.ID != root.View.ID || up.View.Hash == root.View.Hash || up.View.Title.Text != "Updated" {
		t.Fatalf("UpdateView = %+v, %v", up, err)
	}
}

func TestInteractivePayloadForms(t *testing.T) {
	sim := newWorkspace(t)
	got := make(chan slack.InteractionCallback, 2)
	startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
		if cb, ok := evt.Data.(slack.InteractionCallback); ok {
			got <- cb
		}
		ackAll(c, evt)
	})
	ctx := ctxT(t, 5*time.Second)
	if _, err := sim.Interactive(ctx, "U1", json.RawMessage(`{"type":"shortcut","callback_id":"mentor"}`)); err != nil {
		t.Fatal(err)
	}
	cb := <-got
	if cb.Type != slack.InteractionTypeShortcut || cb.CallbackID != "mentor" || cb.User.ID != "U1" ||
		cb.TriggerID == "" || cb.APIAppID != "A0SIM" || cb.Team.ID != "T0SIM" {
		t.Errorf("callback = %+v", cb)
	}
	if _, err := sim.Interactive(ctx, "U1", 42); err == nil {
		t.Error("accepted an int payload")
	}
}
