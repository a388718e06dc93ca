package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// backupToken is the MENTOR_BACKUP_TOKEN of the tests that turn /backup on.
const backupToken = "test-backup-token-0123456789"

// httpBase returns the running harness's HTTP listener, from the line it logs
// with the address it bound (the tests listen on port 0).
func (h *harness) httpBase() string {
	h.t.Helper()
	sc := bufio.NewScanner(strings.NewReader(h.stderr.String()))
	for sc.Scan() {
		var line struct{ Msg, Addr string }
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "http listening" {
			return "http://" + line.Addr
		}
	}
	h.t.Fatalf("no \"http listening\" line in the logs:\n%s", h.stderr)
	return ""
}

// get GETs url with the given headers ("Name: value") and returns the status
// and body.
func get(t *testing.T, url string, headers ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp.StatusCode, string(body), resp.Header
}

// waitStatus polls url until it answers want, for at most 15 seconds.
func waitStatus(t *testing.T, url string, want int) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, body, _ := get(t, url)
		if code == want {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s = %d %q, want %d", url, code, body, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestE2E_Healthz(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	code, body, _ := get(t, h.httpBase()+"/healthz")
	if code != http.StatusOK || body != "ok\n" {
		t.Fatalf("/healthz = %d %q", code, body)
	}
	if !strings.Contains(h.stderr.String(), `"msg":"http listening","addr":"127.0.0.1:`) {
		t.Fatalf("the listening address is not logged:\n%s", h.stderr)
	}
}

// /readyz follows the socket: 503 while Slack cannot be reached, 200 again
// once the bot has reconnected by itself.
func TestE2E_Readyz(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	readyz := h.httpBase() + "/readyz"
	waitStatus(t, readyz, http.StatusOK)

	var down atomic.Bool
	down.Store(true)
	h.sim.SetFault(func(c slacksim.Call, _ int) *slacksim.Fault {
		if c.Method == "apps.connections.open" && down.Load() {
			return &slacksim.Fault{Status: http.StatusInternalServerError}
		}
		return nil
	})
	before := h.sim.Connects()
	h.sim.DropConnections()
	if body := waitStatus(t, readyz, http.StatusServiceUnavailable); !strings.Contains(body, "not connected to Slack") {
		t.Fatalf("/readyz 503 body = %q, want the reason", body)
	}
	code, _, _ := get(t, h.httpBase()+"/healthz")
	if code != http.StatusOK {
		t.Fatalf("/healthz = %d while Slack is away; the process is alive", code)
	}

	down.Store(false)
	waitStatus(t, readyz, http.StatusOK)
	if h.sim.Connects() <= before {
		t.Fatal("ready again without a new connection")
	}
	if got := h.slash("prompt vision"); !strings.Contains(got, "vision") {
		t.Fatalf("after the outage:\n%s", got)
	}
}

func TestE2E_Metrics(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	h.slash("prompt")
	h.slash("prompt impostor")
	h.slash("themes")
	// A command is counted just after its ack, which the member (and
	// h.slash) already has: wait for the third.
	waitUntil(t, 10*time.Second, func() bool {
		_, fams := scrape(t, h)
		return histogramCount(fams, "mentorbot_command_duration_seconds") == 3
	})

	code, body, hdr := get(t, h.httpBase()+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d\n%s", code, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Content-Type = %q, want the text format", ct)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the Prometheus text parser rejects /metrics: %v\n%s", err, body)
	}
	if n := counter(families, "mentorbot_commands_total", "sub", "prompt", "outcome", "ok"); n != 2 {
		t.Fatalf(`mentorbot_commands_total{sub="prompt",outcome="ok"} = %v, want 2`, n)
	}
	if n := counter(families, "mentorbot_commands_total", "sub", "themes", "outcome", "ok"); n != 1 {
		t.Fatalf(`mentorbot_commands_total{sub="themes"} = %v, want 1`, n)
	}
	if n := histogramCount(families, "mentorbot_ack_latency_seconds"); n != 3 {
		t.Fatalf("mentorbot_ack_latency_seconds count = %d, want 3", n)
	}
	if n := histogramCount(families, "mentorbot_command_duration_seconds"); n != 3 {
		t.Fatalf("mentorbot_command_duration_seconds count = %d, want 3", n)
	}
	if n := gauge(families, "mentorbot_database_bytes"); n <= 0 {
		t.Fatalf("mentorbot_database_bytes = %v", n)
	}
	if n := gauge(families, "mentorbot_due_backlog"); n != 0 {
		t.Fatalf("mentorbot_due_backlog = %v, want 0 with no subscription", n)
	}
	if n := counter(families, "mentorbot_nudges_total", "outcome", "skipped"); n != 0 {
		t.Fatalf("mentorbot_nudges_total{outcome=skipped} = %v, want a zero series", n)
	}
	for _, name := range []string{"mentorbot_reconnects_total", "go_goroutines", "process_resident_memory_bytes"} {
		if families[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}

	// A reconnection is counted.
	before := h.sim.Connects()
	h.sim.DropConnections()
	wait(t, func() bool { return h.sim.Connects() > before })
	wait(t, func() bool {
		_, body, _ := get(t, h.httpBase()+"/metrics")
		return strings.Contains(body, "\nmentorbot_reconnects_total 1\n")
	})
}

