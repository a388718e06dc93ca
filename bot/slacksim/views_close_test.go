package slacksim_test

import (
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// TestCloseView: Cancel closes the modal; the app hears of it only when the
// modal asked with notify_on_close.
func TestCloseView(t *testing.T) {
	for _, notify := range []bool{false, true} {
		sim := newWorkspace(t)
		closed := make(chan slack.InteractionCallback, 1)
		startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
			switch data := evt.Data.(type) {
			case slack.SlashCommand:
				_ = c.Ack(*evt.Request)
				m := modal()
				m.NotifyOnClose = notify
				if _, err := c.OpenView(data.TriggerID, m); err != nil {
					t.Errorf("OpenView: %v", err)
				}
			case slack.InteractionCallback:
				_ = c.Ack(*evt.Request)
				closed <- data
			}
		})
		if _, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1", Text: "modal"}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return len(sim.OpenViews("U1")) == 1 })
		id := sim.OpenViews("U1")[0].ID
		ack, err := sim.CloseView(ctxT(t, 5*time.Second), "U1", id)
		if err != nil {
			t.Fatalf("notify=%v: CloseView: %v", notify, err)
		}
		if n := len(sim.OpenViews("U1")); n != 0 {
			t.Errorf("notify=%v: %d views open after Cancel", notify, n)
		}
		if notify {
			if ack == nil {
				t.Fatal("no ack for view_closed")
			}
			if cb := <-closed; cb.Type != slack.InteractionTypeViewClosed || cb.View.ID != id {
				t.Errorf("app got %s for view %s, want view_closed for %s", cb.Type, cb.View.ID, id)
			}
		} else if ack != nil || len(closed) != 0 {
			t.Errorf("app was told of a close it did not ask for: ack %+v", ack)
		}
		if _, err := sim.CloseView(ctxT(t, 5*time.Second), "U1", id); err == nil {
			t.Errorf("notify=%v: closing a closed modal succeeded", notify)
		}
	}
}

// TestSeenBy: who sees which message.
func TestSeenBy(t *testing.T) {
	sim := newWorkspace(t)
	cases := []struct {
		m    slacksim.Message
		user string
		want bool
	}{
		{slacksim.Message{Channel: "DU1"}, "U1", true},
		{slacksim.Message{Channel: "DU1"}, "U2", false},
		{slacksim.Message{Channel: "C1"}, "U1", true},
		{slacksim.Message{Channel: "C1"}, "U2", false}, // not a member of #general
		{slacksim.Message{Channel: "C2"}, "U2", true},  // no member list: open to all
		{slacksim.Message{Channel: "C1", Ephemeral: true, VisibleTo: "U2"}, "U2", true},
		{slacksim.Message{Channel: "C1", Ephemeral: true, VisibleTo: "U2"}, "U1", false},
	}
	for _, c := range cases {
		if got := sim.SeenBy(c.user, c.m); got != c.want {
			t.Errorf("SeenBy(%s, %+v) = %v, want %v", c.user, c.m, got, c.want)
		}
	}
}

// TestMessageShortcut: the app gets the message and a response_url that
// replaces it.
func TestMessageShortcut(t *testing.T) {
	sim := newWorkspace(t)
	got := make(chan slack.InteractionCallback, 1)
	startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
		if cb, ok := evt.Data.(slack.InteractionCallback); ok {
			_ = c.Ack(*evt.Request)
			_, _, err := c.PostMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("thanked", false))
			if err != nil {
				t.Errorf("replace original: %v", err)
			}
			got <- cb
			return
		}
		ackAll(c, evt)
	})
	_, ts, err := webClient(sim).PostMessage("C1", slack.MsgOptionText("shipped it", false))
	if err != nil {
		t.Fatal(err)
	}
	msg := sim.MessagesIn("C1")[0]
	if _, err := sim.MessageShortcut(ctxT(t, 5*time.Second), "U1", msg, "thanks"); err != nil {
		t.Fatal(err)
	}
	cb := <-got
	if cb.Type != slack.InteractionTypeMessageAction || cb.CallbackID != "thanks" || cb.Message.Text != "shipped it" ||
		cb.MessageTs != ts || cb.Channel.ID != "C1" || cb.TriggerID == "" {
		t.Errorf("callback = %+v", cb)
	}
	waitFor(t, func() bool {
		ms := sim.MessagesIn("C1")
		return len(ms) == 2 && ms[1].TS == ts && ms[1].Text == "thanked"
	})
}
