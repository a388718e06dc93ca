package main

// The fault-injection scenarios, end to end: the real app (newApp and
// run, wired as serve wires them: slack-go's WebSocket to slacksim, bbolt in
// t.TempDir()) while the local Slack misbehaves. Every test logs one line of
// figures, such as
//
//	fault=429-every-second-call nudges=1000 delivered=1000 lost=0 duplicates=0 ticks=2 took=1m2s
//
// and fails on any loss or duplicate. Timings are logged, never asserted,
// except Slack's 3 s ack deadline, which is part of the protocol.
//
// Two words are used throughout. Lost: something Slack acknowledged (a
// command's reply, a click, a "Saved" reflection) or a due nudge that is not
// found afterwards. A duplicate: a nudge DM, history entry or journal entry
// beyond the one the member's action explains.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// rateLimitWindow is how long Slack answers every second Web API call with
// 429 in TestE2E_FaultRateLimit: the "for a minute", in real time.
const rateLimitWindow = time.Minute

// serverErrorSeed makes TestE2E_FaultServerErrors replayable: with it, the
// nth call to a method fails, or not, the same way on every run.
const serverErrorSeed = 20261120

// slowCall is how long the simulator holds its answer in TestE2E_FaultSlowSlack.
const slowCall = 5 * time.Second

// ackDeadline is Slack's: an envelope not acknowledged within 3 s fails for
// the member.
const ackDeadline = 3 * time.Second

// faultSlot is when the fan-out tests' nudges fall due: Friday 20 November
// 2026, 15:00 UTC, five hours after the harness clock's friMorning.
var faultSlot = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

// tickEvery is how far apart the tests' scheduler ticks are, as tickSpec's.
const tickEvery = 30 * time.Second

// newFaultHarness is the real app against a local Slack in which the first
// subscribers members (member(i), in UTC) are subscribed weekly with a nudge
// due at faultSlot. The harness clock stays at friMorning: the app's own cron
// tick, which fires every 30 s of real time at the harness clock, then finds
// nothing due, so the ticks a test runs itself (sendDue) are the only ones
// and can be counted.
func newFaultHarness(t *testing.T, subscribers int) *appHarness {
	t.Helper()
	sim := slacksim.New(slacksim.Options{})
	t.Cleanup(sim.Close)
	for i := range subscribers {
		sim.AddUser(slacksim.User{ID: member(i), TZ: "UTC"})
	}
	h := &appHarness{t: t, sim: sim, clock: &clock{t: friMorning}, dbPath: filepath.Join(t.TempDir(), "mentorbot.db")}
	h.start()
	subscribeMembers(t, h.app.db, subscribers, faultSlot)
	return h
}