// wait polls cond for at most 15 seconds.
func wait(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 15 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// metric finds the series of a family whose labels include the pairs given.
func metric(fams map[string]*dto.MetricFamily, name string, labels ...string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				found = found || (lp.GetName() == labels[i] && lp.GetValue() == labels[i+1])
			}
			if !found {
				continue next
			}
		}
		return m
	}
	return nil
}

func counter(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	if m := metric(fams, name, labels...); m != nil {
		return m.GetCounter().GetValue()
	}
	return -1
}

func gauge(fams map[string]*dto.MetricFamily, name string) float64 {
	if m := metric(fams, name); m != nil {
		return m.GetGauge().GetValue()
	}
	return -1
}

func histogramCount(fams map[string]*dto.MetricFamily, name string) uint64 {
	var n uint64
	if f := fams[name]; f != nil {
		for _, m := range f.GetMetric() {
			n += m.GetHistogram().GetSampleCount()
		}
	}
	return n
}

func TestE2E_BackupEndpoint(t *testing.T) {
	t.Parallel()
	t.Run("NotConfigured", func(t *testing.T) {
		h := newHarness(t)
		h.start()
		code, _, _ := get(t, h.httpBase()+"/backup", "Authorization: Bearer "+backupToken)
		if code != http.StatusNotFound {
			t.Fatalf("/backup without MENTOR_BACKUP_TOKEN = %d, want 404", code)
		}
	})

	h := newHarness(t)
	h.env["MENTOR_BACKUP_TOKEN"] = backupToken
	h.start()
	url := h.httpBase() + "/backup"
	for name, hdr := range map[string]string{
		"NoHeader":    "X-None: 1",
		"WrongToken":  "Authorization: Bearer test-backup-token-0123456780",
		"Prefix":      "Authorization: Bearer test-backup-token",
		"WrongScheme": "Authorization: Basic " + backupToken,
	} {
		code, body, _ := get(t, url, hdr)
		if code != http.StatusUnauthorized || strings.Contains(body, backupToken) {
			t.Fatalf("%s: /backup = %d %q, want 401", name, code, body)
		}
	}
	if strings.Contains(h.stderr.String(), backupToken) {
		t.Fatal("the backup token reached the log")
	}

	seen := map[string]bool{}
	for range 3 {
		seen[promptText(t, h.slash("prompt daring"))] = true
	}
	// The history write follows the answer by a moment: take backups until
	// the copy has all three.
	var path string
	wait(t, func() bool {
		path = fetchBackup(t, url)
		return len(historyOf(t, path, "U1")) == 3
	})

	h.slash("prompt daring") // after the backup: the restore forgets it

	// Restore: stop the bot, put the backup in place of the file, start.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	backup := historyOf(t, path, "U1")
	if live := historyOf(t, h.env["MENTOR_DB_PATH"], "U1"); len(live) != 4 || fmt.Sprint(live[:3]) != fmt.Sprint(backup) {
		t.Fatalf("live history %v does not extend the backup's %v", live, backup)
	}
	restoreFile(t, path, h.env["MENTOR_DB_PATH"])
	h.start()
	if p := promptText(t, h.slash("prompt daring")); seen[p] {
		t.Fatalf("after the restore, a prompt repeated before the theme was exhausted: %q", p)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if got := historyOf(t, h.env["MENTOR_DB_PATH"], "U1"); len(got) != 4 || fmt.Sprint(got[:3]) != fmt.Sprint(backup) {
		t.Fatalf("history after the restore %v, want the backup's %v and one more", got, backup)
	}
}

// fetchBackup downloads /backup into a temp file and returns its path.
func fetchBackup(t *testing.T, url string) string {
	t.Helper()
	code, body, hdr := get(t, url, "Authorization: Bearer "+backupToken)
	if code != http.StatusOK {
		t.Fatalf("/backup = %d %q", code, body)
	}
	if ct := hdr.Get("Content-Type"); ct != "application/octet-stream" {
		t.Fatalf("Content-Type = %q", ct)
	}
	date := time.Now().UTC().Format("2006-01-02")
	if cd := hdr.Get("Content-Disposition"); !strings.Contains(cd, `filename="mentorbot-`+date) || !strings.HasSuffix(cd, `.db"`) {
		t.Fatalf("Content-Disposition = %q", cd)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.Check(path); err != nil {
		t.Fatalf("the backup is not a consistent database: %v", err)
	}
	return path
}

// historyOf reads a member's history from a database file no process holds.
func historyOf(t *testing.T, path, userID string) []store.HistoryEntry {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hist, err := db.History(userID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return hist
}

// restoreFile replaces dst with a copy of src, as an operator would.
func restoreFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
