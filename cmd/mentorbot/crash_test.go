package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// TestCrashMidFanOut kills the real binary with SIGKILL in the middle of a
// 1,000-nudge fan-out and restarts it on the same database. Every due member
// must get their nudge (none lost), duplicates are bounded by the nudges in
// flight at the kill (the window the README states), and every confirmed
// reflection is still there.
func TestCrashMidFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	t.Parallel()
	const members = fanOutMembers
	rig := newFanOutRig(t)
	sim, dbPath, start := rig.sim, rig.dbPath, rig.start

	first, _ := start()
	waitUntil(t, 30*time.Second, func() bool { return len(nudged(sim)) >= members/3 })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	atKill := len(sim.CallsTo("chat.postMessage"))

	second, logs := start()
	defer func() {
		second.Process.Signal(syscall.SIGTERM)
		second.Wait()
	}()
	waitUntil(t, 60*time.Second, func() bool { return len(nudged(sim)) == members })
	time.Sleep(500 * time.Millisecond) // anything still in flight lands

	counts := nudged(sim)
	dups := 0
	for u, n := range counts {
		if n > 1 {
			dups += n - 1
			t.Logf("%s got %d nudges", u, n)
		}
	}
	t.Logf("killed after %d of %d posts; after restart every member has a nudge; duplicates: %d", atKill, members, dups)
	if dups > 8 {
		t.Fatalf("%d duplicates; at most the 8 nudges in flight at the kill may repeat\nlogs:\n%s", dups, logs)
	}
	second.Process.Signal(syscall.SIGTERM)
	second.Wait()
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range members {
		if rs, err := db.Reflections(member(i), 0); err != nil || len(rs) != 1 {
			t.Fatalf("%s: %d reflections, %v; a confirmed reflection was lost", member(i), len(rs), err)
		}
	}
}

func member(i int) string { return fmt.Sprintf("U%05d", i) }

// fanOutMembers is how many members the crash tests' database holds, each
// due a nudge and with one reflection.
const fanOutMembers = 1000

var (
	seedOnce sync.Once
	seedFile string
	seedErr  error
)

