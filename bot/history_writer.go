package bot

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// historyWriter records the prompts commands pick, many members' entries to
// a commit. A pick used to leave a goroutine parked in bbolt's Batch until
// its entry was on disk: at a few thousand commands a second, a hundred
// goroutines waiting at any moment, each woken on its own. Here an entry is
// queued with what to do once it is written (release the member's lock, log a
// failure), and one goroutine, running only while entries wait, commits them
// together and calls each one's done. Every queued entry counts as in-flight
// work, so shutdown waits for it to reach the disk.
type historyWriter struct {
	mu      sync.Mutex
	pending []queuedHistory
	running bool
}

type queuedHistory struct {
	app  store.HistoryAppend
	done func(error)
}

// historyDelay is how long the writer gathers entries before a commit, as
// bbolt's Batch does (MaxBatchDelay): an fsync and the pages it writes cost
// far more than the entries in them. A member's next pick waits for it at
// most, behind their lock.
const historyDelay = 10 * time.Millisecond

// historyMaxBatch bounds the entries one transaction writes.
const historyMaxBatch = 1000

// queueHistory records e for userID in the background; done is called from
// the writer once it is written, or with the error that kept it from the
// disk. done must not block for long: the entries committed with it wait.
func (b *Bot) queueHistory(userID string, e store.HistoryEntry, done func(error)) {
	b.inflight.Add(1)
	w := &b.history
	w.mu.Lock()
	w.pending = append(w.pending, queuedHistory{app: store.HistoryAppend{UserID: userID, Entry: e}, done: done})
	start := !w.running
	w.running = true
	w.mu.Unlock()
	if start {
		go b.writeHistory()
	}
}

// writeHistory commits the queued entries, a batch every historyDelay, and
// ends when none is left.
func (b *Bot) writeHistory() {
	w := &b.history
	var batch []queuedHistory
	var apps []store.HistoryAppend
	for {
		time.Sleep(historyDelay)
		w.mu.Lock()
		n := min(len(w.pending), historyMaxBatch)
		if n == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		batch = append(batch[:0], w.pending[:n]...)
		rest := copy(w.pending, w.pending[n:])
		clear(w.pending[rest:])
		w.pending = w.pending[:rest]
		w.mu.Unlock()

		apps = apps[:0]
		for _, q := range batch {
			apps = append(apps, q.app)
		}
		errs := b.appendHistories(apps)
		for i, q := range batch {
			q.done(errs[i])
			b.inflight.Done()
		}
		clear(batch) // drop the done funcs until the next batch
	}
}

// appendHistories writes one batch, turning a panic into every entry's
// error: the members' locks are released and the bot goes on.
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
	return b.Store.AppendHistories(apps)
}
