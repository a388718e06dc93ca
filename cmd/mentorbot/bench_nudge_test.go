//go:build unix

// The benchmarks behind issue 4's figures: the cost of a tick when nothing is
// due, the fan-out of a tick when thousands are, and the database's size per
// subscriber after a year. Unix only, for getrusage.
//
//	go test -run '^$' -bench 'TickNoneDue' ./cmd/mentorbot
//	go test -run '^$' -bench 'TickFanOut|DatabaseSize' -benchtime 1x ./cmd/mentorbot

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
)

var sizeSubscribers = flag.Int("bench.sizesubs", 1000, "subscribers BenchmarkDatabaseSizePerSubscriber writes a year for")

const benchWeek = 7 * 24 * time.Hour

// fanOutSlot is a Friday 15:00 UTC: 16:00 in Paris, 10:00 in New York,
// midnight in Tokyo. No zone below changes its clock in the following week,
// so every next nudge is exactly a week later.
var fanOutSlot = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

// loadBenchZones loads the zones subscribers are spread over.
func loadBenchZones(tb testing.TB) []*time.Location {
	tb.Helper()
	var locs []*time.Location
	for _, name := range []string{"Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			tb.Fatal(err)
		}
		locs = append(locs, loc)
	}
	return locs
}

// newBenchApp wires the bot as serve does (newApp: the real store, the
// built-in catalog, slack-go with its retry config) against a local Slack.
// slacksim.Options{} has RateLimit off, so Slack never answers 429. Only the
// Web API is used: SendDue needs no socket, so run is never called and the
// database is closed on cleanup instead.
func newBenchApp(tb testing.TB, dbPath string) (*app, *slacksim.Server) {
	tb.Helper()
	sim := slacksim.New(slacksim.Options{})
	tb.Cleanup(sim.Close)
	opts := sim.Options()
	cfg := Config{BotToken: opts.BotToken, AppToken: opts.AppToken, APIURL: sim.APIURL(), DBPath: dbPath,
		Command: "/mentor", HTTPAddr: "127.0.0.1:0", DefaultTZ: "UTC", Grace: 6 * time.Hour}
	a, err := newApp(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), rand.New(rand.NewPCG(1, 2)), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = a.db.Close() })
	return a, sim
}

// weeklyAt is a weekly subscription in zone loc whose next nudge is at.
func weeklyAt(userID string, loc *time.Location, at time.Time) store.Subscription {
	l := at.In(loc)
	return store.Subscription{UserID: userID, Created: at.Add(-4 * benchWeek), Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: l.Weekday(), Hour: l.Hour(), Minute: l.Minute(), TZ: loc.String(), NextDue: at}}
}

// putSubscriptions writes subs with PutSubscription from workers goroutines
// and returns how long it took. PutSubscription goes through bbolt's Batch,
// which commits when 1,000 calls are queued or 10 ms after the first one: with
// 32 callers every commit waits out the 10 ms (100,000 subscriptions took 38 s
// on a 2-core VM), with 1,000 the batches fill and the same fixture takes 0.9 s.
func putSubscriptions(tb testing.TB, db *store.DB, subs []store.Subscription, workers int) time.Duration {
	tb.Helper()
	start := time.Now()
	forEachParallel(tb, len(subs), workers, func(i int) error { return db.PutSubscription(subs[i]) })
	return time.Since(start)
}

// BenchmarkTickNoneDue times one SendDue over 100,000 subscriptions of which
// none is due, their next nudges spread over the coming week. The target is
// under 1 ms: the due index makes it one read of the index's first key.
func BenchmarkTickNoneDue(b *testing.B) {
	const n = 100_000
	a, _ := newBenchApp(b, filepath.Join(b.TempDir(), "mentorbot.db"))
	now := fanOutSlot
	rnd := rand.New(rand.NewPCG(3, 4))
	zones := loadBenchZones(b)
	subs := make([]store.Subscription, n)
	for i := range subs {
		at := now.Add(time.Minute + time.Duration(rnd.Int64N(int64(benchWeek)))).Truncate(time.Minute)
		subs[i] = weeklyAt(fmt.Sprintf("U%06d", i), zones[i%len(zones)], at)
	}
	took := putSubscriptions(b, a.db, subs, 1000)
	if count, err := a.db.CountSubscriptions(); err != nil || count != n {
		b.Fatalf("%d subscriptions written, want %d (%v)", count, n, err)
	}
	b.Logf("fixture: %d subscriptions in %v", n, took.Round(time.Millisecond))
	ctx := context.Background()
	for b.Loop() {
		rep, err := a.bot.SendDue(ctx, now)
		if err != nil || rep != (bot.SendReport{}) {
			b.Fatalf("SendDue = %+v, %v; want nothing done", rep, err)
		}
	}
}

