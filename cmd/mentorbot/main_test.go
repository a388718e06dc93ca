package main

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// mapEnv is an environment holding exactly env's variables, whatever the
// machine's environment holds. Tests pass it to run instead of setting the
// process environment, so they can run in parallel.
func mapEnv(env map[string]string) envFunc {
	env = maps.Clone(env)
	return func(key string) (string, bool) {
		v, ok := env[key]
		return v, ok
	}
}

// syncBuffer is a bytes.Buffer safe to write from the bot and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is the real program running against a local Slack.
type harness struct {
	t      *testing.T
	sim    *slacksim.Server
	env    map[string]string
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// newHarness starts a local Slack and the bot with a database in a temp dir.
func newHarness(t *testing.T) *harness {
	t.Helper()
	sim := slacksim.New(e2eSimOptions())
	t.Cleanup(sim.Close)
	sim.AddUser(slacksim.User{ID: "U1", Name: "ana", TZ: "Europe/Paris"})
	opts := sim.Options()
	h := &harness{t: t, sim: sim, env: map[string]string{
		"SLACK_BOT_TOKEN":  opts.BotToken,
		"SLACK_APP_TOKEN":  opts.AppToken,
		"SLACK_API_URL":    sim.APIURL(),
		"MENTOR_DB_PATH":   filepath.Join(t.TempDir(), "mentorbot.db"),
		"MENTOR_HTTP_ADDR": "127.0.0.1:0",
	}}
	return h
}

// connectWithin bounds the wait for a starting bot's socket. Starting is
// opening the database, loading the catalog and two Web API calls: well under
// a second on an idle machine, but several under -race on two cores shared
// with other test binaries, where a 10 s bound failed now and then
// (TestE2E_Shutdown). The wait ends as soon as the socket is up.
const connectWithin = time.Minute

// start runs the program and waits until its socket is connected.
func (h *harness) start() {
	h.t.Helper()
	before := h.sim.Connects()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done, h.stderr = cancel, make(chan error, 1), &syncBuffer{}
	env := mapEnv(h.env)
	go func() { h.done <- run(ctx, []string{"serve"}, env, nil, &syncBuffer{}, h.stderr) }()
	h.t.Cleanup(func() { h.stop() })
	wait, cancelWait := context.WithTimeout(context.Background(), connectWithin)
	defer cancelWait()
	if err := h.sim.WaitConnected(wait, before+1); err != nil {
		h.t.Fatalf("bot did not connect: %v\nlogs:\n%s", err, h.stderr)
	}
}

// stop sends the shutdown signal and returns what run returned.
func (h *harness) stop() error {
	if h.cancel == nil {
		return nil
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		socketsClosed(h.t, h.sim)
		return err
	case <-time.After(20 * time.Second):
		h.t.Fatal("run did not return after the shutdown signal")
		return nil
	}
}

// slash types a command as member U1 and returns the reply's text and
// blocks: the ack's or, when the command outlived the bot's ack deadline
// (as it may on a loaded machine), the response URL's.
func (h *harness) slash(text string) string {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, _, err := slashAnswer(ctx, h.sim, "U1", text)
	if err != nil {
		h.t.Fatalf("/mentor %.40s: %v\nlogs:\n%s", text, err, h.stderr)
	}
	return got
}

// runErr runs the program with env (on top of nothing) and returns its error.
func runErr(t *testing.T, env map[string]string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errOut syncBuffer
	return run(ctx, []string{"serve"}, mapEnv(env), nil, &out, &errOut)
}

func TestE2E_Commands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()

	for _, text := range []string{"help", "", "  HELP "} {
		if got := h.slash(text); !strings.Contains(got, "/mentor prompt [THEME]") {
			t.Fatalf("%q did not answer with the help:\n%s", text, got)
		}
	}
	// A typo gets the subcommand it meant, not the whole help.
	if got := h.slash("promt impostor"); !strings.Contains(got, "Did you mean `/mentor prompt`?") || strings.Contains(got, "/mentor themes") {
		t.Fatalf("a typo answered:\n%s", got)
	}
	if got := h.slash("what is this"); !strings.Contains(got, "I don't know `what`.") || !strings.Contains(got, "`/mentor help` lists everything") {
		t.Fatalf("an unknown subcommand answered:\n%s", got)
	}
	got := h.slash("themes")
	for _, id := range []string{"impostor", "hands-on", "last-mile", "vision", "empathy", "daring", "experiments", "first-principles", "communication", "delegation", "growth", "quality-speed"} {
		if !strings.Contains(got, "`"+id+"`") {
			t.Fatalf("themes lacks %s:\n%s", id, got)
		}
	}
	if got := h.slash("prompt"); !strings.Contains(got, "Another prompt") {
		t.Fatalf("prompt:\n%s", got)
	}
	for _, text := range []string{"prompt impostor", "prompt imp", "PROMPT Imp"} {
		if got := h.slash(text); !strings.Contains(got, "Impostor syndrome") {
			t.Fatalf("%q:\n%s", text, got)
		}
	}
	got = h.slash("prompt mars")
	if !strings.Contains(got, "I don't know the theme") || !strings.Contains(got, "`quality-speed`") {
		t.Fatalf("unknown theme:\n%s", got)
	}
	long := "prompt " + strings.Repeat("é", 5000)
	got = h.slash(long)
	if !strings.Contains(got, "too long") || strings.Contains(got, "éééé") || len(got) > 1000 {
		t.Fatalf("oversized input answered with %d bytes:\n%.300s", len(got), got)
	}
	if dropped := h.sim.DroppedAcks(); dropped != 0 {
		t.Fatalf("%d acks were over Slack's 20 KB limit", dropped)
	}
}

