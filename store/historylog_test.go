package store_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	bolt "go.etcd.io/bbolt"
)

// historyIDs returns the prompt ids of the member's history, oldest first.
func historyIDs(tb testing.TB, db *store.DB, userID string) string {
	tb.Helper()
	h, err := db.History(userID, 0)
	if err != nil {
		tb.Fatal(err)
	}
	var out string
	for _, e := range h {
		out += e.PromptID + " "
	}
	return out
}

func TestHistoryLog(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	entry := func(user, id string) store.HistoryAppend {
		return store.HistoryAppend{UserID: user, Entry: store.HistoryEntry{PromptID: id, Theme: "impostor", At: at}}
	}

	// Logged entries reach History only when folded, after the entries
	// already there and in the order they were logged; an invalid id
	// fails alone.
	t.Run("FoldKeepsOrder", func(t *testing.T) {
		db := MustOpenDB(t)
		if err := db.AppendHistory("U1", entry("U1", "p0").Entry); err != nil {
			t.Fatal(err)
		}
		errs := db.LogHistories([]store.HistoryAppend{entry("U1", "p1"), entry("U2", "q1"), entry("", "x"), entry("U1", "p2")})
		for i, err := range errs {
			if want := i == 2; (err != nil) != want || want && !errors.Is(err, store.ErrInvalidID) {
				t.Errorf("entry %d: %v", i, err)
			}
		}
		if got := historyIDs(t, db, "U1"); got != "p0 " {
			t.Errorf("before the fold, U1's history = %q, want only p0", got)
		}
		for range 2 { // a second fold finds the log empty
			if _, err := db.FoldHistoryLog(); err != nil {
				t.Fatal(err)
			}
		}
		if got := historyIDs(t, db, "U1"); got != "p0 p1 p2 " {
			t.Errorf("U1's history = %q, want p0 p1 p2", got)
		}
		if got := historyIDs(t, db, "U2"); got != "q1 " {
			t.Errorf("U2's history = %q, want q1", got)
		}
		// The log is written again after a fold emptied it.
		if err := errors.Join(db.LogHistories([]store.HistoryAppend{entry("U1", "p3")})...); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FoldHistoryLog(); err != nil {
			t.Fatal(err)
		}
		if got := historyIDs(t, db, "U1"); got != "p0 p1 p2 p3 " {
			t.Errorf("U1's history = %q, want p0 p1 p2 p3", got)
		}
		if errs := db.LogHistories([]store.HistoryAppend{entry("U\x00", "x")}); len(errs) != 1 || !errors.Is(errs[0], store.ErrInvalidID) {
			t.Errorf("only invalid entries: %v", errs)
		}
		db.Close()
		if errs := db.LogHistories([]store.HistoryAppend{entry("U1", "y"), entry("U2", "z")}); errs[0] == nil || errs[1] == nil {
			t.Errorf("on a closed database: %v; want every entry to fail", errs)
		}
		if _, err := db.FoldHistoryLog(); err == nil {
			t.Error("a fold on a closed database did not fail")
		}
	})

	// Forget deletes the member's entries still in the log: a later fold,
	// or the next start, does not bring them back.
	t.Run("ForgetReachesTheLog", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "mentorbot.db")
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(db.LogHistories([]store.HistoryAppend{entry("U1", "p1"), entry("U2", "q1"), entry("U1", "p2")})...); err != nil {
			t.Fatal(err)
		}
		if err := db.Forget("U1"); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if db, err = store.Open(path, store.Options{}); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if got := historyIDs(t, db, "U1") + "|" + historyIDs(t, db, "U2"); got != "|q1 " {
			t.Errorf("histories after forget and a restart = %q, want nothing for U1 and q1 for U2", got)
		}
	})

	// What a crash left in the log is folded when the file is opened next,
	// and an entry in the log that names no member, or cannot be read, is
	// dropped rather than stopping every fold, or every pick of the member.
	t.Run("OpenFoldsWhatACrashLeft", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "mentorbot.db")
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(db.LogHistories([]store.HistoryAppend{entry("U1", "p1"), entry("U2", "q1")})...); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		raw, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = raw.Update(func(tx *bolt.Tx) error {
			log := tx.Bucket([]byte("hlog"))
			if log == nil {
				return fmt.Errorf("no hlog bucket")
			}
			if err := log.Put([]byte("\xff\xff\xff\xff\xff\xff\xff\xfe"), []byte("U3\x00not an entry")); err != nil {
				return err
			}
			return log.Put([]byte("\xff\xff\xff\xff\xff\xff\xff\xff"), []byte("no member here"))
		})
		if cerr := raw.Close(); err != nil || cerr != nil {
			t.Fatal(err, cerr)
		}
		db, err = store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := historyIDs(t, db, "U1") + historyIDs(t, db, "U2") + historyIDs(t, db, "U3"); got != "p1 q1 " {
			t.Errorf("histories after the restart = %q, want p1 and q1, and nothing unreadable for U3", got)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		MustCheck(t, path)
		raw, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		_ = raw.View(func(tx *bolt.Tx) error {
			if tx.Bucket([]byte("hlog")) != nil {
				t.Error("the log is still there after the fold")
			}
			return nil
		})
	})
}
