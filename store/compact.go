package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
// file would copy the damage, or crash on it. The copy is written to a
// part file beside dst (dst.RANDOM.part) and checked, and only then named
// dst, which must not exist: a compact killed midway (kill -9, a dropped
// ssh session) leaves no file under dst's name, so a partial copy never
// passes for a database.
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
	part, err := partFile(dst)
	if err != nil {
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	if err := compactTo(src, part.Name()); err != nil {
		_ = os.Remove(part.Name())
		return 0, 0, fmt.Errorf("compact %s: %w", path, err)
	}
	if err := Publish(part.Name(), dst); err != nil {
		_ = os.Remove(part.Name())
		return 0, 0, fmt.Errorf("compact: %w", err)
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

// compactTo writes src compacted to the new file part, synced and checked.
func compactTo(src *bolt.DB, part string) (err error) {
	out, err := bolt.Open(part, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("create %s: %w", part, err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", part, cerr)
		}
	}()
	if err := bolt.Compact(out, src, compactTxSize); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", part, err)
	}
	return out.View(func(tx *bolt.Tx) error {
		var first error
		for e := range tx.Check() { // read to the end: Check's goroutine sends every error
			if first == nil {
				first = e
			}
		}
		if first != nil {
			return fmt.Errorf("the copy fails its check: %w", first)
		}
		return nil
	})
}

// partFile creates, empty and closed, the file a copy meant for dst is
// written to until it is complete: dst.RANDOM.part, its own to each run, so
// two runs never write one file, and one killed midway never has dst's
// name. Parts of dst over a day old, left by killed runs, are removed.
func partFile(dst string) (*os.File, error) {
	stale, _ := filepath.Glob(globEscape(dst) + ".[0-9]*.part")
	for _, p := range stale {
		mid := strings.TrimSuffix(strings.TrimPrefix(p, dst+"."), ".part")
		if strings.Trim(mid, "0123456789") != "" {
			continue // not one CreateTemp made: someone else's file
		}
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
			_ = os.Remove(p)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.part")
	if err != nil {
		return nil, err
	}
	return f, f.Close()
}

// globEscape escapes the characters filepath.Match reads in a path.
func globEscape(path string) string {
	var b strings.Builder
	for _, r := range path {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Publish gives the complete, synced copy part the name dst, which must
// not exist (os.ErrExist if it does: nothing is overwritten), and makes the
// new name durable. A hard link refuses an existing dst at the instant it
// is made; on a file system without hard links, a rename after a check.
func Publish(part, dst string) error {
	err := os.Link(part, dst)
	switch {
	case errors.Is(err, os.ErrExist):
		return fmt.Errorf("%s: %w", dst, os.ErrExist)
	case err != nil:
		if _, serr := os.Lstat(dst); serr == nil {
			return fmt.Errorf("%s: %w", dst, os.ErrExist)
		}
		if err := os.Rename(part, dst); err != nil {
			return err
		}
	default:
		if err := os.Remove(part); err != nil {
			return err
		}
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = d.Sync() // the new name survives a crash
		_ = d.Close()
	}
	return nil
}
