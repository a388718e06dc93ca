package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	bolt "go.etcd.io/bbolt"
)

// MustOpenDB opens a database in a temp dir and, on cleanup, closes it and
// runs bbolt's consistency check over the file.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "mentorbot.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Fatal(err)
		}
		MustCheck(tb, path)
	})
	return db
}

// MustCheck fails the test if Check or bbolt's own check finds the file
// damaged or inconsistent: every test's database is a sound file Check must
// pass.
func MustCheck(tb testing.TB, path string) {
	tb.Helper()
	if err := store.Check(path); err != nil {
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
}

func TestOpen(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		v, err := db.Schema()
		if err != nil || v != store.SchemaVersion {
			t.Fatalf("Schema() = %d, %v; want %d", v, err, store.SchemaVersion)
		}
	})

	t.Run("ErrInUse", func(t *testing.T) {
		db := MustOpenDB(t)
		start := time.Now()
		_, err := store.Open(db.Path(), store.Options{LockTimeout: 50 * time.Millisecond})
		if !errors.Is(err, store.ErrInUse) {
			t.Fatalf("second Open: err = %v, want ErrInUse", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("second Open did not honour the lock timeout")
		}
	})

	t.Run("ErrNotDatabase", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "notes.txt")
		content := bytes.Repeat([]byte("not a database\n"), 1000)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := store.Open(path, store.Options{})
		if !errors.Is(err, store.ErrNotDatabase) {
			t.Fatalf("err = %v, want ErrNotDatabase", err)
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(after, content) {
			t.Fatal("Open modified a file that is not a database")
		}
	})

	t.Run("ErrSchemaTooNew", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "future.db")
		bdb, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = bdb.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket([]byte("meta"))
			if err != nil {
				return err
			}
			return b.Put([]byte("schema"), []byte(fmt.Sprint(store.SchemaVersion+1)))
		})
		if err != nil {
			t.Fatal(err)
		}
		bdb.Close()
		before, _ := os.ReadFile(path)
		if _, err := store.Open(path, store.Options{}); !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("err = %v, want ErrSchemaTooNew", err)
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(before, after) {
			t.Fatal("Open rewrote a database from a newer version")
		}
	})
}

