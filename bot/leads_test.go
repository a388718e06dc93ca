package bot

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/slack-go/slack"
)

var _ GroupLister = (*slack.Client)(nil)

// fakeGroupLister is a GroupLister whose answer the test sets, counting calls.
// A non-nil gate holds every call until it is closed.
type fakeGroupLister struct {
	mu      sync.Mutex
	members []string
	err     error
	gate    chan struct{}
	calls   atomic.Int64
}

func (f *fakeGroupLister) GetUserGroupMembersContext(ctx context.Context, group string, _ ...slack.GetUserGroupMembersOption) ([]string, error) {
	f.calls.Add(1)
	f.mu.Lock()
	gate, members, err := f.gate, f.members, f.err
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return members, err
}

func (f *fakeGroupLister) set(members []string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members, f.err = members, err
}

// leadClock is a settable clock, safe for concurrent use.
type leadClock struct {
	mu  sync.Mutex
	now time.Time
}

func newLeadClock() *leadClock {
	return &leadClock{now: time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)}
}

func (c *leadClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *leadClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newTestDirectory returns a directory over the fake with an injected clock
// and a logger writing to the returned buffer.
func newTestDirectory(ids []string, group string, l *fakeGroupLister) (*LeadDirectory, *leadClock, *syncLogs) {
	d := NewLeadDirectory(ids, group, l)
	clock := newLeadClock()
	d.Now = clock.Now
	logs := &syncLogs{}
	d.Logger = newTextLogger(logs)
	return d, clock, logs
}

// syncLogs is a bytes.Buffer safe for concurrent writers, for a test logger.
type syncLogs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncLogs) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncLogs) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func mustIsLead(t *testing.T, d *LeadDirectory, user string, want bool) {
	t.Helper()
	got, err := d.IsLead(context.Background(), user)
	if err != nil {
		t.Fatalf("IsLead(%s): %v", user, err)
	}
	if got != want {
		t.Fatalf("IsLead(%s) = %v, want %v", user, got, want)
	}
}

func TestLeadDirectory(t *testing.T) {
	t.Run("Listed", func(t *testing.T) {
		l := &fakeGroupLister{err: errors.New("slack is down")}
		d, _, _ := newTestDirectory([]string{"U1", "U2"}, "S1", l)
		mustIsLead(t, d, "U1", true)
		mustIsLead(t, d, "U2", true)
		if n := l.calls.Load(); n != 0 {
			t.Fatalf("a listed lead cost %d group lookups, want 0", n)
		}
		mustIsLead(t, d, "", false)
	})

	t.Run("NoGroup", func(t *testing.T) {
		d := NewLeadDirectory([]string{"U1"}, "", nil)
		mustIsLead(t, d, "U1", true)
		mustIsLead(t, d, "U2", false)
	})

	t.Run("GroupMember", func(t *testing.T) {
		l := &fakeGroupLister{members: []string{"U7", "U8"}}
		d, _, _ := newTestDirectory(nil, "S1", l)
		mustIsLead(t, d, "U7", true)
		mustIsLead(t, d, "U8", true)
		mustIsLead(t, d, "U9", false)
		if n := l.calls.Load(); n != 1 {
			t.Fatalf("%d lookups within the TTL, want 1", n)
		}
	})

	t.Run("RefreshAfterTTL", func(t *testing.T) {
		l := &fakeGroupLister{members: []string{"U7"}}
		d, clock, _ := newTestDirectory(nil, "S1", l)
		d.TTL = time.Minute
		mustIsLead(t, d, "U7", true)
		l.set([]string{"U8"}, nil)
		clock.Advance(59 * time.Second)
		mustIsLead(t, d, "U7", true) // still the cached list
		if n := l.calls.Load(); n != 1 {
			t.Fatalf("%d lookups before the TTL, want 1", n)
		}
		clock.Advance(time.Second)
		mustIsLead(t, d, "U7", false)
		mustIsLead(t, d, "U8", true)
		if n := l.calls.Load(); n != 2 {
			t.Fatalf("%d lookups after the TTL, want 2", n)
		}
	})

	t.Run("FailureKeepsLastKnown", func(t *testing.T) {
		l := &fakeGroupLister{members: []string{"U7"}}
		d, clock, logs := newTestDirectory(nil, "S1", l)
		mustIsLead(t, d, "U7", true)
		l.set(nil, errors.New("ratelimited"))
		clock.Advance(DefaultLeadTTL)
		mustIsLead(t, d, "U7", true)
		mustIsLead(t, d, "U9", false)
		if n := l.calls.Load(); n != 2 {
			t.Fatalf("%d lookups, want 2: a failure must not be retried at once", n)
		}
		if s := logs.String(); !strings.Contains(s, "level=WARN") || !strings.Contains(s, "ratelimited") || !strings.Contains(s, "S1") {
			t.Fatalf("no warning naming the group and the error: %s", s)
		}

		clock.Advance(DefaultLeadRetry)
		l.set([]string{"U9"}, nil)
		mustIsLead(t, d, "U9", true)
		mustIsLead(t, d, "U7", false)
		if n := l.calls.Load(); n != 3 {
			t.Fatalf("%d lookups, want 3: retried once after RetryAfter", n)
		}
	})

	t.Run("FailureWithNoList", func(t *testing.T) {
		l := &fakeGroupLister{err: errors.New("no_such_subteam")}
		d, clock, logs := newTestDirectory([]string{"U1"}, "S1", l)
		mustIsLead(t, d, "U7", false)
		mustIsLead(t, d, "U1", true)
		if s := logs.String(); !strings.Contains(s, "level=ERROR") || !strings.Contains(s, "no_such_subteam") {
			t.Fatalf("no error logged: %s", s)
		}
		clock.Advance(DefaultLeadRetry - time.Second)
		mustIsLead(t, d, "U7", false)
		if n := l.calls.Load(); n != 1 {
			t.Fatalf("%d lookups within RetryAfter, want 1", n)
		}
	})

	t.Run("ConcurrentFirstLookup", func(t *testing.T) {
		l := &fakeGroupLister{members: []string{"U7"}, gate: make(chan struct{})}
		d, _, _ := newTestDirectory(nil, "S1", l)
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				ok, err := d.IsLead(context.Background(), "U7")
				if err != nil || !ok {
					t.Errorf("IsLead = %v, %v; want true", ok, err)
				}
			})
		}
		waitForLeads(t, func() bool { return l.calls.Load() == 1 })
		time.Sleep(20 * time.Millisecond) // give a stampede the chance to show
		close(l.gate)
		wg.Wait()
		if n := l.calls.Load(); n != 1 {
			t.Fatalf("%d lookups for 50 concurrent callers, want 1", n)
		}
	})

	t.Run("StaleListAnswersWhileRefreshing", func(t *testing.T) {
		l := &fakeGroupLister{members: []string{"U7"}}
		d, clock, _ := newTestDirectory(nil, "S1", l)
		mustIsLead(t, d, "U7", true)
		gate := make(chan struct{})
		l.mu.Lock()
		l.gate = gate
		l.mu.Unlock()
		clock.Advance(DefaultLeadTTL)

		refreshed := make(chan struct{})
		go func() {
			defer close(refreshed)
			_, _ = d.IsLead(context.Background(), "U7")
		}()
		waitForLeads(t, func() bool { return l.calls.Load() == 2 })
		// The refresh is blocked in Slack; others answer from the stale list at once.
		for range 10 {
			mustIsLead(t, d, "U7", true)
		}
		close(gate)
		<-refreshed
		if n := l.calls.Load(); n != 2 {
			t.Fatalf("%d lookups, want 2", n)
		}
	})

	t.Run("WaiterGivesUp", func(t *testing.T) {
		l := &fakeGroupLister{members: []string{"U7"}, gate: make(chan struct{})}
		d, _, _ := newTestDirectory(nil, "S1", l)
		first := make(chan bool)
		go func() {
			ok, _ := d.IsLead(context.Background(), "U7")
			first <- ok
		}()
		waitForLeads(t, func() bool { return l.calls.Load() == 1 })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := d.IsLead(ctx, "U7"); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		close(l.gate)
		if !<-first {
			t.Fatal("first caller: not a lead")
		}
	})

	t.Run("CancelledLookupIsNotAFailure", func(t *testing.T) {
		l := &fakeGroupLister{members: []string{"U7"}, gate: make(chan struct{})}
		d, _, logs := newTestDirectory(nil, "S1", l)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := d.IsLead(ctx, "U7"); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		close(l.gate)
		mustIsLead(t, d, "U7", true) // no back-off after our own cancellation
		if s := logs.String(); s != "" {
			t.Fatalf("a cancelled lookup was logged: %s", s)
		}
	})
}

