package store

import (
	"sync"
	"sync/atomic"
)

// idTable hands out one string for each prompt and theme id a database's
// history names, so that reading a member's history allocates no string for
// an id read before: a pick reads up to 2,000 entries, two ids each, and a
// catalog has a few hundred. It belongs to one DB (no process-wide state).
// Readers load the map without a lock; a new id copies it under mu. It stops
// growing at maxIDs, past which ids are allocated each time, so records
// naming ids without end cost memory only while they are read.
//
// It pays: without it (a string per id read), BenchmarkDispatchPrompt made
// 900 allocations a command instead of 28 for a member with a long history,
// and BenchmarkCommands used about 20% more CPU per command at 64 members
// (docs/benchmarks.md).
type idTable struct {
	ids atomic.Pointer[map[string]string]
	mu  sync.Mutex
}

// maxIDs bounds the table: the built-in catalog has 12 themes and 204
// prompts.
const maxIDs = 1024

// id returns the string equal to b, from the table when it is there or there
// is room; a nil table allocates every time.
func (t *idTable) id(b []byte) string {
	if t == nil {
		return string(b)
	}
	if m := t.ids.Load(); m != nil {
		if s, ok := (*m)[string(b)]; ok {
			return s
		}
	}
	s := string(b)
	t.mu.Lock()
	defer t.mu.Unlock()
	var old map[string]string
	if p := t.ids.Load(); p != nil {
		old = *p
	}
	if known, ok := old[s]; ok {
		return known
	}
	if len(old) >= maxIDs {
		return s
	}
	m := make(map[string]string, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[s] = s
	t.ids.Store(&m)
	return s
}