// seededDatabase copies to path a database of fanOutMembers members, each
// subscribed with a nudge due a minute before the first call (well within
// the 6 h grace) and one reflection. Each reflection reaches the disk alone,
// as the bot writes it: a thousand fsyncs, 10 to 20 s on a virtual disk, so
// the file is written once for every test that needs it.
func seededDatabase(t *testing.T, path string) {
	t.Helper()
	seedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mentorbot-seed-")
		if err != nil {
			seedErr = err
			return
		}
		seedFile = filepath.Join(dir, "seed.db")
		seedErr = seedDatabase(seedFile, fanOutMembers, time.Now().Add(-time.Minute).Truncate(time.Second))
	})
	if seedErr != nil {
		t.Fatalf("seed: %v", seedErr)
	}
	b, err := os.ReadFile(seedFile)
	if err == nil {
		err = os.WriteFile(path, b, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// seedDatabase subscribes members with a nudge due at due and one reflection
// each, from many goroutines: PutSubscription batches them into a few
// transactions.
func seedDatabase(path string, members int, due time.Time) error {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return err
	}
	var (
		wg    sync.WaitGroup
		next  = make(chan int)
		first atomic.Pointer[error]
	)
	for range 64 {
		wg.Go(func() {
			for i := range next {
				if err := seedMember(db, member(i), due); err != nil {
					first.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	for i := range members {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := first.Load(); err != nil {
		db.Close()
		return *err
	}
	return db.Close()
}

func seedMember(db *store.DB, u string, due time.Time) error {
	if err := db.PutSubscription(store.Subscription{UserID: u, Created: due, Schedule: store.Schedule{Cadence: "weekly", Day: due.Weekday(), Hour: due.Hour(), Minute: due.Minute(), TZ: "UTC", NextDue: due}}); err != nil {
		return fmt.Errorf("subscribe %s: %w", u, err)
	}
	if _, err := db.AddReflection(store.Reflection{UserID: u, PromptID: "impostor-quiet-question", Theme: "impostor", Text: "kept", At: due.Add(-7 * 24 * time.Hour)}); err != nil {
		return fmt.Errorf("reflection of %s: %w", u, err)
	}
	return nil
}

// nudged counts the DMs each member received.
func nudged(sim *slacksim.Server) map[string]int {
	out := map[string]int{}
	for _, m := range sim.Messages() {
		if m.Source == "chat.postMessage" && strings.HasPrefix(m.Channel, "DU") {
			out[strings.TrimPrefix(m.Channel, "D")]++
		}
	}
	return out
}

// cleanEnv is the environment without any variable the bot reads, for a
// child process: this test binary or the built program.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLACK_") && !strings.HasPrefix(kv, "MENTOR_") && !strings.HasPrefix(kv, "GORACE=") {
			out = append(out, kv)
		}
	}
	return append(out, noExitSleep())
}

// noExitSleep is the GORACE setting for a child that is this test binary.
// Built with -race, a program sleeps a second as it exits (the race
// detector's atexit_sleep_ms), in case goroutines still running race; the
// package starts its binary as a child a few dozen times, mostly one after
// another within a test. The child's races while it runs are still reported,
// and fail it with exit code 66.
func noExitSleep() string {
	return "GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0")
}

func waitUntil(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("condition not met within %v", d)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestSIGTERMMidFanOut stops the real binary with SIGTERM in the middle of a
// fan-out: it exits 0 within a few seconds, and after a restart every member
// has exactly one nudge, because the sends in flight finish and are recorded.
func TestSIGTERMMidFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and signals the real binary")
	}
	t.Parallel()
	const members = fanOutMembers
	rig := newFanOutRig(t)
	sim, start := rig.sim, func() *exec.Cmd { cmd, _ := rig.start(); return cmd }

	first := start()
	waitUntil(t, 30*time.Second, func() bool { return len(nudged(sim)) >= members/3 })
	signalled := time.Now()
	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v, want 0", err)
	}
	took := time.Since(signalled)
	if took > 15*time.Second {
		t.Fatalf("took %v to stop", took)
	}

	second := start()
	defer func() {
		second.Process.Signal(syscall.SIGTERM)
		second.Wait()
	}()
	waitUntil(t, 60*time.Second, func() bool { return len(nudged(sim)) == members })
	time.Sleep(500 * time.Millisecond)
	for u, n := range nudged(sim) {
		if n != 1 {
			t.Fatalf("%s got %d nudges after a graceful stop, want exactly 1", u, n)
		}
	}
	t.Logf("stopped %v after SIGTERM, exit 0; every one of %d members got exactly one nudge", took.Round(time.Millisecond), members)
}

// fanOutRig is the real binary, built once per test run, a local Slack
// that knows the members and answers each post a little slowly (so a signal
// lands mid fan-out), and a database where every member is due a minute ago.
type fanOutRig struct {
	t      *testing.T
	sim    *slacksim.Server
	dbPath string
	env    []string
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// mentorbotBinary builds the binary once for all the tests that run it.
func mentorbotBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(buildBinary)
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return builtBin
}

// buildBinary is mentorbotBinary's build, run once.
func buildBinary() {
	dir, err := os.MkdirTemp("", "mentorbot-bin-")
	if err != nil {
		buildErr = err
		return
	}
	builtBin = filepath.Join(dir, "mentorbot")
	if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
		buildErr = fmt.Errorf("%v\n%s", err, out)
	}
}

func newFanOutRig(t *testing.T) *fanOutRig {
	t.Helper()
	go buildOnce.Do(buildBinary) // while the database is written; start waits for it
	sim := slacksim.New(slacksim.Options{})
	t.Cleanup(sim.Close)
	for i := range fanOutMembers {
		sim.AddUser(slacksim.User{ID: member(i), TZ: "UTC"})
	}
	sim.SetFault(func(c slacksim.Call, _ int) *slacksim.Fault {
		if c.Method == "chat.postMessage" {
			return &slacksim.Fault{Delay: 3 * time.Millisecond}
		}
		return nil
	})
	dbPath := filepath.Join(t.TempDir(), "mentorbot.db")
	seededDatabase(t, dbPath)
	env := append(cleanEnv(), "SLACK_BOT_TOKEN="+sim.Options().BotToken, "SLACK_APP_TOKEN="+sim.Options().AppToken,
		"SLACK_API_URL="+sim.APIURL(), "MENTOR_DB_PATH="+dbPath, "MENTOR_HTTP_ADDR=127.0.0.1:0")
	return &fanOutRig{t: t, sim: sim, dbPath: dbPath, env: env}
}

// start runs the binary and returns it with its log output.
func (r *fanOutRig) start() (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(mentorbotBinary(r.t))
	cmd.Env = r.env
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	return cmd, &logs
}
