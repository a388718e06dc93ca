package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// soundFile returns the bytes of a small sound database: members with
// reflections, history and a subscription, so its buckets are inline and
// not, its leaves under branches.
func soundFile(tb testing.TB) []byte {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "sound.db")
	seedJournals(tb, path, 60, 2)
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FuzzCheck overwrites bytes of a sound file anywhere past its header and
// runs Check over it: it must never crash, and a file it passes must be one
// bbolt reads whole, every bucket and key, without a panic or a fault (a
// fault here fails the run, as it would crash the bot). Check's own tests
// show it names what it finds; this shows it misses nothing bbolt trips on.
func FuzzCheck(f *testing.F) {
	sound := soundFile(f)
	page := os.Getpagesize()
	f.Add(uint32(2*page+16), []byte{0xff, 0xff, 0xff, 0xff})
	f.Add(uint32(3*page+20), []byte{0, 0, 0, 0x7f})
	f.Add(uint32(4*page+8), []byte{1})
	f.Add(uint32(5*page), []byte("\x02\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, off uint32, patch []byte) {
		b := append([]byte(nil), sound...)
		at := 2*page + int(off)%(len(b)-2*page)
		copy(b[at:], patch)
		path := filepath.Join(t.TempDir(), "fuzz.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := Check(path); err != nil {
			return
		}
		if err := readAll(path); err != nil {
			t.Fatalf("Check passed a file bbolt cannot read: %v", err)
		}
	})
}

// readAll reads every bucket, key and value of the file at path through
// bbolt, unprotected.
func readAll(path string) error {
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		return err
	}
	defer bdb.Close()
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if sub := b.Bucket(k); sub != nil {
					return walk(sub)
				}
				return fmt.Errorf("key %q: no value and no bucket", k)
			}
			_ = append([]byte(nil), v...) // touch every byte
			return nil
		})
	}
	return bdb.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
	})
}
