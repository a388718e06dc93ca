package store

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// compactTxSize is how many bytes Compact copies per write transaction: big
// enough that a million-member file takes a few hundred commits, small
// enough that one never holds much memory.
const compactTxSize = 64 << 20

// Compact writes a compacted copy of the database at path to the new file
// dst, every page filled, and returns both files' sizes. bbolt never gives
// pages back to the file system and splits pages half full, so a live file
// is about a third larger than its data; the copy is not.
//
// The source is checked page by page first (Check): compacting a damaged
// file would copy the damage, or crash on it. The copy is checked too,
// before Compact returns. dst must not exist; on any error it is removed, so
// a partial copy never passes for a database.
//
// Returns ErrInUse if a running bot holds path (compact a backup instead),
// and ErrEmpty, ErrTruncated or ErrNotDatabase as Open does.
func Compact(path, dst string) (before, after int64, err error) {
	if err := Check(path); err != nil {
		return 0, 0, err
	}
	src, err := openReadOnly(path)
	if err != nil {
		return 0, 0, err
	}
	defer src.Close()
	if _, err := os.Lstat(dst); err == nil {
		return 0, 0, fmt.Errorf("compact: %s exists; name a new file", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	out, err := bolt.Open(dst, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return 0, 0, fmt.Errorf("compact: create %s: %w", dst, err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("compact: close %s: %w", dst, cerr)
		}
		if err != nil {
			_ = os.Remove(dst)
		}
	}()
	if err := bolt.Compact(out, src, compactTxSize); err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", path, err)
	}
	if err := out.Sync(); err != nil {
		return 0, 0, fmt.Errorf("compact: sync %s: %w", dst, err)
	}
	if err := out.View(func(tx *bolt.Tx) error {
		var first error
		for e := range tx.Check() { // read to the end: Check's goroutine sends every error
			if first == nil {
				first = e
			}
		}
		return first
	}); err != nil {
		return 0, 0, fmt.Errorf("compact: the copy %s fails its check: %w", dst, err)
	}
	si, err := os.Stat(path)
	if err != nil {
		return 0, 0, err
	}
	di, err := os.Stat(dst)
	if err != nil {
		return 0, 0, err
	}
	return si.Size(), di.Size(), nil
}
