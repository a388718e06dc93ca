package bot

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// historyWriter records the prompts members are shown without making anyone
// wait for the disk. A picked prompt's entry goes into a per-member list of
// pending entries, which the member's next pick reads beside what is on disk,
// so the member's lock is released as soon as the pick is made: a member who
// sends several commands in quick succession no longer waits up to a batch
// window and an fsync between them. One goroutine, running only while entries
// wait, commits them many members to a transaction every historyDelay and then
// drops them from the pending lists. Every queued entry counts as in-flight
// work, so shutdown waits for it to reach the disk; a crash loses at most the
// entries of the last batch window (history only, never a reflection).
//
// The one writer pays over a go statement per entry into bbolt's Batch:
// with that instead, BenchmarkCommands used 15% more CPU per command at 64
// members and 4% more at 1,000 (medians of 10 alternating runs,
// docs/benchmarks.md): each of a hundred goroutines parked in Batch was
// woken on its own.
type historyWriter struct {
	mu      sync.Mutex
	written sync.Cond                       // signalled after every commit; L is &mu
	queue   []store.HistoryAppend           // waiting for a commit, oldest first
	pending map[string][]store.HistoryEntry // the same entries by member, oldest first
	running bool
}

// historyDelay is how long the writer gathers entries between commits
// while they keep coming: an fsync and the pages it writes (one or more per
// member in the batch) cost far more than the entries in them. Nobody waits
// for it, and the first entry after a quiet spell is committed at once.
// 50 ms rather than bbolt's 10 ms (MaxBatchDelay): at 64 members,
// BenchmarkCommands used 6% less CPU per command (144 against 153 µs,
// medians of 4 alternating runs, docs/benchmarks.md). A crash loses at most
// the entries of that window.
const historyDelay = 50 * time.Millisecond

// historyMaxBatch bounds the entries one transaction writes.
const historyMaxBatch = 1000

// queueHistory records e for userID in the background. From now until it is
// on disk, pendingHistory returns it.
func (b *Bot) queueHistory(userID string, e store.HistoryEntry) {
	b.inflight.Add(1)
	w := &b.history
	w.mu.Lock()
	w.queue = append(w.queue, store.HistoryAppend{UserID: userID, Entry: e})
	if w.pending == nil {
		w.pending = make(map[string][]store.HistoryEntry)
	}
	w.pending[userID] = append(w.pending[userID], e)
	start := !w.running
	w.running = true
	w.mu.Unlock()
	if start {
		go b.writeHistory()
	}
}

// pendingHistory returns a copy of the member's entries not yet known to be
// on disk, oldest first. Read it before the store: an entry the writer
// commits and drops in between is then in the store's answer, never in
// neither (unsavedHistory tells the ones in both).
func (b *Bot) pendingHistory(userID string) []store.HistoryEntry {
	w := &b.history
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending[userID]) == 0 {
		return nil
	}
	return append([]store.HistoryEntry(nil), w.pending[userID]...)
}

// waitHistory returns once none of the member's entries is waiting for the
// disk. Forget calls it, holding the member's lock so that no new one is
// queued, before deleting: an entry committed after the deletion would
// outlive the member's data.
func (b *Bot) waitHistory(userID string) {
	w := &b.history
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.written.L == nil {
		w.written.L = &w.mu
	}
	for len(w.pending[userID]) > 0 {
		w.written.Wait()
	}
}

// unsavedHistory returns the pending entries that hist, read from the
// store, does not hold yet. An entry committed between reading the pending
// list and reading the store is in both; it is recognised among the store's
// entries no older than the first pending one by its prompt, second and
// cycle mark. Two entries alike in all three are the same prompt shown twice
// in one second, which tell the picker the same as one.
func unsavedHistory(hist, pending []store.HistoryEntry) []store.HistoryEntry {
	if len(pending) == 0 {
		return nil
	}
	since := pending[0].At.Unix()
	var out []store.HistoryEntry
	for _, e := range pending {
		saved := false
		for i := len(hist) - 1; i >= 0 && hist[i].At.Unix() >= since && !saved; i-- {
			saved = hist[i].PromptID == e.PromptID && hist[i].At.Unix() == e.At.Unix() && hist[i].NewCycle == e.NewCycle
		}
		if !saved {
			out = append(out, e)
		}
	}
	return out
}

// writeHistory commits the queued entries: at once, then a batch every
// historyDelay while more come, and ends when none is left.
func (b *Bot) writeHistory() {
	w := &b.history
	var batch []store.HistoryAppend
	for first := true; ; first = false {
		if !first {
			time.Sleep(historyDelay)
		}
		w.mu.Lock()
		n := min(len(w.queue), historyMaxBatch)
		if n == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		batch = append(batch[:0], w.queue[:n]...)
		rest := copy(w.queue, w.queue[n:])
		clear(w.queue[rest:])
		w.queue = w.queue[:rest]
		w.mu.Unlock()

		errs := b.appendHistories(batch)
		w.mu.Lock()
		for _, a := range batch {
			// A member's entries are queued and committed in the order
			// they were picked: this one is the oldest pending.
			if p := w.pending[a.UserID]; len(p) > 1 {
				w.pending[a.UserID] = p[1:]
			} else {
				delete(w.pending, a.UserID)
			}
		}
		w.written.Broadcast()
		w.mu.Unlock()
		for i, a := range batch {
			if errs[i] != nil {
				// Lost: the member may see this prompt again.
				b.Logger.Error("history not recorded", "user", a.UserID, "prompt", a.Entry.PromptID, "err", errs[i])
			}
			b.inflight.Done()
		}
	}
}

// appendHistories writes one batch, turning a panic into every entry's
// error: the bot logs it and goes on.
func (b *Bot) appendHistories(apps []store.HistoryAppend) (errs []error) {
	defer func() {
		if p := recover(); p != nil {
			b.Logger.Error("history write panicked", "entries", len(apps), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err := fmt.Errorf("panic writing history: %v", p)
			errs = make([]error, len(apps))
			for i := range errs {
				errs[i] = err
			}
		}
	}()
	return b.Members.AppendHistories(apps)
}
