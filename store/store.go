package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the version of the layout this code reads and writes.
const SchemaVersion = 3

var (
	bucketMeta    = []byte("meta")
	bucketUsers   = []byte("users")
	bucketHistory = []byte("history")

	keySchema = []byte("schema")

	allBuckets = [][]byte{bucketMeta, bucketUsers, bucketHistory}
)

// Options tune Open. The zero value is ready to use.
type Options struct {
	// LockTimeout bounds the wait for the file lock; default one second.
	LockTimeout time.Duration
}

// DB is the mentorbot database. It is safe for concurrent use.
type DB struct {
	bolt    *bolt.DB
	path    string
	damaged atomic.Int64 // transactions that met a damaged page (damaged.go)
	batches batcher      // the batch being filled (batch.go)
	ids     idTable      // the ids history entries name (ids.go)
	// logBroken is set once the history log is found damaged: history is
	// then written straight into members' histories (history.go).
	logBroken atomic.Bool
	// lostOwners are the members whose history the fold met a damaged page
	// in: their logged entries are dropped (history.go).
	lostOwners sync.Map
}

// Open opens or creates the database at path, creates its buckets and records
// the schema version in one transaction. An existing file is checked first,
// reading only (header.go): one that fails the check is not written to.
//
// Returns ErrInUse if another process holds the file, ErrEmpty if it exists
// but is empty, ErrTruncated if it is shorter than its header says,
// ErrNotDatabase if it is not a bbolt database, ErrCorrupt if a page it reads
// is damaged, and ErrSchemaTooNew if a newer mentorbot wrote it.
func Open(path string, opts Options) (*DB, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	if err := checkFile(path, true); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	bdb, err := openBolt(path, &bolt.Options{Timeout: opts.LockTimeout})
	switch {
	case errors.Is(err, ErrCorrupt):
		return nil, err
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("open %s: %w", path, ErrInUse)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, fmt.Errorf("open %s: %w (%v)", path, ErrNotDatabase, err)
	case err != nil:
		return nil, openError(path, err)
	}
	db := &DB{bolt: bdb, path: path}
	if err := db.initialise(); err != nil {
		_ = bdb.Close()
		if errors.Is(err, ErrCorrupt) {
			return nil, err
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// History entries a crash left in the log, before anything reads
	// history without them. A damaged log costs history only: it is
	// counted (DamagedReads) and does not keep the bot from starting.
	if _, err := db.FoldHistoryLog(); err != nil && !errors.Is(err, ErrCorrupt) {
		_ = bdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// initialise runs init in a write transaction. bbolt reads the pages init asks
// for as they are, and panics on a damaged one; that panic is returned as
// ErrCorrupt. bbolt writes nothing before Commit, and Update rolls the
// transaction back as the panic passes, so the file is as it was.
func (db *DB) initialise() (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverDamaged("open", db.path, &err)
	return db.bolt.Update(db.init)
}

// init creates missing buckets, checks the schema version and migrates an
// older file (migrate.go).
func (db *DB) init(tx *bolt.Tx) error {
	if err := ours(tx, true); err != nil {
		return err
	}
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	v := 0 // a new file, or one written before the version was recorded
	if raw := meta.Get(keySchema); raw != nil {
		var err error
		if v, err = strconv.Atoi(string(raw)); err != nil {
			return fmt.Errorf("read schema version %q: %w", raw, ErrNotDatabase)
		}
	}
	if v > SchemaVersion {
		return fmt.Errorf("schema version %d, this program knows %d: %w", v, SchemaVersion, ErrSchemaTooNew)
	}
	return migrate(tx, v)
}

// ours returns ErrNotDatabase for a bbolt file of another program: one
// with buckets, none of them those every mentorbot file has had (meta,
// users, history), which the bot would otherwise fill with its own. A file
// with no bucket at all is new, and ours when fresh is true (Open sets it
// up); Check, which is given files to vouch for, refuses it too.
func ours(tx *bolt.Tx, fresh bool) error {
	var names []string
	mine := false
	_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		for _, b := range allBuckets {
			mine = mine || bytes.Equal(name, b)
		}
		if len(names) < 5 {
			names = append(names, strconv.Quote(string(name)))
		}
		return nil
	})
	switch {
	case mine, fresh && len(names) == 0:
		return nil
	case len(names) == 0:
		return fmt.Errorf("%w: a bbolt file with no mentorbot data in it", ErrNotDatabase)
	}
	return fmt.Errorf("%w: a bbolt file of another program (buckets %s)", ErrNotDatabase, strings.Join(names, ", "))
}

// Close releases the database file and its lock.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close %s: %w", db.path, err)
	}
	return nil
}

// Path returns the file the database lives in.
func (db *DB) Path() string { return db.path }

// Schema returns the schema version recorded in the file.
func (db *DB) Schema() (int, error) {
	var v int
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		v, err = strconv.Atoi(string(tx.Bucket(bucketMeta).Get(keySchema)))
		return err
	})
	return v, err
}
