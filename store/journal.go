package store

// The journal: a member's reflections, readable only through their own id.
//
// # Layout
//
//	jlog       8-byte big-endian sequence -> Reflection (with its author's id)
//	jindex     user id, 0x00, 8-byte big-endian sequence -> nothing: the member's reflections in order
//	ptext      prompt id, 0x00, 4-byte hash of its text -> the prompt's text as it was shown
//	jprompt    user id, 0x00, prompt id -> the sequence of their newest reflection on it
//	journal    user id, 0x00, 8-byte big-endian sequence -> Reflection, prompt text inline:
//	           reflections written before schema 2, read and deleted, never written
//
// Sequences come from the journal bucket's counter, so they grow across both
// layouts, and every reflection in jlog is newer than every one in journal.
// jlog only ever grows at its end, and its pages are filled before they
// split (FillPercent 1): the journal used to be keyed by member, each member's
// reflections growing in the middle of the tree, which left its pages about
// 37% full. A reflection names the text of the prompt it answers by a hash
// in ptext, shared by every reflection on the same text, rather than copying
// it: the text that was shown stays readable when the catalog changes. Both
// cut a subscriber-year (BenchmarkDatabaseSizePerSubscriber, 52 reflections
// of 400 characters) from 130 KB to the figure in docs/benchmarks.md.
//
// A reflection is written with Update, never Batch: it has reached the disk
// when AddReflection returns, so the bot confirms nothing it could lose.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketJournal = []byte("journal")
	bucketJLog    = []byte("jlog")
	bucketJIndex  = []byte("jindex")
	bucketPText   = []byte("ptext")
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
	// View names the form submission that wrote it (Slack's view id and
	// hash), so the same submission sent again is recognised; "" for
	// reflections written before it was kept.
	View string
}

// reflectionRecord is a reflection as stored. In jlog it names its author
// (u) and its prompt's text by hash (h), or holds the text (q) when another
// text of the same prompt has the same hash; in journal it holds the text.
type reflectionRecord struct {
	UserID   string `json:"u,omitempty"`
	PromptID string `json:"p"`
	Theme    string `json:"t"`
	TextHash string `json:"h,omitempty"`
	Prompt   string `json:"q,omitempty"`
	Text     string `json:"x"`
	At       int64  `json:"at"`
	Slot     int64  `json:"s,omitempty"`
	View     string `json:"v,omitempty"`
}

// encodeReflection encodes r for jlog, its prompt's text named by textHash,
// or inline when textHash is "".
func encodeReflection(r Reflection, textHash string) ([]byte, error) {
	rec := reflectionRecord{UserID: r.UserID, PromptID: r.PromptID, Theme: r.Theme, TextHash: textHash, Text: r.Text, At: r.At.Unix(), Slot: unixOrZero(r.Slot), View: r.View}
	if textHash == "" {
		rec.Prompt = r.Prompt
	}
	return json.Marshal(rec)
}

// decodeReflection reads a reflection of userID's from either layout,
// looking its prompt's text up in ptext (which may be nil) when the record
// names it by hash.
func decodeReflection(ptext *bolt.Bucket, userID string, seq uint64, b []byte) (Reflection, error) {
	var rec reflectionRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return Reflection{}, fmt.Errorf("decode reflection %s/%d: %w", userID, seq, err)
	}
	if rec.UserID != "" && rec.UserID != userID {
		return Reflection{}, fmt.Errorf("reflection %d is %s's, indexed as %s's: %w", seq, rec.UserID, userID, ErrCorrupt)
	}
	if rec.TextHash != "" {
		var text []byte
		if ptext != nil {
			text = ptext.Get(promptTextKey(rec.PromptID, rec.TextHash))
		}
		if text == nil {
			return Reflection{}, fmt.Errorf("reflection %s/%d: text %s of prompt %s missing: %w", userID, seq, rec.TextHash, rec.PromptID, ErrCorrupt)
		}
		rec.Prompt = string(text)
	}
	return Reflection{Seq: seq, UserID: userID, PromptID: rec.PromptID, Theme: rec.Theme, Prompt: rec.Prompt,
		Text: rec.Text, At: time.Unix(rec.At, 0).UTC(), Slot: timeOrZero(rec.Slot), View: rec.View}, nil
}

