package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/prometheus/client_golang/prometheus"
)

// newLoggedHarness is newAppHarness with the app's log kept in logs.
func newLoggedHarness(t *testing.T) (*appHarness, *syncBuffer) {
	t.Helper()
	sim := slacksim.New(e2eSimOptions())
	t.Cleanup(sim.Close)
	sim.AddUser(slacksim.User{ID: "U1", Name: "ana", TZ: "Europe/Paris"})
	logs := &syncBuffer{}
	h := &appHarness{t: t, sim: sim, clock: &clock{t: friMorning}, dbPath: t.TempDir() + "/mentorbot.db", logs: logs}
	h.start()
	return h, logs
}

// metricLabels returns every value of label in the series of metric name.
func metricLabels(t *testing.T, a *app, name, label string) []string {
	t.Helper()
	fams, err := a.bot.Metrics.(prometheus.Gatherer).Gather()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label {
					out = append(out, l.GetValue())
				}
			}
		}
	}
	return out
}

// A response_url's path is its secret: a 429 on one is counted under the
// fixed label "response_url", and a post that fails on the network is logged
// without the URL.
func TestE2E_ResponseURLSecrets(t *testing.T) {
	t.Parallel()
	h, logs := newLoggedHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	t.Run("RateLimitLabel", func(t *testing.T) {
		h.slash("U1", "prompt")
		card := lastMessage(h.sim, "DU1", "ack")
		h.sim.FailNext("response_url", 1, slacksim.Fault{Status: 429, RetryAfter: time.Second})
		if _, err := h.sim.Click(ctx, "U1", card, "prompt.another"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.sim.WaitMessage(ctx, func(m slacksim.Message) bool { return m.Source == "response_url" }); err != nil {
			t.Fatalf("the reply never arrived after the 429: %v", err)
		}
		labels := metricLabels(t, h.app, "mentorbot_ratelimited_total", "method")
		if len(labels) != 1 || labels[0] != "response_url" {
			t.Fatalf("mentorbot_ratelimited_total labels = %q, want only \"response_url\"", labels)
		}
	})

	t.Run("NetworkErrorLog", func(t *testing.T) {
		const secret = "T0SIM-0123456789abcdefSECRET"
		// Nothing listens on port 1: the post fails on the network, and
		// net/http's error names the URL.
		_, err := h.sim.Interactive(ctx, "U1", map[string]any{
			"type":         "block_actions",
			"channel":      map[string]any{"id": "DU1"},
			"response_url": "http://127.0.0.1:1/response/" + secret,
			"actions":      []any{map[string]any{"action_id": "prompt.another", "block_id": "b", "type": "button", "value": "x|*|0"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "reply to response_url failed"); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no log line for the failed reply:\n%s", logs)
			}
		}
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("the log holds the response_url's secret:\n%s", logs)
		}
		if !strings.Contains(logs.String(), "http://127.0.0.1:1/…") {
			t.Fatalf("the log does not say which host failed:\n%s", logs)
		}
	})
}
