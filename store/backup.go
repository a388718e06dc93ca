package store

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Backups and checks. A running bot serves Snapshot; CopyTo and Check work
// on a file no process holds and never write to it.
//
// All three read inside one read transaction, so what they see is the
// database as of one commit: writes that land meanwhile are in the next backup,
// never half in this one. A read transaction that lives long keeps the pages
// it reads from being reused (the file grows meanwhile) and blocks a write
// that needs to grow the file's memory map, and every other transaction
// queues behind that write. So Snapshot copies to a file on the database's
// own disk, at disk speed, and only then does the bot stream that file to
// a client, however slow.

// Snapshot is a consistent copy of the database in a temporary file, open for
// reading from its start. Close it when done: that removes the file.
type Snapshot struct {
	*os.File
	// Size is the copy's length in bytes.
	Size int64
	// name is the file's path until it is removed; "" once it is.
	name string
}

// Close closes and removes the snapshot's file.
func (s *Snapshot) Close() error {
	err := s.File.Close()
	if s.name != "" {
		if rerr := os.Remove(s.name); rerr != nil && err == nil {
			err = rerr
		}
	}
	return err
}

// Snapshot writes a consistent copy of the whole database to a new temporary
// file in the database's directory (the volume that holds the database has
// room for a copy of it more surely than a container's /tmp) and fsyncs it.
// The copy is a bbolt file that Open reads as is. Writers are not blocked
// while it is taken, and the read transaction lasts only as long as the disk
// takes to write the copy. Where the system allows it the file is unlinked at
// once, so a crash leaves nothing behind.
func (db *DB) Snapshot() (*Snapshot, error) {
	f, err := os.CreateTemp(filepath.Dir(db.path), "."+filepath.Base(db.path)+".snapshot-*")
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", db.path, err)
	}
	s := &Snapshot{File: f, name: f.Name()}
	if os.Remove(s.name) == nil {
		s.name = ""
	}
	err = db.view(func(tx *bolt.Tx) error {
		var err error
		s.Size, err = tx.WriteTo(f)
		return err
	})
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = checkCopy(f, s.Size)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("snapshot %s: %w", db.path, err)
	}
	return s, nil
}

// checkCopy checks a copy's pages, as Check does: the copy is taken page by
// page, damaged ones included, and a damaged backup that replaces the last
// good one loses what it was kept for. It returns an error wrapping
// ErrCorrupt that names the damaged pages.
func checkCopy(f *os.File, size int64) error {
	problems, err := pagesOf(f, size)
	if err != nil {
		return fmt.Errorf("check the copy: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("the database has %d damaged %s, the copy too: %w:\n%s\nkeep the last good backup; %s",
			len(problems), plural(len(problems), "page"), ErrCorrupt, strings.Join(problems, "\n"), restoreHint)
	}
	return nil
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
	if err := bdb.View(func(tx *bolt.Tx) error { return ours(tx, false) }); err != nil {
		return fmt.Errorf("open %s: %w", path, err) // another program's file is no backup of ours
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("create backup: %s: %w", dst, os.ErrExist)
	}
	// Written to a part file, named dst once complete: a backup killed
	// midway never passes for one.
	part, err := partFile(dst)
	if err != nil {
		return fmt.Errorf("create backup: %w", err)
	}
	if err := writeCopy(bdb, part.Name()); err != nil {
		_ = os.Remove(part.Name())
		return fmt.Errorf("write backup %s: %w", dst, err)
	}
	if err := Publish(part.Name(), dst); err != nil {
		_ = os.Remove(part.Name())
		return fmt.Errorf("create backup: %w", err)
	}
	return nil
}

// writeCopy writes bdb's current state to the empty file part, synced.
func writeCopy(bdb *bolt.DB, part string) (err error) {
	// Not tx.CopyFile, which would do as much, but with its own file mode.
	f, err := os.OpenFile(part, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	return bdb.View(func(tx *bolt.Tx) error {
		if _, err := tx.WriteTo(f); err != nil {
			return err
		}
		return f.Sync()
	})
}

// Check checks the database at path page by page and returns nil if it is
// sound. A damaged file gives an error wrapping ErrCorrupt that names every
// damaged page, one line each (walkPages), then how to restore. Check opens
// the file read-only and writes nothing; it reads the pages with bounds
// checks, never through bbolt, so no damage can crash it. Only a file whose
// every page passes is then given to bbolt's own consistency check too.
//
// Returns ErrInUse if a running bot holds path, and ErrEmpty, ErrTruncated or
// ErrNotDatabase as Open does.
func Check(path string) error {
	bdb, err := openReadOnly(path)
	if err != nil {
		return err
	}
	defer bdb.Close()
	problems, err := checkPages(path)
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("check %s: %w, %d %s:\n%s\n%s", path, ErrCorrupt, len(problems), plural(len(problems), "problem"),
			strings.Join(problems, "\n"), restoreHint)
	}
	if err := bdb.View(func(tx *bolt.Tx) error { return ours(tx, false) }); err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	var found []error
	err = bdb.View(func(tx *bolt.Tx) error {
		// Drain the channel: Check's goroutine blocks until every error is read.
		for p := range tx.Check() {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if len(found) > 0 {
		return fmt.Errorf("check %s: %w: bbolt finds it inconsistent:\n%w\n%s", path, ErrCorrupt, errors.Join(found...), restoreHint)
	}
	return nil
}

// plural is word for n of them.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// checkPages runs walkPages over the file at path, whose header checkFile
// passed.
func checkPages(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return pagesOf(f, fi.Size())
}

// pagesOf runs walkPages over f, size bytes long, from its header.
func pagesOf(f *os.File, size int64) ([]string, error) {
	m, ok, err := readMeta(f, size)
	if err != nil || !ok {
		return nil, fmt.Errorf("read header: %w", cmp.Or(err, ErrNotDatabase))
	}
	return walkPages(f, m)
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
		return nil, openError(path, err)
	}
	return bdb, nil
}
