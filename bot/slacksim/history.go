package slacksim

// Records grow with every command, so a benchmark of millions of them would
// hold gigabytes; Options.History bounds them, and issued ids are forgotten
// in the order they were issued once they can no longer be used.

// keep appends v to s and, with a positive limit, drops the oldest entries
// once s holds twice the limit, so the cost stays amortized O(1). It returns
// the new slice and how many entries were dropped.
func keep[T any](s []T, v T, limit int) ([]T, int) {
	s = append(s, v)
	if limit <= 0 || len(s) < 2*limit {
		return s, 0
	}
	dropped := len(s) - limit
	return append([]T(nil), s[dropped:]...), dropped
}

// fifo is a map that forgets its keys oldest first.
type fifo[V any] struct {
	m    map[string]V
	keys []string
	head int
}

func newFIFO[V any]() fifo[V] { return fifo[V]{m: make(map[string]V)} }

func (f *fifo[V]) put(k string, v V) {
	f.m[k] = v
	f.keys = append(f.keys, k)
}

func (f *fifo[V]) get(k string) (V, bool) {
	v, ok := f.m[k]
	return v, ok
}

// evict forgets the oldest entries while drop says so, given the entry and
// how many entries there are.
func (f *fifo[V]) evict(drop func(v V, size int) bool) {
	for f.head < len(f.keys) {
		k := f.keys[f.head]
		if v, ok := f.m[k]; ok && !drop(v, len(f.m)) {
			break
		}
		delete(f.m, k)
		f.keys[f.head] = ""
		f.head++
	}
	if f.head > 1024 && f.head > len(f.keys)/2 {
		f.keys = append([]string(nil), f.keys[f.head:]...)
		f.head = 0
	}
}
