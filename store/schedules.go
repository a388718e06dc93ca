package store

// Subscriptions and the due index.
//
// # Layout
//
//	subs    user id -> Subscription, its Schedule nested under "s" (schedule.go)
//	due     8-byte big-endian NextDue (unix seconds, sign bit flipped), user id -> empty
//	unsubs  user id -> unix seconds of their last unsubscribe
//
// The due index sorts by time, so the subscriptions due by now are the keys
// from the first one up to the first that is later: a tick costs the number of
// due nudges, not the number of subscribers. PutSubscription and
// DeleteSubscription keep the index in step with the records in the same
// transaction: every subscription with a NextDue has exactly one index entry.
//
// These buckets are not in allBuckets: they are created by the first write
// that needs them, and a read treats a missing bucket as empty, so databases
// written before subscriptions existed need no migration.
//
// Times are kept to the second, like history.

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketSubs   = []byte("subs")
	bucketDue    = []byte("due")
	bucketUnsubs = []byte("unsubs")
)

// The subscription codec lives here rather than in encode.go only because
// this file arrived separately; it follows encode.go's conventions (JSON, short
// field names, unix seconds) and belongs there when the two are merged. Its
// schedule is encoded by scheduleRecord, as a broadcast's is; records written
// before schema 2 kept the schedule's fields at the top level (migrate.go).

type subscriptionRecord struct {
	Schedule scheduleRecord `json:"s"`
	Focus    []string       `json:"f,omitempty"`
	Created  int64          `json:"at,omitempty"`
}

func encodeSubscription(s Subscription) ([]byte, error) {
	return json.Marshal(subscriptionRecord{Schedule: scheduleToRecord(s.Schedule), Focus: s.Focus, Created: unixOrZero(s.Created)})
}

func decodeSubscription(userID string, b []byte) (Subscription, error) {
	var r subscriptionRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Subscription{}, fmt.Errorf("decode subscription %s: %w", userID, err)
	}
	return Subscription{UserID: userID, Schedule: r.Schedule.schedule(), Focus: r.Focus, Created: timeOrZero(r.Created)}, nil
}

// unixOrZero encodes the zero time as 0, so unset times take no room; the
// price is that 1970-01-01T00:00:00Z reads back as unset.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func timeOrZero(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// dueKey is an index key: the time, then the user. Flipping the sign bit
// makes big-endian byte order agree with time order, before 1970 too.
func dueKey(at time.Time, userID string) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(userID)), uint64(at.Unix())^(1<<63))
	return append(k, userID...)
}

func dueKeyTime(k []byte) int64 { return int64(binary.BigEndian.Uint64(k) ^ (1 << 63)) }

// Subscription is a member's nudge schedule and its state. The Schedule's
// NextDue is indexed: the zero time means no nudge is scheduled, and the
// subscription is kept without an index entry, so DueBefore never returns it.
type Subscription struct {
	UserID string
	Schedule
	Focus []string // theme ids; empty means all themes
	// Created is when the member first subscribed. The streak is not kept
	// here: it is derived from the member's nudge records.
	Created time.Time
}

// Subscription returns the member's subscription and whether they have one.
//
// Returns ErrInvalidID if userID is empty or contains a NUL byte.
func (db *DB) Subscription(userID string) (Subscription, bool, error) {
	if err := checkID(userID); err != nil {
		return Subscription{}, false, err
	}
	var (
		s  Subscription
		ok bool
	)
	err := db.view(func(tx *bolt.Tx) error {
		bkt := tx.Bucket(bucketSubs)
		if bkt == nil {
			return nil
		}
		b := bkt.Get([]byte(userID))
		if b == nil {
			return nil
		}
		var err error
		s, err = decodeSubscription(userID, b)
		ok = err == nil
		return err
	})
	return s, ok, err
}

// PutSubscription creates or replaces s.UserID's subscription and moves its
// due-index entry from the old NextDue to the new one, in one transaction:
// a crash leaves either the old record and entry or the new ones. Concurrent
// calls are grouped into one transaction and one fsync (batch.go), so a
// tick rescheduling thousands of nudges does not pay an fsync each; every
// call has still reached the disk when it returns.
//
// Returns ErrInvalidID if s.UserID is empty or contains a NUL byte.
func (db *DB) PutSubscription(s Subscription) error {
	if err := checkID(s.UserID); err != nil {
		return err
	}
	enc, err := encodeSubscription(s)
	if err != nil {
		return fmt.Errorf("encode subscription %s: %w", s.UserID, err)
	}
	err = db.batch(func(tx *bolt.Tx) error { return putSubscription(tx, s.UserID, enc) })
	if err != nil {
		return fmt.Errorf("put subscription %s: %w", s.UserID, err)
	}
	return nil
}

