package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// Fault 6: the same envelope delivered twice, after its ack or while the
// first delivery is still being handled: a slash command, a button, a modal
// submission and an event (also redelivered as Slack retries events: a new
// envelope id, the same event_id). Each is handled once. The unit tests in
// bot (TestServeSlash/DuplicateEnvelopeHandledOnce,
// TestServeInteractive_AnotherPrompt) check the same on a fake socket; this
// one goes through slack-go and the database.
func TestE2E_FaultDuplicateEnvelope(t *testing.T) {
	t.Parallel()
	h := newFaultHarness(t, 0, faultRate)
	h.sim.AddUser(slacksim.User{ID: "U1", TZ: "Europe/Paris"})
	h.sim.AddUser(slacksim.User{ID: "U2", TZ: "Europe/Paris"})
	ctx := context.Background()
	s := newSession(t, h, "U1", "")
	var redelivered atomic.Int32
	deliver := func(env slacksim.Envelope) (*slacksim.Ack, error) {
		redelivered.Add(1)
		ack, err := h.sim.Deliver(ctx, env)
		if err != nil {
			return nil, fmt.Errorf("redeliver %s %s: %w", env.Type, env.EnvelopeID, err)
		}
		return ack, nil
	}
	again := func(env slacksim.Envelope) *slacksim.Ack {
		t.Helper()
		ack, err := deliver(env)
		if err != nil {
			t.Fatal(err)
		}
		return ack
	}

	// A slash command redelivered after its ack.
	card, ok := s.prompt(ctx)
	if !ok {
		t.Fatal("/mentor prompt not acknowledged")
	}
	if ack := again(lastDelivery(t, h.sim, slacksim.TypeSlashCommands)); !emptyAck(ack) {
		t.Fatalf("the redelivered command was answered again: %s", ack.Payload)
	}

	// Another slash command envelope, delivered twice at once.
	twin := lastDelivery(t, h.sim, slacksim.TypeSlashCommands)
	twin.EnvelopeID = "twin-" + twin.EnvelopeID
	var (
		acks [2]*slacksim.Ack
		errs [2]error
		wg   sync.WaitGroup
	)
	for i := range acks {
		wg.Go(func() { acks[i], errs[i] = deliver(twin) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		t.Fatal(err)
	}
	if emptyAck(acks[0]) == emptyAck(acks[1]) {
		t.Fatalf("two deliveries at once: acks %s and %s, want one reply and one empty ack", acks[0].Payload, acks[1].Payload)
	}
	s.prompts = append(s.prompts, cardPromptID(acks[0].Blocks())+cardPromptID(acks[1].Blocks()))

	// A button click redelivered.
	s.another(ctx, card)
	again(lastDelivery(t, h.sim, slacksim.TypeInteractive))

	// A modal submission redelivered after its "Saved".
	if _, err := s.reflectUntilOpen(ctx, card, "Said once, delivered twice.", 1); err != nil {
		t.Fatal(err)
	}
	if ack := again(lastDelivery(t, h.sim, slacksim.TypeInteractive)); !emptyAck(ack) {
		t.Fatalf("the redelivered submission was answered again: %s", ack.Payload)
	}

	// An event: the same envelope again, then Slack's retry of it (a new
	// envelope id, the same event_id).
	if _, err := h.sim.Event(ctx, map[string]any{"type": "app_home_opened", "user": "U2", "channel": "DU2", "tab": "home"}); err != nil {
		t.Fatal(err)
	}
	ev := lastDelivery(t, h.sim, slacksim.TypeEventsAPI)
	again(ev)
	ev.EnvelopeID, ev.RetryAttempt, ev.RetryReason = "retry-"+ev.EnvelopeID, 1, "timeout"
	again(ev)

	h.stop() // drains in-flight handlers: anything handled twice has happened by now
	db := openStore(t, h.dbPath)
	v := verifySessions(t, db, h.sim, []*faultSession{s})
	hist, err := db.History("U1", 0)
	if err != nil {
		t.Fatal(err)
	}
	// Each action once: three prompts (the command, its twin, Another
	// prompt), one answer at the response URL, one reflection, one Home tab.
	twice := 0
	for what, got := range map[string][2]int{
		"prompts":   {len(hist), 3},
		"answers":   {len(responseCards(h.sim, "U1")), 1},
		"journal":   {len(mustReflections(t, db, "U1")), 1},
		"home tabs": {len(publishesFor(h.sim, "U2")), 1},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: %d, want %d", what, got[0], got[1])
		}
		twice += max(0, got[0]-got[1])
	}
	t.Logf("fault=duplicate-envelope redelivered=%d handled-twice=%d lost=%d duplicates=%d",
		redelivered.Load(), twice, v.lost, v.duplicates)
	v.require(t)
}

// lastDelivery is the last envelope of type typ the simulator sent, to send
// again as Slack's retry would.
func lastDelivery(t *testing.T, sim *slacksim.Server, typ string) slacksim.Envelope {
	t.Helper()
	ds := sim.Deliveries()
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].Type == typ {
			return ds[i]
		}
	}
	t.Fatalf("no %s envelope delivered", typ)
	return slacksim.Envelope{}
}

// publishesFor lists the views.publish calls for the member's Home tab.
func publishesFor(sim *slacksim.Server, user string) []slacksim.Call {
	var out []slacksim.Call
	for _, c := range sim.CallsTo("views.publish") {
		if c.Params["user_id"] == user && c.Status == http.StatusOK && c.Error == "" {
			out = append(out, c)
		}
	}
	return out
}
