package store

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// bbolt trusts the pages of the file it opens: reading a damaged page panics
// (an assertion on the page's id or type, an index out of range), or faults
// (a page, key or value that points past the end of the file), and a fault is
// fatal to a Go program unless debug.SetPanicOnFault made it a panic for the
// goroutine that faulted. So every transaction this package runs goes through
// view, update or batch (batch.go), which run it, commit included, on a
// goroutine that panics on a fault and turn such a panic into an error
// wrapping ErrCorrupt: the request that read the damaged page fails, every
// other member is served, and the damage is counted (DB.DamagedReads) for
// /readyz and /metrics. Open does the same
// while it opens and initialises the file, so that `mentorbot serve` says in
// one line that the file is damaged rather than crash with a stack trace.
//
// What is taken for damage: a panic raised in bbolt's code, and a fault
// anywhere in the transaction (this package's decoders read the byte slices
// bbolt hands back, and a damaged element's slice can point past the file).
// Any other panic raised in this module's code is a bug, not damage, and is
// left to crash.

// view is bolt's View, with damage returned as ErrCorrupt.
func (db *DB) view(fn func(*bolt.Tx) error) error {
	return db.protect(func() error { return db.bolt.View(fn) })
}

// update is bolt's Update, with damage returned as ErrCorrupt. bbolt rolls
// the transaction back as the panic passes, so nothing of it is written.
func (db *DB) update(fn func(*bolt.Tx) error) error {
	return db.protect(func() error { return db.bolt.Update(fn) })
}

// protect runs tx, a bbolt transaction, so that damage it meets is returned
// as an error wrapping ErrCorrupt and counted.
func (db *DB) protect(tx func() error) error {
	err := db.guard(tx)
	if errors.Is(err, ErrCorrupt) {
		db.damaged.Add(1)
	}
	return err
}

// DamagedReads returns how many reads and writes since Open failed on a
// damaged page. Any is a reason to run `mentorbot check` and restore the last
// backup: bbolt does not repair a page, so the same requests keep failing.
func (db *DB) DamagedReads() int64 { return db.damaged.Load() }

// openBolt is bolt.Open with a panic raised in it returned as ErrCorrupt.
// checkFile and checkFreelist check every page bolt.Open reads, so this is
// for damage that escaped them. Such a panic loses bbolt's handle: the file
// stays open, locked and mapped until the process exits, as mentorbot does
// when it cannot open its database.
func openBolt(path string, opts *bolt.Options) (bdb *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverDamaged("open", path, &err)
	return bolt.Open(path, 0o600, opts)
}

// recoverDamaged, deferred, recovers a panic that is damage (see above) and
// sets *err to an ErrCorrupt naming op and path. Any other panic goes on, its stack
// intact: the deferred call runs on top of the frames that panicked. A
// goroutine that is not panicking is left alone.
func recoverDamaged(op, path string, err *error) {
	r := recover()
	if r == nil {
		return
	}
	why := fmt.Sprint(r)
	switch {
	case isFault(r):
		// The runtime calls it a nil pointer dereference: bbolt, or a
		// decoder reading what bbolt handed it, followed a damaged page to
		// an address its memory map of the file does not back.
		why = "a page points past the end of the file; mentorbot check names it"
	case !bboltPanicked():
		panic(r)
	case isRuntimeError(r):
		// An index or slice bounds error in bbolt: a damaged element's
		// offset or length. The runtime's words name no page.
		why = "a page points outside itself; mentorbot check names it"
	}
	*err = damaged(op, path, strings.Join(strings.Fields(why), " ")) // one line, whatever bbolt says
}

// isRuntimeError reports whether a recovered panic value is a runtime
// error, such as an index or slice bounds out of range.
func isRuntimeError(r any) bool {
	_, ok := r.(runtime.Error)
	return ok
}

// isFault reports whether a recovered panic value is a memory fault that
// SetPanicOnFault turned into a panic. A nil dereference panics without an
// address, so it is not one.
func isFault(r any) bool {
	_, ok := r.(interface{ Addr() uintptr })
	return ok
}

// bboltPanicked reports whether the panic being recovered was raised in
// bbolt: the first frame past the runtime's panic machinery that is bbolt's
// or this module's is bbolt's. The standard library's frames (sort, say,
// called by bbolt) and the runtime's (an index out of range) are passed over.
// It works from a deferred call, which runs on top of the frames that
// panicked until it returns, recovered or not.
func bboltPanicked() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		switch fn := f.Function; {
		case fn == "runtime.gopanic":
			panicking = true
		case !panicking:
		case strings.HasPrefix(fn, "go.etcd.io/bbolt.") || strings.HasPrefix(fn, "go.etcd.io/bbolt/"):
			return true
		case strings.HasPrefix(fn, "github.com/mentorbot/mentorbot/"):
			return false
		}
		if !more {
			return false
		}
	}
}
