package store

import (
	"fmt"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkNestSchedules is migration step 3 on a workspace of 100,000
// subscribers in schema 2's record shape, in one transaction as Open runs
// it, commit and fsync included:
//
//	go test -run '^$' -bench NestSchedules -benchtime 3x ./store
func BenchmarkNestSchedules(b *testing.B) {
	const subs = 100_000
	for b.Loop() {
		b.StopTimer()
		db, err := bolt.Open(filepath.Join(b.TempDir(), "old.db"), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		err = db.Update(func(tx *bolt.Tx) error {
			bkt, err := tx.CreateBucket(bucketSubs)
			if err != nil {
				return err
			}
			for i := range subs {
				rec := fmt.Sprintf(`{"c":"weekly","d":5,"h":16,"m":0,"z":"Europe/Paris","f":["vision"],"n":%d,"at":1790000000}`, 1795186800+i)
				if err := bkt.Put(fmt.Appendf(nil, "U%07d", i), []byte(rec)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := db.Update(nestSchedules); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/subs, "ns/subscriber")
}
