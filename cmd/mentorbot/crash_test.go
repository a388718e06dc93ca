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
	const members = 1000
	rig := newFanOutRig(t, members)
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

// seedDatabase subscribes members with a nudge due at due and one reflection each.
func seedDatabase(t *testing.T, path string, members int, due time.Time) {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range members {
		u := member(i)
		if err := db.PutSubscription(store.Subscription{UserID: u, Cadence: "weekly", Day: due.Weekday(), Hour: due.Hour(), Minute: due.Minute(), TZ: "UTC", NextDue: due, Created: due}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddReflection(store.Reflection{UserID: u, PromptID: "impostor-quiet-question", Theme: "impostor", Text: "kept", At: due.Add(-7 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
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

// cleanEnv is the environment without any variable the bot reads.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLACK_") && !strings.HasPrefix(kv, "MENTOR_") {
			out = append(out, kv)
		}
	}
	return out
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
	const members = 600
	rig := newFanOutRig(t, members)
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
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mentorbot-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "mentorbot")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return builtBin
}

func newFanOutRig(t *testing.T, members int) *fanOutRig {
	t.Helper()
	sim := slacksim.New(slacksim.Options{})
	t.Cleanup(sim.Close)
	for i := range members {
		sim.AddUser(slacksim.User{ID: member(i), TZ: "UTC"})
	}
	sim.SetFault(func(c slacksim.Call, _ int) *slacksim.Fault {
		if c.Method == "chat.postMessage" {
			return &slacksim.Fault{Delay: 3 * time.Millisecond}
		}
		return nil
	})
	dbPath := filepath.Join(t.TempDir(), "mentorbot.db")
	seedDatabase(t, dbPath, members, time.Now().Add(-time.Minute).Truncate(time.Second))
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

// TestMain removes the binary the crash tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}
