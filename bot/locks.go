package bot

import (
	"hash/maphash"
	"sync"
)

// userLocks serialises the work of one member (read history, pick, write
// history) so two quick commands never pick the same prompt, while different
// members proceed in parallel. Members share one of a fixed number of stripes;
// a rare collision only costs a short wait.
type userLocks struct {
	seed    maphash.Seed
	once    sync.Once
	stripes [4096]sync.Mutex
}

// lock locks the member's stripe and returns its unlock.
func (l *userLocks) lock(userID string) (unlock func()) {
	l.once.Do(func() { l.seed = maphash.MakeSeed() })
	m := &l.stripes[maphash.String(l.seed, userID)%uint64(len(l.stripes))]
	m.Lock()
	return m.Unlock
}
