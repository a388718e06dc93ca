package store

import (
	"errors"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Batching, as bbolt's DB.Batch does it: concurrent calls made within
// maxBatchDelay of each other share one write transaction and one fsync, so
// many members asking at once cost one disk flush rather than one each. It
// is done here rather than with bbolt's Batch because bbolt runs a batch on
// a timer's goroutine, where a fault on a damaged page, during the
// transaction or its commit, is outside any recover of ours and kills the
// process. Here the call that opens a batch runs it, protected like every
// other transaction (damaged.go).

const (
	// maxBatchSize and maxBatchDelay are bbolt's defaults for its Batch: a
	// batch runs when it holds this many calls, or this long after its
	// first.
	maxBatchSize  = 1000
	maxBatchDelay = 10 * time.Millisecond
)

// errTrySolo tells a call whose function failed in a batch to run alone.
var errTrySolo = errors.New("batched function failed; run it alone")

// batcher gathers the calls of the batch being filled.
type batcher struct {
	mu   sync.Mutex
	open *batchGroup // nil when no batch is being filled
}

// batchGroup is one batch: its calls, and full, closed when it holds
// maxBatchSize of them.
type batchGroup struct {
	calls []batchCall
	full  chan struct{}
}

type batchCall struct {
	fn  func(*bolt.Tx) error
	err chan error // buffered: the runner never waits for the caller
}

// batch runs fn in a write transaction shared with the other calls made
// about the same time, and returns once it is committed. fn may run more than
// once, as with bbolt's Batch: when a function fails, the transaction is
// rolled back and the others are run again without it, and it is then run
// alone; so fn must be idempotent and has its effect only once committed.
// Damage is returned as ErrCorrupt, like update's.
func (db *DB) batch(fn func(*bolt.Tx) error) error {
	c := batchCall{fn: fn, err: make(chan error, 1)}
	db.batches.mu.Lock()
	g := db.batches.open
	lead := g == nil
	if lead {
		g = &batchGroup{full: make(chan struct{})}
		db.batches.open = g
	}
	g.calls = append(g.calls, c)
	if len(g.calls) == maxBatchSize {
		db.batches.open = nil
		close(g.full)
	}
	db.batches.mu.Unlock()

	if lead {
		t := time.NewTimer(maxBatchDelay)
		select {
		case <-t.C:
		case <-g.full:
			t.Stop()
		}
		db.batches.mu.Lock()
		if db.batches.open == g {
			db.batches.open = nil
		}
		db.batches.mu.Unlock()
		// Nothing is added to g once it is not open.
		db.runBatch(g.calls)
	}
	err := <-c.err
	if err == errTrySolo {
		return db.update(fn)
	}
	return err
}

// runBatch runs calls in one transaction and gives each its outcome. A call
// whose function fails is told to run alone and the rest are run again
// without it. If the commit itself meets a damaged page, every call runs
// alone: only those whose own writes reach the damage then fail.
func (db *DB) runBatch(calls []batchCall) {
	for len(calls) > 0 {
		failed := -1
		err := db.guard(func() error {
			return db.bolt.Update(func(tx *bolt.Tx) error {
				for i, c := range calls {
					if err := db.guard(func() error { return c.fn(tx) }); err != nil {
						failed = i
						return err
					}
				}
				return nil
			})
		})
		switch {
		case failed >= 0:
			calls[failed].err <- errTrySolo
			calls = slices.Delete(calls, failed, failed+1)
			continue
		case errors.Is(err, ErrCorrupt):
			err = errTrySolo
		}
		for _, c := range calls {
			c.err <- err
		}
		return
	}
}

// guard runs fn with damage returned as ErrCorrupt, uncounted (protect
// counts).
func (db *DB) guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverDamaged("read", db.path, &err)
	return fn()
}
