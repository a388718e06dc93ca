package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// loadResult is what load runs measured, added up over rounds.
type loadResult struct {
	replies   int
	elapsed   time.Duration
	cpu       time.Duration // the whole process's, simulator included
	alloc     uint64        // heap bytes allocated, simulator included
	latencies []time.Duration
}

func (r *loadResult) add(o loadResult) {
	r.replies += o.replies
	r.elapsed += o.elapsed
	r.cpu += o.cpu
	r.alloc += o.alloc
	r.latencies = append(r.latencies, o.latencies...)
}

func (r loadResult) acks() int                { return len(r.latencies) }
func (r loadResult) acksPerSec() float64      { return float64(r.acks()) / r.elapsed.Seconds() }
func (r loadResult) repliesPerSec() float64   { return float64(r.replies) / r.elapsed.Seconds() }
func (r loadResult) cpuPerCommand() float64   { return float64(r.cpu.Microseconds()) / float64(r.acks()) }
func (r loadResult) bytesPerCommand() float64 { return float64(r.alloc) / float64(r.acks()) }
func (r loadResult) percentile(p float64) float64 {
	l := slices.Sorted(slices.Values(r.latencies))
	return float64(l[int(p*float64(len(l)-1))].Microseconds()) / 1000
}

// load sends n slash commands through the simulator with inFlight at a time,
// spread over members members in turn, and measures acks and their latency as
// Slack sees it (from sending the envelope to reading the ack).
func load(tb testing.TB, sim *slacksim.Server, n, inFlight, members int, text string) loadResult {
	tb.Helper()
	var (
		next      atomic.Int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, n)
		replies   atomic.Int64
		wg        sync.WaitGroup
	)
	ctx := context.Background()
	cpu0, alloc0 := cpuTime(tb), totalAlloc()
	start := time.Now()
	for range inFlight {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				user := fmt.Sprintf("U%04d", i%int64(members))
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
	if len(latencies) == 0 {
		tb.Fatal("no acks")
	}
	return loadResult{replies: int(replies.Load()), elapsed: elapsed, cpu: cpuTime(tb) - cpu0, alloc: totalAlloc() - alloc0, latencies: latencies}
}

// totalAlloc is the heap bytes the process has allocated so far. Collecting
// garbage costs in proportion to it, so it is the figure to cut when the
// collector's share of a profile grows.
func totalAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

var commandsProfile = flag.String("bench.profile", "",
	"write CPU and heap profiles of each round of BenchmarkCommands to this prefix plus -MEMBERS-bare-N.pprof, -MEMBERS-bot-N.pprof and their .heap.pprof")

// BenchmarkCommands sends b.N `/mentor prompt` commands through the local
// Slack with 32 in flight to a bare slack-go handler, b.N to Slack's Bolt for
// JavaScript acking the same fixed text (when node and npm are installed), and
// b.N to the real bot, on the same simulator, and reports all three. The
// commands come from 64 members in turn (members who send several commands
// in quick succession) or from 1,000, who have each sent one command before
// (unmeasured). The peers take turns, a quarter of their commands per round,
// so a machine that speeds up or slows down during the run weighs on all
// alike. Run it with a fixed count:
//
//	go test -run '^$' -bench Commands -benchtime 8000x ./cmd/mentorbot
func BenchmarkCommands(b *testing.B) {
	bolt := boltJSPeer(b)
	for _, members := range []int{64, 1000} {
		b.Run(fmt.Sprintf("members=%d", members), func(b *testing.B) { benchCommands(b, members, bolt) })
	}
}

