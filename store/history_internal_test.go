package store

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// readEntries walks a cursor back and forth; every owner, first, last or
// between others in the bucket, with every limit, gets what a plain scan
// of the bucket says: its newest limit entries, oldest first.
func TestReadEntries_MatchesScan(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "mentorbot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// U1 sorts first and U3 last; U10 shares U1's leading bytes; U2 has
	// entries enough to span pages.
	counts := map[string]int{"U1": 3, "U10": 1, "U2": 300, "U3": 5}
	for owner, n := range counts {
		var apps []HistoryAppend
		for i := range n {
			apps = append(apps, HistoryAppend{UserID: owner, Entry: HistoryEntry{PromptID: fmt.Sprintf("%s-%d", owner, i), Theme: "t", At: time.Unix(int64(i), 0).UTC()}})
		}
		for _, err := range db.LogHistories(apps) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.FoldHistoryLog(); err != nil {
			t.Fatal(err)
		}
	}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		bkt := tx.Bucket(bucketHistory)
		for _, owner := range []string{"U0", "U1", "U10", "U2", "U3", "U4"} {
			var all []HistoryEntry
			_ = bkt.ForEach(func(k, v []byte) error {
				if len(k) == len(owner)+9 && string(k[:len(owner)+1]) == owner+"\x00" {
					e, err := decodeHistory(v, nil)
					if err != nil {
						t.Fatal(err)
					}
					all = append(all, e)
				}
				return nil
			})
			for _, limit := range []int{0, 1, 2, 3, 4, 299, 300, 301, 2000} {
				want := all
				if limit > 0 && len(all) > limit {
					want = all[len(all)-limit:]
				}
				got, err := readEntries(bkt, owner, limit, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s, limit %d: %d entries %v, want %d %v", owner, limit, len(got), ids(got), len(want), ids(want))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func ids(h []HistoryEntry) []string {
	out := make([]string, len(h))
	for i, e := range h {
		out[i] = e.PromptID
	}
	return out
}
