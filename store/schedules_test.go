package store

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// These tests are inside the package so they can check the due index against
// the records and build large fixtures in one transaction.

// mustOpenSchedDB opens a database in a temp dir and, on cleanup, checks that
// the due index matches the records, closes the database and runs bbolt's
// consistency check over the file.
func mustOpenSchedDB(tb testing.TB) *DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "mentorbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		mustCheckIndex(tb, db)
		if err := db.Close(); err != nil {
			tb.Fatal(err)
		}
		bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
		if err != nil {
			tb.Fatal(err)
		}
		defer bdb.Close()
		err = bdb.View(func(tx *bolt.Tx) error {
			for err := range tx.Check() {
				return err
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("consistency check: %v", err)
		}
	})
	return db
}

// mustCheckIndex fails unless every subscription with a NextDue has exactly
// one index entry, at that time, and the index has no other entries.
func mustCheckIndex(tb testing.TB, db *DB) {
	tb.Helper()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		want := map[string]bool{}
		if subs := tx.Bucket(bucketSubs); subs != nil {
			err := subs.ForEach(func(k, v []byte) error {
				s, err := decodeSubscription(string(k), v)
				if err == nil && !s.NextDue.IsZero() {
					want[string(dueKey(s.NextDue, s.UserID))] = true
				}
				return err
			})
			if err != nil {
				return err
			}
		}
		got := map[string]bool{}
		if due := tx.Bucket(bucketDue); due != nil {
			_ = due.ForEach(func(k, _ []byte) error { got[string(k)] = true; return nil })
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("due index has %d entries, records want %d", len(got), len(want))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func indexLen(tb testing.TB, db *DB) int {
	tb.Helper()
	var n int
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketDue); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n
}

func mustPut(tb testing.TB, db *DB, s Subscription) {
	tb.Helper()
	if err := db.PutSubscription(s); err != nil {
		tb.Fatal(err)
	}
}

var friday = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC) // 16:00 in Paris

func weekly(userID string, due time.Time) Subscription {
	return Subscription{UserID: userID, Created: friday.AddDate(0, -1, 0), Schedule: Schedule{Cadence: "weekly", Day: time.Friday, Hour: 16, TZ: "Europe/Paris", NextDue: due}}
}