// BenchmarkTickFanOut sends 10,000 nudges due at the same minute with one
// SendDue per op, through the local Slack with no rate limit, at the
// production SendConcurrency (8) and at 32. It reports nudges per second,
// wall time and CPU time per nudge.
//
// The CPU figure is the whole process's (getrusage RUSAGE_SELF): the
// simulator runs in it too, parsing every post, checking its blocks and
// keeping the message, so it includes the simulator's share and overstates
// the bot's alone.
//
// What bounds it, on a 2-core VM: at 8, each FinishNudge batch holds at most
// 8 calls, so every commit waits out the store's 10 ms batch delay (about 560
// nudges/s, on disk or tmpfs alike); at 32 and up to 256, ClaimNudge's own
// fsynced transaction per nudge (about 1,200/s).
func BenchmarkTickFanOut(b *testing.B) {
	for _, conc := range []int{8, 32} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) { benchFanOut(b, conc) })
	}
}

func benchFanOut(b *testing.B, concurrency int) {
	const n = 10_000
	a, sim := newBenchApp(b, filepath.Join(b.TempDir(), "mentorbot.db"))
	a.bot.SendConcurrency = concurrency
	zones := loadBenchZones(b)
	users := make([]string, n)
	subs := make([]store.Subscription, n)
	for i := range users {
		users[i] = fmt.Sprintf("U%06d", i)
		loc := zones[i%len(zones)]
		sim.AddUser(slacksim.User{ID: users[i], TZ: loc.String()})
		subs[i] = weeklyAt(users[i], loc, fanOutSlot)
	}
	putSubscriptions(b, a.db, subs, 1000)

	ctx := context.Background()
	ticks, sent := 0, 0
	cpu0, start := cpuTime(b), time.Now()
	for b.Loop() {
		// Each tick is a week after the last, when every nudge is due again.
		rep, err := a.bot.SendDue(ctx, fanOutSlot.Add(time.Duration(ticks)*benchWeek))
		if err != nil || rep.Sent != n {
			b.Fatalf("tick %d: SendDue = %+v, %v; want %d sent", ticks, rep, err, n)
		}
		ticks++
		sent += rep.Sent
	}
	wall, cpu := time.Since(start), cpuTime(b)-cpu0
	checkFanOut(b, a.db, sim, users, ticks, fanOutSlot.Add(time.Duration(ticks)*benchWeek))
	b.ReportMetric(float64(sent)/wall.Seconds(), "nudges/s")
	b.ReportMetric(float64(wall.Microseconds())/float64(sent), "wall-µs/nudge")
	b.ReportMetric(float64(cpu.Microseconds())/float64(sent), "cpu-µs/nudge")
}

// checkFanOut fails b unless Slack took exactly ticks messages for every
// user, each in their DM, and every subscription's next nudge is next.
func checkFanOut(b *testing.B, db *store.DB, sim *slacksim.Server, users []string, ticks int, next time.Time) {
	b.Helper()
	ok := 0
	for _, c := range sim.CallsTo("chat.postMessage") {
		if c.Status == http.StatusOK && c.Error == "" {
			ok++
		}
	}
	if want := len(users) * ticks; ok != want {
		b.Fatalf("Slack accepted %d chat.postMessage calls, want %d", ok, want)
	}
	perDM := map[string]int{}
	for _, m := range sim.Messages() {
		if m.Source == "chat.postMessage" {
			perDM[m.Channel]++
		}
	}
	for _, u := range users {
		if perDM["D"+u] != ticks {
			b.Fatalf("%s got %d nudges, want %d", u, perDM["D"+u], ticks)
		}
		sub, found, err := db.Subscription(u)
		if err != nil || !found || !sub.NextDue.Equal(next) {
			b.Fatalf("%s: next nudge %v (found %v, %v), want %v", u, sub.NextDue, found, err, next)
		}
	}
}