// textHash names a prompt's text in ptext: 8 hex digits of its FNV-1a hash.
// Two texts of one prompt with the same hash are told apart when the second
// is written (rememberPromptText).
func textHash(text string) string {
	h := fnv.New32a()
	h.Write([]byte(text))
	return fmt.Sprintf("%08x", h.Sum32())
}

func promptTextKey(promptID, hash string) []byte {
	return append(append(append([]byte(nil), promptID...), 0), hash...)
}

// rememberPromptText stores text as promptID's under its hash and returns
// the hash, or "" when that hash already names another text of the prompt:
// the reflection then keeps its text inline.
func rememberPromptText(tx *bolt.Tx, promptID, text string) (string, error) {
	pt, err := tx.CreateBucketIfNotExists(bucketPText)
	if err != nil {
		return "", err
	}
	hash := textHash(text)
	k := promptTextKey(promptID, hash)
	switch old := pt.Get(k); {
	case old == nil:
		return hash, pt.Put(k, []byte(text))
	case string(old) == text:
		return hash, nil
	default:
		return "", nil
	}
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
	var bkts [4]*bolt.Bucket
	for i, name := range [][]byte{bucketJournal, bucketJLog, bucketJIndex, bucketJPrompt} {
		b, err := tx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		bkts[i] = b
	}
	seqs, log, index, byPrompt := bkts[0], bkts[1], bkts[2], bkts[3]
	log.FillPercent = 1 // appended to at its end only
	var err error
	if r.Seq, err = seqs.NextSequence(); err != nil {
		return err
	}
	hash, err := rememberPromptText(tx, r.PromptID, r.Prompt)
	if err != nil {
		return err
	}
	enc, err := encodeReflection(*r, hash)
	if err != nil {
		return err
	}
	seq := binary.BigEndian.AppendUint64(nil, r.Seq)
	if err := log.Put(seq, enc); err != nil {
		return err
	}
	if err := index.Put(seqKey(r.UserID, r.Seq), nil); err != nil {
		return err
	}
	if err := byPrompt.Put(append(userPrefix(r.UserID), r.PromptID...), seq); err != nil {
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
		more := true
		add := func(k, v []byte) (bool, error) {
			r, err := decodeReflection(tx.Bucket(bucketPText), userID, binary.BigEndian.Uint64(k[len(k)-8:]), v)
			if err != nil {
				return false, err
			}
			out = append(out, r)
			more = limit <= 0 || len(out) < limit
			return more, nil
		}
		// The newer layout first: its reflections are all newer.
		if index, log := tx.Bucket(bucketJIndex), tx.Bucket(bucketJLog); index != nil && log != nil {
			err := eachNewest(index, userPrefix(userID), func(k, _ []byte) (bool, error) {
				v := log.Get(k[len(k)-8:])
				if v == nil {
					return false, fmt.Errorf("reflection %s/%d indexed but missing: %w", userID, binary.BigEndian.Uint64(k[len(k)-8:]), ErrCorrupt)
				}
				return add(k, v)
			})
			if err != nil || !more {
				return err
			}
		}
		if old := tx.Bucket(bucketJournal); old != nil {
			return eachNewest(old, userPrefix(userID), add)
		}
		return nil
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
		idx := tx.Bucket(bucketJPrompt)
		if idx == nil {
			return nil
		}
		seq := idx.Get(append(userPrefix(userID), promptID...))
		if seq == nil {
			return nil
		}
		n := binary.BigEndian.Uint64(seq)
		var v []byte
		if log := tx.Bucket(bucketJLog); log != nil {
			v = log.Get(seq)
		}
		if old := tx.Bucket(bucketJournal); v == nil && old != nil {
			v = old.Get(seqKey(userID, n))
		}
		if v == nil {
			return nil
		}
		var err error
		r, err = decodeReflection(tx.Bucket(bucketPText), userID, n, v)
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
