package slacksim

import (
	"fmt"
	"testing"
)

func TestFIFOEvictsOldestFirst(t *testing.T) {
	f := newFIFO[int]()
	for i := range 5000 {
		f.put(fmt.Sprint(i), i)
		f.evict(func(_ int, n int) bool { return n > 100 })
	}
	if len(f.m) != 100 || len(f.keys)-f.head != 100 {
		t.Fatalf("%d entries, %d keys", len(f.m), len(f.keys)-f.head)
	}
	if _, ok := f.get("4899"); ok {
		t.Error("kept an old entry")
	}
	if v, ok := f.get("4999"); !ok || v != 4999 {
		t.Error("lost the newest entry")
	}
	if len(f.keys) > 3000 {
		t.Errorf("keys never compacted: %d", len(f.keys))
	}
}

func TestKeep(t *testing.T) {
	var s []int
	dropped := 0
	for i := range 100 {
		var d int
		s, d = keep(s, i, 10)
		dropped += d
	}
	if len(s) < 10 || len(s) >= 20 || s[len(s)-1] != 99 || dropped+len(s) != 100 {
		t.Errorf("len %d, last %d, dropped %d", len(s), s[len(s)-1], dropped)
	}
}
