package main

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Fault 5: a disconnect frame with reason "warning", then a real one
// ("refresh_requested"), while members type commands and click without a
// pause. TestE2E_Reconnect already checks that the bot reconnects after each
// reason and answers a command afterwards; this one checks that nothing
// acknowledged is lost across them while commands keep flowing.
//
// Not every command is acknowledged, though the simulator sends no envelope
// to a socket after its disconnect frame: slack-go closes the old socket as
// soon as it reads the frame, and its writer may still take an ack queued
// at that moment and write it to the closed socket (a write_error event,
// itself dropped at times). The member sees the command fail although the
// bot ran it; the test counts those as unacked.
func TestE2E_FaultDisconnectWarning(t *testing.T) {
	t.Parallel()
	const members = 4
	h := newFaultHarness(t, 0, faultRate)
	var sessions []*faultSession
	for i := range members {
		sessions = append(sessions, newSession(t, h, member(i), "Europe/Paris"))
	}
	ctx := context.Background()
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Go(func() { s.run(ctx, stop, 50*time.Millisecond, 0) })
	}
	acked := func() int {
		n := 0
		for _, s := range sessions {
			n += s.ackCount()
		}
		return n
	}
	// Each fault strikes with commands flowing: a few acks before it. Three
	// rounds, as Slack refreshes a connection every few hours.
	for _, reason := range []string{"warning", "refresh_requested", "warning", "refresh_requested", "warning", "refresh_requested"} {
		floor := acked() + 2*members
		waitUntil(t, 20*time.Second, func() bool { return acked() >= floor })
		before := h.sim.Connects()
		h.sim.Disconnect(reason)
		wait, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := h.sim.WaitConnected(wait, before+1)
		cancel()
		if err != nil {
			t.Fatalf("no reconnect after disconnect %q: %v", reason, err)
		}
	}
	floor := acked() + 2*members
	waitUntil(t, 20*time.Second, func() bool { return acked() >= floor })
	close(stop)
	wg.Wait()

	h.stop()
	v := verifySessions(t, openStore(t, h.dbPath), h.sim, sessions)
	t.Logf("fault=disconnect-warning-then-refresh_requested rounds=3 members=%d commands=%d acked=%d unacked=%d lost=%d duplicates=%d took=%v",
		members, v.sent, v.acked, v.sent-v.acked, v.lost, v.duplicates, time.Since(start).Round(time.Millisecond))
	v.require(t)
}