// subscribeMembers subscribes the first n members weekly with a nudge due
// at due. PutSubscription batches concurrent callers into one transaction,
// so they are written from many goroutines.
func subscribeMembers(t *testing.T, db *store.DB, n int, due time.Time) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		next  = make(chan int)
		first atomic.Pointer[error]
	)
	for range 64 {
		wg.Go(func() {
			for i := range next {
				sub := store.Subscription{UserID: member(i), Cadence: bot.CadenceWeekly, Day: due.Weekday(), Hour: due.Hour(),
					Minute: due.Minute(), TZ: "UTC", NextDue: due, Created: due.Add(-7 * 24 * time.Hour)}
				if err := db.PutSubscription(sub); err != nil {
					err = fmt.Errorf("subscribe %s: %w", sub.UserID, err)
					first.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := first.Load(); err != nil {
		t.Fatal(*err)
	}
}

// tickLog is what the scheduler did over the ticks of sendDue.
type tickLog struct {
	// ticks is how many ticks ran until nothing was left due.
	ticks int
	// retried is how many times a nudge Slack did not take stayed due for
	// the next tick.
	retried int
}

// sendDue runs the scheduler at faultSlot, then every tickEvery after, as
// the cron tick would, until no nudge is left due or maxTicks ticks ran. It
// does not move the harness clock (see newFaultHarness). It may be called
// from any goroutine: it reports failures with Errorf.
func (h *appHarness) sendDue(maxTicks int) tickLog {
	var log tickLog
	at := faultSlot
	for log.ticks < maxTicks {
		log.ticks++
		rep, err := h.app.bot.SendDue(context.Background(), at)
		if err != nil {
			h.t.Errorf("tick %d at %v: %v", log.ticks, at, err)
			return log
		}
		log.retried += rep.Retry
		due, err := h.app.db.DueBefore(at, 1)
		if err != nil {
			h.t.Errorf("read the due index after tick %d: %v", log.ticks, err)
			return log
		}
		if len(due) == 0 {
			return log
		}
		at = at.Add(tickEvery)
	}
	return log
}

// fanOutResult is what a fan-out left, member by member.
type fanOutResult struct {
	nudges, delivered, lost, duplicates int
	// inconsistent counts members whose records disagree with their DM: no
	// "sent" record with the DM's ts, no history entry for its prompt, or a
	// next due not moved on by a week.
	inconsistent int
}

// tallyFanOut compares what the first members subscribers received with
// what the database says was sent. Every one of them was due at faultSlot.
func tallyFanOut(t *testing.T, h *appHarness, members int) fanOutResult {
	t.Helper()
	dms := map[string][]slacksim.Message{}
	for _, m := range h.sim.Messages() {
		if m.Source == "chat.postMessage" && strings.HasPrefix(m.Channel, "DU") {
			dms[m.Channel[1:]] = append(dms[m.Channel[1:]], m)
		}
	}
	r := fanOutResult{nudges: members}
	for i := range members {
		u := member(i)
		got := dms[u]
		if len(got) == 0 {
			r.lost++
			continue
		}
		r.delivered++
		r.duplicates += len(got) - 1
		if err := sentAsRecorded(h.app.db, u, got[0]); err != nil {
			r.inconsistent++
			if r.inconsistent <= 3 {
				t.Logf("%s: %v", u, err)
			}
		}
	}
	return r
}

// sentAsRecorded checks that the database records dm as the member's nudge
// for faultSlot: sent with its ts, its prompt in their history, the next
// nudge a week later.
func sentAsRecorded(db *store.DB, user string, dm slacksim.Message) error {
	sub, ok, err := db.Subscription(user)
	if err != nil || !ok {
		return fmt.Errorf("subscription: %v, found %v", err, ok)
	}
	if want := faultSlot.Add(7 * 24 * time.Hour); !sub.NextDue.Equal(want) {
		return fmt.Errorf("next due %v, want %v", sub.NextDue, want)
	}
	ns, err := db.Nudges(user, 1)
	if err != nil || len(ns) != 1 {
		return fmt.Errorf("nudge records: %d, %v", len(ns), err)
	}
	n := ns[0]
	if n.Status != store.NudgeSent || !n.Slot.Equal(faultSlot) || n.TS != dm.TS {
		return fmt.Errorf("nudge record %+v, want sent for %v with ts %s", n, faultSlot, dm.TS)
	}
	hist, err := db.History(user, 0)
	if err != nil || len(hist) != 1 || hist[0].PromptID != n.PromptID {
		return fmt.Errorf("history %+v (%v), want the one prompt %s", hist, err, n.PromptID)
	}
	return nil
}

// require fails the test on a loss, a duplicate or a record that disagrees
// with what a member received.
func (r fanOutResult) require(t *testing.T) {
	t.Helper()
	if r.lost != 0 || r.duplicates != 0 || r.inconsistent != 0 || r.delivered != r.nudges {
		t.Fatalf("%d of %d members got their nudge: %d lost, %d duplicates, %d with records that disagree",
			r.delivered, r.nudges, r.lost, r.duplicates, r.inconsistent)
	}
}

// countCalls counts the Web API calls to method (every method when "")
// that Slack answered with status.
func countCalls(sim *slacksim.Server, method string, status int) int {
	n := 0
	for _, c := range sim.Calls() {
		if (method == "" || c.Method == method) && c.Status == status {
			n++
		}
	}
	return n
}

// Fault 1: Slack answers every second Web API call with 429 and
// Retry-After: 1 for a minute, in the middle of a 1,000-nudge fan-out.
// slack-go waits out each Retry-After and tries again (three times at most);
// a nudge still refused stays due for the next tick.
func TestE2E_FaultRateLimit(t *testing.T) {
	t.Parallel()
	const members = 1000
	h := newFaultHarness(t, members)
	start := time.Now()
	h.sim.SetFault(h.sim.During(rateLimitWindow,
		slacksim.EveryNth(2, slacksim.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})))
	ticks := h.sendDue(10)
	took := time.Since(start)

	res := tallyFanOut(t, h, members)
	limited := countCalls(h.sim, "", http.StatusTooManyRequests)
	t.Logf("fault=429-every-second-call window=%v nudges=%d delivered=%d lost=%d duplicates=%d ticks=%d retried=%d 429s=%d took=%v",
		rateLimitWindow, res.nudges, res.delivered, res.lost, res.duplicates, ticks.ticks, ticks.retried, limited, took.Round(time.Millisecond))
	res.require(t)
	if limited == 0 {
		t.Fatal("Slack answered no 429: the fault was not injected")
	}
	if got := metricSum(t, h.app, "mentorbot_ratelimited_total"); int(got) != limited {
		t.Fatalf("mentorbot_ratelimited_total = %v, want the %d 429s Slack answered", got, limited)
	}
}

// Fault 2: 30% of the Web API calls answer 500, chosen pseudo-randomly but
// replayably (serverErrorSeed), during a 1,000-nudge fan-out and while
// members subscribe, ask for a prompt and save a reflection from its modal.
//
// Response URLs are not Web API methods and are left alone here: the bot
// tries a reply there at most three times (bot.respond), so at 30% a reply
// in a few dozen would still fail every time; TestRespondRetries covers
// those retries.
func TestE2E_FaultServerErrors(t *testing.T) {
	t.Parallel()
	const members = 1000
	h := newFaultHarness(t, members)
	h.sim.SetFault(slacksim.Except(slacksim.Fraction(0.3, serverErrorSeed, slacksim.Fault{Status: http.StatusInternalServerError}), "response_url"))

	t.Run("FanOut", func(t *testing.T) {
		start := time.Now()
		ticks := h.sendDue(20)
		took := time.Since(start)
		res := tallyFanOut(t, h, members)
		failed := countCalls(h.sim, "chat.postMessage", http.StatusInternalServerError)
		t.Logf("fault=500-on-30%%-of-calls seed=%d nudges=%d delivered=%d lost=%d duplicates=%d ticks=%d retried=%d 500s=%d took=%v",
			serverErrorSeed, res.nudges, res.delivered, res.lost, res.duplicates, ticks.ticks, ticks.retried, failed, took.Round(time.Millisecond))
		res.require(t)
		if failed == 0 {
			t.Fatal("Slack answered no 500: the fault was not injected")
		}
	})

	t.Run("CommandsAndReflections", func(t *testing.T) {
		// One member after another, so the nth call to each method, and so
		// which of them fail, is the same on every run.
		const n = 20
		ctx := context.Background()
		start, failedBefore := time.Now(), countCalls(h.sim, "", http.StatusInternalServerError)
		var sessions []*faultSession
		zones := map[string]string{}
		reclicks := 0
		for i := range n {
			s := newSession(t, h, fmt.Sprintf("U9%04d", i), "Europe/Paris")
			sessions = append(sessions, s)
			reply, _, err := slashAnswer(ctx, h.sim, s.user, "subscribe weekly fri 16:00")
			if !s.count("subscribe", err) {
				t.Fatalf("%s: subscribe not acknowledged with no socket fault", s.user)
			}
			zones[s.user] = statedZone(reply)
			card, ok := s.prompt(ctx)
			if !ok {
				t.Fatalf("%s: /mentor prompt not acknowledged with no socket fault", s.user)
			}
			clicks, err := s.reflectUntilOpen(ctx, card, fmt.Sprintf("What %s learned under 500s.", s.user), 5)
			if err != nil {
				t.Fatal(err)
			}
			reclicks += clicks - 1
		}
		h.stop() // drains the handlers' background writes
		db := openStore(t, h.dbPath)
		fallbacks := 0
		for _, s := range sessions {
			sub, ok, err := db.Subscription(s.user)
			if err != nil || !ok || sub.TZ != zones[s.user] {
				t.Fatalf("%s: subscription %+v (found %v, %v); the reply said %q", s.user, sub, ok, err, zones[s.user])
			}
			if sub.TZ != "Europe/Paris" {
				fallbacks++
			}
		}
		v := verifySessions(t, db, h.sim, sessions)
		t.Logf("fault=500-on-30%%-of-calls seed=%d members=%d commands=%d acked=%d lost=%d duplicates=%d reflections=%d reclicks=%d tz-fallbacks=%d 500s=%d took=%v",
			serverErrorSeed, n, v.sent, v.acked, v.lost, v.duplicates, v.reflections, reclicks, fallbacks,
			countCalls(h.sim, "", http.StatusInternalServerError)-failedBefore, time.Since(start).Round(time.Millisecond))
		v.require(t)
	})
}

// statedZone is the time zone a subscribe reply names, as in
// "weekly on Friday at 16:00 (Europe/Paris)".
func statedZone(reply string) string {
	_, rest, ok := strings.Cut(reply, "16:00 (")
	if !ok {
		return ""
	}
	zone, _, _ := strings.Cut(rest, ")")
	return zone
}

// slashAnswer types text as user and returns the answer the member sees:
// the ack's or, when the command outlived the bot's ack deadline and was
// acked empty, the one posted to the command's response URL after it.
func slashAnswer(ctx context.Context, sim *slacksim.Server, user, text string) (string, *slacksim.Ack, error) {
	earlier := 0
	for _, m := range sim.MessagesIn("D" + user) {
		if m.Source == "response_url" {
			earlier++
		}
	}
	ack, err := sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: user, Text: text})
	if err != nil {
		return "", nil, err
	}
	if !emptyAck(ack) {
		return ack.Text() + "\n" + string(ack.Blocks()), ack, nil
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	n := 0
	m, err := sim.WaitMessage(wait, func(m slacksim.Message) bool {
		if m.Channel != "D"+user || m.Source != "response_url" {
			return false
		}
		n++
		return n > earlier
	})
	if err != nil {
		return "", ack, fmt.Errorf("/mentor %s, acked empty: no answer at the response URL: %w", text, err)
	}
	return m.Text + "\n" + string(m.Blocks), ack, nil
}

// openStore opens the database file of a stopped app.
func openStore(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("reopen %s: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Fault 3: Slack takes 5 s to answer every chat.postMessage of a fan-out,
// and the conversations.open and users.info of the slash commands typed
// meanwhile. The app's HTTP client waits 30 s, so no call times out and none
// is retried: every nudge is posted once. The commands are acknowledged
// within Slack's 3 s all the same: export by an empty ack at the bot's 2.5 s
// and its answer at the response URL; subscribe by giving up on users.info
// after 2 s and using the default zone, which its answer names.
func TestE2E_FaultSlowSlack(t *testing.T) {
	t.Parallel()
	const members = 24 // three rounds of the 8 concurrent sends
	h := newFaultHarness(t, members)
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

// Fault 4: Slack drops the socket (no close frame) every 10 s while members
// type commands, click buttons and save reflections for 35 s. The bot
// reconnects each time. The simulator holds an envelope while no socket is
// open and sends it on the next one, which the first part checks with the
// bot held off for 2 s; Slack itself does not queue a slash command for an
// app with no socket (the member gets an error and types it again), and
// retries only events. An envelope on a socket that dies is lost in flight
// and never acknowledged: the member sees an error. Everything acknowledged
// must be found afterwards.
func TestE2E_FaultSocketDrops(t *testing.T) {
	t.Parallel()
	const (
		members  = 6
		duration = 35 * time.Second
		every    = 10 * time.Second
	)
	h := newFaultHarness(t, 0)
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
	time.Sleep(2 * time.Second) // the outage: the bot cannot reconnect for 2 s
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
	start := time.Now()
	stop := make(chan struct{})
	drops := 0
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Go(func() { s.run(ctx, stop, 500*time.Millisecond, 3) })
	}
	dropper, deadline := time.NewTicker(every), time.NewTimer(duration)
	defer deadline.Stop()
chaos:
	for {
		select {
		case <-dropper.C:
			h.sim.DropConnections()
			drops++
		case <-deadline.C:
			break chaos
		}
	}
	dropper.Stop()
	close(stop)
	wg.Wait()
	waitUntil(t, 30*time.Second, h.app.bot.Connected)
	reconnects := h.sim.Connects() - before - 1

	h.stop() // drains the handlers' background writes
	v := verifySessions(t, openStore(t, h.dbPath), h.sim, sessions)
	t.Logf("fault=socket-drop-every-%v drops=%d reconnects=%d members=%d commands=%d acked=%d unacked=%d lost=%d duplicates=%d reflections=%d saved-unacked=%d held=3 took=%v",
		every, drops, reconnects, members, v.sent, v.acked, v.sent-v.acked, v.lost, v.duplicates, v.reflections, v.savedUnacked, time.Since(start).Round(time.Millisecond))
	v.require(t)
	if reconnects < drops {
		t.Fatalf("%d reconnects after %d drops", reconnects, drops)
	}
}

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
	h := newFaultHarness(t, 0)
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

// Fault 6: the same envelope delivered twice, after its ack or while the
// first delivery is still being handled: a slash command, a button, a modal
// submission and an event (also redelivered as Slack retries events: a new
// envelope id, the same event_id). Each is handled once. The unit tests in
// bot (TestServeSlash/DuplicateEnvelopeHandledOnce,
// TestServeInteractive_AnotherPrompt) check the same on a fake socket; this
// one goes through slack-go and the database.
func TestE2E_FaultDuplicateEnvelope(t *testing.T) {
	t.Parallel()
	h := newFaultHarness(t, 0)
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

// emptyAck reports whether an ack carries no payload.
func emptyAck(a *slacksim.Ack) bool {
	p := strings.TrimSpace(string(a.Payload))
	return p == "" || p == "null" || p == "{}"
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

// mustReflections is the member's journal, newest first.
func mustReflections(t *testing.T, db *store.DB, user string) []store.Reflection {
	t.Helper()
	rs, err := db.Reflections(user, 0)
	if err != nil {
		t.Fatalf("reflections of %s: %v", user, err)
	}
	return rs
}

// faultSession is one member using the bot through a fault. It records what
// Slack acknowledged, which must all be found afterwards, and what it did
// not, which the bot may or may not have handled.
type faultSession struct {
	t    *testing.T
	h    *appHarness
	user string

	mu sync.Mutex
	// sent and acked count envelopes: commands, clicks, submissions.
	sent, acked int
	// prompts are the prompt ids of acknowledged `prompt` commands.
	prompts []string
	// unackedPrompts counts `prompt` commands Slack got no ack for: the bot
	// may have handled them, and recorded a prompt nobody saw.
	unackedPrompts int
	// clicksAcked counts acknowledged Another prompt clicks; each one's
	// answer goes to a response URL.
	clicksAcked int
	// reflections are the texts of submissions acknowledged with "Saved".
	reflections []string
	// unackedReflections are the texts of submissions Slack got no ack for.
	unackedReflections []string
	// modals are the ids of reflection modals already used.
	modals map[string]bool
}

// newSession adds the member to the simulator, in zone tz when not "".
// Its failures are reported to t, from any goroutine.
func newSession(t *testing.T, h *appHarness, user, tz string) *faultSession {
	if tz != "" {
		h.sim.AddUser(slacksim.User{ID: user, TZ: tz})
	}
	return &faultSession{t: t, h: h, user: user, modals: map[string]bool{}}
}

// ackCount is how many envelopes were acknowledged so far.
func (s *faultSession) ackCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acked
}

// count records one envelope sent and whether it was acknowledged; an error
// other than a missing ack is the test's own and reported.
func (s *faultSession) count(what string, err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent++
	if err != nil {
		if !errors.Is(err, slacksim.ErrNoAck) {
			s.t.Errorf("%s %s: %v", s.user, what, err)
		}
		return false
	}
	s.acked++
	return true
}

// prompt types `/mentor prompt` and returns the card Slack shows, and false
// when no ack came in time.
func (s *faultSession) prompt(ctx context.Context) (slacksim.Message, bool) {
	ack, err := s.h.sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: s.user, Text: "prompt"})
	if !s.count("prompt", err) {
		s.mu.Lock()
		s.unackedPrompts++
		s.mu.Unlock()
		return slacksim.Message{}, false
	}
	id := cardPromptID(ack.Blocks())
	if id == "" {
		s.t.Errorf("%s: /mentor prompt answered without a card: %s", s.user, ack.Payload)
		return slacksim.Message{}, false
	}
	s.mu.Lock()
	s.prompts = append(s.prompts, id)
	s.mu.Unlock()
	return lastMessage(s.h.sim, "D"+s.user, "ack"), true
}

// another clicks Another prompt on card.
func (s *faultSession) another(ctx context.Context, card slacksim.Message) {
	_, err := s.h.sim.Click(ctx, s.user, card, "prompt.another")
	if s.count("another", err) {
		s.mu.Lock()
		s.clicksAcked++
		s.mu.Unlock()
	}
}

// reflect clicks Reflect on card and, when the modal opens within 5 s,
// submits text in it. It reports whether a modal opened: an acknowledged
// click may still open none when its trigger_id expired while the socket was
// down, or when views.open failed.
func (s *faultSession) reflect(ctx context.Context, card slacksim.Message, text string) bool {
	_, err := s.h.sim.Click(ctx, s.user, card, "reflect.open")
	if !s.count("reflect.open", err) {
		return false
	}
	var modal slacksim.View
	for deadline := time.Now().Add(5 * time.Second); modal.ID == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, v := range s.h.sim.OpenViews(s.user) {
			if v.CallbackID == "reflect" && !s.modals[v.ID] {
				modal = v
			}
		}
	}
	if modal.ID == "" {
		return false
	}
	s.modals[modal.ID] = true
	ack, err := s.h.sim.SubmitView(ctx, s.user, modal.ID, map[string]map[string]string{"reflection": {"text": text}})
	acked := s.count("submit", err)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !acked:
		s.unackedReflections = append(s.unackedReflections, text)
	case strings.Contains(string(ack.Payload), "Saved to your journal"):
		s.reflections = append(s.reflections, text)
	default:
		s.t.Errorf("%s: reflection acknowledged without Saved: %s", s.user, ack.Payload)
	}
	return true
}

// reflectUntilOpen reflects on card, clicking Reflect again (as a member
// would) while no modal opens, at most tries times; it returns the clicks.
func (s *faultSession) reflectUntilOpen(ctx context.Context, card slacksim.Message, text string, tries int) (int, error) {
	for click := 1; click <= tries; click++ {
		if s.reflect(ctx, card, text) {
			return click, nil
		}
	}
	return tries, fmt.Errorf("%s: no reflection modal opened after %d clicks on Reflect", s.user, tries)
}

// run is the member's loop until stop: a prompt, Another prompt on it, and
// every reflectEvery cycles (never when 0) a reflection on it, one cycle per
// pace at most.
func (s *faultSession) run(ctx context.Context, stop <-chan struct{}, pace time.Duration, reflectEvery int) {
	tick := time.NewTicker(pace)
	defer tick.Stop()
	for cycle := 1; ; cycle++ {
		if card, ok := s.prompt(ctx); ok {
			s.another(ctx, card)
			if reflectEvery > 0 && cycle%reflectEvery == 0 {
				s.reflect(ctx, card, fmt.Sprintf("%s, cycle %d.", s.user, cycle))
			}
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// sessionCheck is what verifySessions found.
type sessionCheck struct {
	sent, acked, lost, duplicates int
	// reflections is how many "Saved" reflections were found.
	reflections int
	// savedUnacked counts submissions saved although Slack got no ack: the
	// member saw an error, and saving again would write a second entry.
	savedUnacked int
}

// verifySessions checks a stopped app's database against what the sessions
// were acknowledged. Lost: an acknowledged prompt or Another prompt answer
// missing from the history, an acknowledged click without its answer, a
// "Saved" reflection missing from the journal. Duplicates: history entries
// beyond the prompts the member was shown and the unacknowledged commands
// the bot may have handled unseen, or a reflection saved twice. (Prompts may
// repeat by design once a theme's cycle is through, so the history is
// matched by count, not by repeated ids.)
func verifySessions(t *testing.T, db *store.DB, sim *slacksim.Server, sessions []*faultSession) sessionCheck {
	t.Helper()
	var c sessionCheck
	for _, s := range sessions {
		c.sent += s.sent
		c.acked += s.acked
		hist, err := db.History(s.user, 0)
		if err != nil {
			t.Fatalf("history of %s: %v", s.user, err)
		}
		inHistory := map[string]int{}
		for _, e := range hist {
			inHistory[e.PromptID]++
		}
		replies := responseCards(sim, s.user)
		shown := map[string]int{}
		for _, id := range append(append([]string(nil), s.prompts...), replies...) {
			shown[id]++
		}
		matched := 0
		for id, n := range shown {
			if missing := n - inHistory[id]; missing > 0 {
				c.lost += missing
				t.Logf("%s: prompt %s shown %d times, in the history %d times", s.user, id, n, inHistory[id])
			}
			matched += min(n, inHistory[id])
		}
		if missing := s.clicksAcked - len(replies); missing > 0 {
			c.lost += missing
			t.Logf("%s: %d acknowledged clicks got no answer", s.user, missing)
		}
		if extra := len(hist) - matched - s.unackedPrompts; extra > 0 {
			c.duplicates += extra
			t.Logf("%s: %d history entries, %d shown, %d unacknowledged commands", s.user, len(hist), matched, s.unackedPrompts)
		}
		inJournal := map[string]int{}
		for _, r := range mustReflections(t, db, s.user) {
			inJournal[r.Text]++
		}
		for _, text := range s.reflections {
			switch n := inJournal[text]; {
			case n == 0:
				c.lost++
				t.Logf("%s: %q was Saved but is not in the journal", s.user, text)
			case n > 1:
				c.duplicates += n - 1
			default:
				c.reflections++
			}
		}
		for _, text := range s.unackedReflections {
			if inJournal[text] > 0 {
				c.savedUnacked++
			}
		}
	}
	return c
}

// require fails the test on a loss or a duplicate.
func (c sessionCheck) require(t *testing.T) {
	t.Helper()
	if c.lost != 0 || c.duplicates != 0 {
		t.Fatalf("%d acknowledged actions lost, %d duplicates", c.lost, c.duplicates)
	}
}

// responseCards lists the prompt ids of the cards posted to the member's
// response URLs: the answers to Another prompt.
func responseCards(sim *slacksim.Server, user string) []string {
	var out []string
	for _, m := range sim.MessagesIn("D" + user) {
		if id := cardPromptID(m.Blocks); m.Source == "response_url" && id != "" {
			out = append(out, id)
		}
	}
	return out
}

// lastMessage is the newest message in channel that came by source.
func lastMessage(sim *slacksim.Server, channel, source string) slacksim.Message {
	msgs := sim.MessagesIn(channel)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Source == source {
			return msgs[i]
		}
	}
	return slacksim.Message{}
}

// cardPromptID is the prompt id a card's Reflect button carries, "" when
// the blocks hold no card.
func cardPromptID(blocks json.RawMessage) string {
	var bs []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if json.Unmarshal(blocks, &bs) != nil {
		return ""
	}
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.ActionID == "reflect.open" {
				id, _, _ := strings.Cut(e.Value, "|")
				return id
			}
		}
	}
	return ""
}
