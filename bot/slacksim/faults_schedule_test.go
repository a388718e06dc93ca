package slacksim_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// failures lists which of calls 1..n to method fn fails.
func failures(fn slacksim.FaultFunc, method string, n int) []int {
	var out []int
	for i := 1; i <= n; i++ {
		if fn(slacksim.Call{Method: method}, i) != nil {
			out = append(out, i)
		}
	}
	return out
}

func TestEveryNth(t *testing.T) {
	fn := slacksim.EveryNth(2, slacksim.Fault{Status: 429, RetryAfter: time.Second})
	if got := failures(fn, "chat.postMessage", 6); len(got) != 3 || got[0] != 2 || got[1] != 4 || got[2] != 6 {
		t.Fatalf("failing calls %v, want 2, 4, 6", got)
	}
	if f := fn(slacksim.Call{Method: "x"}, 2); f.Status != 429 || f.RetryAfter != time.Second {
		t.Fatalf("fault %+v", f)
	}
	f1, f2 := fn(slacksim.Call{}, 2), fn(slacksim.Call{}, 4)
	f1.Status = 500
	if f2.Status != 429 {
		t.Fatal("calls share one Fault: changing one changed the other")
	}
	if got := failures(slacksim.EveryNth(0, slacksim.Fault{Status: 500}), "x", 10); len(got) != 0 {
		t.Fatalf("EveryNth(0) failed calls %v", got)
	}
}

func TestFraction(t *testing.T) {
	fn := slacksim.Fraction(0.3, 42, slacksim.Fault{Status: 500})
	const n = 20000
	got := failures(fn, "chat.postMessage", n)
	if share := float64(len(got)) / n; math.Abs(share-0.3) > 0.02 {
		t.Fatalf("%.3f of the calls failed, want about 0.3", share)
	}
	// Replayable: the same seed fails the same calls, whatever the order
	// the calls are asked about.
	again := slacksim.Fraction(0.3, 42, slacksim.Fault{Status: 500})
	for i := len(got) - 1; i >= 0; i-- {
		if again(slacksim.Call{Method: "chat.postMessage"}, got[i]) == nil {
			t.Fatalf("call %d failed once and not on replay", got[i])
		}
	}
	if other := failures(slacksim.Fraction(0.3, 43, slacksim.Fault{Status: 500}), "chat.postMessage", 200); equalInts(other, failures(fn, "chat.postMessage", 200)) {
		t.Fatal("two seeds fail the same calls")
	}
	if other := failures(fn, "users.info", 200); equalInts(other, failures(fn, "chat.postMessage", 200)) {
		t.Fatal("two methods fail the same calls")
	}
	if got := failures(slacksim.Fraction(0, 1, slacksim.Fault{Status: 500}), "x", 1000); len(got) != 0 {
		t.Fatalf("p=0 failed %d calls", len(got))
	}
	if got := failures(slacksim.Fraction(1, 1, slacksim.Fault{Status: 500}), "x", 1000); len(got) != 1000 {
		t.Fatalf("p=1 failed %d of 1000 calls", len(got))
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOnlyExcept(t *testing.T) {
	all := slacksim.EveryNth(1, slacksim.Fault{Status: 500})
	only := slacksim.Only(all, "views.open")
	if only(slacksim.Call{Method: "views.open"}, 1) == nil || only(slacksim.Call{Method: "chat.postMessage"}, 1) != nil {
		t.Fatal("Only does not pick the methods")
	}
	except := slacksim.Except(all, "apps.connections.open")
	if except(slacksim.Call{Method: "apps.connections.open"}, 1) != nil || except(slacksim.Call{Method: "chat.postMessage"}, 1) == nil {
		t.Fatal("Except does not spare the methods")
	}
}

// Installed with SetFault, a schedule answers real Web API calls.
func TestFaultScheduleOverHTTP(t *testing.T) {
	sim := newWorkspace(t)
	api := webClient(sim)
	sim.SetFault(slacksim.Only(slacksim.EveryNth(2, slacksim.Fault{Status: 429, RetryAfter: time.Second}), "chat.postMessage"))
	for i := 1; i <= 4; i++ {
		_, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false))
		var rl *slack.RateLimitedError
		if limited := errors.As(err, &rl); limited != (i%2 == 0) {
			t.Fatalf("post %d: err = %v", i, err)
		}
	}
	if _, err := api.AuthTest(); err != nil {
		t.Fatalf("auth.test is not in the schedule: %v", err)
	}
	if n := len(sim.MessagesIn("C1")); n != 2 {
		t.Fatalf("%d messages posted, want the 2 calls let through", n)
	}
}
