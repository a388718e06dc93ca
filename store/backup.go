package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Backups and checks. A running bot serves Backup; CopyTo and Check work on a
// file no process holds and never write to it.
//
// All three read inside one read transaction, so what they see is the
// database as of one commit: writes that land meanwhile are in the next backup,
// never half in this one. A read transaction that lives long keeps the pages
// it reads from being reused (the file grows meanwhile) and delays a write that
// needs to grow the file's memory map, so callers should not stream a backup
// to a reader slower than a few minutes.

// Backup writes a consistent copy of the whole database to w and returns the
// number of bytes written. The copy is a bbolt file that Open reads as is.
// Writers are not blocked while it runs.
func (db *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup %s: %w", db.path, err)
	}
	return n, nil
}

// CopyTo writes a consistent copy of the database at path, which no process
// may hold, to a new file dst. It never overwrites: an existing dst is an
// error, so a mistyped argument cannot destroy a previous backup.
//
// Returns ErrInUse if a running bot holds path (back that one up through its
// HTTP listener instead), and ErrEmpty, ErrTruncated or ErrNotDatabase as Open
// does.
func CopyTo(path, dst string) (err error) {
	bdb, err := openReadOnly(path)
	if err != nil {
		return err
	}
	defer bdb.Close()
	// Not tx.CopyFile: it truncates an existing file.
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create backup: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write backup %s: %w", dst, cerr)
		}
		if err != nil {
			_ = os.Remove(dst) // a partial copy must not pass for a backup
		}
	}()
	err = bdb.View(func(tx *bolt.Tx) error {
		if _, err := tx.WriteTo(f); err != nil {
			return err
		}
		return f.Sync()
	})
	if err != nil {
		return fmt.Errorf("write backup %s: %w", dst, err)
	}
	return nil
}

// Check runs bbolt's consistency check over the database at path and returns
// every problem it finds, joined, or nil if there is none. It opens the file
// read-only and writes nothing.
//
// Returns ErrInUse if a running bot holds path, and ErrEmpty, ErrTruncated or
// ErrNotDatabase as Open does.
func Check(path string) error {
	bdb, err := openReadOnly(path)
	if err != nil {
		return err
	}
	defer bdb.Close()
	var problems []error
	err = bdb.View(func(tx *bolt.Tx) error {
		// Drain the channel: Check's goroutine blocks until every error is read.
		for p := range tx.Check() {
			problems = append(problems, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("check %s: inconsistent:\n%w", path, errors.Join(problems...))
	}
	return nil
}

// openReadOnly opens path for reading with a shared lock, which a running bot's
// exclusive lock excludes. It does not create a missing file.
//
// The file is checked first (header.go), so a truncated one is refused before
// bbolt maps it and reads past its end. A read-only bolt.Open reads nothing
// but the header, so it has no damaged page to panic on; openBolt covers it
// all the same.
func openReadOnly(path string) (*bolt.DB, error) {
	if err := checkFile(path, false); err != nil {
		return nil, err
	}
	bdb, err := openBolt(path, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	switch {
	case errors.Is(err, ErrCorrupt):
		return nil, err
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("open %s: %w: a running bot holds it; stop it first, or use its GET /backup", path, ErrInUse)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, fmt.Errorf("open %s: %w (%v)", path, ErrNotDatabase, err)
	case err != nil:
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return bdb, nil
}
