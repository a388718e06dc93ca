// Package store keeps every piece of mentorbot's state in one bbolt file:
// users and their settings, the prompts each user has been shown,
// subscriptions and their due index (schedules.go), nudge records
// (nudges.go), the journal (journal.go), broadcasts (broadcasts.go), members'
// wins (wins.go), experiments and their follow-ups' due index
// (experiments.go), check-ins (checkins.go) and the schema version (migrate.go). Each file's comment shows its buckets.
//
// A schedule is one value, Schedule (schedule.go), with its rules as methods:
// the next slot, daylight-saving safe; skipping a slot, idempotently; pause
// and resume, keeping skips. Subscriptions and broadcasts embed it and their
// records encode it in one way. It lives here rather than in the bot, which
// parses and words it, because the bot imports the store and not the
// reverse: nothing converts a schedule from one shape to another.
//
// Store types are plain structs. They are encoded in one place (encode.go) and
// decoded inside the transaction that read them, because bbolt's byte slices
// are valid only until the transaction ends.
//
// # Layout
//
//	meta     "schema" -> the schema version, a decimal number
//	users    user id -> User
//	history  user id, 0x00, 8-byte big-endian sequence -> HistoryEntry
//	hlog     8-byte big-endian sequence -> user id, 0x00, HistoryEntry
//
// History keys sort by user and then by the order the prompts were shown, so a
// user's newest entries are found by seeking to the end of their prefix. The
// history log (hlog, history.go) holds entries on their way there: the bot's
// writer appends to it, where a commit writes only the last pages whoever the
// entries are for, and folds it into history in bulk.
//
// # Caveats
//
// bbolt takes an exclusive lock on the file: one process at a time. Open waits
// at most Options.LockTimeout for it and then returns ErrInUse rather than
// hanging, so a second replica or a backup run against a live file fails fast.
//
// History appends are grouped into one transaction and one fsync: a batch
// (batch.go, like bbolt's Batch) for AppendHistory, and LogHistories for the
// bot's writer, which gathers the prompts many members were shown. A crash can lose the last few history
// entries (the user might see a prompt again); that is acceptable for history
// and is never how reflections are written. Entries a crash leaves in the log
// are folded when the file is opened next.
//
// bbolt trusts its pages: a damaged one makes it panic or fault. Every
// transaction here runs so that such damage fails the one call that met it
// with ErrCorrupt, counted by DB.DamagedReads, and never the process
// (damaged.go); batches are run by this package for that reason (batch.go).
// Check reads the pages itself, with bounds checks, and names each damaged
// one (pages.go). Snapshot copies the database to a file at disk speed, so
// that a slow reader of a backup never holds a read transaction open: that
// would block the write that grows the file, and every transaction behind it.
package store
