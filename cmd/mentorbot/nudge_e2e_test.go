package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
	"github.com/prometheus/client_golang/prometheus"
)

// clock is the test's time for the app under test, and in the fault tests
// for the local Slack too (a slacksim.Clock). It reads t plus rate times the
// wall-clock time since t was set: at rate 0 (a literal clock{t: …}) it moves
// only when the test sets it; at rate 10 a minute passes in 6 s.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	set  time.Time // when t was set, on the wall clock
	rate float64
}

// newClock is a clock reading t now and running rate times as fast as the
// wall clock.
func newClock(t time.Time, rate float64) *clock {
	return &clock{t: t, set: time.Now(), rate: rate}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.Add(time.Duration(float64(time.Since(c.set)) * c.rate))
}

// Set makes the clock read t; it keeps running at its rate from there.
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t, c.set = t, time.Now()
}

// After receives once d of the clock's time has passed: d/rate of the wall
// clock's, or d of it on a clock that only the test moves.
func (c *clock) After(d time.Duration) <-chan time.Time {
	return time.After(c.wall(d))
}

// wall is how long d of the clock's time lasts on the wall clock.
func (c *clock) wall(d time.Duration) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rate <= 0 {
		return d
	}
	return time.Duration(float64(d) / c.rate)
}

// appHarness is the real app (the same wiring as serve) against a local
// Slack, with its clock in the test's hands.
type appHarness struct {
	t      *testing.T
	sim    *slacksim.Server
	clock  *clock
	dbPath string
	app    *app
	cancel context.CancelFunc
	done   chan error
	// leads and leadGroup become MENTOR_LEADS and MENTOR_LEAD_GROUP.
	leads     []string
	leadGroup string
	// logs, when set, receives the app's log as text, Debug and up.
	logs io.Writer
	// sendConcurrency, when set, is the bot's SendConcurrency, set before
	// the app runs its first tick.
	sendConcurrency int
}

// Fri 20 Nov 2026, 10:00 UTC (11:00 in Paris).
var friMorning = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func newAppHarness(t *testing.T) *appHarness {
	t.Helper()
	sim := slacksim.New(e2eSimOptions())
	t.Cleanup(sim.Close)
	sim.AddUser(slacksim.User{ID: "U1", Name: "ana", TZ: "Europe/Paris"})
	h := &appHarness{t: t, sim: sim, clock: &clock{t: friMorning}, dbPath: filepath.Join(t.TempDir(), "mentorbot.db")}
	h.start()
	return h
}

