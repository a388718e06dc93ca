package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// What checkFreelist would have refused reaches bolt.Open: its panic comes
// back as ErrCorrupt, and nothing is written. (bbolt's handle is lost with
// the panic, and holds the file's lock until the test binary exits.)
func TestOpenBolt_PanicInOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AppendHistory("U1", HistoryEntry{PromptID: "p", Theme: "vision"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := os.Getpagesize()
	for i := 2 * page; i < len(b); i++ {
		b[i] = byte(i * 7) // every page but the header, the freelist with them
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := checkFile(path, true); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("checkFile: err = %v, want ErrCorrupt", err)
	}

	bdb, err := openBolt(path, &bolt.Options{Timeout: time.Second})
	if bdb != nil {
		bdb.Close()
	}
	want := "open " + path + ": database file is damaged (invalid freelist page: "
	if !errors.Is(err, ErrCorrupt) || !strings.HasPrefix(err.Error(), want) ||
		!strings.HasSuffix(err.Error(), "); restore it from a backup (see docs/operations.md)") {
		t.Fatalf("err = %v, want ErrCorrupt from loading the freelist", err)
	}
	t.Log(err)
	if after, _ := os.ReadFile(path); !bytes.Equal(after, b) {
		t.Fatal("the file changed")
	}
}

// Only a panic raised in bbolt is taken for damage: one raised in this
// module's code, even inside a bbolt transaction, is a bug and goes on.
func TestRecoverDamaged(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "mentorbot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	update := func(fn func(tx *bolt.Tx) error) (err error) {
		defer recoverDamaged("read", "PATH", &err)
		return db.bolt.Update(fn)
	}

	err = update(func(tx *bolt.Tx) error { return tx.Rollback() }) // bbolt panics: a managed tx
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "managed tx rollback not allowed") {
		t.Fatalf("bbolt's panic: err = %v, want ErrCorrupt with its message", err)
	}
	if err := update(func(tx *bolt.Tx) error { return nil }); err != nil {
		t.Fatalf("no panic: err = %v", err)
	}

	for name, fn := range map[string]func(tx *bolt.Tx) error{
		"Panic":      func(tx *bolt.Tx) error { panic("ours") },
		"OutOfRange": func(tx *bolt.Tx) error { var s []int; _ = s[len(tx.Bucket(bucketMeta).Get(keySchema))]; return nil },
		"NilPointer": func(tx *bolt.Tx) error { var u *User; _ = u.Role; return nil },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Fatal("our own panic was recovered")
				}
			}()
			err := update(fn)
			t.Fatalf("err = %v, want the panic to go on", err)
		})
	}
}
