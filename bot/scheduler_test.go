package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// simSlack is a real slack-go client talking to a local Slack.
func simSlack(t *testing.T) (*slack.Client, *slacksim.Server) {
	t.Helper()
	sim := slacksim.New(slacksim.Options{})
	t.Cleanup(sim.Close)
	sim.AddUser(slacksim.User{ID: "U1", TZ: "UTC"})
	return slack.New(sim.Options().BotToken, slack.OptionAPIURL(sim.APIURL())), sim
}

// A prompt the member answered more than eight weeks ago comes back with
// their earlier answer under it; a recent answer does not.
func TestSendDue_ThenAndNow(t *testing.T) {
	for _, tt := range []struct {
		name     string
		answered time.Duration // how long before the slot
		want     bool
	}{
		{"OldAnswerShown", 9 * 7 * 24 * time.Hour, true},
		{"RecentAnswerNotShown", 3 * 7 * 24 * time.Hour, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBot(t)
			var sim *slacksim.Server
			b.Slack, sim = simSlack(t)
			slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
			// Focus on daring, with daring-one already shown: daring-two is next.
			addHistory(t, b.Members, store.HistoryAppend{UserID: "U1", Entry: store.HistoryEntry{PromptID: "daring-one", Theme: "daring", At: slot.Add(-time.Hour), NewCycle: true}})
			if _, err := b.Journal.AddReflection(store.Reflection{UserID: "U1", PromptID: "daring-two", Theme: "daring", Text: "I asked for permission, as always.", At: slot.Add(-tt.answered)}); err != nil {
				t.Fatal(err)
			}
			sub := store.Subscription{UserID: "U1", Focus: []string{"daring"}, Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 15, TZ: "UTC", NextDue: slot}}
			if err := b.Schedules.PutSubscription(sub); err != nil {
				t.Fatal(err)
			}
			rep, err := b.SendDue(context.Background(), slot)
			posts := sim.MessagesIn("DU1")
			if err != nil || rep.Sent != 1 || len(posts) != 1 {
				t.Fatalf("SendDue = %+v, %v; %d posts", rep, err, len(posts))
			}
			blocks := string(posts[0].Blocks)
			if !strings.Contains(blocks, "Second daring question?") {
				t.Fatalf("nudge is not daring-two:\n%s", blocks)
			}
			shown := strings.Contains(blocks, "Then and now") && strings.Contains(blocks, "I asked for permission, as always.")
			if shown != tt.want {
				t.Fatalf("then-and-now shown = %v, want %v:\n%s", shown, tt.want, blocks)
			}
		})
	}
}

// The streak counts scheduled prompts in a row with a reflection; the open
// newest nudge, skips and pauses do not break it, an ignored nudge does.
func TestStreak(t *testing.T) {
	sent := func(reflected bool) store.Nudge { return store.Nudge{Status: store.NudgeSent, Reflected: reflected} }
	skipped := store.Nudge{Status: store.NudgeSkipped, Reason: "skip"}
	for _, tt := range []struct {
		name   string
		nudges []store.Nudge // newest first
		want   int
	}{
		{"Empty", nil, 0},
		{"OpenNewestDoesNotBreak", []store.Nudge{sent(false), sent(true), sent(true)}, 2},
		{"SkipKeeps", []store.Nudge{sent(true), skipped, sent(true)}, 2},
		{"IgnoredBreaks", []store.Nudge{sent(true), sent(false), sent(true)}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := streak(tt.nudges); got != tt.want {
				t.Fatalf("streak = %d, want %d", got, tt.want)
			}
		})
	}
}

// When a member has seen every prompt of a theme, the card that starts it
// over says so, once: the nudge that restarts it, not the one after.
func TestSendDue_CycleRestartNotice(t *testing.T) {
	b := newTestBot(t)
	var sim *slacksim.Server
	b.Slack, sim = simSlack(t)
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	// daring has two private prompts, both shown in the current cycle.
	addHistory(t, b.Members,
		store.HistoryAppend{UserID: "U1", Entry: store.HistoryEntry{PromptID: "daring-one", Theme: "daring", At: slot.Add(-48 * time.Hour), NewCycle: true}},
		store.HistoryAppend{UserID: "U1", Entry: store.HistoryEntry{PromptID: "daring-two", Theme: "daring", At: slot.Add(-24 * time.Hour)}})
	sub := store.Subscription{UserID: "U1", Focus: []string{"daring"}, Schedule: store.Schedule{Cadence: store.CadenceDaily, Hour: 15, TZ: "UTC", NextDue: slot}}
	if err := b.Schedules.PutSubscription(sub); err != nil {
		t.Fatal(err)
	}
	const notice = "You have seen every prompt in *Daring*; here they come again, in a new order."
	for i, want := range []bool{true, false} {
		now := slot.AddDate(0, 0, i)
		if rep, err := b.SendDue(context.Background(), now); err != nil || rep.Sent != 1 {
			t.Fatalf("SendDue(%v) = %+v, %v", now, rep, err)
		}
		posts := sim.MessagesIn("DU1")
		if len(posts) != i+1 {
			t.Fatalf("%d posts after nudge %d", len(posts), i)
		}
		if got := strings.Contains(string(posts[i].Blocks), notice); got != want {
			t.Errorf("nudge %d shows the restart notice = %v, want %v:\n%s", i, got, want, posts[i].Blocks)
		}
	}
}

