package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// Every way a URL reaches a log line (message, string, error, Stringer,
// group, a logger's fixed attributes) comes out without its secret.
func TestRedactingHandler(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	l := redactLogs(slog.New(slog.NewTextHandler(&out, nil)))
	const u = "https://hooks.slack.com/commands/T0/1/SECRET"
	l = l.With("fixed", u)
	l.Error("post "+u, "s", u, "err", fmt.Errorf("wrapped: %w", errors.New("Post \""+u+"\": EOF")),
		slog.Group("g", "inner", u), "n", 3)
	if strings.Contains(out.String(), "SECRET") {
		t.Fatalf("a secret reached the log:\n%s", out.String())
	}
	if got := strings.Count(out.String(), "https://hooks.slack.com/…"); got != 5 {
		t.Fatalf("%d redacted URLs, want 5:\n%s", got, out.String())
	}
	if !strings.Contains(out.String(), "n=3") {
		t.Fatalf("a number was lost:\n%s", out.String())
	}
	if redactLogs(l) != l {
		t.Fatal("a redacting logger was wrapped twice")
	}
}