func TestLeadDirectorySlackSim(t *testing.T) {
	sim := slacksim.New(slacksim.Options{})
	t.Cleanup(sim.Close)
	sim.AddUserGroup("S0LEADS", "U7")
	api := slack.New(sim.Options().BotToken, slack.OptionAPIURL(sim.APIURL()))
	d := NewLeadDirectory([]string{"U1"}, "S0LEADS", api)
	clock := newLeadClock()
	d.Now = clock.Now

	mustIsLead(t, d, "U7", true)
	mustIsLead(t, d, "U8", false)
	calls := sim.CallsTo("usergroups.users.list")
	if len(calls) != 1 || calls[0].Params["usergroup"] != "S0LEADS" {
		t.Fatalf("calls = %+v, want one usergroups.users.list for S0LEADS", calls)
	}

	sim.FailNext("usergroups.users.list", 1, slacksim.Fault{Status: 503})
	clock.Advance(DefaultLeadTTL)
	mustIsLead(t, d, "U7", true) // the last known list
	mustIsLead(t, d, "U1", true)
	if n := len(sim.CallsTo("usergroups.users.list")); n != 2 {
		t.Fatalf("%d calls, want 2", n)
	}
}

func TestHowToBecome(t *testing.T) {
	t.Run("Group", func(t *testing.T) {
		msg := NewLeadDirectory(nil, "S0LEADS", nil).HowToBecome(nil, "/mentor")
		for _, want := range []string{"team leads", "<!subteam^S0LEADS>", "MENTOR_LEADS", "`/mentor help`"} {
			if !strings.Contains(msg, want) {
				t.Errorf("missing %q: %s", want, msg)
			}
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("not one line: %q", msg)
		}
	})
	t.Run("NoGroup", func(t *testing.T) {
		msg := NewLeadDirectory([]string{"U1"}, "", nil).HowToBecome(nil, "/mentor")
		if strings.Contains(msg, "subteam") || !strings.Contains(msg, "MENTOR_LEADS") {
			t.Fatalf("msg = %s", msg)
		}
	})
	t.Run("OddGroupIDStaysOutOfMarkup", func(t *testing.T) {
		msg := NewLeadDirectory(nil, "S1><!channel", nil).HowToBecome(nil, "/mentor")
		if strings.Contains(msg, "<!") {
			t.Fatalf("msg = %s", msg)
		}
	})
}

// waitForLeads polls cond for up to five seconds.
func waitForLeads(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
