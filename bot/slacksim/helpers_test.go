package slacksim_test

import (
	"context"
	"flag"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

var verbose = flag.Bool("simlog", false, "log the simulator's debug lines")

// newSim starts a Server with test-friendly timings; tweak adjusts options.
func newSim(t testing.TB, tweak ...func(*slacksim.Options)) *slacksim.Server {
	t.Helper()
	o := slacksim.Options{
		PingInterval:    100 * time.Millisecond,
		AckTimeout:      400 * time.Millisecond,
		DisconnectGrace: 200 * time.Millisecond,
	}
	if *verbose {
		o.Logf = safeLogf(t)
	}
	for _, f := range tweak {
		f(&o)
	}
	sim := slacksim.New(o)
	t.Cleanup(sim.Close)
	return sim
}

// safeLogf is t.Logf that goes quiet once the test is over, because a
// request handler may still log after it.
func safeLogf(t testing.TB) func(string, ...any) {
	var mu sync.Mutex
	over := false
	t.Cleanup(func() { mu.Lock(); over = true; mu.Unlock() })
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if !over {
			t.Logf(format, args...)
		}
	}
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// webClient is the bot's slack.Client pointed at the simulator.
func webClient(sim *slacksim.Server) *slack.Client {
	o := sim.Options()
	return slack.New(o.BotToken, slack.OptionAppLevelToken(o.AppToken), slack.OptionAPIURL(sim.APIURL()))
}

// handler handles one Socket Mode event the way a bot would.
type handler func(c *socketmode.Client, evt socketmode.Event)

// ackAll acks every request; slash commands get an echo of their text.
func ackAll(c *socketmode.Client, evt socketmode.Event) {
	if evt.Request == nil || evt.Request.EnvelopeID == "" {
		return
	}
	if cmd, ok := evt.Data.(slack.SlashCommand); ok {
		_ = c.Ack(*evt.Request, map[string]any{"text": "echo: " + cmd.Text})
		return
	}
	_ = c.Ack(*evt.Request)
}

// bot is a real slack-go Socket Mode client running against the simulator.
type bot struct {
	client *socketmode.Client
	runErr chan error
}

// startBot runs a socketmode.Client with h handling its events until the
// test ends.
func startBot(t testing.TB, sim *slacksim.Server, h handler, opts ...socketmode.Option) *bot {
	t.Helper()
	b := &bot{client: socketmode.New(webClient(sim), opts...), runErr: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); b.runErr <- b.client.RunContext(ctx) }()
	go func() {
		defer wg.Done()
		for {
			select {
			case evt := <-b.client.Events:
				h(b.client, evt)
			case <-ctx.Done():
				return
			}
		}
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return b
}

// startConnected starts a bot and waits for its first connection.
func startConnected(t testing.TB, sim *slacksim.Server, h handler, opts ...socketmode.Option) *bot {
	t.Helper()
	b := startBot(t, sim, h, opts...)
	if err := sim.WaitConnected(ctxT(t, 5*time.Second), 1); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	return b
}
