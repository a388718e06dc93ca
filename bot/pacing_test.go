package bot

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// stepClock is a clock that jumps ahead by whatever a wait asks for, and
// records the waits: the bot's and the local Slack's time.
type stepClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// pacedBot is a bot with one sender whose members U0…U(n-1) are due a
// minute apart from slot, against a local Slack on clk that allows
// postsPerMinute across the workspace (0: no limit). slack-go retries
// nothing here, so every 429 reaches the bot.
func pacedBot(t *testing.T, clk *stepClock, n, postsPerMinute int, slot time.Time) (*Bot, *slacksim.Server) {
	t.Helper()
	sim := slacksim.New(slacksim.Options{Clock: clk, PostsPerMinute: postsPerMinute})
	t.Cleanup(sim.Close)
	b := newTestBot(t)
	b.Slack = slack.New(sim.Options().BotToken, slack.OptionAPIURL(sim.APIURL()))
	b.Now, b.After = clk.Now, clk.After
	b.SendConcurrency = 1
	b.Grace = time.Hour
	for i := range n {
		id := fmt.Sprintf("U%d", i)
		sim.AddUser(slacksim.User{ID: id, TZ: "UTC"})
		due := slot.Add(time.Duration(i) * time.Minute)
		if err := b.Schedules.PutSubscription(store.Subscription{UserID: id, Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: due.Weekday(), Hour: due.Hour(), Minute: due.Minute(), TZ: "UTC", NextDue: due}}); err != nil {
			t.Fatal(err)
		}
	}
	return b, sim
}

// Past Slack's workspace rate, every due nudge is still sent in one tick,
// once, oldest due first: the bot waits out each Retry-After on its clock
// and posts the same nudge again, one 429 per wait, never a loop of them.
func TestSendDue_PacedByRetryAfter(t *testing.T) {
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	clk := &stepClock{now: slot.Add(10 * time.Minute)}
	b, sim := pacedBot(t, clk, 5, 30, slot) // one post every 2 s
	rep, err := b.SendDue(context.Background(), clk.Now())
	if err != nil || rep.Sent != 5 || rep.Retry != 0 || rep.Skipped != 0 {
		t.Fatalf("SendDue = %+v, %v; want all 5 sent in this tick", rep, err)
	}
	calls := sim.CallsTo("chat.postMessage")
	var order []string
	limited := 0
	for _, c := range calls {
		if c.Status == 429 {
			limited++
			continue
		}
		order = append(order, c.Params["channel"])
	}
	if fmt.Sprint(order) != "[U0 U1 U2 U3 U4]" {
		t.Errorf("posted to %v, want oldest due first, each once", order)
	}
	if limited != len(clk.waits) || limited > 4 {
		t.Errorf("%d answers of 429 and %d waits (%v); want one wait per 429, at most one per post after the first", limited, len(clk.waits), clk.waits)
	}
	for _, w := range clk.waits {
		if w < time.Second {
			t.Errorf("waited %v; Slack said Retry-After of a second at least", w)
		}
	}
}

// Slots that fell due in a backlog the bot is working through are not late
// however long Slack's pace makes them wait; after ticks that sent nothing
// (Slack unreachable), or a restart, slots older than Grace are.
func TestSendDue_GraceCountsFromTheBacklog(t *testing.T) {
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		failures int // chat.postMessage calls answered 500 in the first tick
		want     SendReport
	}{
		// U0's post fails, U1's goes: the backlog goes on.
		{"SlowBacklogNotLate", 1, SendReport{Sent: 1}},
		// Both fail: nothing went out, as in an outage.
		{"OutageLate", 2, SendReport{Skipped: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &stepClock{now: slot.Add(2 * time.Minute)}
			b, sim := pacedBot(t, clk, 2, 0, slot)
			sim.FailNext("chat.postMessage", tc.failures, slacksim.Fault{Status: 500})
			if rep, err := b.SendDue(context.Background(), clk.Now()); err != nil || rep.Retry == 0 {
				t.Fatalf("first tick = %+v, %v; want a retry", rep, err)
			}
			clk.mu.Lock()
			clk.now = slot.Add(7 * time.Hour) // far past Grace
			clk.mu.Unlock()
			rep, err := b.SendDue(context.Background(), clk.Now())
			if err != nil || rep.Sent != tc.want.Sent || rep.Skipped != tc.want.Skipped {
				t.Fatalf("tick 7 h later = %+v, %v; want %+v", rep, err, tc.want)
			}
		})
	}
}
