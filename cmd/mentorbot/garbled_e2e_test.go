package main

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// An answer to chat.postMessage that is not a well-formed Slack reply (a
// proxy's HTML page with a 200, JSON cut short, an empty body, JSON naming
// no message) leaves the nudge due for the next tick, like a 5xx; only
// Slack's own permanent error skips the slot.
func TestE2E_GarbledAnswerIsTransient(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t)
	h.slash("U1", "subscribe weekly fri 16:00")
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC) // 16:00 in Paris

	garbles := []slacksim.Fault{
		{Body: "<html><body><h1>Gateway says hi</h1></body></html>"},
		{Body: `{"ok":true,"channel":"DU1","ts":"17`},
		{Garbled: true},
		{Body: `{}`},
		{Body: `[1,2,3]`},
	}
	// Every post gets the current garble, so a tick the app runs by itself
	// meanwhile meets it too.
	var current atomic.Pointer[slacksim.Fault]
	h.sim.SetFault(func(c slacksim.Call, _ int) *slacksim.Fault {
		if c.Method == "chat.postMessage" {
			return current.Load()
		}
		return nil
	})
	at := slot
	for i := range garbles {
		current.Store(&garbles[i])
		h.tick(at)
		if n := len(h.dms("U1")); n != 0 {
			t.Fatalf("garble %d: %d DMs shown", i, n)
		}
		ns, _ := h.app.db.Nudges("U1", 1)
		if len(ns) != 1 || ns[0].Status != store.NudgeSending {
			t.Fatalf("garble %d: the slot was given up: %+v", i, ns)
		}
		sub, _, _ := h.app.db.Subscription("U1")
		if !sub.NextDue.Equal(slot) {
			t.Fatalf("garble %d: moved on to %v", i, sub.NextDue)
		}
		at = at.Add(30 * time.Second)
	}
	if got := metricSum(t, h.app, "mentorbot_nudges_total"); got < float64(len(garbles)) {
		t.Fatalf("mentorbot_nudges_total = %v, want %d retries at least", got, len(garbles))
	}
	current.Store(nil)
	h.tick(at)
	if n := len(h.dms("U1")); n != 1 {
		t.Fatalf("%d nudges once Slack answered properly, want 1", n)
	}
	ns, _ := h.app.db.Nudges("U1", 1)
	if len(ns) != 1 || ns[0].Status != store.NudgeSent || !ns[0].Slot.Equal(slot) {
		t.Fatalf("the slot was not recorded sent: %+v", ns)
	}

	t.Run("PermanentErrorSkips", func(t *testing.T) {
		next := slot.Add(7 * 24 * time.Hour)
		h.sim.FailNext("chat.postMessage", 1, slacksim.Fault{Error: "user_disabled"})
		h.tick(next)
		ns, _ := h.app.db.Nudges("U1", 1)
		if len(ns) != 1 || ns[0].Status != store.NudgeSkipped || ns[0].Reason != "undeliverable" {
			t.Fatalf("Slack's own refusal did not skip the slot: %+v", ns)
		}
	})
}
