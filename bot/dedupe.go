package bot

import (
	"sync"
	"time"
)

// dedupe remembers ids for a while so a retried envelope (same envelope_id)
// or a redelivered event (same event_id) is handled once.
type dedupe struct {
	ttl  time.Duration
	mu   sync.Mutex
	seen map[string]time.Time
	next time.Time // when to sweep expired ids next
}

func newDedupe(ttl time.Duration) *dedupe {
	return &dedupe{ttl: ttl, seen: make(map[string]time.Time)}
}

// first reports whether id is new, and remembers it. Empty ids are always new:
// there is nothing to match them by.
func (d *dedupe) first(id string, now time.Time) bool {
	if id == "" {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if now.After(d.next) {
		for k, t := range d.seen {
			if now.Sub(t) > d.ttl {
				delete(d.seen, k)
			}
		}
		d.next = now.Add(d.ttl / 4)
	}
	if t, ok := d.seen[id]; ok && now.Sub(t) <= d.ttl {
		return false
	}
	d.seen[id] = now
	return true
}
