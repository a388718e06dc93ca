package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// rateLimitWindow is how long Slack answers every second Web API call with
// 429 in TestE2E_FaultRateLimit: the "for a minute", on the harness
// clock (faultRate).
const rateLimitWindow = time.Minute

// Fault 1: Slack answers every second Web API call with 429 and
// Retry-After: 1 for a minute, in the middle of a 1,000-nudge fan-out.
// slack-go waits out each Retry-After and tries again (three times at most);
// a nudge still refused stays due for the next tick.
func TestE2E_FaultRateLimit(t *testing.T) {
	t.Parallel()
	const members = 1000
	h := newFaultHarness(t, members, faultRate)
	start, wallStart := h.clock.Now(), time.Now()
	h.sim.SetFault(h.sim.During(rateLimitWindow,
		slacksim.EveryNth(2, slacksim.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})))
	ticks := h.sendDue(10)
	took, wall := h.clock.Now().Sub(start), time.Since(wallStart)

	res := tallyFanOut(t, h, members)
	limited := countCalls(h.sim, "", http.StatusTooManyRequests)
	t.Logf("fault=429-every-second-call window=%v nudges=%d delivered=%d lost=%d duplicates=%d ticks=%d retried=%d 429s=%d took=%v wall=%v",
		rateLimitWindow, res.nudges, res.delivered, res.lost, res.duplicates, ticks.ticks, ticks.retried, limited, took.Round(time.Millisecond), wall.Round(time.Millisecond))
	res.require(t)
	if limited == 0 {
		t.Fatal("Slack answered no 429: the fault was not injected")
	}
	if got := metricSum(t, h.app, "mentorbot_ratelimited_total"); int(got) != limited {
		t.Fatalf("mentorbot_ratelimited_total = %v, want the %d 429s Slack answered", got, limited)
	}
}
