package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// loadResult is what a load run measured.
type loadResult struct {
	acks, replies int
	elapsed       time.Duration
	p50, p99      time.Duration
}

func (r loadResult) acksPerSec() float64    { return float64(r.acks) / r.elapsed.Seconds() }
func (r loadResult) repliesPerSec() float64 { return float64(r.replies) / r.elapsed.Seconds() }

// load sends n slash commands through the simulator with inFlight at a time,
// spread over a thousand members, and measures acks and their latency as
// Slack sees it (from sending the envelope to reading the ack).
func load(tb testing.TB, sim *slacksim.Server, n, inFlight int, text string) loadResult {
	tb.Helper()
	var (
		next      atomic.Int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, n)
		replies   atomic.Int64
		wg        sync.WaitGroup
	)
	ctx := context.Background()
	start := time.Now()
	for range inFlight {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				user := fmt.Sprintf("U%04d", i%1000)
				ack, err := sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: user, Text: text})
				if err != nil {
					tb.Errorf("command %d: %v", i, err)
					return
				}
				// A reply travels in the ack's payload. Checking for one
				// without decoding it keeps the load generator's own cost
				// the same for both handlers.
				if len(ack.Payload) > 0 && string(ack.Payload) != "null" {
					replies.Add(1)
				}
				mu.Lock()
				latencies = append(latencies, ack.Latency)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	if len(latencies) == 0 {
		tb.Fatal("no acks")
	}
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	return loadResult{acks: len(latencies), replies: int(replies.Load()), elapsed: elapsed, p50: pct(0.50), p99: pct(0.99)}
}

// runBare connects a bare slack-go Socket Mode handler that acks every slash
// command with a fixed text, the floor any bot is measured against.
func runBare(ctx context.Context, sim *slacksim.Server) {
	opts := sim.Options()
	api := slack.New(opts.BotToken, slack.OptionAppLevelToken(opts.AppToken), slack.OptionAPIURL(sim.APIURL()))
	sm := socketmode.New(api)
	go sm.RunContext(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-sm.Events:
			if evt.Type == socketmode.EventTypeSlashCommand && evt.Request != nil {
				sm.Ack(*evt.Request, map[string]any{"response_type": "ephemeral", "text": "ok"})
			}
		}
	}
}

// BenchmarkCommands sends b.N `/mentor prompt` commands through the local
// Slack with 32 in flight, first to a bare handler and then to the real bot
// on the same simulator, and reports both. Run it with a fixed count:
//
//	go test -run '^$' -bench Commands -benchtime 5000x ./cmd/mentorbot
func BenchmarkCommands(b *testing.B) {
	const inFlight = 32
	// The simulator keeps its last thousand messages, not all of them: a
	// record growing through the run would be the simulator's garbage to
	// collect, charged to whichever handler runs second.
	sim := slacksim.New(slacksim.Options{History: 1000})
	defer sim.Close()
	for i := range 1000 {
		sim.AddUser(slacksim.User{ID: fmt.Sprintf("U%04d", i), TZ: "Europe/Paris"})
	}
	n := max(b.N, inFlight)

	// The bare handler.
	ctx, cancel := context.WithCancel(context.Background())
	go runBare(ctx, sim)
	waitConnects(b, sim, 1)
	cpu0 := cpuTime(b)
	bare := load(b, sim, n, inFlight, "prompt")
	bareCPU := cpuTime(b) - cpu0
	cancel()
	waitConnections(b, sim, 0)

	// The bot, with a real database, on the same simulator.
	dbPath := filepath.Join(b.TempDir(), "mentorbot.db")
	opts := sim.Options()
	cfg := Config{BotToken: opts.BotToken, AppToken: opts.AppToken, APIURL: sim.APIURL(), DBPath: dbPath, Command: "/mentor", HTTPAddr: "127.0.0.1:0", DefaultTZ: "UTC"}
	a, err := newApp(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()
	waitConnects(b, sim, 2)
	b.ResetTimer()
	cpu0 = cpuTime(b)
	got := load(b, sim, n, inFlight, "prompt")
	b.StopTimer()
	botCPU := cpuTime(b) - cpu0
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}

	// Every prompt's history entry reached the file.
	written := countHistory(b, dbPath)
	if written != got.replies {
		b.Fatalf("%d history entries written for %d prompts", written, got.replies)
	}
	b.ReportMetric(got.acksPerSec(), "acks/s")
	b.ReportMetric(got.repliesPerSec(), "replies/s")
	b.ReportMetric(float64(got.p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(got.p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(bare.acksPerSec(), "bare-acks/s")
	b.ReportMetric(float64(bare.p50.Microseconds())/1000, "bare-p50-ms")
	b.ReportMetric(float64(bare.p99.Microseconds())/1000, "bare-p99-ms")
	b.ReportMetric(got.acksPerSec()/bare.acksPerSec(), "ratio")
	// CPU per command, simulator included: steadier than the rates when
	// something else runs on the machine.
	b.ReportMetric(float64(botCPU.Microseconds())/float64(got.acks), "cpu-µs/cmd")
	b.ReportMetric(float64(bareCPU.Microseconds())/float64(bare.acks), "bare-cpu-µs/cmd")
	b.ReportMetric(0, "ns/op") // per-op time means little here; the rates above are the figures
}

func waitConnects(tb testing.TB, sim *slacksim.Server, n int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sim.WaitConnected(ctx, n); err != nil {
		tb.Fatal(err)
	}
}

func waitConnections(tb testing.TB, sim *slacksim.Server, n int) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); sim.Connections() != n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("%d connections, want %d", sim.Connections(), n)
		}
	}
}

func countHistory(tb testing.TB, path string) int {
	tb.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	total := 0
	for i := range 1000 {
		h, err := db.History(fmt.Sprintf("U%04d", i), 0)
		if err != nil {
			tb.Fatal(err)
		}
		total += len(h)
	}
	return total
}
