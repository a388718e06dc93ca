package store

// Experiments: a member's commitments to try a prompt's "Try this week"
// experiment, and how each went.
//
// # Layout
//
//	exps     user id, 0x00, 8-byte big-endian sequence -> Commitment
//	expdue   8-byte big-endian due time (Unix seconds), user id, 0x00, 8-byte sequence -> nothing
//
// expdue is the follow-ups' due index, as due is the nudges': the scheduler
// reads only what is due. A commitment has an entry there while its
// follow-up waits to be sent, and none once it was sent or answered; every
// write of a commitment moves its entry in the same transaction. Both
// buckets are created by the first commitment; a file from before them
// reads as having none.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketExps   = []byte("exps")
	bucketExpDue = []byte("expdue")
)

// Outcomes of an experiment, as the member answered its follow-up.
const (
	OutcomeTried    = "tried"
	OutcomeNotYet   = "notyet" // asked twice, not tried either time
	OutcomeNotForMe = "notforme"
)

// ErrCommitmentNotFound is returned by PutCommitment when the member has no
// commitment of that sequence (forgotten meanwhile).
var ErrCommitmentNotFound = errors.New("no such commitment")

// Commitment is a member's plan to try a prompt's experiment: waiting for
// its follow-up (Due set), asked (Due zero, no Outcome), or answered.
type Commitment struct {
	Seq        uint64 // assigned by AddCommitment
	UserID     string
	PromptID   string
	Theme      string
	Experiment string    // the prompt's "Try this week" text, as it was shown
	At         time.Time // when the member committed
	// Due is when the follow-up is to be sent; zero once it was sent.
	Due        time.Time
	Asks       int    // follow-ups sent so far
	Outcome    string // "" until answered; Outcome*
	Note       string // what happened, in the member's words; optional
	AnsweredAt time.Time
}

// Waiting reports whether the commitment's follow-up is still to be sent.
func (c Commitment) Waiting() bool { return !c.Due.IsZero() && c.Outcome == "" }

// Asked reports whether a follow-up was sent and not answered yet.
func (c Commitment) Asked() bool { return c.Due.IsZero() && c.Outcome == "" && c.Asks > 0 }

// FollowUp names a commitment whose follow-up is due.
type FollowUp struct {
	UserID string
	Seq    uint64
	Due    time.Time
}

type commitmentRecord struct {
	PromptID   string `json:"p"`
	Theme      string `json:"t"`
	Experiment string `json:"x"`
	At         int64  `json:"at"`
	Due        int64  `json:"d,omitempty"`
	Asks       int    `json:"n,omitempty"`
	Outcome    string `json:"o,omitempty"`
	Note       string `json:"w,omitempty"`
	AnsweredAt int64  `json:"aa,omitempty"`
}

func encodeCommitment(c Commitment) ([]byte, error) {
	return json.Marshal(commitmentRecord{PromptID: c.PromptID, Theme: c.Theme, Experiment: c.Experiment, At: c.At.Unix(),
		Due: unixOrZero(c.Due), Asks: c.Asks, Outcome: c.Outcome, Note: c.Note, AnsweredAt: unixOrZero(c.AnsweredAt)})
}

func decodeCommitment(userID string, seq uint64, b []byte) (Commitment, error) {
	var r commitmentRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Commitment{}, fmt.Errorf("decode commitment %s/%d: %w", userID, seq, err)
	}
	return Commitment{Seq: seq, UserID: userID, PromptID: r.PromptID, Theme: r.Theme, Experiment: r.Experiment,
		At: time.Unix(r.At, 0).UTC(), Due: timeOrZero(r.Due), Asks: r.Asks, Outcome: r.Outcome, Note: r.Note,
		AnsweredAt: timeOrZero(r.AnsweredAt)}, nil
}

func expDueKey(due time.Time, userID string, seq uint64) []byte {
	k := binary.BigEndian.AppendUint64(nil, uint64(due.Unix()))
	return append(k, seqKey(userID, seq)...)
}

// AddCommitment writes a new commitment durably, with its due-index entry,
// and returns it with its sequence.
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) AddCommitment(c Commitment) (Commitment, error) {
	if err := checkID(c.UserID); err != nil {
		return c, err
	}
	err := db.update(func(tx *bolt.Tx) error {
		exps, due, err := expBuckets(tx)
		if err != nil {
			return err
		}
		if c.Seq, err = exps.NextSequence(); err != nil {
			return err
		}
		return putCommitment(exps, due, c, Commitment{})
	})
	if err != nil {
		return c, fmt.Errorf("add commitment for %s: %w", c.UserID, err)
	}
	return c, nil
}