func TestSubscription(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		paris, _ := time.LoadLocation("Europe/Paris")
		want := Subscription{UserID: "U1", Focus: []string{"impostor", "last-mile"}, Created: friday.AddDate(0, -2, 0), Schedule: Schedule{Cadence: "weekdays", Day: time.Sunday, Hour: 9, Minute: 30, TZ: "Europe/Paris", PausedUntil: time.Date(2026, 12, 1, 0, 0, 0, 0, paris), NextDue: friday.Add(500 * time.Millisecond)}}
		mustPut(t, db, want)
		got, ok, err := db.Subscription("U1")
		if err != nil || !ok {
			t.Fatalf("Subscription = %v, %v", ok, err)
		}
		// Times come back in UTC, to the second.
		want.PausedUntil = want.PausedUntil.UTC()
		want.NextDue = friday
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got  %+v\nwant %+v", got, want)
		}
		if n, err := db.CountSubscriptions(); n != 1 || err != nil {
			t.Fatalf("CountSubscriptions = %d, %v", n, err)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		if _, ok, err := db.Subscription("U1"); ok || err != nil {
			t.Fatalf("fresh database: ok = %v, err = %v", ok, err)
		}
		mustPut(t, db, weekly("U1", friday))
		if _, ok, err := db.Subscription("U10"); ok || err != nil {
			t.Fatalf("other user: ok = %v, err = %v", ok, err)
		}
		if due, err := db.DueBefore(friday, 0); err != nil || len(due) != 1 {
			t.Fatalf("DueBefore = %v, %v", due, err)
		}
	})

	t.Run("MoveNextDue", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		s := weekly("U1", friday)
		for i := range 5 {
			s.NextDue = friday.AddDate(0, 0, 7*i)
			mustPut(t, db, s)
			mustPut(t, db, s) // the same again must not add an entry
			if n := indexLen(t, db); n != 1 {
				t.Fatalf("after move %d: %d index entries, want 1", i, n)
			}
		}
		due, _ := db.DueBefore(friday.AddDate(1, 0, 0), 0)
		if len(due) != 1 || !due[0].At.Equal(friday.AddDate(0, 0, 28)) {
			t.Fatalf("DueBefore = %+v, want U1 at the last NextDue", due)
		}
	})

	t.Run("Unscheduled", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		mustPut(t, db, weekly("U1", friday))
		mustPut(t, db, weekly("U1", time.Time{}))
		if n := indexLen(t, db); n != 0 {
			t.Fatalf("%d index entries for a subscription with no NextDue", n)
		}
		if s, ok, _ := db.Subscription("U1"); !ok || !s.NextDue.IsZero() {
			t.Fatalf("Subscription = %+v, %v", s, ok)
		}
		if due, _ := db.DueBefore(friday.AddDate(10, 0, 0), 0); len(due) != 0 {
			t.Fatalf("DueBefore = %+v", due)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		if err := db.DeleteSubscription("U1"); err != nil {
			t.Fatalf("deleting from a fresh database: %v", err)
		}
		mustPut(t, db, weekly("U1", friday))
		mustPut(t, db, weekly("U2", friday))
		if err := db.DeleteSubscription("U1"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := db.Subscription("U1"); ok {
			t.Fatal("record still there")
		}
		due, _ := db.DueBefore(friday, 0)
		if len(due) != 1 || due[0].UserID != "U2" {
			t.Fatalf("DueBefore = %+v, want only U2", due)
		}
		if err := db.DeleteSubscription("U1"); err != nil {
			t.Fatalf("deleting twice: %v", err)
		}
		if n, _ := db.CountSubscriptions(); n != 1 {
			t.Fatalf("CountSubscriptions = %d, want 1", n)
		}
	})

	t.Run("ErrInvalidID", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		if err := db.PutSubscription(weekly("", friday)); !errors.Is(err, ErrInvalidID) {
			t.Fatalf("Put: err = %v", err)
		}
		if _, _, err := db.Subscription("U\x00"); !errors.Is(err, ErrInvalidID) {
			t.Fatalf("Subscription: err = %v", err)
		}
		if err := db.DeleteSubscription(""); !errors.Is(err, ErrInvalidID) {
			t.Fatalf("Delete: err = %v", err)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		var wg sync.WaitGroup
		for u := range 20 {
			for i := range 10 {
				wg.Go(func() {
					if err := db.PutSubscription(weekly(fmt.Sprintf("U%d", u), friday.AddDate(0, 0, 7*i))); err != nil {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
		if n := indexLen(t, db); n != 20 {
			t.Fatalf("%d index entries for 20 members", n)
		}
	})
}

func TestDueBefore(t *testing.T) {
	db := mustOpenSchedDB(t)
	if due, err := db.DueBefore(friday, 0); err != nil || len(due) != 0 {
		t.Fatalf("fresh database: %v, %v", due, err)
	}
	// Inserted out of order; U3 and U4 share a due time.
	for _, s := range []Subscription{
		weekly("U5", friday.Add(time.Second)),
		weekly("U3", friday.Add(-time.Hour)),
		weekly("U1", friday.Add(-48*time.Hour)),
		weekly("U4", friday.Add(-time.Hour)),
		weekly("U2", friday.Add(-24*time.Hour)),
		weekly("U6", friday),
		weekly("U7", friday.AddDate(0, 0, 7)),
		weekly("U0", time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)),
	} {
		mustPut(t, db, s)
	}
	ids := func(due []Due) []string {
		var out []string
		for i, d := range due {
			if i > 0 && d.At.Before(due[i-1].At) {
				t.Fatalf("out of order: %+v", due)
			}
			out = append(out, d.UserID)
		}
		return out
	}

	t.Run("OK", func(t *testing.T) {
		due, err := db.DueBefore(friday, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(due), []string{"U0", "U1", "U2", "U3", "U4", "U6"}; !slices.Equal(got, want) {
			t.Fatalf("DueBefore = %v, want %v", got, want)
		}
		if !due[3].At.Equal(friday.Add(-time.Hour)) || due[3].At.Location() != time.UTC {
			t.Fatalf("At = %v", due[3].At)
		}
	})
	t.Run("Limit", func(t *testing.T) {
		due, _ := db.DueBefore(friday, 3)
		if got, want := ids(due), []string{"U0", "U1", "U2"}; !slices.Equal(got, want) {
			t.Fatalf("DueBefore(limit 3) = %v, want %v", got, want)
		}
	})
	t.Run("SubSecond", func(t *testing.T) {
		due, _ := db.DueBefore(friday.Add(-time.Nanosecond), 0)
		if got := ids(due); slices.Contains(got, "U6") {
			t.Fatalf("U6 is due at %v, returned a nanosecond early: %v", friday, got)
		}
		due, _ = db.DueBefore(friday.Add(999*time.Millisecond), 0)
		if got := ids(due); !slices.Contains(got, "U6") || slices.Contains(got, "U5") {
			t.Fatalf("DueBefore(friday+0.999s) = %v", got)
		}
	})
	t.Run("NoneDue", func(t *testing.T) {
		if due, _ := db.DueBefore(time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), 0); len(due) != 0 {
			t.Fatalf("DueBefore(1960) = %+v", due)
		}
	})
}

func TestDueKeyOrder(t *testing.T) {
	times := []time.Time{
		{}, time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), time.Unix(0, 0), time.Unix(1, 0), friday, friday.AddDate(300, 0, 0),
	}
	for i := 1; i < len(times); i++ {
		a, b := dueKey(times[i-1], "U9"), dueKey(times[i], "U1")
		if bytes.Compare(a, b) >= 0 {
			t.Fatalf("key of %v sorts after key of %v", times[i-1], times[i])
		}
		if got := dueKeyTime(b); got != times[i].Unix() {
			t.Fatalf("dueKeyTime = %d, want %d", got, times[i].Unix())
		}
	}
}

// fillSubscriptions writes n weekly subscriptions due a year after friday, in
// transactions of 20,000, and then due of them due at friday.
func fillSubscriptions(tb testing.TB, db *DB, n, due int) {
	tb.Helper()
	const chunk = 20_000
	for start := 0; start < n; start += chunk {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			for i := start; i < min(start+chunk, n); i++ {
				at := friday.AddDate(1, 0, 0).Add(time.Duration(i) * time.Second)
				if i < due {
					at = friday
				}
				s := weekly(fmt.Sprintf("U%08d", i), at)
				enc, err := encodeSubscription(s)
				if err != nil {
					return err
				}
				if err := putSubscription(tx, s.UserID, enc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkDueBefore_NoneDue is a scheduler tick when nobody is due: its cost
// must not grow with the number of subscribers.
func BenchmarkDueBefore_NoneDue(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("subs=%d", n), func(b *testing.B) {
			db := mustOpenSchedDB(b)
			fillSubscriptions(b, db, n, 0)
			b.ReportAllocs()
			for b.Loop() {
				due, err := db.DueBefore(friday, 1000)
				if err != nil || len(due) != 0 {
					b.Fatalf("DueBefore = %d, %v", len(due), err)
				}
			}
		})
	}
}

// BenchmarkDueBefore_100Due is a tick with 100 of 100,000 subscribers due:
// its cost is the 100 entries read.
func BenchmarkDueBefore_100Due(b *testing.B) {
	db := mustOpenSchedDB(b)
	fillSubscriptions(b, db, 100_000, 100)
	b.ReportAllocs()
	for b.Loop() {
		due, err := db.DueBefore(friday, 1000)
		if err != nil || len(due) != 100 {
			b.Fatalf("DueBefore = %d, %v", len(due), err)
		}
	}
}

func BenchmarkCountSubscriptions(b *testing.B) {
	db := mustOpenSchedDB(b)
	fillSubscriptions(b, db, 100_000, 0)
	for b.Loop() {
		if n, err := db.CountSubscriptions(); n != 100_000 || err != nil {
			b.Fatalf("CountSubscriptions = %d, %v", n, err)
		}
	}
}
