package main

import (
	"encoding/json"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// scrape GETs /metrics and parses it.
func scrape(t *testing.T, h *harness) (string, map[string]*dto.MetricFamily) {
	t.Helper()
	code, body, _ := get(t, h.httpBase()+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d\n%s", code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return body, fams
}

// A running bot reports its build, its connection, its last tick, its grace
// window, and zeroed broadcast outcomes; and its whole /metrics output passes
// `promtool check metrics` where promtool is installed (.ci/run installs it).
func TestE2E_HealthMetrics(t *testing.T) {
	h := newHarness(t)
	h.env["MENTOR_GRACE"] = "90m"
	h.start()
	// The first tick runs as soon as the socket is up.
	waitUntil(t, 10*time.Second, func() bool {
		_, fams := scrape(t, h)
		return gauge(fams, "mentorbot_last_tick_timestamp_seconds") > 0
	})
	body, fams := scrape(t, h)
	if got := gauge(fams, "mentorbot_slack_connected"); got != 1 {
		t.Errorf("mentorbot_slack_connected = %v, want 1", got)
	}
	if got := gauge(fams, "mentorbot_grace_seconds"); got != 5400 {
		t.Errorf("mentorbot_grace_seconds = %v, want 5400", got)
	}
	if got := gauge(fams, "mentorbot_oldest_due_seconds"); got != 0 {
		t.Errorf("mentorbot_oldest_due_seconds = %v, want 0 with nothing due", got)
	}
	if age := float64(time.Now().Unix()) - gauge(fams, "mentorbot_last_tick_timestamp_seconds"); age < -1 || age > 60 {
		t.Errorf("the last tick was %v s ago, want just now", age)
	}
	bi := readBuildInfo()
	info := fams["mentorbot_build_info"]
	if info == nil || len(info.GetMetric()) != 1 {
		t.Fatalf("mentorbot_build_info = %v", info)
	}
	labels := map[string]string{}
	for _, l := range info.GetMetric()[0].GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	if labels["version"] != bi.Version || labels["commit"] != bi.Commit || labels["goversion"] != bi.GoVersion || info.GetMetric()[0].GetGauge().GetValue() != 1 {
		t.Errorf("mentorbot_build_info labels %v, want %+v", labels, bi)
	}
	for _, o := range []string{"sent", "retried", "skipped", "failed"} {
		if !hasSeries(fams, "mentorbot_broadcasts_total", "outcome", o) || !hasSeries(fams, "mentorbot_nudges_total", "outcome", o) {
			t.Errorf("no zero series for outcome %q", o)
		}
	}
	if !strings.Contains(h.stderr.String(), `"version":"`+bi.Version+`"`) {
		t.Errorf("the start-up log line lacks the version:\n%s", h.stderr.String())
	}

	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool not installed: the exposition lint is left to .ci/run")
		return
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}

}

// mentorbot_slack_connected falls to 0 while Slack refuses new connections,
// and comes back to 1 after the reconnect.
func TestE2E_SlackConnectedGauge(t *testing.T) {
	h := newHarness(t)
	h.start()
	var down atomic.Bool
	down.Store(true)
	h.sim.SetFault(func(c slacksim.Call, _ int) *slacksim.Fault {
		if c.Method == "apps.connections.open" && down.Load() {
			return &slacksim.Fault{Status: http.StatusInternalServerError}
		}
		return nil
	})
	h.sim.DropConnections()
	connected := func(want float64) func() bool {
		return func() bool { _, fams := scrape(t, h); return gauge(fams, "mentorbot_slack_connected") == want }
	}
	waitUntil(t, 10*time.Second, connected(0))
	down.Store(false)
	waitUntil(t, 20*time.Second, connected(1))
}

// The oldest due nudge's age is read from the due index.
func TestOldestDue(t *testing.T) {
	t.Parallel()
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if got := oldestDue(db, now); got != 0 {
		t.Fatalf("nothing due: %v", got)
	}
	for i, late := range []time.Duration{2 * time.Hour, 30 * time.Minute, -time.Hour} {
		sub := store.Subscription{UserID: "U" + string(rune('A'+i)), Schedule: store.Schedule{Cadence: "weekly", Day: time.Tuesday, Hour: 8, TZ: "UTC", NextDue: now.Add(-late)}}
		if err := db.PutSubscription(sub); err != nil {
			t.Fatal(err)
		}
	}
	if got := oldestDue(db, now); got != 7200 {
		t.Fatalf("oldest due = %v s, want 7200", got)
	}
	db.Close()
	if got := oldestDue(db, now); !math.IsNaN(got) {
		t.Fatalf("closed database: %v, want NaN", got)
	}
}

// Every mentorbot_ metric the alerts and the dashboard query is one the bot
// exports: a renamed metric would otherwise leave an alert that never fires.
func TestAlertsAndDashboardUseExportedMetrics(t *testing.T) {
	t.Parallel()
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := newMetrics(db, time.Now)
	m.registerHealth(healthSources{db: db, now: time.Now, connected: func() bool { return true }, grace: time.Hour, build: readBuildInfo()})
	// A labelled counter is gathered once it has a series: give each one.
	m.Command("prompt", "ok", time.Millisecond)
	m.RateLimited("chat.postMessage")
	fams, err := m.Gather()
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]bool{}
	for _, f := range fams {
		exported[f.GetName()] = true
	}
	dash, err := os.ReadFile("../../deploy/grafana/mentorbot.json")
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct{ Panels []struct{ Title string } }
	if err := json.Unmarshal(dash, &parsed); err != nil || len(parsed.Panels) == 0 {
		t.Fatalf("the dashboard is not a Grafana dashboard: %v", err)
	}
	alerts, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`mentorbot_[a-z_]+`)
	for file, text := range map[string][]byte{"alerts.yml": alerts, "mentorbot.json": dash} {
		for _, n := range name.FindAllString(string(text), -1) {
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_count"), "_sum")
			if !exported[n] && !exported[base] {
				t.Errorf("%s queries %s, which the bot does not export", file, n)
			}
		}
	}
	for _, want := range []string{"mentorbot_slack_connected", "mentorbot_last_tick_timestamp_seconds", "mentorbot_oldest_due_seconds",
		"mentorbot_ratelimited_total", "mentorbot_database_bytes"} {
		if !strings.Contains(string(alerts), want) || !strings.Contains(string(dash), want) {
			t.Errorf("%s is not in both the alerts and the dashboard", want)
		}
	}
}

func hasSeries(fams map[string]*dto.MetricFamily, name, label, value string) bool {
	for _, m := range fams[name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label && l.GetValue() == value {
				return true
			}
		}
	}
	return false
}
