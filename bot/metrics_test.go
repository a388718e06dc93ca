package bot

import (
	"context"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// outcomeMetrics records the nudge and broadcast outcomes; the rest is
// discarded.
type outcomeMetrics struct {
	nopMetrics
	mu                 sync.Mutex
	nudges, broadcasts map[string]int
}

func (m *outcomeMetrics) Nudge(o string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nudges[o]++
}

func (m *outcomeMetrics) Broadcast(o string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.broadcasts[o]++
}

func newOutcomeBot(t *testing.T) (*Bot, *slacksim.Server, *outcomeMetrics) {
	t.Helper()
	b := newTestBot(t)
	var sim *slacksim.Server
	b.Slack, sim = simSlack(t)
	b.Grace = 6 * time.Hour
	b.Leads = NewLeadDirectory([]string{"U2"}, "", nil) // the broadcasts' author
	m := &outcomeMetrics{nudges: map[string]int{}, broadcasts: map[string]int{}}
	b.Metrics = m
	return b, sim, m
}

// Every outcome of a scheduled nudge is counted, once, under its name; the
// "failed" outcome the operations doc promises included.
func TestNudgeOutcomesCounted(t *testing.T) {
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		at    time.Time // when SendDue runs
		pause bool
		fault *slacksim.Fault
		want  string
	}{
		"Sent":              {at: slot, want: "sent"},
		"RetriedOn5xx":      {at: slot, fault: &slacksim.Fault{Status: 503}, want: "retried"},
		"SkippedLate":       {at: slot.Add(7 * time.Hour), want: "skipped"},
		"SkippedPaused":     {at: slot, pause: true, want: "skipped"},
		"FailedRefused":     {at: slot, fault: &slacksim.Fault{Error: "user_disabled"}, want: "failed"},
		"FailedChannelGone": {at: slot, fault: &slacksim.Fault{Error: "channel_not_found"}, want: "failed"},
	} {
		t.Run(name, func(t *testing.T) {
			b, sim, m := newOutcomeBot(t)
			sub := store.Subscription{UserID: "U1", Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 15, TZ: "UTC", NextDue: slot}}
			if tc.pause {
				sub.PausedUntil = slot.Add(24 * time.Hour)
			}
			if err := b.Schedules.PutSubscription(sub); err != nil {
				t.Fatal(err)
			}
			if tc.fault != nil {
				// 5xx is retried by nothing here: the client has no retry
				// config, so one fault is one outcome.
				sim.FailNext("chat.postMessage", 1, *tc.fault)
			}
			rep, err := b.SendDue(context.Background(), tc.at)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{tc.want: 1}
			if !maps.Equal(m.nudges, want) || len(m.broadcasts) != 0 {
				t.Fatalf("nudges counted %v, broadcasts %v; want nudges %v (report %+v)", m.nudges, m.broadcasts, want, rep)
			}
		})
	}
}

// Every outcome of a recurring broadcast slot is counted as a broadcast,
// never as a nudge.
func TestBroadcastOutcomesCounted(t *testing.T) {
	slot := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // a Monday
	for name, tc := range map[string]struct {
		at      time.Time
		channel slacksim.Channel
		fault   *slacksim.Fault
		lead    string // the author, U2 (a lead) when ""
		want    string
	}{
		"Sent":                {at: slot, channel: slacksim.Channel{ID: "C1", Name: "team", BotIsMember: true}, want: "sent"},
		"RetriedOn429":        {at: slot, channel: slacksim.Channel{ID: "C1", Name: "team", BotIsMember: true}, fault: &slacksim.Fault{Status: 429, RetryAfter: time.Second}, want: "retried"},
		"SkippedLate":         {at: slot.Add(7 * time.Hour), channel: slacksim.Channel{ID: "C1", Name: "team", BotIsMember: true}, want: "skipped"},
		"FailedNotMember":     {at: slot, channel: slacksim.Channel{ID: "C1", Name: "team"}, want: "failed"},
		"FailedArchived":      {at: slot, channel: slacksim.Channel{ID: "C1", Name: "team", BotIsMember: true, Archived: true}, want: "failed"},
		"FailedAuthorDemoted": {at: slot, lead: "U3", channel: slacksim.Channel{ID: "C1", Name: "team", BotIsMember: true}, want: "failed"},
	} {
		t.Run(name, func(t *testing.T) {
			b, sim, m := newOutcomeBot(t)
			sim.AddUser(slacksim.User{ID: "U2", TZ: "UTC"})
			sim.AddChannel(tc.channel)
			if tc.lead == "" {
				tc.lead = "U2"
			}
			bc := store.Broadcast{LeadID: tc.lead, Channel: "C1", Topic: "What slowed us down this week?", Schedule: store.Schedule{Day: time.Monday, Hour: 10, TZ: "UTC", NextDue: slot}}
			if _, err := b.Broadcasts.CreateBroadcast(bc); err != nil {
				t.Fatal(err)
			}
			if tc.fault != nil {
				sim.FailNext("chat.postMessage", 1, *tc.fault)
			}
			if _, err := b.SendDue(context.Background(), tc.at); err != nil {
				t.Fatal(err)
			}
			want := map[string]int{tc.want: 1}
			if !maps.Equal(m.broadcasts, want) || len(m.nudges) != 0 {
				t.Fatalf("broadcasts counted %v, nudges %v; want broadcasts %v", m.broadcasts, m.nudges, want)
			}
		})
	}
}
