package slacksim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// manualClock is a slacksim.Clock that moves only when the test advances it.
type manualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []manualTimer
}

type manualTimer struct {
	at time.Time
	ch chan time.Time
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, manualTimer{at: c.now.Add(d), ch: ch})
	return ch
}

// Advance moves the clock on by d and fires the timers that fall due.
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(c.now) {
			kept = append(kept, tm)
			continue
		}
		tm.ch <- c.now
	}
	c.timers = kept
}

// Pending is how many timers wait for the clock.
func (c *manualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// A During window ends when the Server's clock says so, whatever the wall
// clock does.
func TestDuringRunsOnTheClock(t *testing.T) {
	clk := newManualClock()
	sim := newSim(t, func(o *slacksim.Options) { o.Clock = clk })
	during := sim.During(time.Minute, slacksim.EveryNth(1, slacksim.Fault{Status: 500}))
	var elapsed time.Duration
	for _, step := range []struct {
		advance time.Duration
		fails   bool
	}{{0, true}, {59 * time.Second, true}, {time.Second, false}, {time.Hour, false}} {
		clk.Advance(step.advance)
		elapsed += step.advance
		if got := during(slacksim.Call{Method: "chat.postMessage"}, 1) != nil; got != step.fails {
			t.Fatalf("%v into the window: fails = %v, want %v", elapsed, got, step.fails)
		}
	}
}

// A Fault's Delay is on the Server's clock: an hour-long delay answers as
// soon as the clock has moved an hour, and not before. Calls are recorded
// at the clock's time.
func TestFaultDelayRunsOnTheClock(t *testing.T) {
	clk := newManualClock()
	sim := newSim(t, func(o *slacksim.Options) { o.Clock = clk })
	sim.SetFault(slacksim.Only(slacksim.EveryNth(1, slacksim.Fault{Delay: time.Hour}), "auth.test"))
	done := make(chan error, 1)
	go func() {
		_, err := webClient(sim).AuthTestContext(ctxT(t, 30*time.Second))
		done <- err
	}()
	wait, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for clk.Pending() == 0 {
		select {
		case err := <-done:
			t.Fatalf("auth.test answered before the clock moved: %v", err)
		case <-wait.Done():
			t.Fatal("the delayed call never waited on the clock")
		case <-time.After(time.Millisecond):
		}
	}
	start := clk.Now()
	clk.Advance(time.Hour)
	if err := <-done; err != nil {
		t.Fatalf("auth.test after the delay: %v", err)
	}
	if calls := sim.CallsTo("auth.test"); len(calls) != 1 || !calls[0].At.Equal(start) {
		t.Fatalf("calls = %+v, want one recorded at the clock's %v", calls, start)
	}
}

// PostsPerMinute limits chat.postMessage across channels, on the Server's
// clock: a second's worth at once, then 429 with the seconds until the next.
func TestPostsPerMinute(t *testing.T) {
	clk := newManualClock()
	sim := newSim(t, func(o *slacksim.Options) { o.Clock = clk; o.PostsPerMinute = 120 })
	for i := range 2 {
		sim.AddUser(slacksim.User{ID: fmt.Sprintf("U%d", i)})
	}
	// Slack-go would wait out the 429 itself; the raw call shows it.
	post := func(user string) (int, string) {
		t.Helper()
		resp, err := http.PostForm(sim.APIURL()+"chat.postMessage", url.Values{"token": {sim.Options().BotToken}, "channel": {user}, "text": {"hi"}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	for i, want := range []int{200, 200, 429} {
		if code, _ := post(fmt.Sprintf("U%d", i%2)); code != want {
			t.Fatalf("post %d: %d, want %d", i, code, want)
		}
	}
	if code, after := post("U0"); code != 429 || after != "1" {
		t.Fatalf("post past the rate: %d, Retry-After %q; want 429 and 1", code, after)
	}
	clk.Advance(500 * time.Millisecond) // half a second: one post at 2 a second
	if code, _ := post("U1"); code != 200 {
		t.Fatalf("post half a second later: %d", code)
	}
	if code, _ := post("U1"); code != 429 {
		t.Fatalf("the next one: %d, want 429", code)
	}
}
