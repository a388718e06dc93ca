package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// TestE2E_SkipDoubleClick double-clicks a nudge's skip button over the real
// WebSocket, the two clicks in flight at once as a member's two quick taps
// are: the slot the button names is skipped once, the second click says so,
// and so does `/mentor skip` afterwards. The skipped week is not sent; the
// one after is.
func TestE2E_SkipDoubleClick(t *testing.T) {
	h := newAppHarness(t)
	h.slash("U1", "subscribe weekly fri 16:00")
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC) // 16:00 in Paris
	next, after := slot.AddDate(0, 0, 7), slot.AddDate(0, 0, 14)
	h.tick(slot)
	dms := h.dms("U1")
	if len(dms) != 1 {
		t.Fatalf("%d nudges, want 1", len(dms))
	}
	text, _ := slacksim.Render(dms[0].Text, dms[0].Blocks)
	if !strings.Contains(text, "Skip next week (Fri 27 Nov)") || !strings.Contains(text, "for this week") {
		t.Fatalf("nudge:\n%s", text)
	}

	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := h.sim.Click(context.Background(), "U1", dms[0], "nudge.skip"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	answers := waitAnswers(t, h.sim, "U1", 2)
	var skipped, already int
	for _, a := range answers {
		switch {
		case strings.Contains(a, "Skipped the prompt of Friday 27 November"):
			skipped++
		case strings.Contains(a, "The prompt of Friday 27 November at 16:00 CET is already skipped"):
			already++
		}
	}
	if skipped != 1 || already != 1 {
		t.Fatalf("answers to a double click, want one skip and one already skipped:\n%s", strings.Join(answers, "\n"))
	}
	if got := h.slash("U1", "skip"); !strings.Contains(got, "is already skipped") {
		t.Fatalf("skip after the clicks:\n%s", got)
	}

	sub, _, err := h.app.db.Subscription("U1")
	if err != nil || !sub.NextDue.Equal(after) || len(sub.Skips) != 1 || !sub.Skipped(next) {
		t.Fatalf("subscription: next %v, skips %v, %v; want next %v, %v skipped", sub.NextDue, sub.Skips, err, after, next)
	}
	h.tick(next)
	if n := len(h.dms("U1")); n != 1 {
		t.Fatalf("%d nudges after the skipped week, want still 1", n)
	}
	h.tick(after)
	if n := len(h.dms("U1")); n != 2 {
		t.Fatalf("%d nudges the week after, want 2", n)
	}
}

// waitAnswers waits, up to five seconds, for n answers only user sees at a
// response_url, and returns their texts.
func waitAnswers(t *testing.T, sim *slacksim.Server, user string, n int) []string {
	t.Helper()
	var got []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		got = got[:0]
		for _, m := range sim.Messages() {
			if m.Source == "response_url" && m.VisibleTo == user {
				got = append(got, m.Text)
			}
		}
		if len(got) >= n {
			return got
		}
	}
	t.Fatalf("%d answers at the response_url, want %d: %q", len(got), n, got)
	return nil
}