func TestHistory(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		for i := range 5 {
			e := store.HistoryEntry{PromptID: fmt.Sprintf("p%d", i), Theme: "impostor", At: at.Add(time.Duration(i) * time.Minute), NewCycle: i == 0}
			if err := db.AppendHistory("U1", e); err != nil {
				t.Fatal(err)
			}
		}
		// A user whose id extends U1's must not leak into U1's history.
		if err := db.AppendHistory("U10", store.HistoryEntry{PromptID: "other", Theme: "vision", At: at}); err != nil {
			t.Fatal(err)
		}
		got, err := db.History("U1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 {
			t.Fatalf("len = %d, want 5: %+v", len(got), got)
		}
		for i, e := range got {
			if e.PromptID != fmt.Sprintf("p%d", i) || !e.At.Equal(at.Add(time.Duration(i)*time.Minute)) {
				t.Fatalf("entry %d = %+v", i, e)
			}
		}
		if !got[0].NewCycle || got[1].NewCycle {
			t.Fatalf("NewCycle not kept: %+v", got[:2])
		}
		last, _ := db.History("U1", 2)
		if len(last) != 2 || last[0].PromptID != "p3" || last[1].PromptID != "p4" {
			t.Fatalf("History(limit 2) = %+v, want p3, p4", last)
		}
		other, _ := db.History("U10", 0)
		if len(other) != 1 || other[0].PromptID != "other" {
			t.Fatalf("U10 history = %+v", other)
		}
		none, _ := db.History("U2", 0)
		if len(none) != 0 {
			t.Fatalf("unknown user history = %+v", none)
		}
	})

	// UserHistory reads the record and the history together; ids that
	// repeat all read back as written.
	t.Run("UserHistory", func(t *testing.T) {
		db := MustOpenDB(t)
		if err := db.UpdateUser("U1", func(u *store.User) error { u.Role = "staff"; return nil }); err != nil {
			t.Fatal(err)
		}
		var want []store.HistoryEntry
		for i := range 300 {
			e := store.HistoryEntry{PromptID: fmt.Sprintf("p%d", i%150), Theme: fmt.Sprintf("t%d", i%7), At: at.Add(time.Duration(i) * time.Minute), NewCycle: i%150 == 0}
			if err := db.AppendHistory("U1", e); err != nil {
				t.Fatal(err)
			}
			want = append(want, e)
		}
		// read collects what fn sees of the member in theme ("" for all),
		// reading at most stop entries (all when stop is 0), and returns
		// them oldest first.
		read := func(id, theme string, limit, stop int) (store.User, []store.HistoryEntry, error) {
			var (
				u    store.User
				back []store.HistoryEntry
			)
			err := db.UserHistory(id, limit, func(user store.User, history func(string) iter.Seq[store.HistoryEntry]) error {
				u = user
				for e := range history(theme) {
					back = append(back, e)
					if len(back) == stop {
						break
					}
				}
				return nil
			})
			slices.Reverse(back)
			return u, back, err
		}
		u, got, err := read("U1", "", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != "U1" || u.Role != "staff" {
			t.Fatalf("user = %+v", u)
		}
		if len(got) != len(want) {
			t.Fatalf("%d entries, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i].PromptID != want[i].PromptID || got[i].Theme != want[i].Theme || !got[i].At.Equal(want[i].At) || got[i].NewCycle != want[i].NewCycle {
				t.Fatalf("entry %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		if _, last, _ := read("U1", "", 3, 0); len(last) != 3 || last[0].PromptID != want[297].PromptID || last[2].PromptID != want[299].PromptID {
			t.Fatalf("UserHistory(limit 3) = %+v", last)
		}
		if _, first, _ := read("U1", "", 0, 2); len(first) != 2 || first[1].PromptID != want[299].PromptID {
			t.Fatalf("UserHistory read up to 2 = %+v", first)
		}
		u, none, err := read("U2", "", 0, 0)
		if err != nil || u.ID != "U2" || u.Role != "" || len(none) != 0 {
			t.Fatalf("unknown member: %+v, %+v, %v", u, none, err)
		}
		// One theme: its entries only, and the limit counts every entry walked.
		if _, t3, _ := read("U1", "t3", 0, 0); len(t3) != 43 || t3[0].PromptID != "p3" || t3[42].PromptID != want[297].PromptID {
			t.Fatalf("theme t3: %d entries, first %+v", len(t3), t3[0])
		}
		if _, t3, _ := read("U1", "t3", 7, 0); len(t3) != 1 || t3[0].PromptID != want[297].PromptID {
			t.Fatalf("theme t3 in the newest 7: %+v", t3)
		}
		// fn's own error comes back as it is.
		errStop := errors.New("stop")
		if err := db.UserHistory("U1", 0, func(store.User, func(string) iter.Seq[store.HistoryEntry]) error { return errStop }); err != errStop {
			t.Fatalf("fn's error: got %v", err)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		db := MustOpenDB(t)
		var wg sync.WaitGroup
		for u := range 8 {
			for i := range 25 {
				wg.Go(func() {
					e := store.HistoryEntry{PromptID: fmt.Sprintf("p%d", i), Theme: "vision", At: at}
					if err := db.AppendHistory(fmt.Sprintf("U%d", u), e); err != nil {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
		for u := range 8 {
			got, err := db.History(fmt.Sprintf("U%d", u), 0)
			if err != nil || len(got) != 25 {
				t.Fatalf("U%d: %d entries, %v; want 25", u, len(got), err)
			}
		}
	})

	t.Run("SurvivesReopen", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "m.db")
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AppendHistory("U1", store.HistoryEntry{PromptID: "a", Theme: "daring", At: at}); err != nil {
			t.Fatal(err)
		}
		db.Close()
		db, err = store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		got, _ := db.History("U1", 0)
		if len(got) != 1 || got[0].PromptID != "a" {
			t.Fatalf("after reopen: %+v", got)
		}
	})

	t.Run("ErrInvalidID", func(t *testing.T) {
		db := MustOpenDB(t)
		if err := db.AppendHistory("", store.HistoryEntry{}); !errors.Is(err, store.ErrInvalidID) {
			t.Fatalf("err = %v", err)
		}
		if _, err := db.History("U\x00", 0); !errors.Is(err, store.ErrInvalidID) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestUser(t *testing.T) {
	db := MustOpenDB(t)
	u, err := db.User("U1")
	if err != nil || u.ID != "U1" || u.Role != "" {
		t.Fatalf("unknown user = %+v, %v", u, err)
	}
	if err := db.UpdateUser("U1", func(u *store.User) error { u.Role = "staff"; return nil }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := db.UpdateUser("U1", func(u *store.User) error { u.Role = "lead"; return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	u, _ = db.User("U1")
	if u.Role != "staff" {
		t.Fatalf("Role = %q, want staff (a failed update must write nothing)", u.Role)
	}
	if err := db.UpdateUser("U1", func(u *store.User) error { u.Lang, u.Locale = "fr", "fr-CA"; return nil }); err != nil {
		t.Fatal(err)
	}
	if u, err := db.User("U1"); err != nil || u != (store.User{ID: "U1", Role: "staff", Lang: "fr", Locale: "fr-CA"}) {
		t.Fatalf("User = %+v, %v; want the role kept beside the language", u, err)
	}
}

// TestUserOldRecord reads a member's record written before the language
// fields existed (testdata/schema2.db holds U1, a manager): it keeps its
// role, follows Slack's locale, and takes a language choice.
func TestUserOldRecord(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "schema2.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, err := db.User("U1"); err != nil || u != (store.User{ID: "U1", Role: "manager"}) {
		t.Fatalf("User = %+v, %v; want the manager of the old file, no language", u, err)
	}
	if err := db.UpdateUser("U1", func(u *store.User) error { u.Lang = "fr"; return nil }); err != nil {
		t.Fatal(err)
	}
	if u, err := db.User("U1"); err != nil || u != (store.User{ID: "U1", Role: "manager", Lang: "fr"}) {
		t.Fatalf("User = %+v, %v after choosing French", u, err)
	}
}

// SetLocale changes the locale alone, and concurrent calls all land.
func TestSetLocale(t *testing.T) {
	db := MustOpenDB(t)
	if err := db.UpdateUser("U1", func(u *store.User) error { u.Role, u.Lang = "staff", "en"; return nil }); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			if err := db.SetLocale(fmt.Sprintf("U%d", i+1), "fr-FR"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range 40 {
		u, err := db.User(fmt.Sprintf("U%d", i+1))
		if err != nil || u.Locale != "fr-FR" {
			t.Fatalf("U%d: %+v, %v", i+1, u, err)
		}
	}
	if u, _ := db.User("U1"); u.Role != "staff" || u.Lang != "en" {
		t.Fatalf("SetLocale changed more than the locale: %+v", u)
	}
	if err := db.SetLocale("", "fr-FR"); !errors.Is(err, store.ErrInvalidID) {
		t.Fatalf("empty id: %v", err)
	}
}

// A path that is no regular file (/dev/null, a FIFO) is not a database,
// and not called an empty one to remove.
func TestNotARegularFile(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, check := range []func(string) error{store.Check, func(p string) error { _, err := store.Open(p, store.Options{}); return err }} {
		for _, path := range []string{os.DevNull, fifo} { // a FIFO used to block for ever
			err := check(path)
			if !errors.Is(err, store.ErrNotDatabase) || errors.Is(err, store.ErrEmpty) {
				t.Fatalf("%s: %v", path, err)
			}
		}
	}
}

// A bbolt file of another program is refused, by Open and by Check, and
// left as it was: the bot would have filled it with its own buckets. A
// bbolt file with no bucket yet is new to Open, which sets it up, but not
// a database Check can vouch for.
func TestForeignBoltFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	foreign, empty := filepath.Join(dir, "consul.db"), filepath.Join(dir, "empty.db")
	for _, path := range []string{foreign, empty} {
		bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if path == foreign {
			err = bdb.Update(func(tx *bolt.Tx) error {
				b, err := tx.CreateBucket([]byte("consul-kv"))
				if err != nil {
					return err
				}
				return b.Put([]byte("k"), []byte("v"))
			})
		}
		if cerr := bdb.Close(); err != nil || cerr != nil {
			t.Fatal(err, cerr)
		}
	}
	before, _ := os.ReadFile(foreign)
	if _, err := store.Open(foreign, store.Options{}); !errors.Is(err, store.ErrNotDatabase) {
		t.Fatalf("Open(foreign) = %v, want ErrNotDatabase", err)
	}
	if after, _ := os.ReadFile(foreign); !bytes.Equal(before, after) {
		t.Fatal("Open wrote to a file of another program")
	}
	for _, path := range []string{foreign, empty} {
		if err := store.Check(path); !errors.Is(err, store.ErrNotDatabase) {
			t.Fatalf("Check(%s) = %v, want ErrNotDatabase", filepath.Base(path), err)
		}
	}
	if err := store.CopyTo(foreign, filepath.Join(dir, "copy.db")); !errors.Is(err, store.ErrNotDatabase) {
		t.Fatalf("CopyTo(foreign) = %v, want ErrNotDatabase", err)
	}
	db, err := store.Open(empty, store.Options{})
	if err != nil {
		t.Fatalf("Open(a new bbolt file) = %v", err)
	}
	db.Close()
	if err := store.Check(empty); err != nil {
		t.Fatalf("Check after Open set it up: %v", err)
	}
}