func (h *appHarness) start() {
	h.t.Helper()
	opts := h.sim.Options()
	cfg := Config{BotToken: opts.BotToken, AppToken: opts.AppToken, APIURL: h.sim.APIURL(), DBPath: h.dbPath,
		Command: "/mentor", HTTPAddr: "127.0.0.1:0", DefaultTZ: "UTC", Grace: 6 * time.Hour, Leads: h.leads, LeadGroup: h.leadGroup}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if h.logs != nil {
		logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	a, err := newApp(cfg, logger, nil, h.clock)
	if err != nil {
		h.t.Fatal(err)
	}
	if h.sendConcurrency > 0 {
		a.bot.SendConcurrency = h.sendConcurrency
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.app, h.cancel, h.done = a, cancel, make(chan error, 1)
	before := h.sim.Connects()
	go func() { h.done <- a.run(ctx) }()
	h.t.Cleanup(h.stop)
	wait, cancelWait := context.WithTimeout(context.Background(), connectWithin)
	defer cancelWait()
	if err := h.sim.WaitConnected(wait, before+1); err != nil {
		h.t.Fatal(err)
	}
	for !a.bot.Connected() {
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *appHarness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	if err := <-h.done; err != nil {
		h.t.Errorf("run: %v", err)
	}
	socketsClosed(h.t, h.sim)
}

// slash types a command as user and returns the reply's text and blocks:
// the ack's or, when the command outlived the bot's ack deadline (a walk
// through a big channel's members on a loaded machine), the response URL's.
func (h *appHarness) slash(user, text string) string {
	h.t.Helper()
	got, _, err := slashAnswer(context.Background(), h.sim, user, text)
	if err != nil {
		h.t.Fatalf("/mentor %s: %v", text, err)
	}
	return got
}

// tick runs the scheduler at t, as the cron tick would.
func (h *appHarness) tick(t time.Time) {
	h.t.Helper()
	h.clock.Set(t)
	if _, err := h.app.bot.SendDue(context.Background(), t); err != nil {
		h.t.Fatal(err)
	}
}

// dms returns the messages posted in the member's DM.
func (h *appHarness) dms(user string) []slacksim.Message {
	var out []slacksim.Message
	for _, m := range h.sim.MessagesIn("D" + user) {
		if m.Source == "chat.postMessage" {
			out = append(out, m)
		}
	}
	return out
}

func TestE2E_NudgeReflectJournal(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t)

	got := h.slash("U1", "subscribe weekly fri 16:00")
	if !strings.Contains(got, "weekly on Friday at 16:00 (Europe/Paris)") || !strings.Contains(got, "Friday 20 November at 16:00 CET") {
		t.Fatalf("subscribe reply:\n%s", got)
	}

	// 15:59 in Paris: nothing yet. 16:00: the nudge, once.
	h.tick(time.Date(2026, 11, 20, 14, 59, 0, 0, time.UTC))
	if n := len(h.dms("U1")); n != 0 {
		t.Fatalf("%d nudges before the minute", n)
	}
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	h.tick(slot)
	h.tick(slot.Add(30 * time.Second))
	dms := h.dms("U1")
	if len(dms) != 1 {
		t.Fatalf("%d nudges at 16:00, want 1", len(dms))
	}
	nudge := dms[0]
	text, buttons := slacksim.Render(nudge.Text, nudge.Blocks)
	want := 4
	if strings.Contains(text, "Try this week") {
		want++ // I'll try it
	}
	if len(buttons) != want || !strings.Contains(text, "Reflect") || !strings.Contains(text, "Skip next week") {
		t.Fatalf("nudge:\n%s", text)
	}

	// Reflect: the modal opens from the click, the answer is saved before
	// the member sees "Saved".
	if _, err := h.sim.Click(context.Background(), "U1", nudge, "reflect.open"); err != nil {
		t.Fatal(err)
	}
	views := waitViews(t, h.sim, "U1", 1)
	ack, err := h.sim.SubmitView(context.Background(), "U1", views[0].ID, map[string]map[string]string{"reflection": {"text": "   "}})
	if err != nil || !strings.Contains(string(ack.Payload), `"errors"`) {
		t.Fatalf("empty reflection: ack %s, %v", ack.Payload, err)
	}
	ack, err = submitReflection(context.Background(), h.sim, "U1", views[0].ID, "I kept quiet in the design review.")
	if err != nil || !strings.Contains(string(ack.Payload), "Saved to your journal") {
		t.Fatalf("reflection: ack %s, %v", ack.Payload, err)
	}
	if got := h.slash("U1", "journal"); !strings.Contains(got, "I kept quiet in the design review.") {
		t.Fatalf("journal:\n%s", got)
	}

	// A restart on the same database loses nothing and sends nothing twice.
	h.stop()
	h.start()
	h.tick(slot.Add(time.Minute))
	if n := len(h.dms("U1")); n != 1 {
		t.Fatalf("%d nudges after restart, want still 1", n)
	}
	if got := h.slash("U1", "journal"); !strings.Contains(got, "I kept quiet in the design review.") {
		t.Fatalf("journal after restart:\n%s", got)
	}
	got = h.slash("U1", "status")
	if !strings.Contains(got, "Friday 27 November at 16:00 CET") || !strings.Contains(got, "1 prompt in a row") {
		t.Fatalf("status:\n%s", got)
	}
	h.tick(slot.Add(7 * 24 * time.Hour))
	if n := len(h.dms("U1")); n != 2 {
		t.Fatalf("%d nudges a week later, want 2", n)
	}
}

func waitViews(t *testing.T, sim *slacksim.Server, user string, n int) []slacksim.View {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if vs := sim.OpenViews(user); len(vs) >= n {
			return vs
		}
	}
	t.Fatalf("no modal opened for %s", user)
	return nil
}

func TestE2E_NudgeFaults(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t)
	h.slash("U1", "subscribe daily 09:00 UTC")
	slot := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

	t.Run("ServerErrors", func(t *testing.T) {
		h.sim.SetFault(func(c slacksim.Call, _ int) *slacksim.Fault {
			if c.Method == "chat.postMessage" {
				return &slacksim.Fault{Status: 503}
			}
			return nil
		})
		h.tick(slot)
		if n := len(h.dms("U1")); n != 0 {
			t.Fatalf("%d nudges while Slack fails", n)
		}
		sub, _, _ := h.app.db.Subscription("U1")
		if !sub.NextDue.Equal(slot) {
			t.Fatalf("NextDue moved to %v while the nudge was not sent", sub.NextDue)
		}
		h.sim.SetFault(nil)
		h.tick(slot.Add(30 * time.Second))
		if n := len(h.dms("U1")); n != 1 {
			t.Fatalf("%d nudges once Slack is back, want 1", n)
		}
	})

	t.Run("RateLimited", func(t *testing.T) {
		next := slot.Add(24 * time.Hour)
		h.sim.FailNext("chat.postMessage", 2, slacksim.Fault{Status: 429, RetryAfter: time.Second})
		h.tick(next)
		h.tick(next.Add(30 * time.Second))
		if n := len(h.dms("U1")); n != 2 {
			t.Fatalf("%d nudges after a 429, want 2 in all", n)
		}
		if got := metricSum(t, h.app, "mentorbot_ratelimited_total"); got < 2 {
			t.Fatalf("mentorbot_ratelimited_total = %v, want the two 429s counted", got)
		}
		if got := metricSum(t, h.app, "mentorbot_nudges_total"); got < 2 {
			t.Fatalf("mentorbot_nudges_total = %v", got)
		}
	})

	t.Run("GraceWindow", func(t *testing.T) {
		// Down from Monday 08:00 to 16:00: Monday's 09:00 nudge is 7 h late.
		late := slot.Add(2*24*time.Hour + 7*time.Hour)
		h.tick(late)
		if n := len(h.dms("U1")); n != 2 {
			t.Fatalf("a nudge older than the grace window was sent")
		}
		ns, _ := h.app.db.Nudges("U1", 1)
		if len(ns) != 1 || ns[0].Status != store.NudgeSkipped || ns[0].Reason != "late" {
			t.Fatalf("skip not recorded: %+v", ns)
		}
		sub, _, _ := h.app.db.Subscription("U1")
		if want := slot.Add(3 * 24 * time.Hour); !sub.NextDue.Equal(want) {
			t.Fatalf("next due %v, want %v", sub.NextDue, want)
		}
	})
}

