package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// HistoryEntry records one prompt shown to a member.
type HistoryEntry struct {
	PromptID string
	Theme    string
	At       time.Time
	// NewCycle marks the first prompt of a new cycle through its theme, so the
	// picker finds where the current cycle starts without reading everything.
	NewCycle bool
}

// History returns the member's newest entries, at most limit of them (all of
// them when limit <= 0), oldest first.
func (db *DB) History(userID string, limit int) ([]HistoryEntry, error) {
	if err := checkID(userID); err != nil {
		return nil, err
	}
	var out []HistoryEntry
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		out, err = readHistory(tx, userID, limit, &db.ids)
		return err
	})
	return out, err
}

// readHistory reads the member's newest entries (readEntries).
func readHistory(tx *bolt.Tx, userID string, limit int, ids *idTable) ([]HistoryEntry, error) {
	h, err := readEntries(tx.Bucket(bucketHistory), userID, limit, ids)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", userID, err)
	}
	return h, nil
}

// readEntries reads the newest limit history entries (all when limit <= 0)
// that owner, a member or a channel, has in bkt, oldest first. A nil bkt
// has none.
func readEntries(bkt *bolt.Bucket, owner string, limit int, ids *idTable) ([]HistoryEntry, error) {
	var out []HistoryEntry
	err := entriesBack(bkt, owner, limit, "", ids, func(e HistoryEntry) bool {
		out = append(out, e)
		return true
	})
	if err != nil {
		return nil, err
	}
	slices.Reverse(out)
	return out, nil
}

// entriesBack walks owner's entries in bkt back from the newest, at most
// limit of them (all when limit <= 0), and calls yield with each of theme
// (each, for "") until it returns false. An entry of another theme is
// passed over on its raw bytes when it is in encodeHistory's form, so
// reading back to one theme's cycle marker costs little for the others.
// It returns the error of an entry that cannot be decoded, which ends the
// walk. A nil bkt has none.
func entriesBack(bkt *bolt.Bucket, owner string, limit int, theme string, ids *idTable, yield func(HistoryEntry) bool) error {
	if bkt == nil {
		return nil
	}
	prefix := userPrefix(owner)
	c := bkt.Cursor()
	n := 0
	for k, v := lastWithPrefix(c, prefix); bytes.HasPrefix(k, prefix) && (limit <= 0 || n < limit); k, v = c.Prev() {
		n++
		if t, ok := historyTheme(v); ok && theme != "" && string(t) != theme {
			continue
		}
		e, err := decodeHistory(v, ids)
		if err != nil {
			return err
		}
		if theme != "" && e.Theme != theme {
			continue
		}
		if !yield(e) {
			return nil
		}
	}
	return nil
}

// AppendHistory records that a prompt was shown. Concurrent appends are
// grouped into one transaction (batch.go), so many members asking at once
// cost one fsync rather than one each.
func (db *DB) AppendHistory(userID string, e HistoryEntry) error {
	enc, err := historyValue(userID, e)
	if err != nil {
		return err
	}
	err = db.batch(func(tx *bolt.Tx) error { return putHistory(tx, userID, enc) })
	if err != nil {
		return fmt.Errorf("append history for %s: %w", userID, err)
	}
	return nil
}

// historyValue checks userID and encodes e, what both appends do before
// their transaction.
func historyValue(userID string, e HistoryEntry) ([]byte, error) {
	if err := checkID(userID); err != nil {
		return nil, err
	}
	enc, err := encodeHistory(e)
	if err != nil {
		return nil, fmt.Errorf("encode history for %s: %w", userID, err)
	}
	return enc, nil
}

// HistoryAppend is one member's entry for LogHistories.
type HistoryAppend struct {
	UserID string
	Entry  HistoryEntry
}

// The history log holds entries on their way to the history bucket:
//
//	hlog  8-byte big-endian sequence -> user id, 0x00, HistoryEntry
//
// The history bucket is keyed by member, so a commit of entries for a
// thousand members rewrites a page for nearly each of them, most of the
// bucket; the log is keyed by the order entries came in, so a commit writes
// only its last pages, whoever the entries are for. FoldHistoryLog then moves
// many commits' worth into the history bucket at once, each page once for
// all the entries it gets. Entries in the log are on disk but not yet in
// History or UserHistory: the bot keeps them in memory until they are
// folded, and Open folds what a crash left behind.
var bucketHLog = []byte("hlog")

