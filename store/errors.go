package store

import (
	"errors"
	"fmt"
	"io/fs"
)

// ErrInUse is returned by Open when another process holds the database lock.
var ErrInUse = errors.New("database is in use by another process")

// ErrNotDatabase is returned by Open when the file exists but is not a bbolt
// database this program can read (another format, or a damaged header).
// The file is left untouched.
var ErrNotDatabase = errors.New("file is not a mentorbot database")

// ErrTruncated is returned by Open when the file is shorter than the pages its
// header records: it lost its end (a full disk, a partial copy), and whatever
// was there is gone. The file is left untouched.
var ErrTruncated = errors.New("database file is truncated")

// ErrEmpty is returned by Open when the file exists but holds nothing. bbolt
// would make it a new database; but an empty file is as likely a database
// truncated to nothing, so Open refuses it rather than start afresh silently.
// A path that does not exist is created.
var ErrEmpty = errors.New("database file exists but is empty")

// ErrSchemaTooNew is returned by Open when the database was written by a newer
// mentorbot. The file is left untouched rather than rewritten.
var ErrSchemaTooNew = errors.New("database was written by a newer version of mentorbot")

// ErrCorrupt is returned when a page the database reads is not what bbolt
// wrote: pages scrambled by a failing disk, a bad copy or another program.
// bbolt trusts its pages and panics or faults on such a one. Open refuses the
// file instead, and leaves it untouched; every other method fails the one
// request that met the damage and counts it (DB.DamagedReads), and the
// process goes on serving what is intact. Check names every damaged page.
var ErrCorrupt = errors.New("database file is damaged")

// openError wraps err, from opening the file at path, with the path, unless
// err names it already (an *fs.PathError does): "open x.db: open x.db: no
// such file or directory" says it twice.
func openError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return err
	}
	return fmt.Errorf("open %s: %w", path, err)
}