// No prompt repeats until the theme is exhausted, and the history that
// guarantees it survives a restart on the same database.
func TestE2E_NoRepeatAcrossRestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	seen := map[string]bool{}
	ask := func() string {
		got := h.slash("prompt first-principles")
		id := promptText(t, got)
		if seen[id] {
			t.Fatalf("prompt repeated before the theme was exhausted: %q", id)
		}
		seen[id] = true
		return id
	}
	for range 8 {
		ask()
	}
	if err := h.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	h.start()
	for len(seen) < themeSize(t, "first-principles") {
		ask()
	}
}

func TestE2E_Reconnect(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	wait := func(n int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := h.sim.WaitConnected(ctx, n); err != nil {
			t.Fatalf("no reconnect #%d: %v", n, err)
		}
	}
	for i, fault := range []func(){
		func() { h.sim.Disconnect("refresh_requested") },
		func() { h.sim.Disconnect("warning") },
		h.sim.DropConnections,
	} {
		fault()
		wait(i + 2)
		if got := h.slash("prompt vision"); !strings.Contains(got, "vision") {
			t.Fatalf("after fault %d:\n%s", i, got)
		}
	}
	if calls := h.sim.CallsTo("apps.connections.open"); len(calls) < 4 {
		t.Fatalf("apps.connections.open called %d times; every reconnect needs a fresh URL", len(calls))
	}
}

func TestE2E_ConfigErrors(t *testing.T) {
	t.Parallel()
	sim := slacksim.New(slacksim.Options{})
	t.Cleanup(sim.Close)
	good := func() map[string]string {
		return map[string]string{
			"SLACK_BOT_TOKEN": "xoxb-good", "SLACK_APP_TOKEN": "xapp-good",
			"SLACK_API_URL": sim.APIURL(), "MENTOR_DB_PATH": filepath.Join(t.TempDir(), "m.db"),
		}
	}
	tests := []struct {
		name, key, value, want string
		unset                  bool
	}{
		{name: "MissingBotToken", key: "SLACK_BOT_TOKEN", unset: true, want: "SLACK_BOT_TOKEN: is not set"},
		{name: "MissingAppToken", key: "SLACK_APP_TOKEN", unset: true, want: "SLACK_APP_TOKEN: is not set"},
		{name: "EmptyBotToken", key: "SLACK_BOT_TOKEN", value: "", want: "SLACK_BOT_TOKEN: is empty"},
		{name: "SwappedToken", key: "SLACK_BOT_TOKEN", value: "xapp-SECRET-VALUE", want: "SLACK_BOT_TOKEN: does not look like"},
		{name: "EmptyDBPath", key: "MENTOR_DB_PATH", value: " ", want: "MENTOR_DB_PATH"},
		{name: "BadURL", key: "SLACK_API_URL", value: "slack.com", want: "SLACK_API_URL"},
		{name: "BadCommand", key: "MENTOR_COMMAND", value: "mentor", want: "MENTOR_COMMAND"},
		{name: "BadLeads", key: "MENTOR_LEADS", value: "U123,alice", want: "MENTOR_LEADS"},
		{name: "BadGroup", key: "MENTOR_LEAD_GROUP", value: "leads", want: "MENTOR_LEAD_GROUP"},
		{name: "BadAddr", key: "MENTOR_HTTP_ADDR", value: "8080", want: "MENTOR_HTTP_ADDR"},
		{name: "BadTZ", key: "MENTOR_DEFAULT_TZ", value: "Mars/Olympus", want: "MENTOR_DEFAULT_TZ"},
		{name: "EmptyTZ", key: "MENTOR_DEFAULT_TZ", value: "", want: "MENTOR_DEFAULT_TZ"},
		{name: "MissingPromptsDir", key: "MENTOR_PROMPTS_DIR", value: "/nonexistent/prompts", want: "MENTOR_PROMPTS_DIR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := good()
			if tt.unset {
				delete(env, tt.key)
			} else {
				env[tt.key] = tt.value
			}
			err := runErr(t, env)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "xoxb-good") {
				t.Fatalf("the error prints a token: %v", err)
			}
		})
	}
	if n := len(sim.Calls()); n != 0 {
		t.Fatalf("a bad configuration reached Slack %d times", n)
	}
}

