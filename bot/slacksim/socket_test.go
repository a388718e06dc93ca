package slacksim_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

func TestConnectHello(t *testing.T) {
	sim := newSim(t)
	hello := make(chan socketmode.Request, 1)
	startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeHello {
			hello <- *evt.Request
		}
	})
	select {
	case req := <-hello:
		if req.NumConnections != 1 || req.ConnectionInfo.AppID != "A0SIM" || req.DebugInfo.Host != "applink-sim" {
			t.Errorf("hello = %+v", req)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no hello")
	}
	if n := sim.Connections(); n != 1 {
		t.Errorf("Connections() = %d, want 1", n)
	}
}

func TestSlashCommand(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		sim := newSim(t)
		got := make(chan slack.SlashCommand, 1)
		startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
			if cmd, ok := evt.Data.(slack.SlashCommand); ok {
				got <- cmd
			}
			ackAll(c, evt)
		})
		ack, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1", Text: "prompt impostor"})
		if err != nil {
			t.Fatal(err)
		}
		if ack.Text() != "echo: prompt impostor" || ack.Latency <= 0 || ack.Type != "slash_commands" {
			t.Errorf("ack = %+v, text %q", ack, ack.Text())
		}
		cmd := <-got
		if cmd.UserID != "U1" || cmd.ChannelID != "DU1" || cmd.Command != "/mentor" || cmd.TeamID != "T0SIM" ||
			cmd.APIAppID != "A0SIM" || cmd.TriggerID == "" || !strings.HasPrefix(cmd.ResponseURL, "http://127.0.0.1:") {
			t.Errorf("command = %+v", cmd)
		}
		checkSlashWire(t, sim.Deliveries())
		msg, err := sim.WaitMessage(ctxT(t, time.Second), func(m slacksim.Message) bool { return m.Source == "ack" })
		if err != nil || !msg.Ephemeral || msg.VisibleTo != "U1" || msg.Text != "echo: prompt impostor" {
			t.Errorf("ack message = %+v, %v", msg, err)
		}
	})
	t.Run("ErrNoAck", func(t *testing.T) {
		sim := newSim(t)
		startConnected(t, sim, func(*socketmode.Client, socketmode.Event) {})
		_, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1", Text: "help"})
		if !errors.Is(err, slacksim.ErrNoAck) {
			t.Fatalf("err = %v, want ErrNoAck", err)
		}
		if n := len(sim.Deliveries()); n != 1 {
			t.Errorf("%d deliveries, want 1: slash commands are not redelivered", n)
		}
	})
}

// checkSlashWire checks the frame as Slack sends it: form fields as strings.
func checkSlashWire(t *testing.T, envs []slacksim.Envelope) {
	t.Helper()
	if len(envs) != 1 || envs[0].Type != "slash_commands" || !envs[0].AcceptsResponsePayload {
		t.Fatalf("deliveries = %+v", envs)
	}
	var p map[string]any
	if err := json.Unmarshal(envs[0].Payload, &p); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"token", "team_id", "team_domain", "channel_id", "channel_name", "user_id",
		"user_name", "command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id"} {
		if _, ok := p[k].(string); !ok {
			t.Errorf("payload %q = %#v, want a string", k, p[k])
		}
	}
}

