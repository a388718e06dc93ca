package main

import (
	"bufio"
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// runBare connects a bare slack-go Socket Mode handler that acks every slash
// command with a fixed text, the floor any bot is measured against.
func runBare(tb testing.TB, sim *slacksim.Server) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	opts := sim.Options()
	api := slack.New(opts.BotToken, slack.OptionAppLevelToken(opts.AppToken), slack.OptionAPIURL(sim.APIURL()))
	sm := socketmode.New(api)
	go sm.RunContext(ctx)
	go func() {
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
	}()
	waitConnects(tb, sim, 1)
	return cancel
}

// runBot starts the real bot on cfg's database, as `mentorbot serve` does.
func runBot(cfg Config) commandsRun {
	return func(tb testing.TB, sim *slacksim.Server) func() {
		tb.Helper()
		a, err := newApp(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, nil)
		if err != nil {
			tb.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.run(ctx) }()
		waitConnects(tb, sim, 1)
		return func() {
			cancel()
			if err := <-done; err != nil {
				tb.Fatal(err)
			}
		}
	}
}

var boltJS = flag.Bool("bench.boltjs", true, "run Slack's Bolt for JavaScript as a peer in BenchmarkCommands (needs node and npm; the first run installs @slack/bolt)")

// boltJSPeer installs Slack's Bolt for JavaScript (testdata/boltjs) and
// returns the peer that runs it, or nil, saying why, when node or npm is
// missing or the install fails (no registry, for one): the benchmark then
// compares the bot with the bare handler alone.
func boltJSPeer(tb testing.TB) commandsRun {
	tb.Helper()
	if !*boltJS {
		return nil
	}
	for _, bin := range []string{"node", "npm"} {
		if _, err := exec.LookPath(bin); err != nil {
			tb.Logf("Bolt for JavaScript peer skipped: %s is not installed", bin)
			return nil
		}
	}
	script, err := filepath.Abs(filepath.Join("testdata", "boltjs", "install.sh"))
	if err != nil {
		tb.Fatal(err)
	}
	var stderr strings.Builder
	cmd := exec.Command("sh", script)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Logf("Bolt for JavaScript peer skipped: %s: %v\n%s", script, err, stderr.String())
		return nil
	}
	dir := strings.TrimSpace(string(out))
	return func(tb testing.TB, sim *slacksim.Server) func() {
		tb.Helper()
		return runBoltJS(tb, sim, dir)
	}
}

// runBoltJS starts the Bolt app installed in dir against the simulator and
// waits for it to connect.
func runBoltJS(tb testing.TB, sim *slacksim.Server, dir string) (stop func()) {
	tb.Helper()
	opts := sim.Options()
	cmd := exec.Command("node", filepath.Join(dir, "app.js"))
	cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN="+opts.BotToken, "SLACK_APP_TOKEN="+opts.AppToken, "SLACK_API_URL="+sim.APIURL())
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() {
		// Drain what the app prints so that it never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, bufio.NewReader(stdout))
		exited <- cmd.Wait()
	}()
	stop = func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sim.WaitConnected(ctx, 1); err != nil {
		stop()
		tb.Fatalf("Bolt for JavaScript did not connect: %v", err)
	}
	return stop
}
