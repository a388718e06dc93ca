package slacksim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("Traffic", func(t *testing.T) {
		sim := newWorkspace(t)
		startConnected(t, sim, mentor(t))
		ctx := ctxT(t, 5*time.Second)
		if _, err := sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: "U1", Text: "respond"}); err != nil {
			t.Fatal(err)
		}
		sim.Disconnect("refresh_requested")
		if err := sim.WaitConnected(ctx, 2); err != nil {
			t.Fatal(err)
		}
		sim.FailNext("auth.test", 1, slacksim.Fault{Delay: time.Hour}) // Close must cut this short
		go func() { _, _ = webClient(sim).AuthTest() }()
		_, cancel := sim.Subscribe()
		defer cancel()
		time.Sleep(50 * time.Millisecond)
		start := time.Now()
		sim.Close()
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Close took %v", d)
		}
	})
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCloseUnblocksWaiters(t *testing.T) {
	sim := newSim(t)
	errs := make(chan error, 3)
	go func() {
		_, err := sim.SlashCommand(context.Background(), slacksim.SlashCommand{UserID: "U1"})
		errs <- err
	}()
	go func() { errs <- sim.WaitConnected(context.Background(), 1) }()
	go func() {
		_, err := sim.WaitMessage(context.Background(), func(slacksim.Message) bool { return false })
		errs <- err
	}()
	time.Sleep(50 * time.Millisecond)
	sim.Close()
	for range 3 {
		if err := <-errs; !errors.Is(err, slacksim.ErrClosed) {
			t.Errorf("err = %v, want ErrClosed", err)
		}
	}
	sim.Close() // twice is fine
	if _, err := http.Get(sim.APIURL() + "auth.test"); err == nil {
		t.Error("the listener is still open")
	}
}

func TestSlowSubscriberDoesNotBlock(t *testing.T) {
	t.Parallel()
	sim := newWorkspace(t)
	ch, cancel := sim.Subscribe()
	defer cancel()
	api := webClient(sim)
	for range 300 {
		if _, _, err := api.PostMessage("DU1", slack.MsgOptionText("x", false)); err != nil {
			t.Fatal(err)
		}
	}
	if len(ch) != 256 || sim.DroppedForSubscribers() != 44 {
		t.Errorf("buffered %d, dropped %d", len(ch), sim.DroppedForSubscribers())
	}
}

func TestTokensNeverLogged(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	sim := newSim(t, func(o *slacksim.Options) {
		o.Logf = func(f string, a ...any) {
			mu.Lock()
			defer mu.Unlock()
			lines = append(lines, fmt.Sprintf(f, a...))
		}
	})
	startConnected(t, sim, ackAll)
	if _, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1"}); err != nil {
		t.Fatal(err)
	}
	_, _ = slack.New("xoxb-leaked", slack.OptionAPIURL(sim.APIURL())).AuthTest()
	_, _, _ = webClient(sim).PostMessage("C404", slack.MsgOptionText("x", false))
	sim.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(lines) == 0 {
		t.Fatal("nothing logged")
	}
	for _, l := range lines {
		if strings.Contains(l, "xoxb") || strings.Contains(l, "xapp") {
			t.Errorf("token in log: %s", l)
		}
	}
}

// BenchmarkSlashCommand measures a command's round trip through a real
// slack-go client, from 32 concurrent callers.
func BenchmarkSlashCommand(b *testing.B) {
	sim := newSim(b, func(o *slacksim.Options) { o.AckTimeout = 3 * time.Second })
	startConnected(b, sim, ackAll)
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := sim.SlashCommand(context.Background(), slacksim.SlashCommand{UserID: "U1", Text: "x"}); err != nil {
				b.Error(err)
			}
		}
	})
}

func TestHistoryBoundsRecords(t *testing.T) {
	sim := newWorkspace(t, func(o *slacksim.Options) { o.History = 10 })
	startConnected(t, sim, ackAll)
	api := webClient(sim)
	var firstURL string
	for i := range 50 {
		if _, err := sim.SlashCommand(ctxT(t, 5*time.Second), slacksim.SlashCommand{UserID: "U1"}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			firstURL = responseURLOf(t, sim.Deliveries()[0])
		}
		if _, _, err := api.PostMessage("C1", slack.MsgOptionText(fmt.Sprint(i), false)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(sim.Deliveries()); n < 10 || n >= 20 {
		t.Errorf("%d deliveries kept", n)
	}
	if n := len(sim.Messages()); n < 10 || n >= 20 {
		t.Errorf("%d messages kept", n)
	}
	if n := len(sim.Calls()); n < 10 || n >= 20 {
		t.Errorf("%d calls kept", n)
	}
	m, err := sim.WaitMessage(ctxT(t, time.Second), func(m slacksim.Message) bool { return m.Text == "49" })
	if err != nil || m.Channel != "C1" {
		t.Errorf("WaitMessage = %+v, %v", m, err)
	}
	resp, err := http.Post(firstURL, "application/json", strings.NewReader(`{"text":"late"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an evicted response URL answered %d", resp.StatusCode)
	}
}

func responseURLOf(t *testing.T, env slacksim.Envelope) string {
	t.Helper()
	var p struct {
		ResponseURL string `json:"response_url"`
	}
	if err := json.Unmarshal(env.Payload, &p); err != nil || p.ResponseURL == "" {
		t.Fatalf("no response_url in %s: %v", env.Payload, err)
	}
	return p.ResponseURL
}