// LogHistories appends entries for many members to the history log, in one
// commit that writes only the log's last pages. It returns one error per
// entry, nil for each written: an entry that cannot be recorded (an invalid
// id) fails alone, and if the commit fails every entry in it does.
//
// Once the log is found damaged (a write or a fold met a damaged page of
// it), entries go straight into the members' histories instead, as they did
// before there was a log: the damage then costs the log's entries, not all
// history from then on.
func (db *DB) LogHistories(apps []HistoryAppend) []error {
	errs := make([]error, len(apps))
	encs := make([][]byte, len(apps))
	ok := 0
	for i, a := range apps {
		if encs[i], errs[i] = historyValue(a.UserID, a.Entry); errs[i] == nil {
			ok++
		}
	}
	if ok == 0 {
		return errs
	}
	var err error
	if !db.logBroken.Load() {
		err = db.update(func(tx *bolt.Tx) error { return logHistories(tx, apps, encs) })
		if errors.Is(err, ErrCorrupt) {
			db.logBroken.Store(true)
		}
	}
	if db.logBroken.Load() {
		err = db.update(func(tx *bolt.Tx) error {
			for i, a := range apps {
				if encs[i] == nil {
					continue
				}
				if err := putHistory(tx, a.UserID, encs[i]); err != nil {
					return fmt.Errorf("user %s: %w", a.UserID, err)
				}
			}
			return nil
		})
	}
	if err != nil {
		err = fmt.Errorf("log history for %d members: %w", ok, err)
		for i := range apps {
			if encs[i] != nil {
				errs[i] = err
			}
		}
	}
	return errs
}

// logHistories is LogHistories' transaction: the entries encs holds (nil
// for those refused) appended to the log.
func logHistories(tx *bolt.Tx, apps []HistoryAppend, encs [][]byte) error {
	log, err := tx.CreateBucketIfNotExists(bucketHLog)
	if err != nil {
		return err
	}
	log.FillPercent = 1 // appended to at its end only
	for i, a := range apps {
		if encs[i] == nil {
			continue
		}
		seq, err := log.NextSequence()
		if err != nil {
			return err
		}
		if err := log.Put(binary.BigEndian.AppendUint64(nil, seq), append(userPrefix(a.UserID), encs[i]...)); err != nil {
			return err
		}
	}
	return nil
}

// FoldHistoryLog moves every entry of the history log into the members'
// histories, in the order they were logged, and empties the log, in one
// commit. It returns how many entries it dropped instead: unreadable ones,
// and those of members whose history is on a damaged page, which would fail
// every fold. Damage costs only what it touches: when the one commit meets
// a damaged page, the log is folded a member at a time, and the members
// whose history cannot be written are remembered until the bot stops.
//
// An error means the log is as it was (a full disk, say) and the next fold
// tries again, or, wrapping ErrCorrupt, that the log itself is damaged: its
// entries are lost, and LogHistories writes straight into the members'
// histories from then on.
func (db *DB) FoldHistoryLog() (dropped int, err error) {
	if db.logBroken.Load() {
		return 0, nil
	}
	var none bool // no log, as at every start after a clean stop: no commit
	if err := db.view(func(tx *bolt.Tx) error { none = tx.Bucket(bucketHLog) == nil; return nil }); err != nil {
		return 0, fmt.Errorf("fold the history log: %w", err)
	}
	if none {
		return 0, nil
	}
	dropped, err = db.fold(nil)
	if errors.Is(err, ErrCorrupt) {
		dropped, err = db.foldByMember()
	}
	if err != nil {
		return dropped, fmt.Errorf("fold the history log: %w", err)
	}
	return dropped, nil
}

// fold runs foldHistoryLog in a commit of its own, and says how many
// entries that commit dropped (none when it fails).
func (db *DB) fold(only []byte) (dropped int, err error) {
	err = db.update(func(tx *bolt.Tx) error {
		var err error
		dropped, err = db.foldHistoryLog(tx, only)
		return err
	})
	if err != nil {
		return 0, err
	}
	return dropped, nil
}

