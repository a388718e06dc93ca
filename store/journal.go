package store

// The journal: a member's reflections, readable only through their own id.
//
// # Layout
//
//	journal    user id, 0x00, 8-byte big-endian sequence -> Reflection
//	jprompt    user id, 0x00, prompt id -> the sequence of their newest reflection on it
//
// A reflection is written with Update, never Batch: it has reached the disk
// when AddReflection returns, so the bot confirms nothing it could lose.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketJournal = []byte("journal")
	bucketJPrompt = []byte("jprompt")
)

// MaxReflectionLen bounds a reflection's text, in characters: Slack's
// multi-line input allows 3,000.
const MaxReflectionLen = 3000

// Reflection is one journal entry.
type Reflection struct {
	Seq      uint64 // assigned by AddReflection
	UserID   string
	PromptID string
	Theme    string
	Prompt   string // the prompt's text when it was answered; the catalog may change
	Text     string
	At       time.Time
	// Slot is the scheduled nudge this answers, zero for a prompt asked for.
	Slot time.Time
}

type reflectionRecord struct {
	PromptID string `json:"p"`
	Theme    string `json:"t"`
	Prompt   string `json:"q"`
	Text     string `json:"x"`
	At       int64  `json:"at"`
	Slot     int64  `json:"s,omitempty"`
}

func encodeReflection(r Reflection) ([]byte, error) {
	return json.Marshal(reflectionRecord{PromptID: r.PromptID, Theme: r.Theme, Prompt: r.Prompt, Text: r.Text, At: r.At.Unix(), Slot: unixOrZero(r.Slot)})
}

func decodeReflection(userID string, seq uint64, b []byte) (Reflection, error) {
	var rec reflectionRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return Reflection{}, fmt.Errorf("decode reflection %s/%d: %w", userID, seq, err)
	}
	return Reflection{Seq: seq, UserID: userID, PromptID: rec.PromptID, Theme: rec.Theme, Prompt: rec.Prompt,
		Text: rec.Text, At: time.Unix(rec.At, 0).UTC(), Slot: timeOrZero(rec.Slot)}, nil
}

// AddReflection writes a reflection durably and, when it answers a scheduled
// nudge, marks that nudge reflected in the same transaction.
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) AddReflection(r Reflection) (Reflection, error) {
	if err := checkID(r.UserID); err != nil {
		return r, err
	}
	err := db.update(func(tx *bolt.Tx) error { return addReflection(tx, &r) })
	if err != nil {
		return r, fmt.Errorf("add reflection for %s: %w", r.UserID, err)
	}
	return r, nil
}

// addReflection is AddReflection's transaction; it sets r.Seq.
func addReflection(tx *bolt.Tx, r *Reflection) error {
	j, err := tx.CreateBucketIfNotExists(bucketJournal)
	if err != nil {
		return err
	}
	idx, err := tx.CreateBucketIfNotExists(bucketJPrompt)
	if err != nil {
		return err
	}
	if r.Seq, err = j.NextSequence(); err != nil {
		return err
	}
	enc, err := encodeReflection(*r)
	if err != nil {
		return err
	}
	if err := j.Put(seqKey(r.UserID, r.Seq), enc); err != nil {
		return err
	}
	if err := idx.Put(append(userPrefix(r.UserID), r.PromptID...), binary.BigEndian.AppendUint64(nil, r.Seq)); err != nil {
		return err
	}
	if r.Slot.IsZero() {
		return nil
	}
	return markReflected(tx, r.UserID, r.Slot)
}

// Reflections returns the member's newest reflections, newest first, at most
// limit of them (all when limit <= 0).
func (db *DB) Reflections(userID string, limit int) ([]Reflection, error) {
	if err := checkID(userID); err != nil {
		return nil, err
	}
	var out []Reflection
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJournal)
		if b == nil {
			return nil
		}
		return eachNewest(b, userPrefix(userID), func(k, v []byte) (bool, error) {
			r, err := decodeReflection(userID, binary.BigEndian.Uint64(k[len(k)-8:]), v)
			if err != nil {
				return false, err
			}
			out = append(out, r)
			return limit <= 0 || len(out) < limit, nil
		})
	})
	return out, err
}

// LastReflectionOn returns the member's newest reflection on a prompt.
func (db *DB) LastReflectionOn(userID, promptID string) (Reflection, bool, error) {
	if err := checkID(userID); err != nil {
		return Reflection{}, false, err
	}
	var (
		r     Reflection
		found bool
	)
	err := db.view(func(tx *bolt.Tx) error {
		idx, j := tx.Bucket(bucketJPrompt), tx.Bucket(bucketJournal)
		if idx == nil || j == nil {
			return nil
		}
		seq := idx.Get(append(userPrefix(userID), promptID...))
		if seq == nil {
			return nil
		}
		n := binary.BigEndian.Uint64(seq)
		v := j.Get(seqKey(userID, n))
		if v == nil {
			return nil
		}
		var err error
		r, err = decodeReflection(userID, n, v)
		found = err == nil
		return err
	})
	return r, found, err
}

// eachNewest calls fn for the keys with prefix from the last to the first,
// until fn returns false or an error.
func eachNewest(b *bolt.Bucket, prefix []byte, fn func(k, v []byte) (bool, error)) error {
	c := b.Cursor()
	for k, v := lastWithPrefix(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		more, err := fn(k, v)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// lastWithPrefix moves c to the last key at or before the end of prefix's
// range and returns it; the caller checks that it has prefix (none may).
// prefix ends in userPrefix's 0x00, so the key just past the range is the
// prefix with that byte made 0x01.
func lastWithPrefix(c *bolt.Cursor, prefix []byte) ([]byte, []byte) {
	end := bytes.Clone(prefix)
	end[len(end)-1]++
	if k, _ := c.Seek(end); k == nil {
		return c.Last()
	}
	return c.Prev()
}
