package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

var (
	rateFanOut   = flag.Int("bench.fanout", 100_000, "nudges BenchmarkFanOutAtSlackRate sends")
	ratePerMin   = flag.Int("bench.postsperminute", 600, "the workspace's chat.postMessage limit in BenchmarkFanOutAtSlackRate")
	rateClockMul = flag.Float64("bench.clockrate", 40, "how many times faster than the wall clock BenchmarkFanOutAtSlackRate's clock runs")
)

// BenchmarkFanOutAtSlackRate runs a fan-out of -bench.fanout nudges
// (100,000), all due within the same minute, through a local Slack that
// allows -bench.postsperminute chat.postMessage calls across the workspace
// and answers 429 with a Retry-After past that, as Slack does. The app and
// the local Slack share a clock -bench.clockrate times as fast as the wall
// clock, so hours of Slack's pace pass in minutes; it must stay slow enough
// for Slack's limit, not the bot, to be what binds (at 40 and 600 a minute,
// 400 posts a second of wall time, under the bot's ~560). The scheduler's
// ticks are SendDue calls, one after another as cron's would be, until
// nothing is due.
//
// It fails unless every member got exactly one nudge and none was skipped
// (Grace is the default 6 h; the fan-out takes longer than that at 300 a
// minute). It reports how long the fan-out took on the clock, the 429s,
// how far out of due order posts went, and the process's CPU per nudge
// (simulator included), its peak Go heap and peak goroutines.
//
//	go test -run '^$' -bench FanOutAtSlackRate -benchtime 1x -timeout 30m ./cmd/mentorbot
func BenchmarkFanOutAtSlackRate(b *testing.B) {
	n := *rateFanOut
	start := fanOutSlot.Add(-time.Minute)
	clk := newClock(start, *rateClockMul)
	sim := slacksim.New(slacksim.Options{Clock: clk, PostsPerMinute: *ratePerMin, History: 1000})
	b.Cleanup(sim.Close)
	opts := sim.Options()
	cfg := Config{BotToken: opts.BotToken, AppToken: opts.AppToken, APIURL: sim.APIURL(), DBPath: filepath.Join(fastTempDir(b), "mentorbot.db"),
		Command: "/mentor", HTTPAddr: "127.0.0.1:0", DefaultTZ: "UTC", Grace: 6 * time.Hour}
	a, err := newApp(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), rand.New(rand.NewPCG(1, 2)), clk)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.db.Close() })
	posts := &postLog{Slack: a.bot.Slack, due: map[string]time.Time{}, got: map[string]int{}}
	a.bot.Slack = posts
	subs := make([]store.Subscription, n)
	for i := range subs {
		id := fmt.Sprintf("U%06d", i)
		sim.AddUser(slacksim.User{ID: id, TZ: "UTC"})
		// Due within the minute, so that "oldest first" can be checked.
		subs[i] = weeklyAt(id, time.UTC, fanOutSlot.Add(-time.Duration(i%60)*time.Second))
		posts.due["D"+id] = subs[i].NextDue
	}
	putSubscriptions(b, a.db, subs, 1000)
	clk.Set(fanOutSlot)

	var peakG, peakHeap atomic.Int64
	stop := sampleRuntime(&peakG, &peakHeap)
	ctx := context.Background()
	var rep bot.SendReport
	ticks := 0
	cpu0, wall0 := cpuTime(b), time.Now()
	for b.Loop() {
		for {
			r, err := a.bot.SendDue(ctx, clk.Now())
			if err != nil {
				b.Fatal(err)
			}
			ticks++
			rep.Sent, rep.Skipped, rep.Retry = rep.Sent+r.Sent, rep.Skipped+r.Skipped, rep.Retry+r.Retry
			if r == (bot.SendReport{}) {
				break
			}
		}
	}
	took, wall, cpu := clk.Now().Sub(fanOutSlot), time.Since(wall0), cpuTime(b)-cpu0
	stop()
	if rep.Sent != n || rep.Skipped != 0 {
		b.Fatalf("sent %d, skipped %d, retried %d of %d", rep.Sent, rep.Skipped, rep.Retry, n)
	}
	if err := posts.check(n); err != nil {
		b.Fatal(err)
	}
	limited := 0
	for _, c := range sim.CallsTo("chat.postMessage") {
		if c.Status == 429 {
			limited++
		}
	}
	recent := len(sim.CallsTo("chat.postMessage")) // the simulator keeps the last thousand or so
	b.Logf("%d nudges at %d posts a minute: %v on the clock (%v wall), %d ticks, %d sent, 0 skipped; 429 for %d of the last %d calls",
		n, *ratePerMin, took.Round(time.Second), wall.Round(time.Second), ticks, rep.Sent, limited, recent)
	b.ReportMetric(took.Hours(), "clock-hours")
	b.ReportMetric(float64(n)/took.Minutes(), "nudges/min")
	b.ReportMetric(float64(posts.maxLate.Load()), "max-out-of-order")
	b.ReportMetric(100*float64(limited)/float64(recent), "429s/100calls")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/nudge")
	b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peakG.Load()), "peak-goroutines")
	b.ReportMetric(0, "ns/op")
}

// postLog counts the nudges Slack accepted per DM and how far each post
// came after one of a later due time.
type postLog struct {
	bot.Slack
	mu      sync.Mutex
	due     map[string]time.Time // DM → its slot
	got     map[string]int
	latest  time.Time // the latest slot posted so far
	late    int       // posts so far older than latest
	maxLate atomic.Int64
}

func (p *postLog) PostMessageContext(ctx context.Context, channel string, opts ...slack.MsgOption) (string, string, error) {
	ch, ts, err := p.Slack.PostMessageContext(ctx, channel, opts...)
	if err == nil {
		p.mu.Lock()
		p.got["D"+channel]++
		if d := p.due["D"+channel]; d.Before(p.latest) {
			// Out of due order: with 8 senders, a nudge can be posted after
			// up to 7 posts of a later slot.
			p.late++
			p.maxLate.Store(max(p.maxLate.Load(), int64(p.late)))
		} else {
			p.latest, p.late = d, 0
		}
		p.mu.Unlock()
	}
	return ch, ts, err
}

// check reports a member with no nudge or more than one.
func (p *postLog) check(n int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.got) != n {
		return fmt.Errorf("%d members got a nudge, want %d", len(p.got), n)
	}
	for ch, c := range p.got {
		if c != 1 {
			return fmt.Errorf("%s got %d nudges", ch, c)
		}
	}
	return nil
}

// sampleRuntime records the peak goroutines and Go heap in use, every 100 ms
// until stop is called.
func sampleRuntime(goroutines, heap *atomic.Int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			goroutines.Store(max(goroutines.Load(), int64(runtime.NumGoroutine())))
			runtime.ReadMemStats(&m)
			heap.Store(max(heap.Load(), int64(m.HeapInuse)))
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