// foldHistoryLog is FoldHistoryLog's transaction, for the entries of only
// the member only names, or every member's for nil. It deletes the entries
// it moved or dropped, and the log once empty (at once for nil).
func (db *DB) foldHistoryLog(tx *bolt.Tx, only []byte) (dropped int, err error) {
	log := tx.Bucket(bucketHLog)
	if log == nil {
		return 0, nil
	}
	move := func(user, enc []byte) error {
		_, unreadable := decodeHistory(enc, nil)
		_, lost := db.lostOwners.Load(string(user))
		if checkID(string(user)) != nil || unreadable != nil || lost {
			dropped++
			return nil
		}
		if err := putHistory(tx, string(user), bytes.Clone(enc)); err != nil {
			return fmt.Errorf("user %s: %w", user, err)
		}
		return nil
	}
	if only != nil {
		if err := deleteLogged(log, only, func(enc []byte) error { return move(only, enc) }); err != nil {
			return dropped, err
		}
		if k, _ := log.Cursor().First(); k != nil {
			return dropped, nil
		}
		return dropped, tx.DeleteBucket(bucketHLog)
	}
	err = log.ForEach(func(_, v []byte) error {
		user, enc, ok := bytes.Cut(v, []byte{0})
		if !ok {
			dropped++
			return nil
		}
		return move(user, enc)
	})
	if err != nil {
		return dropped, err
	}
	return dropped, tx.DeleteBucket(bucketHLog)
}

// deleteLogged deletes the member's entries from the history log, calling
// fn with each one's encoded entry first.
func deleteLogged(log *bolt.Bucket, userID []byte, fn func(enc []byte) error) error {
	prefix := append(bytes.Clone(userID), 0)
	c := log.Cursor()
	for k, v := c.First(); k != nil; {
		if !bytes.HasPrefix(v, prefix) {
			k, v = c.Next()
			continue
		}
		if err := fn(v[len(prefix):]); err != nil {
			return err
		}
		key := bytes.Clone(k)
		if err := c.Delete(); err != nil {
			return err
		}
		k, v = c.Seek(key)
	}
	return nil
}

// foldByMember folds the log one member at a time, after the one commit
// met a damaged page. A member whose commit meets one too loses their
// logged entries and is remembered (lostOwners), so later folds drop their
// entries in the one commit again. If the log itself cannot be read it is
// given up (logBroken).
func (db *DB) foldByMember() (dropped int, err error) {
	var owners [][]byte
	err = db.view(func(tx *bolt.Tx) error {
		seen := map[string]bool{}
		return tx.Bucket(bucketHLog).ForEach(func(_, v []byte) error {
			if user, _, ok := bytes.Cut(v, []byte{0}); ok && !seen[string(user)] {
				seen[string(user)] = true
				owners = append(owners, bytes.Clone(user))
			}
			return nil
		})
	})
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			db.logBroken.Store(true)
		}
		return 0, err
	}
	for _, user := range append(owners, nil) { // then whatever is left
		n, err := db.fold(user)
		if errors.Is(err, ErrCorrupt) && user != nil {
			db.lostOwners.Store(string(user), true)
			n, err = db.fold(user)
		}
		dropped += n
		if err != nil {
			if errors.Is(err, ErrCorrupt) {
				db.logBroken.Store(true)
			}
			return dropped, err
		}
	}
	return dropped, nil
}

// appendHistory adds an entry inside a caller's transaction.
func appendHistory(tx *bolt.Tx, userID string, e HistoryEntry) error {
	enc, err := encodeHistory(e)
	if err != nil {
		return fmt.Errorf("encode history for %s: %w", userID, err)
	}
	return putHistory(tx, userID, enc)
}

func putHistory(tx *bolt.Tx, userID string, enc []byte) error {
	b := tx.Bucket(bucketHistory)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return b.Put(seqKey(userID, seq), enc)
}

// UserHistory calls fn with the member's record and their history, newest
// entry first, in one read transaction: what picking a prompt needs.
// history(theme) walks at most limit entries (all when limit <= 0) and
// yields those of theme, or all of them for "". Entries are decoded as fn
// reads them, and one of another theme is passed over on its raw bytes, so
// a picker that stops at its theme's cycle marker pays little for the rest
// of a year of history. history must not be used after fn returns. An
// entry that cannot be decoded ends the sequence, and UserHistory returns
// its error rather than fn's.
func (db *DB) UserHistory(userID string, limit int, fn func(u User, history func(theme string) iter.Seq[HistoryEntry]) error) error {
	if err := checkID(userID); err != nil {
		return err
	}
	return db.view(func(tx *bolt.Tx) error {
		u := User{ID: userID}
		if raw := tx.Bucket(bucketUsers).Get([]byte(userID)); raw != nil {
			var err error
			if u, err = decodeUser(userID, raw); err != nil {
				return err
			}
		}
		var bad error
		err := fn(u, func(theme string) iter.Seq[HistoryEntry] {
			return func(yield func(HistoryEntry) bool) {
				if err := entriesBack(tx.Bucket(bucketHistory), userID, limit, theme, &db.ids, yield); err != nil {
					bad = fmt.Errorf("user %s: %w", userID, err)
				}
			}
		})
		if bad != nil {
			return bad
		}
		return err
	})
}
