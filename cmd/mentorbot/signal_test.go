package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGTERM (systemd, Kubernetes) or Ctrl-C while the start-up auth check is
// still retrying an unreachable Slack is a routine stop: exit 0, no error.
func TestSignalDuringAuthRetryExitsZero(t *testing.T) {
	t.Parallel()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	for name, sig := range map[string]syscall.Signal{"SIGTERM": syscall.SIGTERM, "SIGINT": syscall.SIGINT} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, _ := json.Marshal([]string{"serve"})
			cmd := exec.Command(os.Args[0], "-test.run=^TestOpsMainChild$")
			cmd.Env = append(cleanEnv(), "MENTORBOT_OPS_ARGS="+string(raw),
				"SLACK_BOT_TOKEN=xoxb-1", "SLACK_APP_TOKEN=xapp-1", "SLACK_API_URL="+down.URL+"/api/",
				"MENTOR_DB_PATH="+filepath.Join(t.TempDir(), "m.db"), "MENTOR_HTTP_ADDR=127.0.0.1:0",
				"MENTOR_LOG_FORMAT=json")
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, 30*time.Second, func() bool { return strings.Contains(stderr.String(), "cannot reach Slack") })
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var exit *exec.ExitError
			if errors.As(err, &exit) || err != nil {
				t.Fatalf("exit: %v; stderr:\n%s", err, stderr.String())
			}
			if strings.Contains(stderr.String(), "context canceled") {
				t.Fatalf("a routine stop reported as an error:\n%s", stderr.String())
			}
		})
	}
}

// Durations are logged as seconds under a key that names the unit, and
// MENTOR_LOG_LEVEL / MENTOR_LOG_FORMAT choose what is written and how.
func TestNewLogger(t *testing.T) {
	t.Parallel()
	t.Run("JSONSeconds", func(t *testing.T) {
		var buf bytes.Buffer
		newLogger(&buf, slog.LevelInfo, "json").Info("retrying", "in", 1500*time.Millisecond, "n", 3)
		var line map[string]any
		if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
			t.Fatalf("not one JSON line: %v\n%s", err, buf.String())
		}
		if line["in_seconds"] != 1.5 || line["in"] != nil || line["n"] != 3.0 {
			t.Fatalf("line = %v, want in_seconds 1.5 and no bare in", line)
		}
	})
	t.Run("TextSeconds", func(t *testing.T) {
		var buf bytes.Buffer
		newLogger(&buf, slog.LevelInfo, "text").Info("done", "duration", 250*time.Millisecond)
		if !strings.Contains(buf.String(), "duration_seconds=0.25") || strings.HasPrefix(buf.String(), "{") {
			t.Fatalf("text line = %q", buf.String())
		}
	})
	t.Run("Level", func(t *testing.T) {
		var buf bytes.Buffer
		l := newLogger(&buf, slog.LevelWarn, "json")
		l.Info("hidden")
		l.Warn("shown")
		if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), "shown") {
			t.Fatalf("at warn: %q", buf.String())
		}
	})
	t.Run("AutoIsJSONOffTerminal", func(t *testing.T) {
		var buf bytes.Buffer
		newLogger(&buf, slog.LevelInfo, "auto").Info("x")
		if !strings.HasPrefix(buf.String(), "{") {
			t.Fatalf("auto to a buffer: %q, want JSON", buf.String())
		}
	})
}