func TestE2E_Forget(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t)
	h.slash("U1", "subscribe weekly fri 16:00")
	h.slash("U1", "prompt")
	got := h.slash("U1", "forget")
	if !strings.Contains(got, "Delete everything") {
		t.Fatalf("forget asks for confirmation:\n%s", got)
	}
	// Nothing is deleted before the click.
	if _, ok, _ := h.app.db.Subscription("U1"); !ok {
		t.Fatal("forget deleted before confirmation")
	}
	msgs := h.sim.MessagesIn("DU1")
	last := msgs[len(msgs)-1]
	if _, err := h.sim.Click(context.Background(), "U1", last, "forget.confirm"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { _, ok, _ := h.app.db.Subscription("U1"); return !ok })
	hist, _ := h.app.db.History("U1", 0)
	due, _ := h.app.db.DueBefore(friMorning.Add(30*24*time.Hour), 10)
	if len(hist) != 0 || len(due) != 0 {
		t.Fatalf("left behind: %d history entries, %d due entries", len(hist), len(due))
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in 5 s")
}

// metricSum sums a metric family's values across its labels.
func metricSum(t *testing.T, a *app, name string) float64 {
	t.Helper()
	g, ok := a.bot.Metrics.(prometheus.Gatherer)
	if !ok {
		t.Fatal("the app's metrics are not a Prometheus gatherer")
	}
	fams, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range fams {
		if f.GetName() == name {
			for _, m := range f.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}
