package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// historyStore counts the batches the writer commits, and fails or panics
// on request.
type historyStore struct {
	Store
	calls, entries atomic.Int64
	fail           error
	panic          bool
}

func (s *historyStore) AppendHistories(apps []store.HistoryAppend) []error {
	s.calls.Add(1)
	s.entries.Add(int64(len(apps)))
	if s.panic {
		panic("disk driver bug")
	}
	if s.fail != nil {
		errs := make([]error, len(apps))
		for i := range errs {
			errs[i] = s.fail
		}
		return errs
	}
	return s.Store.AppendHistories(apps)
}

func TestHistoryWriter(t *testing.T) {
	t.Run("ManyMembersShareCommits", func(t *testing.T) {
		b := newTestBot(t)
		st := &historyStore{Store: b.Store}
		b.Store = st
		const members = 200
		var wg sync.WaitGroup
		for m := range members {
			wg.Go(func() {
				c := &Command{UserID: fmt.Sprintf("U%03d", m), ChannelID: "D1", Name: "/mentor"}
				if _, err := b.Dispatch(context.Background(), c, "prompt"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		b.inflight.Wait()
		if got := st.entries.Load(); got != members {
			t.Fatalf("%d entries written for %d prompts", got, members)
		}
		// Commands that arrive together share a commit; one each would
		// be 200.
		if calls := st.calls.Load(); calls > members/4 {
			t.Errorf("%d commits for %d entries, want them grouped", calls, members)
		}
		for m := range members {
			if hist, err := b.Store.History(fmt.Sprintf("U%03d", m), 0); err != nil || len(hist) != 1 {
				t.Fatalf("member %d: history %v, %v; want one entry", m, hist, err)
			}
		}
	})

	// The member's lock is held until their entry is written, so commands
	// racing each other still go through the theme without a repeat: the
	// three impostor prompts, then the three again.
	t.Run("RacingCommandsNeverRepeat", func(t *testing.T) {
		b := newTestBot(t)
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor"}
				if _, err := b.Dispatch(context.Background(), c, "prompt impostor"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		b.inflight.Wait()
		hist, err := b.Store.History("U1", 0)
		if err != nil || len(hist) != 6 {
			t.Fatalf("history %v, %v; want 6 entries", hist, err)
		}
		for _, cycle := range [][]store.HistoryEntry{hist[:3], hist[3:]} {
			seen := map[string]bool{}
			for _, e := range cycle {
				if seen[e.PromptID] {
					t.Fatalf("%s repeated within a cycle: %+v", e.PromptID, hist)
				}
				seen[e.PromptID] = true
			}
		}
	})

	for _, tc := range []struct {
		name string
		st   func(Store) *historyStore
		log  string
	}{
		{"FailureReleasesTheLock", func(s Store) *historyStore { return &historyStore{Store: s, fail: errors.New("disk full")} }, "disk full"},
		{"PanicReleasesTheLock", func(s Store) *historyStore { return &historyStore{Store: s, panic: true} }, "disk driver bug"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newTestBot(t)
			var logs syncLogs
			b.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			b.Store = tc.st(b.Store)
			// The second command needs the member's lock, which the
			// first one's failed write must have released.
			done := make(chan struct{})
			go func() {
				defer close(done)
				for range 2 {
					if r, err := dispatch(t, b, "prompt"); err != nil || r.Text == "" {
						t.Errorf("prompt = %+v, %v; the member still gets one", r, err)
					}
				}
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the second command is still waiting for the member's lock")
			}
			if out := logs.String(); strings.Count(out, "history not recorded") != 2 || !strings.Contains(out, tc.log) {
				t.Errorf("logs = %s; want both failed writes logged with %q", out, tc.log)
			}
		})
	}
}
