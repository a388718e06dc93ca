package store

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// bbolt trusts the pages of the file it opens: reading a damaged page panics
// (an assertion on the page's id or type, an index out of range), or faults
// (a page or key that points past the end of the file). While Open opens and
// initialises the file, and only then, such a panic is turned into ErrCorrupt,
// so that `mentorbot serve` says in one line that the file is damaged rather
// than crash with a stack trace; debug.SetPanicOnFault makes a fault a panic
// for that time, as it is otherwise fatal. A panic raised in this module's own
// code is a bug, not damage, and is left to crash.

// openBolt is bolt.Open with a panic raised in it returned as ErrCorrupt.
// checkFile and checkFreelist check every page bolt.Open reads, so this is
// for damage that escaped them. Such a panic loses bbolt's handle: the file
// stays open, locked and mapped until the process exits, as mentorbot does
// when it cannot open its database.
func openBolt(path string, opts *bolt.Options) (bdb *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverDamaged(path, &err)
	return bolt.Open(path, 0o600, opts)
}

// recoverDamaged, deferred, recovers a panic raised in bbolt and sets *err to
// an ErrCorrupt naming path. It leaves any other panic, and a goroutine that
// is not panicking, alone.
func recoverDamaged(path string, err *error) {
	if !bboltPanicking() {
		return
	}
	r := recover()
	why := fmt.Sprint(r)
	if _, ok := r.(interface{ Addr() uintptr }); ok {
		// A fault, which the runtime calls a nil pointer dereference: bbolt
		// followed a damaged page to an address its memory map of the file
		// does not back.
		why = "a page points outside the file"
	}
	*err = damaged(path, strings.Join(strings.Fields(why), " ")) // one line, whatever bbolt says
}

// bboltPanicking reports whether the goroutine is panicking, and the panic was
// raised in bbolt: the first frame past the runtime's panic machinery that is
// bbolt's or this module's is bbolt's. The standard library's frames (sort,
// say, called by bbolt) and the runtime's (an index out of range, a fault)
// are passed over. It works from a deferred call, which runs on top of the
// frames that panicked.
func bboltPanicking() bool {
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
