package bot

import (
	"cmp"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
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
// wait, appends them to the store's history log, many members to a commit,
// every historyDelay, and folds the log into the members' histories every
// historyFoldEvery (store.LogHistories, store.FoldHistoryLog); an entry
// leaves its member's pending list once folded. Every queued entry counts as
// in-flight work until then, so shutdown waits for it; a crash loses at most
// the entries of the last batch window (history only, never a reflection),
// and the next start folds what was logged.
//
// The one writer pays over a go statement per entry into bbolt's Batch:
// with that instead, BenchmarkCommands used 15% more CPU per command at 64
// members and 4% more at 1,000 (medians of 10 alternating runs,
// docs/benchmarks.md): each of a hundred goroutines parked in Batch was
// woken on its own. The log pays too: committed straight into the members'
// histories every historyDelay, the entries of a thousand members rewrote
// most of the history's pages each time, and at 1,000 members the bot
// answered 0.59 times as many commands as the bare handler, against 0.68
// with the log, spending 1.78 against 1.63 times its CPU per command
// (medians of 10 runs each, docs/benchmarks.md).
type historyWriter struct {
	mu      sync.Mutex
	written sync.Cond                       // signalled after every fold; L is &mu
	queue   []store.HistoryAppend           // waiting for the log, oldest first
	logged  []store.HistoryAppend           // in the log, waiting for the fold, oldest first
	pending map[string][]store.HistoryEntry // both by member, oldest first
	running bool
	hurry   bool // someone waits for a member's entries: fold at the next turn
	// letGo are the members whose entries were let go from memory while
	// folds kept failing: they may still be in the log, until a fold works.
	letGo map[string]bool
	// giveUp is historyGiveUp, shorter in tests.
	giveUp time.Duration
}

// historyDelay is how long the writer gathers entries between commits to
// the log while they keep coming: an fsync costs far more than the entries
// in it. Nobody waits for it, and the first entry after a quiet spell is
// written at once. 50 ms rather than bbolt's 10 ms (MaxBatchDelay): at 64
// members, BenchmarkCommands used 6% less CPU per command (144 against 153
// µs, medians of 4 alternating runs, docs/benchmarks.md). A crash loses at
// most the entries of that window.
const historyDelay = 50 * time.Millisecond

// historyFoldEvery is how often, at most, the log is folded into the
// members' histories while entries keep coming; the writer folds at once
// when they stop, or when someone waits for a member's entries (forget, a
// nudge). historyMaxLogged bounds the entries waiting for a fold.
// historyGiveUp is how long the writer keeps trying a fold that fails
// before it lets the entries go from memory, so that forget and nudges,
// which wait for a member's entries, never wait for ever.
const (
	historyFoldEvery = time.Second
	historyMaxLogged = 20000
	historyGiveUp    = 10 * time.Second
)

// historyMaxBatch bounds the entries one commit to the log writes.
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

// pendingHistory returns the member's entries not yet known to be in their
// history on disk, oldest first. Read it before the store: an entry the
// writer folds and drops in between is then in the store's answer, never in
// neither (unsavedHistory tells the ones in both). The slice is shared, not
// copied: the writer only appends past its end and drops entries from its
// front, never changing one, so it must not be changed.
func (b *Bot) pendingHistory(userID string) []store.HistoryEntry {
	w := &b.history
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.pending[userID]
	if len(p) == 0 {
		return nil
	}
	return p[:len(p):len(p)]
}

// waitHistory returns once none of the member's entries is waiting for the
// disk. Forget calls it, holding the member's lock so that no new one is
// queued, before deleting: an entry committed after the deletion would
// outlive the member's data (the store deletes what is still in the log).
// It reports false when entries of the member were let go after folds kept
// failing, and may still be in the log.
func (b *Bot) waitHistory(userID string) bool {
	w := &b.history
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.written.L == nil {
		w.written.L = &w.mu
	}
	for len(w.pending[userID]) > 0 {
		w.hurry = true
		w.written.Wait()
	}
	return !w.letGo[userID]
}

// settleHistory waits for the member's entries (waitHistory) before an
// entry is written straight into their history, a nudge's: if some were
// let go while still in the log, it folds the log first, so that the
// nudge's entry comes after them. The caller holds the member's lock.
func (b *Bot) settleHistory(userID string) {
	if b.waitHistory(userID) {
		return
	}
	if _, err := b.foldHistory(0); err != nil {
		b.Logger.Warn("history log not folded before a nudge; its entry may come before the member's last ones", "user", userID, "err", err)
		return
	}
	w := &b.history
	w.mu.Lock()
	clear(w.letGo) // the fold took every entry the log held
	w.mu.Unlock()
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

// writeHistory logs the queued entries: at once, then a batch every
// historyDelay while more come. It folds the log every historyFoldEvery,
// when no entry is queued, or when someone waits, and ends when nothing is
// left to log or fold.
func (b *Bot) writeHistory() {
	w := &b.history
	var batch, folded []store.HistoryAppend
	lastFold, failing := time.Now(), false
	for first := true; ; first = false {
		if !first {
			time.Sleep(historyDelay)
		}
		w.mu.Lock()
		n := min(len(w.queue), historyMaxBatch)
		if n == 0 && len(w.logged) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		batch = append(batch[:0], w.queue[:n]...)
		rest := copy(w.queue, w.queue[n:])
		clear(w.queue[rest:])
		w.queue = w.queue[:rest]
		w.mu.Unlock()

		if n > 0 {
			b.logBatch(batch)
		}
		w.mu.Lock()
		w.logged = append(w.logged, batch...)
		fold := len(w.logged) > 0 && (len(w.queue) == 0 || w.hurry || len(w.logged) >= historyMaxLogged || time.Since(lastFold) >= historyFoldEvery)
		if fold {
			folded, w.logged = w.logged, folded[:0]
			w.hurry = false
		}
		w.mu.Unlock()
		if !fold {
			continue
		}
		dropped, err := b.foldHistory(len(folded))
		if dropped > 0 {
			b.Logger.Error("history entries lost on damaged pages or unreadable; run mentorbot check", "entries", dropped)
		}
		if err != nil && !errors.Is(err, store.ErrCorrupt) && time.Since(lastFold) < cmp.Or(w.giveUp, historyGiveUp) {
			// The log is as it was (a full disk, say): its entries stay
			// pending, so picks still see them and forget still waits
			// for them, and the fold is tried again at the next turn.
			if !failing {
				b.Logger.Error("history log not folded; trying again", "entries", len(folded), "err", err)
			}
			failing = true
			w.mu.Lock()
			w.logged = append(folded, w.logged...)
			folded = nil
			w.hurry = true
			w.mu.Unlock()
			continue
		}
		if err != nil {
			// A damaged log, or a fold failing for historyGiveUp: the
			// entries are dropped from memory (those still in the log
			// are folded once a fold works, unless forgotten first).
			b.Logger.Error("history log not folded", "entries", len(folded), "err", err)
		}
		lastFold, failing = time.Now(), false
		b.release(folded, err)
		clear(folded)
	}
}

// logBatch appends a batch to the log. Lost entries (their members may see
// these prompts again) stay pending until the next fold all the same, which
// drops each member's oldest pending entries; they are one log line for the
// batch, naming the first: a full disk fails them all.
func (b *Bot) logBatch(batch []store.HistoryAppend) {
	errs := b.logHistories(batch)
	first := slices.IndexFunc(errs, func(err error) bool { return err != nil })
	if first < 0 {
		return
	}
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
		}
	}
	b.Logger.Error("history not recorded", "entries", failed, "user", batch[first].UserID, "prompt", batch[first].Entry.PromptID, "err", errs[first])
}

