package slacksim_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

func TestEvent(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		sim := newSim(t)
		got := make(chan slackevents.EventsAPIEvent, 1)
		startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
			if e, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
				got <- e
			}
			ackAll(c, evt)
		})
		ack, err := sim.Event(ctxT(t, 5*time.Second), map[string]any{"type": "app_home_opened", "user": "U1", "tab": "home"})
		if err != nil || ack.EventID == "" || ack.RetryAttempt != 0 {
			t.Fatalf("ack %+v, %v", ack, err)
		}
		e := <-got
		inner, ok := e.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
		if e.Type != "event_callback" || e.TeamID != "T0SIM" || !ok || inner.User != "U1" || inner.Tab != "home" {
			t.Errorf("event = %+v / %+v", e, e.InnerEvent.Data)
		}
	})
}

func TestEventRetry(t *testing.T) {
	t.Parallel()
	t.Run("RedeliveredAfterMissedAck", func(t *testing.T) {
		sim := newSim(t)
		startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
			if evt.Type == socketmode.EventTypeEventsAPI && evt.Request.RetryAttempt == 0 {
				return // too busy to ack the first delivery
			}
			ackAll(c, evt)
		})
		ack, err := sim.Event(ctxT(t, 5*time.Second), map[string]any{"type": "app_home_opened", "user": "U1"})
		if err != nil || ack.RetryAttempt != 1 {
			t.Fatalf("ack %+v, %v", ack, err)
		}
		envs := sim.Deliveries()
		if len(envs) != 2 || envs[0].RetryAttempt != 0 || envs[0].RetryReason != "" ||
			envs[1].RetryAttempt != 1 || envs[1].RetryReason != "timeout" || envs[0].EnvelopeID == envs[1].EnvelopeID {
			t.Fatalf("deliveries = %+v", envs)
		}
		if a, b := eventID(t, envs[0]), eventID(t, envs[1]); a != b || a != ack.EventID {
			t.Errorf("event ids %s, %s, ack %s: a retry keeps its event_id", a, b, ack.EventID)
		}
	})
	t.Run("RedeliveredAfterDrop", func(t *testing.T) {
		sim := newSim(t)
		startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
			if evt.Type == socketmode.EventTypeEventsAPI && evt.Request.RetryAttempt == 0 {
				sim.DropConnections() // the ack is lost with the socket
				return
			}
			ackAll(c, evt)
		})
		ack, err := sim.Event(ctxT(t, 10*time.Second), map[string]any{"type": "app_home_opened", "user": "U1"})
		if err != nil || ack.RetryAttempt != 1 || sim.Connects() < 2 {
			t.Fatalf("ack %+v, %v, connects %d", ack, err, sim.Connects())
		}
	})
	t.Run("ErrNoAckAfterThreeRetries", func(t *testing.T) {
		sim := newSim(t, func(o *slacksim.Options) { o.AckTimeout = 100 * time.Millisecond })
		startConnected(t, sim, func(*socketmode.Client, socketmode.Event) {})
		_, err := sim.Event(ctxT(t, 5*time.Second), map[string]any{"type": "app_home_opened", "user": "U1"})
		if !errors.Is(err, slacksim.ErrNoAck) {
			t.Fatalf("err = %v", err)
		}
		if n := len(sim.Deliveries()); n != 4 {
			t.Errorf("%d deliveries, want 1 + 3 retries", n)
		}
	})
}

func eventID(t *testing.T, env slacksim.Envelope) string {
	t.Helper()
	var p struct {
		EventID string `json:"event_id"`
	}
	if err := json.Unmarshal(env.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p.EventID
}
