package main

// The harness of the fault-injection tests (fault_*_test.go): the real app
// (newApp and run, wired as serve wires them: slack-go's WebSocket to
// slacksim, bbolt in t.TempDir()) while the local Slack misbehaves, on a
// clock shared by both that runs faster than the wall clock (faultRate).
// Every test logs one line of figures, such as
//
//	fault=429-every-second-call window=1m0s nudges=1000 delivered=1000 lost=0 duplicates=0 ticks=2 took=1m0s wall=6s
//
// (took on the harness clock, wall on the wall clock) and fails on any loss or
// duplicate. Timings are logged, never asserted, except Slack's 3 s ack
// deadline, which is part of the protocol.
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
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// faultSlot is when the fan-out tests' nudges fall due: Friday 20 November
// 2026, 15:00 UTC, five hours after the harness clock's friMorning.
var faultSlot = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

// tickEvery is how far apart the tests' scheduler ticks are, as tickSpec's.
const tickEvery = 30 * time.Second

// faultRate is how many times faster than the wall clock the fault tests'
// clock runs. The faults' windows and delays, the bot's time and slack-go's
// waits between retries (Retry-After, backoff) are all on it, so a minute of
// 429s is replayed in 6 s with the proportions of the real minute: about as
// many 429s, each waited out. Slack's 3 s ack deadline and the bot's own
// timeouts stay on the wall clock (see slacksim.Clock).
const faultRate = 10

// newFaultHarness is the real app against a local Slack in which the first
// subscribers members (member(i), in UTC) are subscribed weekly with a nudge
// due at faultSlot. The app and the local Slack share one clock, which starts
// at friMorning and runs rate times as fast as the wall clock. faultSlot is 5
// hours later on it, at least half an hour of a test's real time away: the
// app's own cron tick, every 30 s of real time, finds nothing due, so the
// ticks a test runs itself (sendDue) are the only ones and can be counted.
// Each of configure changes the harness before the app starts.
func newFaultHarness(t *testing.T, subscribers int, rate float64, configure ...func(*appHarness)) *appHarness {
	t.Helper()
	clk := newClock(friMorning, rate)
	sim := slacksim.New(slacksim.Options{Clock: clk})
	t.Cleanup(sim.Close)
	for i := range subscribers {
		sim.AddUser(slacksim.User{ID: member(i), TZ: "UTC"})
	}
	h := &appHarness{t: t, sim: sim, clock: clk, dbPath: filepath.Join(t.TempDir(), "mentorbot.db")}
	for _, c := range configure {
		c(h)
	}
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
				sub := store.Subscription{UserID: member(i), Created: due.Add(-7 * 24 * time.Hour), Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: due.Weekday(), Hour: due.Hour(), Minute: due.Minute(), TZ: "UTC", NextDue: due}}
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

// emptyAck reports whether an ack carries no payload.
func emptyAck(a *slacksim.Ack) bool {
	p := strings.TrimSpace(string(a.Payload))
	return p == "" || p == "null" || p == "{}"
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
	// modals are the ids of reflection modals already used, or open before
	// a click on Reflect and so not that click's.
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
	// A click Slack got no ack for may still have opened its modal, which
	// this click's views.open is about to replace: submitting in it would
	// find no open modal. Only a modal opened after this click is its own.
	for _, v := range s.h.sim.OpenViews(s.user) {
		s.modals[v.ID] = true
	}
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
	ack, err := submitReflection(ctx, s.h.sim, s.user, modal.ID, text)
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
// pace of the harness clock at most.
func (s *faultSession) run(ctx context.Context, stop <-chan struct{}, pace time.Duration, reflectEvery int) {
	for cycle := 1; ; cycle++ {
		next := s.h.clock.After(pace)
		if card, ok := s.prompt(ctx); ok {
			s.another(ctx, card)
			if reflectEvery > 0 && cycle%reflectEvery == 0 {
				s.reflect(ctx, card, fmt.Sprintf("%s, cycle %d.", s.user, cycle))
			}
		}
		select {
		case <-stop:
			return
		case <-next:
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
			inJournal[memberWords(r.Text)]++
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