// gatedHistory holds every history commit until gate is closed.
type gatedHistory struct {
	MemberStore
	gate chan struct{}
}

func (g *gatedHistory) LogHistories(apps []store.HistoryAppend) []error {
	<-g.gate
	return g.MemberStore.LogHistories(apps)
}

// A nudge that falls due while the member's last command's prompt is still
// on its way to the disk must not write its own entry first: the command's
// entry, marking the start of a cycle, would then come after it, and the
// nudge's prompt would come round again within the cycle.
func TestSendDue_AfterAPendingCommand(t *testing.T) {
	b := newTestBot(t)
	var sim *slacksim.Server
	b.Slack, sim = simSlack(t)
	gated := &gatedHistory{MemberStore: b.Members, gate: make(chan struct{})}
	b.Members = gated
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	sub := store.Subscription{UserID: "U1", Focus: []string{"impostor"}, Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 15, TZ: "UTC", NextDue: slot}}
	if err := b.Schedules.PutSubscription(sub); err != nil {
		t.Fatal(err)
	}
	first, err := b.pickTheme("U1", "impostor") // pending: the writer is held
	if err != nil || !first.NewCycle {
		t.Fatalf("first pick %+v, %v", first, err)
	}
	sent := make(chan error)
	go func() {
		rep, err := b.SendDue(context.Background(), slot)
		if err == nil && rep.Sent != 1 {
			err = fmt.Errorf("report %+v", rep)
		}
		sent <- err
	}()
	select {
	case err := <-sent: // a nudge that did not wait for the command's entry
		close(gated.gate)
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(200 * time.Millisecond):
		close(gated.gate)
		if err := <-sent; err != nil {
			t.Fatal(err)
		}
	}
	b.inflight.Wait()
	posts := sim.MessagesIn("DU1")
	if len(posts) != 1 {
		t.Fatalf("%d nudges", len(posts))
	}
	seen := map[string]bool{first.Prompt.ID: true}
	var nudged string
	for _, p := range b.Catalog.Themes() {
		for _, q := range p.Prompts {
			if p.ID == "impostor" && strings.Contains(string(posts[0].Blocks), q.Text) {
				nudged = q.ID
			}
		}
	}
	if nudged == "" || seen[nudged] {
		t.Fatalf("nudge %q after %q", nudged, first.Prompt.ID)
	}
	seen[nudged] = true
	for {
		p, err := b.pickTheme("U1", "impostor")
		if err != nil {
			t.Fatal(err)
		}
		b.inflight.Wait()
		if p.NewCycle {
			break
		}
		if seen[p.Prompt.ID] {
			t.Fatalf("%s shown twice in one cycle (first %s, nudge %s)", p.Prompt.ID, first.Prompt.ID, nudged)
		}
		seen[p.Prompt.ID] = true
	}
}

// A nudge after the history writer let a member's entries go (folds failed
// for longer than its give-up time, then the disk recovered) folds the log
// before writing its own entry: the command's entry, picked first, stays
// first in the member's history.
func TestSendDue_AfterEntriesLetGo(t *testing.T) {
	b := newTestBot(t)
	b.Slack, _ = simSlack(t)
	st := &historyStore{MemberStore: b.Members}
	full := errors.New("disk full")
	st.foldFail.Store(&full)
	b.Members = st
	b.history.giveUp = 50 * time.Millisecond
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	sub := store.Subscription{UserID: "U1", Focus: []string{"impostor"}, Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 15, TZ: "UTC", NextDue: slot}}
	if err := b.Schedules.PutSubscription(sub); err != nil {
		t.Fatal(err)
	}
	first, err := b.pickTheme("U1", "impostor")
	if err != nil {
		t.Fatal(err)
	}
	b.inflight.Wait() // logged, then let go after the folds kept failing
	if b.waitHistory("U1") {
		t.Fatal("the member's entry was not let go")
	}
	st.foldFail.Store(nil) // the disk has room again; no fold has run since
	if rep, err := b.SendDue(context.Background(), slot); err != nil || rep.Sent != 1 {
		t.Fatalf("SendDue = %+v, %v", rep, err)
	}
	hist, err := b.Members.History("U1", 0)
	if err != nil || len(hist) != 2 || hist[0].PromptID != first.Prompt.ID {
		t.Fatalf("history %+v, %v; want %s first, then the nudge's", hist, err, first.Prompt.ID)
	}
}
