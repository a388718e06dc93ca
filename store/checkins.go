package store

// Check-ins: a member's private answers to five statements, for their own
// trend, and whether they want the form with the first nudge of a month.
//
// # Layout
//
//	checkins    user id, 0x00, 8-byte big-endian sequence -> CheckIn
//	checkinopt  user id, 0x00 -> "monthly" when the member opted in
//
// Both are created by the first write; a file from before them reads as
// having none.

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketCheckIns   = []byte("checkins")
	bucketCheckInOpt = []byte("checkinopt")
)

// CheckIn is one check-in: a score from 1 to 5 for each statement, in the
// order the bot asks them, and an optional note.
type CheckIn struct {
	Seq    uint64 // assigned by AddCheckIn
	UserID string
	At     time.Time
	Scores []int
	Note   string
}

type checkInRecord struct {
	At     int64  `json:"at"`
	Scores []int  `json:"s"`
	Note   string `json:"w,omitempty"`
}

// AddCheckIn writes a check-in durably and returns it with its sequence.
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) AddCheckIn(c CheckIn) (CheckIn, error) {
	if err := checkID(c.UserID); err != nil {
		return c, err
	}
	err := db.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketCheckIns)
		if err != nil {
			return err
		}
		if c.Seq, err = b.NextSequence(); err != nil {
			return err
		}
		enc, err := json.Marshal(checkInRecord{At: c.At.Unix(), Scores: c.Scores, Note: c.Note})
		if err != nil {
			return err
		}
		return b.Put(seqKey(c.UserID, c.Seq), enc)
	})
	if err != nil {
		return c, fmt.Errorf("add check-in for %s: %w", c.UserID, err)
	}
	return c, nil
}

// CheckIns returns the member's newest check-ins, newest first, at most
// limit (all when limit <= 0).
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) CheckIns(userID string, limit int) ([]CheckIn, error) {
	if err := checkID(userID); err != nil {
		return nil, err
	}
	var out []CheckIn
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCheckIns)
		if b == nil {
			return nil
		}
		return eachNewest(b, userPrefix(userID), func(k, v []byte) (bool, error) {
			var r checkInRecord
			seq := binary.BigEndian.Uint64(k[len(k)-8:])
			if err := json.Unmarshal(v, &r); err != nil {
				return false, fmt.Errorf("decode check-in %s/%d: %w", userID, seq, err)
			}
			out = append(out, CheckIn{Seq: seq, UserID: userID, At: time.Unix(r.At, 0).UTC(), Scores: r.Scores, Note: r.Note})
			return limit <= 0 || len(out) < limit, nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read check-ins of %s: %w", userID, err)
	}
	return out, nil
}

// SetCheckInMonthly records whether the member wants the check-in form
// with the first nudge of each month.
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) SetCheckInMonthly(userID string, on bool) error {
	if err := checkID(userID); err != nil {
		return err
	}
	err := db.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketCheckInOpt)
		if err != nil {
			return err
		}
		if on {
			return b.Put(userPrefix(userID), []byte("monthly"))
		}
		return b.Delete(userPrefix(userID))
	})
	if err != nil {
		return fmt.Errorf("set check-in option of %s: %w", userID, err)
	}
	return nil
}

// CheckInMonthly reports whether the member opted in to the monthly form.
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) CheckInMonthly(userID string) (bool, error) {
	if err := checkID(userID); err != nil {
		return false, err
	}
	on := false
	err := db.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketCheckInOpt); b != nil {
			on = b.Get(userPrefix(userID)) != nil
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read check-in option of %s: %w", userID, err)
	}
	return on, nil
}
