package main

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// Fault 4: Slack drops the socket (no close frame) every 10 s while members
// type commands, click buttons and save reflections for 35 s. The bot
// reconnects each time. The simulator holds an envelope while no socket is
// open and sends it on the next one, which the first part checks with the
// bot held off for 2 s; Slack itself does not queue a slash command for an
// app with no socket (the member gets an error and types it again), and
// retries only events. An envelope on a socket that dies is lost in flight
// and never acknowledged: the member sees an error. Everything acknowledged
// must be found afterwards.
//
// The seconds are the harness clock's (faultRate): the members' pace, the
// outage and the drops are timed on it.
func TestE2E_FaultSocketDrops(t *testing.T) {
	t.Parallel()
	const (
		members  = 6
		duration = 35 * time.Second
		every    = 10 * time.Second
	)
	h := newFaultHarness(t, 0, faultRate)
	var sessions []*faultSession
	for i := range members {
		sessions = append(sessions, newSession(t, h, member(i), "Europe/Paris"))
	}
	ctx := context.Background()

	// Commands typed while the bot cannot reconnect are delivered once it has.
	h.sim.SetFault(slacksim.Only(slacksim.EveryNth(1, slacksim.Fault{Status: http.StatusInternalServerError}), "apps.connections.open"))
	before := h.sim.Connects()
	h.sim.DropConnections()
	waitUntil(t, 10*time.Second, func() bool { return h.sim.Connections() == 0 })
	var (
		held    sync.WaitGroup
		lifted  atomic.Int64
		early   atomic.Int32
		heldAck atomic.Int32
	)
	for _, s := range sessions[:3] {
		held.Go(func() {
			_, ok := s.prompt(ctx)
			if time.Now().UnixNano() < lifted.Load() || lifted.Load() == 0 {
				early.Add(1)
			}
			if ok {
				heldAck.Add(1)
			}
		})
	}
	<-h.clock.After(2 * time.Second) // the outage: the bot cannot reconnect for 2 s
	lifted.Store(time.Now().UnixNano())
	h.sim.SetFault(nil)
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := h.sim.WaitConnected(wait, before+1); err != nil {
		t.Fatalf("no reconnect after the outage: %v", err)
	}
	held.Wait()
	if early.Load() != 0 || heldAck.Load() != 3 {
		t.Fatalf("of 3 commands typed while the bot was away, %d were acknowledged and %d answered before it was back", heldAck.Load(), early.Load())
	}

	// The socket dropped every 10 s while members keep going.
	start, wallStart := h.clock.Now(), time.Now()
	stop := make(chan struct{})
	drops := 0
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Go(func() { s.run(ctx, stop, 500*time.Millisecond, 3) })
	}
	dropper, deadline := h.clock.After(every), h.clock.After(duration)
chaos:
	for {
		select {
		case <-dropper:
			// Each drop hits a live socket: on a starved machine the
			// last reconnect may not be done when the clock says 10 s.
			wait, cancel := context.WithTimeout(ctx, 30*time.Second)
			err := h.sim.WaitConnected(wait, before+1+drops)
			cancel()
			if err != nil {
				t.Fatalf("no reconnect after drop %d: %v", drops, err)
			}
			h.sim.DropConnections()
			drops++
			dropper = h.clock.After(every)
		case <-deadline:
			break chaos
		}
	}
	close(stop)
	wg.Wait()
	waitUntil(t, 30*time.Second, h.app.bot.Connected)
	reconnects := h.sim.Connects() - before - 1

	h.stop() // drains the handlers' background writes
	v := verifySessions(t, openStore(t, h.dbPath), h.sim, sessions)
	t.Logf("fault=socket-drop-every-%v drops=%d reconnects=%d members=%d commands=%d acked=%d unacked=%d lost=%d duplicates=%d reflections=%d saved-unacked=%d held=3 took=%v wall=%v",
		every, drops, reconnects, members, v.sent, v.acked, v.sent-v.acked, v.lost, v.duplicates, v.reflections, v.savedUnacked,
		h.clock.Now().Sub(start).Round(time.Millisecond), time.Since(wallStart).Round(time.Millisecond))
	v.require(t)
	if reconnects < drops {
		t.Fatalf("%d reconnects after %d drops", reconnects, drops)
	}
}