// cpuTime is the CPU time, user and system, the process has used so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDatabaseSizePerSubscriber gives -bench.sizesubs subscribers
// (default 1,000) a year of weekly activity, as the bot writes it, and
// reports the database's size per subscriber three ways: the file
// (bytes/subscriber), bbolt's high-water mark (hw-bytes/subscriber: pages up
// to the last one used, free pages included) and the bytes the buckets hold
// (inuse-bytes/subscriber), with page-bytes/subscriber the pages the buckets
// occupy. The file runs ahead of the high-water mark by bbolt's
// preallocation: the mmap size, a power of two, up to 16 MiB, then the
// high-water mark plus 16 MiB. At 100,000 subscribers that is noise, so
// extrapolate from hw-bytes.
//
// compacted-bytes/subscriber is the high-water mark of a compacted copy.
//
// With 1,000 subscribers: 74 KB per subscriber by the high-water mark, 47 KB
// of it data (jlog 28 KB, nudges 8 KB, history 5 KB, jprompt 3 KB, jindex
// 2 KB); 49 KB compacted. Before the journal's log layout (store/journal.go)
// it was 130 KB, 55 KB of it data, with pages about 42% full: these buckets
// grow at the end of each member's key range, in the middle of the tree, and
// bbolt splits a page at half its size. jlog grows at its end only and fills
// its pages, but bbolt leaves at least three entries to a split's new page,
// so a page of its 550-byte reflections holds five of seven: 67%.
//
// The database is written to /dev/shm when there is one: this measures
// bytes, not time, and the year's 104,000 claims and reflections are each a
// transaction with its own fsyncs, which on this VM's disk would take well
// over a minute. The file is the same on any file system.
func BenchmarkDatabaseSizePerSubscriber(b *testing.B) {
	n := *sizeSubscribers
	reflective := reflectivePrompts(b)
	var size dbSize
	for b.Loop() {
		dir := fastTempDir(b)
		path := filepath.Join(dir, "mentorbot.db")
		start := time.Now()
		writeYear(b, path, n, reflective, fanOutSlot)
		b.Logf("%d subscribers' year written in %v", n, time.Since(start).Round(time.Millisecond))
		size = measureDB(b, path)
		size.compacted = compactedSize(b, path)
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("per subscriber, by bucket, bytes in use/in pages: %s", size.buckets(n))
	b.ReportMetric(float64(size.file)/float64(n), "bytes/subscriber")
	b.ReportMetric(float64(size.highWater)/float64(n), "hw-bytes/subscriber")
	b.ReportMetric(float64(size.alloc)/float64(n), "page-bytes/subscriber")
	b.ReportMetric(float64(size.inuse)/float64(n), "inuse-bytes/subscriber")
	b.ReportMetric(float64(size.compacted)/float64(n), "compacted-bytes/subscriber")
	b.ReportMetric(0, "ns/op") // the time is tmpfs's, not a figure
}

// reflectivePrompts is every reflection prompt of the built-in catalog.
func reflectivePrompts(tb testing.TB) []*prompts.Prompt {
	tb.Helper()
	catalog, err := prompts.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	var ps []*prompts.Prompt
	for _, t := range catalog.Themes() {
		for _, p := range t.Prompts {
			if p.Is(prompts.AudiencePrivate) {
				ps = append(ps, p)
			}
		}
	}
	return ps
}

// fastTempDir is a temporary directory in memory when the system has one.
func fastTempDir(tb testing.TB) string {
	tb.Helper()
	if fi, err := os.Stat("/dev/shm"); err != nil || !fi.IsDir() {
		return tb.TempDir()
	}
	dir, err := os.MkdirTemp("/dev/shm", "mentorbot-bench-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// writeYear gives n subscribers 52 weeks of what the scheduler and the modal
// write: the subscription, then each week the claim, the sent nudge with its
// history entry and next due time (FinishNudge), and a reflection of about
// 400 characters that marks the nudge answered. Every next nudge is due at
// next, the year's nudges in the 52 weeks before it. Weeks are the outer loop, as
// in production, so each week's records land all over the B+trees rather
// than in key order, and pages split as they would.
func writeYear(tb testing.TB, path string, n int, ps []*prompts.Prompt, next time.Time) {
	tb.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	first := next.Add(-52 * benchWeek)
	zones := loadBenchZones(tb)
	subs := make([]store.Subscription, n)
	for i := range subs {
		subs[i] = weeklyAt(fmt.Sprintf("U%06d", i), zones[i%len(zones)], first)
		if err := db.UpdateUser(subs[i].UserID, func(u *store.User) error { u.Role = "ic"; return nil }); err != nil {
			tb.Fatal(err)
		}
	}
	putSubscriptions(tb, db, subs, 1000)
	for w := range 52 {
		forEachParallel(tb, n, 256, func(i int) error { return writeWeek(&subs[i], w, ps[(i+w)%len(ps)], db) })
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

// writeWeek records one sent and answered nudge for sub and moves it on.
func writeWeek(sub *store.Subscription, w int, p *prompts.Prompt, db *store.DB) error {
	slot := sub.NextDue
	n, err := db.ClaimNudge(store.Nudge{UserID: sub.UserID, Slot: slot, PromptID: p.ID, Theme: p.Theme})
	if err != nil {
		return err
	}
	n.Status, n.Channel, n.TS, n.At = store.NudgeSent, "D"+sub.UserID, fmt.Sprintf("%d.%06d", slot.Unix(), w), slot
	next := *sub
	if next.NextDue, err = sub.SlotAfter(slot); err != nil {
		return err
	}
	hist := &store.HistoryEntry{PromptID: p.ID, Theme: p.Theme, At: slot}
	if err := db.FinishNudge(n, next, hist); err != nil {
		return err
	}
	*sub = next
	_, err = db.AddReflection(store.Reflection{UserID: sub.UserID, PromptID: p.ID, Theme: p.Theme, Prompt: p.Text,
		Text: reflectionText(sub.UserID, w), At: slot.Add(2 * time.Hour), Slot: slot})
	return err
}

// forEachParallel calls fn(0) … fn(n-1) from workers goroutines and fails tb
// with the first error.
func forEachParallel(tb testing.TB, n, workers int, fn func(i int) error) {
	tb.Helper()
	next := make(chan int)
	var (
		wg   sync.WaitGroup
		once sync.Once
		fail error
	)
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { fail = err })
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if fail != nil {
		tb.Fatal(fail)
	}
}

const reflectionWords = "This week I noticed that I waited for permission again before changing the deploy script, " +
	"although nobody had asked me to wait. Next time I will open the pull request first and ask for review after. " +
	"The design review went better than I feared: I said what worried me about the cache and two people agreed. " +
	"I still skipped the one-to-one notes, which is the third week in a row, so that is the experiment for Monday."

// reflectionText is a reflection of 400 characters, different for every
// member and week so no two records are alike.
func reflectionText(userID string, w int) string {
	s := fmt.Sprintf("%s, week %d. ", userID, w+1) + reflectionWords[w%40:]
	return strings.Repeat(s, 2)[:400]
}

// dbSize is a database's size on disk and by bbolt's accounting.
type dbSize struct {
	file, highWater, alloc, inuse, compacted int64
	byBucket                                 map[string]bolt.BucketStats
}

// buckets describes each bucket's bytes in use and in its pages, per
// subscriber.
func (s dbSize) buckets(n int) string {
	var parts []string
	for name, st := range s.byBucket {
		inuse, alloc := st.BranchInuse+st.LeafInuse+st.InlineBucketInuse, st.BranchAlloc+st.LeafAlloc
		parts = append(parts, fmt.Sprintf("%s %d/%d", name, inuse/n, alloc/n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// measureDB reads a closed database's file size and, opened read-only, its
// high-water mark and the bytes its buckets use.
// compactedSize is the high-water mark of a copy of path compacted as
// `bbolt compact` does (bolt.Compact, every page filled): what an operator
// gets back by compacting a copy offline (docs/operations.md).
func compactedSize(tb testing.TB, path string) int64 {
	tb.Helper()
	src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dst, err := bolt.Open(path+".compact", 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer os.Remove(path + ".compact")
	defer dst.Close()
	if err := bolt.Compact(dst, src, 64<<20); err != nil {
		tb.Fatal(err)
	}
	var size int64
	if err := dst.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil }); err != nil {
		tb.Fatal(err)
	}
	return size
}

func measureDB(tb testing.TB, path string) dbSize {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	s := dbSize{file: fi.Size(), byBucket: map[string]bolt.BucketStats{}}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer bdb.Close()
	err = bdb.View(func(tx *bolt.Tx) error {
		s.highWater = tx.Size()
		return tx.ForEach(func(name []byte, bkt *bolt.Bucket) error {
			st := bkt.Stats()
			s.byBucket[string(name)] = st
			s.inuse += int64(st.BranchInuse + st.LeafInuse + st.InlineBucketInuse)
			s.alloc += int64(st.BranchAlloc + st.LeafAlloc)
			return nil
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