// roundOrder is the order in which peers peers take round r: each round
// another, so that no peer always runs right after the same one. Whatever
// a peer leaves behind (Node's exit returns a few hundred megabytes to the
// kernel) then weighs on every other peer alike: with a fixed order the bot,
// always right after Bolt-JS, measured a ratio of 0.59 against 0.67
// without Bolt-JS in the run. With three peers, each of the other two
// follows Bolt-JS in two rounds of four.
func roundOrder(peers, r int) []int {
	if peers == 3 {
		return [][]int{{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {1, 2, 0}}[r%4]
	}
	order := make([]int, peers)
	for i := range order {
		order[i] = (i + r) % peers
	}
	return order
}

// commandsRun is one peer of BenchmarkCommands: it connects to the
// simulator, and the returned stop disconnects it.
type commandsRun func(tb testing.TB, sim *slacksim.Server) (stop func())

func benchCommands(b *testing.B, members int, bolt commandsRun) {
	const (
		inFlight = 32
		rounds   = 4
	)
	// The simulator keeps its last thousand messages, not all of them: a
	// record growing through the run would be the simulator's garbage to
	// collect, charged to whichever handler runs second.
	sim := slacksim.New(slacksim.Options{History: 1000})
	defer sim.Close()
	for i := range members {
		sim.AddUser(slacksim.User{ID: fmt.Sprintf("U%04d", i), TZ: "Europe/Paris"})
	}
	n := max(b.N, inFlight*rounds)
	dbPath := filepath.Join(b.TempDir(), "mentorbot.db")
	opts := sim.Options()
	cfg := Config{BotToken: opts.BotToken, AppToken: opts.AppToken, APIURL: sim.APIURL(), DBPath: dbPath, Command: "/mentor", HTTPAddr: "127.0.0.1:0", DefaultTZ: "UTC"}

	peers := []struct {
		name string
		run  commandsRun
		res  loadResult
	}{{name: "bare", run: runBare}, {name: "boltjs", run: bolt}, {name: "bot", run: runBot(cfg)}}
	if bolt == nil {
		peers = slices.Delete(peers, 1, 2)
	}
	// Before the measured rounds, each peer answers one command from every
	// member, unmeasured: the bot then knows each member's Slack language,
	// which it asks Slack for once per member a day (and stores, so the
	// rounds' restarts do not ask again), and Node's compiler has warmed up.
	// The bot's first contact is reported on its own (first-*).
	var first loadResult
	for i := range peers {
		stop := peers[i].run(b, sim)
		res := load(b, sim, members, inFlight, members, "prompt")
		if peers[i].name == "bot" {
			first = res
		}
		stop()
		waitConnections(b, sim, 0)
	}
	for r := range rounds {
		per := n/rounds + min(1, max(0, n%rounds-r)) // the remainder, one each to the first rounds
		for _, i := range roundOrder(len(peers), r) {
			p := &peers[i]
			stop := p.run(b, sim)
			prof := startProfile(b, *commandsProfile, fmt.Sprintf("-%d-%s-%d.pprof", members, p.name, r))
			p.res.add(load(b, sim, per, inFlight, members, "prompt"))
			prof()
			stop()
			waitConnections(b, sim, 0)
		}
	}
	bare, got := peers[0].res, peers[len(peers)-1].res

	// Every prompt's history entry reached the file.
	if written := countHistory(b, dbPath, members); written != got.replies+first.replies {
		b.Fatalf("%d history entries written for %d prompts", written, got.replies+first.replies)
	}
	for _, p := range peers {
		if p.res.acks() != n {
			b.Fatalf("%s: %d acks for %d commands", p.name, p.res.acks(), n)
		}
	}
	b.ReportMetric(got.acksPerSec(), "acks/s")
	b.ReportMetric(got.repliesPerSec(), "replies/s")
	b.ReportMetric(got.percentile(0.50), "p50-ms")
	b.ReportMetric(got.percentile(0.99), "p99-ms")
	b.ReportMetric(first.acksPerSec(), "first-acks/s")
	b.ReportMetric(first.percentile(0.99), "first-p99-ms")
	b.ReportMetric(bare.acksPerSec(), "bare-acks/s")
	b.ReportMetric(bare.percentile(0.50), "bare-p50-ms")
	b.ReportMetric(bare.percentile(0.99), "bare-p99-ms")
	b.ReportMetric(got.acksPerSec()/bare.acksPerSec(), "ratio")
	if bolt != nil {
		js := peers[1].res
		b.ReportMetric(js.acksPerSec(), "boltjs-acks/s")
		b.ReportMetric(js.percentile(0.99), "boltjs-p99-ms")
		b.ReportMetric(got.acksPerSec()/js.acksPerSec(), "vs-boltjs")
	}
	// CPU per command, simulator included: steadier than the rates when
	// something else runs on the machine. (Bolt-JS runs in its own process,
	// so its CPU is not comparable and not reported.)
	b.ReportMetric(got.cpuPerCommand(), "cpu-µs/cmd")
	b.ReportMetric(bare.cpuPerCommand(), "bare-cpu-µs/cmd")
	b.ReportMetric(got.bytesPerCommand(), "alloc-B/cmd")
	b.ReportMetric(bare.bytesPerCommand(), "bare-alloc-B/cmd")
	b.ReportMetric(0, "ns/op") // per-op time means little here; the rates above are the figures
}

// startProfile starts a CPU profile into prefix+suffix, when a prefix is
// given, and returns the function that stops it.
func startProfile(tb testing.TB, prefix, suffix string) func() {
	tb.Helper()
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(prefix + suffix)
	if err != nil {
		tb.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		tb.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			tb.Error(err)
		}
		// The heap as the last collection in the phase left it: what the
		// collector had to mark while the phase ran.
		h, err := os.Create(prefix + strings.TrimSuffix(suffix, ".pprof") + ".heap.pprof")
		if err != nil {
			tb.Fatal(err)
		}
		if err := pprof.Lookup("heap").WriteTo(h, 0); err != nil {
			tb.Error(err)
		}
		if err := h.Close(); err != nil {
			tb.Error(err)
		}
	}
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

func countHistory(tb testing.TB, path string, members int) int {
	tb.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	total := 0
	for i := range members {
		h, err := db.History(fmt.Sprintf("U%04d", i), 0)
		if err != nil {
			tb.Fatal(err)
		}
		total += len(h)
	}
	return total
}
