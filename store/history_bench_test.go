package store_test

import (
	"fmt"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// BenchmarkUserHistory reads a member's record and all their history, newest
// first, for members with 16 and 400 entries among 100. (A pick reads less:
// only up to its theme's cycle marker.)
func BenchmarkUserHistory(b *testing.B) {
	for _, shown := range []int{16, 400} {
		b.Run(fmt.Sprintf("history=%d", shown), func(b *testing.B) {
			db := MustOpenDB(b)
			// Members write at once, so their appends share commits.
			const members = 100
			var wg sync.WaitGroup
			for m := range members {
				wg.Go(func() {
					id := fmt.Sprintf("U%04d", m)
					if err := db.UpdateUser(id, func(u *store.User) error { u.Role = "staff"; return nil }); err != nil {
						b.Error(err)
						return
					}
					for i := range shown {
						e := store.HistoryEntry{PromptID: fmt.Sprintf("prompt-%d", i%40), Theme: fmt.Sprintf("theme-%d", i%6), At: time.Unix(int64(1_700_000_000+i), 0), NewCycle: i%40 == 0}
						if err := db.AppendHistory(id, e); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				var (
					role string
					n    int
				)
				err := db.UserHistory(fmt.Sprintf("U%04d", i%members), 2000, func(u store.User, history func(string) iter.Seq[store.HistoryEntry]) error {
					role = u.Role
					for range history("") {
						n++
					}
					return nil
				})
				if err != nil || n != shown || role != "staff" {
					b.Fatalf("UserHistory = %q, %d entries, %v", role, n, err)
				}
				i++
			}
		})
	}
}