// release drops the entries of a fold from the pending lists, whatever
// became of them (err is the fold's), and wakes whoever waits for them.
// Entries let go after folds kept failing may still be in the log: their
// members are remembered until a fold works (letGo).
func (b *Bot) release(folded []store.HistoryAppend, err error) {
	w := &b.history
	w.mu.Lock()
	switch {
	case err == nil || errors.Is(err, store.ErrCorrupt):
		clear(w.letGo) // folded, or lost with the log
	default:
		if w.letGo == nil {
			w.letGo = make(map[string]bool)
		}
		for _, a := range folded {
			w.letGo[a.UserID] = true
		}
	}
	for _, a := range folded {
		// A member's entries are queued, logged and folded in the order
		// they were picked: this one is the oldest pending.
		if p := w.pending[a.UserID]; len(p) > 1 {
			w.pending[a.UserID] = p[1:]
		} else {
			delete(w.pending, a.UserID)
		}
	}
	w.written.Broadcast()
	w.mu.Unlock()
	for range folded {
		b.inflight.Done()
	}
}

// logHistories logs one batch, turning a panic into every entry's error:
// the bot logs it and goes on.
func (b *Bot) logHistories(apps []store.HistoryAppend) (errs []error) {
	defer func() {
		if p := recover(); p != nil {
			err := b.historyPanic(p, len(apps))
			errs = make([]error, len(apps))
			for i := range errs {
				errs[i] = err
			}
		}
	}()
	return b.Members.LogHistories(apps)
}

// foldHistory folds the log, turning a panic into an error.
func (b *Bot) foldHistory(entries int) (dropped int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = b.historyPanic(p, entries)
		}
	}()
	return b.Members.FoldHistoryLog()
}

// historyPanic logs a panic of the writer's store calls and returns it as
// an error.
func (b *Bot) historyPanic(p any, entries int) error {
	b.Logger.Error("history write panicked", "entries", entries, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	return fmt.Errorf("panic writing history: %v", p)
}
