package store

import (
	"bytes"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// perUserBuckets hold keys that start with the user id and a 0x00.
var perUserBuckets = [][]byte{bucketHistory, bucketJournal, bucketJIndex, bucketJPrompt, bucketNudges, bucketWins, bucketWinShown, bucketExps, bucketCheckIns, bucketCheckInOpt}

// Forget deletes every record of the member in one transaction: settings,
// subscription, its due-index entry and any unsubscribe record, history
// (in the log too), nudges, reflections, wins, experiments and check-ins;
// and it takes the member's id off the thanks they gave, which stay with
// their receivers. Forgetting a member the store never saw is not an error.
func (db *DB) Forget(userID string) error {
	if err := checkID(userID); err != nil {
		return err
	}
	err := db.update(func(tx *bolt.Tx) error { return db.forget(tx, userID, !db.logBroken.Load()) })
	if errors.Is(err, ErrCorrupt) && !db.logBroken.Load() && db.logDamaged() {
		// The damage is in the history log, which no fold has met yet:
		// it is given up (LogHistories), and never folded, so the
		// member's entries in it cannot come back.
		db.logBroken.Store(true)
		err = db.update(func(tx *bolt.Tx) error { return db.forget(tx, userID, false) })
	}
	if err != nil {
		return fmt.Errorf("forget %s: %w", userID, err)
	}
	return nil
}

// logDamaged reports whether reading the history log meets a damaged page.
func (db *DB) logDamaged() bool {
	err := db.view(func(tx *bolt.Tx) error {
		if log := tx.Bucket(bucketHLog); log != nil {
			return log.ForEach(func(_, _ []byte) error { return nil })
		}
		return nil
	})
	return errors.Is(err, ErrCorrupt)
}

// forget is Forget's transaction; withLog deletes the member's entries in
// the history log too.
func (db *DB) forget(tx *bolt.Tx, userID string, withLog bool) error {
	if err := tx.Bucket(bucketUsers).Delete([]byte(userID)); err != nil {
		return err
	}
	if subs, due := tx.Bucket(bucketSubs), tx.Bucket(bucketDue); subs != nil && due != nil {
		if err := unindex(subs, due, userID); err != nil {
			return err
		}
		if err := subs.Delete([]byte(userID)); err != nil {
			return err
		}
	}
	if unsubs := tx.Bucket(bucketUnsubs); unsubs != nil {
		if err := unsubs.Delete([]byte(userID)); err != nil {
			return err
		}
	}
	if err := forgetReflections(tx, userID); err != nil {
		return err
	}
	if err := forgetCommitments(tx, userID); err != nil {
		return err
	}
	if err := forgetThanksFrom(tx, userID); err != nil {
		return err
	}
	if withLog { // a damaged log is never folded
		if err := forgetLogged(tx, userID); err != nil {
			return fmt.Errorf("history log: %w", err)
		}
	}
	for _, name := range perUserBuckets {
		if err := deletePrefix(tx.Bucket(name), userPrefix(userID)); err != nil {
			return fmt.Errorf("bucket %s: %w", name, err)
		}
	}
	return nil
}

// forgetLogged deletes the member's entries still in the history log,
// which a later fold would otherwise bring back. The log is short: what
// came in since the last fold.
func forgetLogged(tx *bolt.Tx, userID string) error {
	log := tx.Bucket(bucketHLog)
	if log == nil {
		return nil
	}
	return deleteLogged(log, []byte(userID), func([]byte) error { return nil })
}

// deletePrefix deletes every key of b that starts with prefix.
func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// forgetReflections deletes the member's reflections from jlog, the ones
// jindex lists; Forget then deletes the index itself with the other
// per-member keys. The prompt texts in ptext stay: they are the catalog's
// words, shared by every member who answered them.
func forgetReflections(tx *bolt.Tx, userID string) error {
	index, log := tx.Bucket(bucketJIndex), tx.Bucket(bucketJLog)
	if index == nil || log == nil {
		return nil
	}
	prefix := userPrefix(userID)
	c := index.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if err := log.Delete(k[len(k)-8:]); err != nil {
			return fmt.Errorf("bucket %s: %w", bucketJLog, err)
		}
	}
	return nil
}
