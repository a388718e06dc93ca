package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// fill gives db a few members with a role and a history each.
func fill(tb testing.TB, db *store.DB, users, entries int) {
	tb.Helper()
	at := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for u := range users {
		// Members write concurrently so their appends share transactions.
		wg.Go(func() {
			id := fmt.Sprintf("U%03d", u)
			if err := db.UpdateUser(id, func(u *store.User) error { u.Role = "staff"; return nil }); err != nil {
				tb.Error(err)
				return
			}
			for i := range entries {
				e := store.HistoryEntry{PromptID: fmt.Sprintf("p%d", i), Theme: "vision", At: at.Add(time.Duration(i) * time.Minute), NewCycle: i == 0}
				if err := db.AppendHistory(id, e); err != nil {
					tb.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if tb.Failed() {
		tb.FailNow()
	}
}

// mustSameData fails unless got holds the same users and histories as want.
func mustSameData(tb testing.TB, want, got *store.DB, users int) {
	tb.Helper()
	for u := range users {
		id := fmt.Sprintf("U%03d", u)
		wu, err1 := want.User(id)
		gu, err2 := got.User(id)
		if err1 != nil || err2 != nil || wu != gu {
			tb.Fatalf("user %s: %+v (%v), copy has %+v (%v)", id, wu, err1, gu, err2)
		}
		wh, err1 := want.History(id, 0)
		gh, err2 := got.History(id, 0)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(wh, gh) {
			tb.Fatalf("history %s: %d entries (%v), copy has %d (%v)", id, len(wh), err1, len(gh), err2)
		}
	}
}

// openCopy opens a backup file as the bot would, closing it on cleanup.
func openCopy(tb testing.TB, path string) *store.DB {
	tb.Helper()
	MustCheck(tb, path)
	db, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// snapshot takes a snapshot of db and returns its bytes; it fails the test
// if the snapshot leaves a file beside the database.
func snapshot(tb testing.TB, db *store.DB) []byte {
	tb.Helper()
	s, err := db.Snapshot()
	if err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(s)
	if err != nil || int64(len(b)) != s.Size || s.Size == 0 {
		tb.Fatalf("read %d bytes of a %d-byte snapshot: %v", len(b), s.Size, err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db.Path()), "*snapshot*")); len(left) > 0 {
		tb.Fatalf("the snapshot left %v", left)
	}
	return b
}

func TestSnapshot(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		fill(t, db, 20, 30)
		path := filepath.Join(t.TempDir(), "backup.db")
		if err := os.WriteFile(path, snapshot(t, db), 0o600); err != nil {
			t.Fatal(err)
		}
		mustSameData(t, db, openCopy(t, path), 20)
	})

	// The copy is taken at disk speed, not at its reader's: while a snapshot
	// is held unread, writes that grow the file, and so bbolt's memory map,
	// go through. (A read transaction held open blocks the remap, and every
	// transaction after it.)
	t.Run("HeldWhileTheFileGrows", func(t *testing.T) {
		db := MustOpenDB(t)
		fill(t, db, 5, 10)
		s, err := db.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		before, _ := os.Stat(db.Path())
		done := make(chan error, 1)
		go func() {
			for u := range 300 {
				err := db.UpdateUser(fmt.Sprintf("G%03d-%s", u, strings.Repeat("x", 200)), func(u *store.User) error {
					u.Role = strings.Repeat("r", 1000)
					return nil
				})
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Minute):
			t.Fatal("writes blocked behind a held snapshot")
		}
		after, _ := os.Stat(db.Path())
		if after.Size() <= before.Size() {
			t.Fatalf("the file did not grow (%d bytes, was %d): the test proves nothing", after.Size(), before.Size())
		}
		if b, err := io.ReadAll(s); err != nil || int64(len(b)) != s.Size {
			t.Fatalf("the snapshot, read after the writes: %d of %d bytes, %v", len(b), s.Size, err)
		}
	})

	// Writers keep going while the snapshot is taken: the copy is consistent
	// and every history it holds is a prefix of the live one.
	t.Run("WhileWriting", func(t *testing.T) {
		db := MustOpenDB(t)
		fill(t, db, 5, 10)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for u := range 5 {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					e := store.HistoryEntry{PromptID: fmt.Sprintf("more%d", i), Theme: "vision", At: time.Unix(int64(i), 0).UTC()}
					if err := db.AppendHistory(fmt.Sprintf("U%03d", u), e); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		b := snapshot(t, db)
		close(stop)
		wg.Wait()
		path := filepath.Join(t.TempDir(), "backup.db")
		os.WriteFile(path, b, 0o600)
		cp := openCopy(t, path)
		for u := range 5 {
			id := fmt.Sprintf("U%03d", u)
			live, _ := db.History(id, 0)
			got, err := cp.History(id, 0)
			if err != nil || len(got) < 10 || len(got) > len(live) || !reflect.DeepEqual(got, live[:len(got)]) {
				t.Fatalf("%s: copy has %d entries (%v), live %d; want a prefix", id, len(got), err, len(live))
			}
		}
	})
}

// closedDB returns the path of a filled database no process holds.
func closedDB(tb testing.TB, users int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "mentorbot.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	fill(tb, db, users, 20)
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestCopyTo(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		path := closedDB(t, 10)
		dst := filepath.Join(t.TempDir(), "copy.db")
		if err := store.CopyTo(path, dst); err != nil {
			t.Fatal(err)
		}
		orig := openCopy(t, path)
		mustSameData(t, orig, openCopy(t, dst), 10)
	})

	// Written beside dst until complete (partFile and Publish): none of its
	// part is left after.
	t.Run("WrittenAsPart", func(t *testing.T) {
		path := closedDB(t, 10)
		dir := t.TempDir()
		dst := filepath.Join(dir, "copy.db")
		if err := store.CopyTo(path, dst); err != nil {
			t.Fatal(err)
		}
		if parts, _ := filepath.Glob(filepath.Join(dir, "*.part")); len(parts) != 0 {
			t.Fatalf("parts left: %v", parts)
		}
		mustSameData(t, openCopy(t, path), openCopy(t, dst), 10)
	})

	// A scrambled meta page is named, with no panic text from bbolt's own
	// check, which asserts on it; the file still opens on the other copy.
	t.Run("CorruptMeta", func(t *testing.T) {
		for id := range 2 {
			path := closedDB(t, 10)
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			pageSize := os.Getpagesize()
			if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 64), int64(id*pageSize)); err != nil {
				t.Fatal(err)
			}
			f.Close()
			err = store.Check(path)
			want := regexp.MustCompile(fmt.Sprintf(`\npage %d: meta page damaged \(.+\); bbolt reads its other copy, page %d`, id, 1-id))
			if !errors.Is(err, store.ErrCorrupt) || !want.MatchString(err.Error()) || strings.Contains(err.Error(), "panic") {
				t.Fatalf("meta page %d scrambled: err = %v", id, err)
			}
		}
	})

	t.Run("ErrInUse", func(t *testing.T) {
		db := MustOpenDB(t)
		dst := filepath.Join(t.TempDir(), "copy.db")
		err := store.CopyTo(db.Path(), dst)
		if !errors.Is(err, store.ErrInUse) || !strings.Contains(err.Error(), "GET /backup") {
			t.Fatalf("err = %v, want ErrInUse naming the way out", err)
		}
		if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a failed copy left %s behind (%v)", dst, err)
		}
	})

	t.Run("ExistingDestination", func(t *testing.T) {
		path := closedDB(t, 1)
		dst := filepath.Join(t.TempDir(), "yesterday.db")
		os.WriteFile(dst, []byte("yesterday's backup"), 0o600)
		if err := store.CopyTo(path, dst); !errors.Is(err, os.ErrExist) {
			t.Fatalf("err = %v, want ErrExist", err)
		}
		if b, _ := os.ReadFile(dst); string(b) != "yesterday's backup" {
			t.Fatal("CopyTo overwrote an existing file")
		}
	})

	t.Run("ErrNotDatabase", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "notes.txt")
		os.WriteFile(path, bytes.Repeat([]byte("not a database\n"), 1000), 0o600)
		dst := filepath.Join(t.TempDir(), "copy.db")
		if err := store.CopyTo(path, dst); !errors.Is(err, store.ErrNotDatabase) {
			t.Fatalf("err = %v, want ErrNotDatabase", err)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nope.db")
		if err := store.CopyTo(missing, filepath.Join(t.TempDir(), "copy.db")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("err = %v, want ErrNotExist", err)
		}
		if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Fatal("CopyTo created the database it was to copy")
		}
	})
}