// PutCommitment rewrites a commitment and moves its due-index entry, in
// one transaction.
//
// Returns ErrCommitmentNotFound when the member has no such commitment,
// and ErrInvalidID for a bad user id.
func (db *DB) PutCommitment(c Commitment) error {
	if err := checkID(c.UserID); err != nil {
		return err
	}
	err := db.update(func(tx *bolt.Tx) error {
		exps, due, err := expBuckets(tx)
		if err != nil {
			return err
		}
		v := exps.Get(seqKey(c.UserID, c.Seq))
		if v == nil {
			return ErrCommitmentNotFound
		}
		old, err := decodeCommitment(c.UserID, c.Seq, v)
		if err != nil {
			return err
		}
		return putCommitment(exps, due, c, old)
	})
	if err != nil {
		return fmt.Errorf("put commitment %s/%d: %w", c.UserID, c.Seq, err)
	}
	return nil
}

func expBuckets(tx *bolt.Tx) (*bolt.Bucket, *bolt.Bucket, error) {
	exps, err := tx.CreateBucketIfNotExists(bucketExps)
	if err != nil {
		return nil, nil, err
	}
	due, err := tx.CreateBucketIfNotExists(bucketExpDue)
	return exps, due, err
}

// putCommitment writes c over old (zero for none) and moves its index entry.
func putCommitment(exps, due *bolt.Bucket, c, old Commitment) error {
	if old.Waiting() {
		if err := due.Delete(expDueKey(old.Due, c.UserID, c.Seq)); err != nil {
			return err
		}
	}
	enc, err := encodeCommitment(c)
	if err != nil {
		return err
	}
	if err := exps.Put(seqKey(c.UserID, c.Seq), enc); err != nil {
		return err
	}
	if c.Waiting() {
		return due.Put(expDueKey(c.Due, c.UserID, c.Seq), nil)
	}
	return nil
}

// Commitments returns the member's newest commitments, newest first, at
// most limit (all when limit <= 0).
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) Commitments(userID string, limit int) ([]Commitment, error) {
	if err := checkID(userID); err != nil {
		return nil, err
	}
	var out []Commitment
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketExps)
		if b == nil {
			return nil
		}
		return eachNewest(b, userPrefix(userID), func(k, v []byte) (bool, error) {
			c, err := decodeCommitment(userID, binary.BigEndian.Uint64(k[len(k)-8:]), v)
			out = append(out, c)
			return limit <= 0 || len(out) < limit, err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read commitments of %s: %w", userID, err)
	}
	return out, nil
}

// Commitment returns the member's commitment of sequence seq, and whether
// they have it.
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) Commitment(userID string, seq uint64) (Commitment, bool, error) {
	c, found, err := getSeq(db, bucketExps, userID, seq, func(_, v []byte) (Commitment, error) { return decodeCommitment(userID, seq, v) })
	if err != nil && !errors.Is(err, ErrInvalidID) {
		err = fmt.Errorf("read commitment %s/%d: %w", userID, seq, err)
	}
	return c, found, err
}

// FollowUpsDue lists the follow-ups due at or before now, oldest first, at
// most limit (all when limit <= 0). One stays due until PutCommitment
// moves it.
func (db *DB) FollowUpsDue(now time.Time, limit int) ([]FollowUp, error) {
	var out []FollowUp
	end := binary.BigEndian.AppendUint64(nil, uint64(now.Unix())+1)
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketExpDue)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
			if len(k) < 8+1+8 || k[len(k)-9] != 0 {
				return fmt.Errorf("follow-up index key %x: %w", k, ErrCorrupt)
			}
			out = append(out, FollowUp{UserID: string(k[8 : len(k)-9]), Seq: binary.BigEndian.Uint64(k[len(k)-8:]),
				Due: time.Unix(int64(binary.BigEndian.Uint64(k[:8])), 0).UTC()})
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read follow-ups due: %w", err)
	}
	return out, nil
}

// forgetCommitments deletes the due-index entries of the member's waiting
// commitments; Forget then deletes the commitments with the other
// per-member keys.
func forgetCommitments(tx *bolt.Tx, userID string) error {
	exps, due := tx.Bucket(bucketExps), tx.Bucket(bucketExpDue)
	if exps == nil || due == nil {
		return nil
	}
	prefix := userPrefix(userID)
	c := exps.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		cm, err := decodeCommitment(userID, binary.BigEndian.Uint64(k[len(k)-8:]), v)
		if err != nil {
			return err
		}
		if cm.Waiting() {
			if err := due.Delete(expDueKey(cm.Due, userID, cm.Seq)); err != nil {
				return fmt.Errorf("bucket %s: %w", bucketExpDue, err)
			}
		}
	}
	return nil
}
