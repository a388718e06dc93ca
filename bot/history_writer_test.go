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

// historyStore counts the batches the writer commits, and fails, panics or
// waits for hold to close on request.
type historyStore struct {
	MemberStore
	calls, entries atomic.Int64
	fail           error
	panic          bool
	hold           chan struct{}
	forgot         chan struct{}         // closed by Forget, when set
	foldFail       atomic.Pointer[error] // FoldHistoryLog's error, when set
}

func (s *historyStore) FoldHistoryLog() (int, error) {
	if err := s.foldFail.Load(); err != nil {
		return 0, *err
	}
	return s.MemberStore.FoldHistoryLog()
}

func (s *historyStore) LogHistories(apps []store.HistoryAppend) []error {
	s.calls.Add(1)
	s.entries.Add(int64(len(apps)))
	if s.hold != nil {
		<-s.hold
	}
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
	return s.MemberStore.LogHistories(apps)
}

func (s *historyStore) Forget(userID string) error {
	if s.forgot != nil {
		close(s.forgot)
	}
	return s.MemberStore.Forget(userID)
}

// promptAtOnce has members U000 on each ask for a prompt at the same time,
// and waits for their history entries.
func promptAtOnce(t *testing.T, b *Bot, members int) {
	t.Helper()
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
}

func TestHistoryWriter(t *testing.T) {
	t.Run("ManyMembersShareCommits", func(t *testing.T) {
		b := newTestBot(t)
		st := &historyStore{MemberStore: b.Members}
		b.Members = st
		const members = 200
		promptAtOnce(t, b, members)
		if got := st.entries.Load(); got != members {
			t.Fatalf("%d entries written for %d prompts", got, members)
		}
		// Commands that arrive together share a commit; one each would
		// be 200.
		if calls := st.calls.Load(); calls > members/4 {
			t.Errorf("%d commits for %d entries, want them grouped", calls, members)
		}
		for m := range members {
			if hist, err := b.Members.History(fmt.Sprintf("U%03d", m), 0); err != nil || len(hist) != 1 {
				t.Fatalf("member %d: history %v, %v; want one entry", m, hist, err)
			}
		}
	})

	// The member's lock is held until their entry is queued, and the next
	// pick reads the queued ones, so commands racing each other still go
	// through the theme without a repeat: the three impostor prompts, then
	// the three again.
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
		hist, err := b.Members.History("U1", 0)
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

	// While the disk is stuck, the same member's commands are answered
	// one after another, still without a repeat within the cycle, and
	// their entries are all written once it moves.
	t.Run("PickNeverWaitsForTheDisk", func(t *testing.T) {
		b := newTestBot(t)
		st := &historyStore{MemberStore: b.Members, hold: make(chan struct{})}
		b.Members = st
		ids := map[string]bool{}
		for i := range 3 {
			c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor"}
			r, err := b.Dispatch(context.Background(), c, "prompt impostor")
			if err != nil || r.Text == "" {
				t.Fatalf("command %d = %+v, %v", i, r, err)
			}
			ids[r.Text] = true
		}
		if len(ids) != 3 {
			t.Errorf("%d different prompts in 3 picks of a 3-prompt theme while the disk was stuck", len(ids))
		}
		close(st.hold)
		b.inflight.Wait()
		if hist, err := b.Members.History("U1", 0); err != nil || len(hist) != 3 {
			t.Fatalf("history %+v, %v; want the 3 entries", hist, err)
		}
		if p := b.pendingHistory("U1"); p != nil {
			t.Errorf("pending after the commit: %+v", p)
		}
	})

	// An export made while a prompt's entry waits for the disk lists it.
	t.Run("ExportShowsPendingEntries", func(t *testing.T) {
		b := newTestBot(t)
		st := &historyStore{MemberStore: b.Members, hold: make(chan struct{})}
		b.Members = st
		defer close(st.hold)
		c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor"}
		if _, err := b.Dispatch(context.Background(), c, "prompt impostor"); err != nil {
			t.Fatal(err)
		}
		md, err := b.exportMarkdown(nil, "U1", "", "")
		if err != nil || !strings.Contains(md, "## Prompts shown (1)") || !strings.Contains(md, "(Impostor syndrome)") {
			t.Errorf("export while the entry waits:\n%s\n%v", md, err)
		}
	})

	// Forget deletes the entries still on their way too: it waits for
	// them rather than letting a later commit bring them back.
	t.Run("ForgetWaitsForPendingEntries", func(t *testing.T) {
		b := newTestBot(t)
		st := &historyStore{MemberStore: b.Members, hold: make(chan struct{}), forgot: make(chan struct{})}
		b.Members = st
		c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor"}
		if _, err := b.Dispatch(context.Background(), c, "prompt"); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		c.Value = forgetValue(actionForgetConfirm, "U1", b.Now())
		go func() { _, err := b.forget(context.Background(), c); done <- err }()
		select {
		case <-st.forgot:
			t.Error("Forget ran while the member's entry was still waiting for the disk")
		case <-time.After(50 * time.Millisecond):
		}
		close(st.hold)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		b.inflight.Wait()
		if hist, err := b.Members.History("U1", 0); err != nil || len(hist) != 0 {
			t.Errorf("history after forget: %+v, %v", hist, err)
		}
	})

	// A fold that fails (a full disk) is logged once and tried again: the
	// member's entries stay pending meanwhile, so their next picks do not
	// repeat a prompt, and are all folded once the disk has room.
	t.Run("FailedFoldIsRetried", func(t *testing.T) {
		b := newTestBot(t)
		var logs syncLogs
		b.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		st := &historyStore{MemberStore: b.Members}
		full := errors.New("disk full")
		st.foldFail.Store(&full)
		b.Members = st
		seen := map[string]bool{}
		for i := range 3 {
			c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor"}
			r, err := b.Dispatch(context.Background(), c, "prompt impostor")
			if err != nil || seen[r.Text] {
				t.Fatalf("pick %d = %q, %v; want a prompt not shown in this cycle", i, r.Text, err)
			}
			seen[r.Text] = true
			time.Sleep(2 * historyDelay) // the writer logs it and tries a fold
		}
		st.foldFail.Store(nil)
		b.inflight.Wait()
		if out := logs.String(); strings.Count(out, "history log not folded; trying again") != 1 || !strings.Contains(out, "disk full") {
			t.Errorf("logs = %s; want the failing fold logged once", out)
		}
		if hist, err := b.Members.History("U1", 0); err != nil || len(hist) != 3 {
			t.Fatalf("history %+v, %v; want the 3 entries once the fold works", hist, err)
		}
	})

	// A failed commit is one log line, however many entries it held: a
	// full disk under load must not write a line per member.
	t.Run("FailedCommitIsOneLine", func(t *testing.T) {
		b := newTestBot(t)
		var logs syncLogs
		b.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		st := &historyStore{MemberStore: b.Members, fail: errors.New("disk full")}
		b.Members = st
		promptAtOnce(t, b, 50)
		if lines, calls := strings.Count(logs.String(), "history not recorded"), st.calls.Load(); int64(lines) != calls || calls >= 50 {
			t.Errorf("%d log lines for %d failed commits of 50 entries; want one a commit", lines, calls)
		}
	})

	// Forget waits for a failing fold, and what it deletes stays deleted
	// once the fold works again.
	t.Run("ForgetDuringFailedFolds", func(t *testing.T) {
		b := newTestBot(t)
		st := &historyStore{MemberStore: b.Members}
		full := errors.New("disk full")
		st.foldFail.Store(&full)
		b.Members = st
		for range 2 {
			c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor"}
			if _, err := b.Dispatch(context.Background(), c, "prompt impostor"); err != nil {
				t.Fatal(err)
			}
		}
		done := make(chan error, 1)
		c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", Value: forgetValue(actionForgetConfirm, "U1", b.Now())}
		go func() { _, err := b.forget(context.Background(), c); done <- err }()
		time.Sleep(3 * historyDelay)
		st.foldFail.Store(nil)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		other := &Command{UserID: "U2", ChannelID: "D2", Name: "/mentor"}
		if _, err := b.Dispatch(context.Background(), other, "prompt"); err != nil {
			t.Fatal(err)
		}
		b.inflight.Wait()
		if hist, err := b.Members.History("U1", 0); err != nil || len(hist) != 0 {
			t.Errorf("U1's history after forget and the next fold: %+v, %v", hist, err)
		}
	})

	for _, tc := range []struct {
		name string
		st   func(MemberStore) *historyStore
		log  string
	}{
		{"FailureReleasesTheLock", func(s MemberStore) *historyStore { return &historyStore{MemberStore: s, fail: errors.New("disk full")} }, "disk full"},
		{"PanicReleasesTheLock", func(s MemberStore) *historyStore { return &historyStore{MemberStore: s, panic: true} }, "disk driver bug"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newTestBot(t)
			var logs syncLogs
			b.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			b.Members = tc.st(b.Members)
			// A write that fails or panics is logged and costs nobody
			// their prompt.
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
			b.inflight.Wait()
			if out := logs.String(); strings.Count(out, "history not recorded") != 2 || !strings.Contains(out, tc.log) {
				t.Errorf("logs = %s; want both failed writes logged with %q", out, tc.log)
			}
		})
	}
}