// corrupt overwrites every page after the two meta pages and the first data
// page with garbage: the header still opens, the tree does not hold.
func corrupt(tb testing.TB, path string) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	page := os.Getpagesize()
	if len(b) < 6*page {
		tb.Fatalf("%s is too small to corrupt usefully (%d bytes)", path, len(b))
	}
	for i := 3 * page; i < len(b); i++ {
		b[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		if err := store.Check(closedDB(t, 10)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Corrupt", func(t *testing.T) {
		path := closedDB(t, 50)
		corrupt(t, path)
		before, _ := os.ReadFile(path)
		err := store.Check(path)
		if !errors.Is(err, store.ErrCorrupt) || !regexp.MustCompile(`\npages? 3\b`).MatchString(err.Error()) {
			t.Fatalf("err = %v, want ErrCorrupt naming the first scrambled page", err)
		}
		t.Logf("%.300s", err)
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Fatal("Check wrote to the file")
		}
	})

	// A scrambled meta page is named, with no panic text from bbolt's own
	// check, which asserts on it; the file still opens on the other copy.
	t.Run("CorruptMeta", func(t *testing.T) {
		for id := range 2 {
			path := closedDB(t, 10)
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			pageSize := os.Getpagesize()
			if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 64), int64(id*pageSize)); err != nil {
				t.Fatal(err)
			}
			f.Close()
			err = store.Check(path)
			want := regexp.MustCompile(fmt.Sprintf(`\npage %d: meta page damaged \(.+\); bbolt reads its other copy, page %d`, id, 1-id))
			if !errors.Is(err, store.ErrCorrupt) || !want.MatchString(err.Error()) || strings.Contains(err.Error(), "panic") {
				t.Fatalf("meta page %d scrambled: err = %v", id, err)
			}
		}
	})

	t.Run("ErrInUse", func(t *testing.T) {
		db := MustOpenDB(t)
		start := time.Now()
		if err := store.Check(db.Path()); !errors.Is(err, store.ErrInUse) {
			t.Fatalf("err = %v, want ErrInUse", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("Check waited for the lock instead of failing fast")
		}
	})

	t.Run("ErrNotDatabase", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "notes.txt")
		os.WriteFile(path, bytes.Repeat([]byte("not a database\n"), 1000), 0o600)
		if err := store.Check(path); !errors.Is(err, store.ErrNotDatabase) {
			t.Fatalf("err = %v, want ErrNotDatabase", err)
		}
	})
}
