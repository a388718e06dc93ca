package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// slowCall is how long the simulator holds its answer in
// TestE2E_FaultSlowSlack. What the test checks is how it compares with the
// bot's own deadlines (1 s for users.info's locale, 2 s for its time zone,
// 2.5 s before an empty ack, 30 s for a Web API call), which are on the wall clock, so this test's clock runs
// at the wall clock's pace.
const slowCall = 5 * time.Second

// ackDeadline is Slack's: an envelope not acknowledged within 3 s fails for
// the member.
const ackDeadline = 3 * time.Second

// Fault 3: Slack takes 5 s to answer every chat.postMessage of a fan-out,
// and the conversations.open and users.info of the slash commands typed
// meanwhile. The app's HTTP client waits 30 s, so no call times out and none
// is retried: every nudge is posted once. The commands are acknowledged
// within Slack's 3 s all the same: export by an empty ack at the bot's 2.5 s
// and its answer at the response URL; subscribe too, after giving up on
// users.info for the member's language after 1 s (English) and for the zone
// after 2 s (the default, which its answer names).
func TestE2E_FaultSlowSlack(t *testing.T) {
	t.Parallel()
	const members = 24
	// Every nudge is sent at once, so the fan-out waits out the 5 s once
	// rather than once per round of the bot's 8 senders (15 s): a later
	// round only repeats the first one's wait.
	h := newFaultHarness(t, members, 1, func(h *appHarness) { h.sendConcurrency = members })
	h.sim.AddUser(slacksim.User{ID: "USLOW1", TZ: "Europe/Paris"})
	h.sim.AddUser(slacksim.User{ID: "USLOW2", TZ: "Europe/Paris"})
	h.sim.SetFault(slacksim.Only(slacksim.EveryNth(1, slacksim.Fault{Delay: slowCall}),
		"chat.postMessage", "conversations.open", "users.info"))

	ctx := context.Background()
	var (
		wg                  sync.WaitGroup
		exportAck, subAck   time.Duration
		subReply, subStored string
		file                bool
	)
	wg.Go(func() {
		reply, ack, err := slashAnswer(ctx, h.sim, "USLOW1", "export")
		if err != nil {
			t.Errorf("export while conversations.open takes %v: %v", slowCall, err)
			return
		}
		exportAck = ack.Latency
		if !strings.Contains(reply, "Markdown file") {
			t.Errorf("export answered %q", reply)
		}
		wait, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_, err = h.sim.WaitMessage(wait, func(m slacksim.Message) bool { return m.Channel == "DUSLOW1" && m.Source == "files" })
		file = err == nil
	})
	wg.Go(func() {
		reply, ack, err := slashAnswer(ctx, h.sim, "USLOW2", "subscribe weekly fri 16:00")
		if err != nil {
			t.Errorf("subscribe while users.info takes %v: %v", slowCall, err)
			return
		}
		subAck, subReply = ack.Latency, statedZone(reply)
		if sub, ok, err := h.app.db.Subscription("USLOW2"); err == nil && ok {
			subStored = sub.TZ
		}
	})
	start := time.Now()
	ticks := h.sendDue(3)
	took := time.Since(start)
	wg.Wait()

	res := tallyFanOut(t, h, members)
	posts := len(h.sim.CallsTo("chat.postMessage"))
	t.Logf("fault=5s-calls nudges=%d delivered=%d lost=%d duplicates=%d posts=%d ticks=%d took=%v export-ack=%v subscribe-ack=%v subscribe-zone=%s",
		res.nudges, res.delivered, res.lost, res.duplicates, posts, ticks.ticks, took.Round(time.Millisecond),
		exportAck.Round(time.Millisecond), subAck.Round(time.Millisecond), subStored)
	res.require(t)
	if posts != members {
		t.Fatalf("%d chat.postMessage calls for %d nudges: a slow answer was retried", posts, members)
	}
	if exportAck >= ackDeadline || subAck >= ackDeadline {
		t.Fatalf("acks after %v (export) and %v (subscribe); Slack's deadline is %v", exportAck, subAck, ackDeadline)
	}
	if !file {
		t.Fatal("export: no file shared in the member's DM")
	}
	if subStored == "" || subStored != subReply {
		t.Fatalf("subscribe stored zone %q, its reply named %q", subStored, subReply)
	}
}
