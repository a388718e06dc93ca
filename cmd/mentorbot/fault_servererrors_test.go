package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// serverErrorSeed makes TestE2E_FaultServerErrors replayable: with it, the
// nth call to a method fails, or not, the same way on every run.
const serverErrorSeed = 20261120

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
	h := newFaultHarness(t, members, faultRate)
	h.sim.SetFault(slacksim.Except(slacksim.Fraction(0.3, serverErrorSeed, slacksim.Fault{Status: http.StatusInternalServerError}), "response_url"))

	t.Run("FanOut", func(t *testing.T) {
		start, wallStart := h.clock.Now(), time.Now()
		ticks := h.sendDue(20)
		took, wall := h.clock.Now().Sub(start), time.Since(wallStart)
		res := tallyFanOut(t, h, members)
		failed := countCalls(h.sim, "chat.postMessage", http.StatusInternalServerError)
		t.Logf("fault=500-on-30%%-of-calls seed=%d nudges=%d delivered=%d lost=%d duplicates=%d ticks=%d retried=%d 500s=%d took=%v wall=%v",
			serverErrorSeed, res.nudges, res.delivered, res.lost, res.duplicates, ticks.ticks, ticks.retried, failed, took.Round(time.Millisecond), wall.Round(time.Millisecond))
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