// rawDial opens a connection URL with the app token and dials it.
func rawDial(t *testing.T, sim *slacksim.Server) (*websocket.Conn, string) {
	t.Helper()
	_, url, err := webClient(sim).StartSocketModeContext(ctxT(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	var hello map[string]any
	if err := ws.ReadJSON(&hello); err != nil || hello["type"] != "hello" {
		t.Fatalf("first frame %v, %v", hello, err)
	}
	return ws, url
}

func TestOversizedAckDropped(t *testing.T) {
	t.Parallel()
	// slack-go itself refuses to send such an ack, so a raw client sends it.
	sim := newSim(t)
	ws, _ := rawDial(t, sim)
	done := make(chan error, 1)
	go func() {
		_, err := sim.Event(ctxT(t, 5*time.Second), map[string]any{"type": "app_home_opened", "user": "U1"})
		done <- err
	}()
	var env slacksim.Envelope
	if err := ws.ReadJSON(&env); err != nil {
		t.Fatal(err)
	}
	big := fmt.Sprintf(`{"envelope_id":%q,"payload":{"text":%q}}`, env.EnvelopeID, strings.Repeat("x", 20480))
	if err := ws.WriteMessage(websocket.TextMessage, []byte(big)); err != nil {
		t.Fatal(err)
	}
	// The retry then gets a small ack, proving the socket still works.
	if err := ws.ReadJSON(&env); err != nil || env.RetryAttempt != 1 {
		t.Fatalf("retry %+v, %v", env, err)
	}
	if err := ws.WriteJSON(map[string]string{"envelope_id": env.EnvelopeID}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := sim.DroppedAcks(); n != 1 {
		t.Errorf("DroppedAcks() = %d, want 1", n)
	}
}

func TestTicket(t *testing.T) {
	t.Run("ReuseRefused", func(t *testing.T) {
		sim := newSim(t)
		_, url := rawDial(t, sim)
		_, resp, err := websocket.DefaultDialer.Dial(url, nil)
		if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("second dial: %v, %v", resp, err)
		}
		if sim.Connects() != 1 {
			t.Errorf("Connects() = %d", sim.Connects())
		}
	})
	t.Run("UnknownRefused", func(t *testing.T) {
		sim := newSim(t)
		url := "ws" + strings.TrimPrefix(sim.URL(), "http") + "/link/?ticket=made-up&app_id=A0SIM"
		_, resp, err := websocket.DefaultDialer.Dial(url, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("dial: %v, %v", resp, err)
		}
	})
}

func TestAppToken(t *testing.T) {
	for name, tc := range map[string]struct{ token, want string }{
		"ErrInvalidAuth":        {"xapp-wrong", "invalid_auth"},
		"ErrNotAuthed":          {"", "not_authed"},
		"ErrNotAllowedBotToken": {"xoxb-sim-bot", "not_allowed_token_type"},
	} {
		t.Run(name, func(t *testing.T) {
			sim := newSim(t)
			api := slack.New("xoxb-sim-bot", slack.OptionAppLevelToken(tc.token), slack.OptionAPIURL(sim.APIURL()))
			_, _, err := api.StartSocketModeContext(ctxT(t, 5*time.Second))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
			calls := sim.CallsTo("apps.connections.open")
			if len(calls) != 1 || calls[0].TokenOK || calls[0].Error != tc.want {
				t.Errorf("calls = %+v", calls)
			}
		})
	}
	t.Run("RunContextFails", func(t *testing.T) {
		sim := newSim(t)
		api := slack.New("xoxb-sim-bot", slack.OptionAppLevelToken("xapp-wrong"), slack.OptionAPIURL(sim.APIURL()))
		client := socketmode.New(api)
		go func() {
			for range client.Events { // RunContext blocks on an unread Events channel
			}
		}()
		err := client.RunContext(ctxT(t, 5*time.Second))
		if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
			t.Fatalf("RunContext = %v", err)
		}
	})
}

func TestDisconnect(t *testing.T) {
	t.Parallel()
	t.Run("RefreshRequested", func(t *testing.T) {
		sim := newSim(t)
		startConnected(t, sim, ackAll)
		sim.Disconnect("refresh_requested")
		if err := sim.WaitConnected(ctxT(t, 5*time.Second), 2); err != nil {
			t.Fatal(err)
		}
		if _, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1", Text: "after"}); err != nil {
			t.Fatal(err)
		}
		if n := sim.Connects(); n != 2 {
			t.Errorf("Connects() = %d, want 2", n)
		}
		if n := len(sim.CallsTo("apps.connections.open")); n != 2 {
			t.Errorf("%d apps.connections.open calls, want a fresh ticket each time", n)
		}
		waitFor(t, func() bool { return sim.Connections() == 1 })
	})
	t.Run("GraceClosesSocket", func(t *testing.T) {
		sim := newSim(t)
		ws, _ := rawDial(t, sim)
		sim.Disconnect("warning")
		var frame map[string]any
		if err := ws.ReadJSON(&frame); err != nil || frame["type"] != "disconnect" || frame["reason"] != "warning" {
			t.Fatalf("frame %v, %v", frame, err)
		}
		start := time.Now()
		_, _, err := ws.ReadMessage() // the client ignores it; the server closes after the grace
		if !websocket.IsCloseError(err, websocket.CloseNormalClosure) || time.Since(start) > 2*time.Second {
			t.Fatalf("read after disconnect: %v after %v", err, time.Since(start))
		}
	})
}

func TestDropConnections(t *testing.T) {
	sim := newSim(t)
	startConnected(t, sim, ackAll)
	sim.DropConnections()
	if err := sim.WaitConnected(ctxT(t, 10*time.Second), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1"}); err != nil {
		t.Fatal(err)
	}
}

func TestPingsKeepConnectionAlive(t *testing.T) {
	t.Parallel()
	sim := newSim(t)
	startConnected(t, sim, ackAll, socketmode.OptionPingInterval(300*time.Millisecond))
	time.Sleep(time.Second)
	if n := sim.Connects(); n != 1 {
		t.Errorf("Connects() = %d: the client saw no pings", n)
	}
}

func TestDeliverSameEnvelopeTwice(t *testing.T) {
	sim := newSim(t)
	var seen atomic.Int32
	startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeEventsAPI {
			seen.Add(1)
		}
		ackAll(c, evt)
	})
	payload := json.RawMessage(`{"type":"event_callback","event_id":"Ev1","event":{"type":"app_home_opened","user":"U1"}}`)
	env := slacksim.Envelope{EnvelopeID: "fixed-id", Type: "events_api", Payload: payload, RetryAttempt: 2, RetryReason: "timeout"}
	for range 2 {
		ack, err := sim.Deliver(ctxT(t, 5*time.Second), env)
		if err != nil || ack.EnvelopeID != "fixed-id" || ack.RetryAttempt != 2 || ack.EventID != "Ev1" {
			t.Fatalf("ack %+v, %v", ack, err)
		}
	}
	if seen.Load() != 2 || len(sim.Acks()) != 2 {
		t.Errorf("seen %d, acks %d", seen.Load(), len(sim.Acks()))
	}
}

func TestConcurrentDeliveries(t *testing.T) {
	sim := newSim(t, func(o *slacksim.Options) { o.AckTimeout = 3 * time.Second })
	startConnected(t, sim, ackAll)
	startBot(t, sim, ackAll) // a second socket: envelopes spread over both
	if err := sim.WaitConnected(ctxT(t, 5*time.Second), 2); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			text := fmt.Sprintf("n%d", i)
			ack, err := sim.SlashCommand(ctxT(t, 10*time.Second), slacksim.SlashCommand{UserID: "U1", Text: text})
			if err != nil || ack.Text() != "echo: "+text {
				t.Errorf("%s: %v, %v", text, ack, err)
			}
		})
	}
	wg.Wait()
	if n := len(sim.Acks()); n != 64 {
		t.Errorf("%d acks", n)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