func TestUnsavedHistory(t *testing.T) {
	at := func(sec int) time.Time { return time.Unix(int64(1_800_000_000+sec), 0).UTC() }
	e := func(id string, sec int) store.HistoryEntry {
		return store.HistoryEntry{PromptID: id, Theme: "t", At: at(sec)}
	}
	ids := func(h []store.HistoryEntry) string {
		var s []string
		for _, e := range h {
			s = append(s, e.PromptID)
		}
		return strings.Join(s, " ")
	}
	// A pending entry carries the pick's nanoseconds; the disk keeps seconds.
	late := e("c", 3)
	late.At = late.At.Add(700 * time.Millisecond)
	for _, tc := range []struct {
		name          string
		hist, pending []store.HistoryEntry
		want          string
	}{
		{"NonePending", []store.HistoryEntry{e("a", 1)}, nil, "a"},
		{"NoneStored", nil, []store.HistoryEntry{e("a", 1), e("b", 2)}, "a b"},
		{"NoneCommitted", []store.HistoryEntry{e("a", 1)}, []store.HistoryEntry{e("b", 2), late}, "a b c"},
		{"SomeCommitted", []store.HistoryEntry{e("a", 1), e("b", 2)}, []store.HistoryEntry{e("b", 2), late}, "a b c"},
		{"AllCommitted", []store.HistoryEntry{e("a", 1), e("b", 2), e("c", 3)}, []store.HistoryEntry{e("b", 2), late}, "a b c"},
		// A nudge's entry, written directly, between the committed and
		// the pending ones.
		{"NudgeBetween", []store.HistoryEntry{e("b", 2), e("n", 2)}, []store.HistoryEntry{e("b", 2), late}, "b n c"},
		// The same prompt seen earlier, in another second, is not this one.
		{"SamePromptEarlier", []store.HistoryEntry{e("c", 1)}, []store.HistoryEntry{late}, "c c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(append(tc.hist, unsavedHistory(tc.hist, tc.pending)...)); got != tc.want {
				t.Errorf("merged %q, want %q", got, tc.want)
			}
		})
	}
}