// putSubscription writes an encoded record and its index entry, removing the
// entry of the record it replaces.
func putSubscription(tx *bolt.Tx, userID string, enc []byte) error {
	subs, err := tx.CreateBucketIfNotExists(bucketSubs)
	if err != nil {
		return err
	}
	due, err := tx.CreateBucketIfNotExists(bucketDue)
	if err != nil {
		return err
	}
	if err := unindex(subs, due, userID); err != nil {
		return err
	}
	if err := subs.Put([]byte(userID), enc); err != nil {
		return err
	}
	if unsubs := tx.Bucket(bucketUnsubs); unsubs != nil {
		if err := unsubs.Delete([]byte(userID)); err != nil {
			return err
		}
	}
	// Decode what was written rather than trust the caller's time: the index
	// key must be the second the record holds.
	s, err := decodeSubscription(userID, enc)
	if err != nil || s.NextDue.IsZero() {
		return err
	}
	return due.Put(dueKey(s.NextDue, userID), []byte{})
}

// unindex deletes the index entry of the member's current record, if any.
func unindex(subs, due *bolt.Bucket, userID string) error {
	old := subs.Get([]byte(userID))
	if old == nil {
		return nil
	}
	prev, err := decodeSubscription(userID, old)
	if err != nil {
		return err
	}
	if prev.NextDue.IsZero() {
		return nil
	}
	return due.Delete(dueKey(prev.NextDue, userID))
}

// DeleteSubscription removes the member's subscription and its index entry in
// one transaction. Deleting a subscription that does not exist is not an
// error, so forgetting a member can call it unconditionally.
//
// Returns ErrInvalidID if userID is empty or contains a NUL byte.
func (db *DB) DeleteSubscription(userID string) error {
	if err := checkID(userID); err != nil {
		return err
	}
	err := db.update(func(tx *bolt.Tx) error {
		subs, due := tx.Bucket(bucketSubs), tx.Bucket(bucketDue)
		if subs == nil || due == nil {
			return nil
		}
		if err := unindex(subs, due, userID); err != nil {
			return err
		}
		return subs.Delete([]byte(userID))
	})
	if err != nil {
		return fmt.Errorf("delete subscription %s: %w", userID, err)
	}
	return nil
}

// EndSubscription removes the member's subscription and its index entry, as
// DeleteSubscription does, and records at as when they unsubscribed, in one
// transaction, so that status can tell "unsubscribed" from "never
// subscribed". The record goes when they subscribe again or are forgotten.
//
// Returns ErrInvalidID if userID is empty or contains a NUL byte.
func (db *DB) EndSubscription(userID string, at time.Time) error {
	if err := checkID(userID); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if subs, due := tx.Bucket(bucketSubs), tx.Bucket(bucketDue); subs != nil && due != nil {
			if err := unindex(subs, due, userID); err != nil {
				return err
			}
			if err := subs.Delete([]byte(userID)); err != nil {
				return err
			}
		}
		unsubs, err := tx.CreateBucketIfNotExists(bucketUnsubs)
		if err != nil {
			return err
		}
		return unsubs.Put([]byte(userID), strconv.AppendInt(nil, at.Unix(), 10))
	})
	if err != nil {
		return fmt.Errorf("end subscription %s: %w", userID, err)
	}
	return nil
}

// Unsubscribed returns when the member last unsubscribed, and false if they
// never did or subscribed again since.
//
// Returns ErrInvalidID if userID is empty or contains a NUL byte.
func (db *DB) Unsubscribed(userID string) (time.Time, bool, error) {
	if err := checkID(userID); err != nil {
		return time.Time{}, false, err
	}
	var at time.Time
	var ok bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		bkt := tx.Bucket(bucketUnsubs)
		if bkt == nil {
			return nil
		}
		v := bkt.Get([]byte(userID))
		if v == nil {
			return nil
		}
		sec, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return fmt.Errorf("decode unsubscribe of %s: %w", userID, err)
		}
		at, ok = time.Unix(sec, 0).UTC(), true
		return nil
	})
	return at, ok, err
}

// Due is one entry of the due index: a member whose nudge is due At.
type Due struct {
	UserID string
	At     time.Time // UTC, to the second
}

// DueBefore returns the subscriptions due at or before now, oldest first, at
// most limit of them (all of them when limit <= 0). It reads the index from
// its start and stops at the first entry after now, so its cost is the number
// of entries returned, whatever the number of subscribers. Entries stay until
// PutSubscription moves them: a caller that has sent a nudge reschedules it,
// and one that crashed before doing so finds it again.
func (db *DB) DueBefore(now time.Time, limit int) ([]Due, error) {
	var out []Due
	end := now.Unix() // keys hold whole seconds: due at or before now means at or before its second
	err := db.view(func(tx *bolt.Tx) error {
		bkt := tx.Bucket(bucketDue)
		if bkt == nil {
			return nil
		}
		c := bkt.Cursor()
		for k, _ := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
			if len(k) < 8 {
				return fmt.Errorf("due index: short key %x", k)
			}
			at := dueKeyTime(k)
			if at > end {
				break
			}
			out = append(out, Due{UserID: string(k[8:]), At: time.Unix(at, 0).UTC()})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read due index: %w", err)
	}
	return out, nil
}

// CountSubscriptions returns the number of subscriptions. It walks the
// bucket's pages (a few milliseconds for 100,000 members), so it suits a
// metrics scrape, not a hot path.
func (db *DB) CountSubscriptions() (int, error) {
	var n int
	err := db.view(func(tx *bolt.Tx) error {
		if bkt := tx.Bucket(bucketSubs); bkt != nil {
			n = bkt.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count subscriptions: %w", err)
	}
	return n, nil
}
