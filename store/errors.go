package store

import "errors"

// ErrInUse is returned by Open when another process holds the database lock.
var ErrInUse = errors.New("database is in use by another process")

// ErrNotDatabase is returned by Open when the file exists but is not a bbolt
// database this program can read (truncated, corrupt, or another format).
// The file is left untouched.
var ErrNotDatabase = errors.New("file is not a mentorbot database")

// ErrSchemaTooNew is returned by Open when the database was written by a newer
// mentorbot. The file is left untouched rather than rewritten.
var ErrSchemaTooNew = errors.New("database was written by a newer version of mentorbot")