func TestE2E_RejectedTokens(t *testing.T) {
	t.Parallel()
	t.Run("BotToken", func(t *testing.T) {
		h := newHarness(t)
		h.env["SLACK_BOT_TOKEN"] = "xoxb-revoked"
		err := runErr(t, h.env)
		if err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") || !strings.Contains(err.Error(), "invalid_auth") || strings.Contains(err.Error(), "xoxb-revoked") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("AppToken", func(t *testing.T) {
		h := newHarness(t)
		h.env["SLACK_APP_TOKEN"] = "xapp-revoked"
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var out, errOut syncBuffer
		err := run(ctx, []string{"serve"}, mapEnv(h.env), nil, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") || !strings.Contains(err.Error(), "invalid_auth") || strings.Contains(err.Error(), "xapp-revoked") {
			t.Fatalf("err = %v", err)
		}
		// The scheduler's first tick waits for a connection that never
		// came; stopping it must not wait out the shutdown timeout for it.
		if logs := errOut.String(); strings.Contains(logs, "tick is still running") {
			t.Fatalf("stopping after the rejected token waited for a tick that could not start:\n%s", logs)
		}
	})
}

// An app-level token without connections:write (missing_scope from
// apps.connections.open), and a SLACK_API_URL that is no Web API (404 from
// auth.test), stop the bot with the variable named: no retry fixes them.
// Before, both were retried for ever as "cannot reach Slack".
func TestE2E_UnfixableSlackAnswers(t *testing.T) {
	t.Parallel()
	t.Run("MissingScope", func(t *testing.T) {
		h := newHarness(t)
		h.sim.FailNext("apps.connections.open", 100, slacksim.Fault{Error: "missing_scope"})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var out, errOut syncBuffer
		err := run(ctx, []string{"serve"}, mapEnv(h.env), nil, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") || !strings.Contains(err.Error(), "missing_scope") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("NotTheWebAPI", func(t *testing.T) {
		h := newHarness(t)
		h.env["SLACK_API_URL"] = strings.TrimSuffix(h.env["SLACK_API_URL"], "api/")
		err := runErr(t, h.env)
		if err == nil || !strings.Contains(err.Error(), "SLACK_API_URL") || !strings.Contains(err.Error(), "404") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestE2E_DatabaseInUse(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	start := time.Now()
	err := runErr(t, h.env)
	if err == nil || !strings.Contains(err.Error(), "database is in use") {
		t.Fatalf("second process: err = %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("the second process waited for the lock instead of failing fast")
	}
	// The first one is unharmed.
	if got := h.slash("help"); !strings.Contains(got, "/mentor") {
		t.Fatalf("after the failed second start:\n%s", got)
	}
}

func TestE2E_Shutdown(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	h.slash("prompt growth")
	if err := h.stop(); err != nil {
		t.Fatalf("run returned %v on a clean shutdown", err)
	}
	// The database was closed: a new process gets the lock at once.
	h.start()
	h.slash("prompt growth")
}

func TestE2E_PromptsDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := "---\ntheme: impostor\n---\n\n## impostor-mine\naudience: wizards\nkind: reflection\n\nWhat now?\n"
	if err := os.WriteFile(filepath.Join(dir, "mine.md"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	h.env["MENTOR_PROMPTS_DIR"] = dir
	err := runErr(t, h.env)
	if err == nil || !strings.Contains(err.Error(), "mine.md:6") {
		t.Fatalf("err = %v, want file:line of the bad audience", err)
	}

	good := "---\ntheme: team-rituals\ntitle: Team rituals\nsummary: The habits a team keeps.\n---\n\n## team-rituals-retro\naudience: lead\nkind: reflection, discussion\n\nWhat did our last retro change?\n"
	os.WriteFile(filepath.Join(dir, "mine.md"), []byte(good), 0o644)
	h.start()
	if got := h.slash("themes"); !strings.Contains(got, "`team-rituals`") {
		t.Fatalf("operator theme missing:\n%s", got)
	}
	if got := h.slash("prompt team"); !strings.Contains(got, "What did our last retro change?") {
		t.Fatalf("operator prompt:\n%s", got)
	}
}

// The process exits non-zero with a message naming the variable: run main in
// a child process, as an operator would.
func TestMainExitCode(t *testing.T) {
	if os.Getenv("MENTORBOT_TEST_MAIN") == "1" {
		os.Args = []string{"mentorbot"}
		main()
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainExitCode$")
	cmd.Env = append(os.Environ(), "MENTORBOT_TEST_MAIN=1", "SLACK_BOT_TOKEN=", "SLACK_APP_TOKEN=xapp-x", noExitSleep())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("exit = %v, want a non-zero exit; stderr: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "mentorbot: SLACK_BOT_TOKEN") {
		t.Fatalf("stderr = %q", stderr.String())
	}
}
