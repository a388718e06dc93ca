package store

// Wins: a member's evidence file, readable only through their own id.
//
// # Layout
//
//	wins      user id, 0x00, 8-byte big-endian sequence -> Win
//	winshown  user id, 0x00 -> the sequence of the win last shown under a prompt card
//
// Keys start with the member's id, so a sequence named by anyone else finds
// nothing: a forged Delete button cannot reach another member's win. Both
// buckets are created by the first win written; a file from before wins has
// neither and reads as having none, so no migration is needed.
//
// A win is written with Update, never Batch: it has reached the disk when
// AddWin returns, so the bot confirms nothing it could lose.

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
	bucketWins     = []byte("wins")
	bucketWinShown = []byte("winshown")
)

// MaxWinLen bounds a win's text, in characters.
const MaxWinLen = 1000

// ErrWinNotFound is returned by DeleteWin when the member has no win with
// that sequence: it was deleted already, or it is someone else's.
var ErrWinNotFound = errors.New("no such win")

// Win is one entry of a member's evidence file: something they did, a
// message they saved, or thanks they were given.
type Win struct {
	Seq    uint64 // assigned by AddWin
	UserID string // whose win it is
	Text   string
	At     time.Time
	// From is the member who thanked UserID with this win; "" for a win
	// the member recorded or saved themselves.
	From string
	// FromGone marks a thanks whose sender has since asked to be
	// forgotten: the words stay the receiver's, the sender's id is gone.
	FromGone bool
	// Author, Channel and Permalink name the message a win was saved from
	// with the message shortcut; all "" otherwise.
	Author    string
	Channel   string
	Permalink string
}

// winRecord is a win as stored in wins.
type winRecord struct {
	Text      string `json:"x,omitempty"`
	At        int64  `json:"at"`
	From      string `json:"f,omitempty"`
	FromGone  bool   `json:"g,omitempty"`
	Author    string `json:"a,omitempty"`
	Channel   string `json:"c,omitempty"`
	Permalink string `json:"l,omitempty"`
}

func encodeWin(w Win) ([]byte, error) {
	return json.Marshal(winRecord{Text: w.Text, At: w.At.Unix(), From: w.From, FromGone: w.FromGone, Author: w.Author, Channel: w.Channel, Permalink: w.Permalink})
}

func decodeWin(userID string, k, v []byte) (Win, error) {
	seq := binary.BigEndian.Uint64(k[len(k)-8:])
	var r winRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return Win{}, fmt.Errorf("decode win %s/%d: %w", userID, seq, err)
	}
	return Win{Seq: seq, UserID: userID, Text: r.Text, At: time.Unix(r.At, 0).UTC(), From: r.From, FromGone: r.FromGone,
		Author: r.Author, Channel: r.Channel, Permalink: r.Permalink}, nil
}

// AddWin writes a win durably and returns it with its sequence.
//
// Returns ErrInvalidID for a bad user id (or a bad From, when set).
func (db *DB) AddWin(w Win) (Win, error) {
	if err := checkID(w.UserID); err != nil {
		return w, err
	}
	if w.From != "" {
		if err := checkID(w.From); err != nil {
			return w, err
		}
	}
	err := db.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketWins)
		if err != nil {
			return err
		}
		if w.Seq, err = b.NextSequence(); err != nil {
			return err
		}
		enc, err := encodeWin(w)
		if err != nil {
			return err
		}
		return b.Put(seqKey(w.UserID, w.Seq), enc)
	})
	if err != nil {
		return w, fmt.Errorf("add win for %s: %w", w.UserID, err)
	}
	return w, nil
}

// Wins returns the member's newest wins, newest first, at most limit of
// them (all when limit <= 0), and how many wins they have in all.
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) Wins(userID string, limit int) ([]Win, int, error) {
	if err := checkID(userID); err != nil {
		return nil, 0, err
	}
	var (
		out   []Win
		total int
	)
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWins)
		if b == nil {
			return nil
		}
		return eachNewest(b, userPrefix(userID), func(k, v []byte) (bool, error) {
			total++
			if limit > 0 && len(out) >= limit {
				return true, nil // only counting now
			}
			w, err := decodeWin(userID, k, v)
			out = append(out, w)
			return true, err
		})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("read wins of %s: %w", userID, err)
	}
	return out, total, nil
}

// Win returns the member's win with sequence seq, and whether they have it.
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) Win(userID string, seq uint64) (Win, bool, error) {
	w, found, err := getSeq(db, bucketWins, userID, seq, func(k, v []byte) (Win, error) { return decodeWin(userID, k, v) })
	if err != nil && !errors.Is(err, ErrInvalidID) {
		err = fmt.Errorf("read win %s/%d: %w", userID, seq, err)
	}
	return w, found, err
}

// getSeq reads the member's record of sequence seq from bucket, decoded by
// decode, and whether there is one: the one lookup of wins and commitments,
// which key their records alike (seqKey).
//
// Returns ErrInvalidID for a bad user id.
func getSeq[T any](db *DB, bucket []byte, userID string, seq uint64, decode func(k, v []byte) (T, error)) (T, bool, error) {
	var (
		rec   T
		found bool
	)
	if err := checkID(userID); err != nil {
		return rec, false, err
	}
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		k := seqKey(userID, seq)
		v := b.Get(k)
		if v == nil {
			return nil
		}
		var err error
		rec, err = decode(k, v)
		found = err == nil
		return err
	})
	return rec, found, err
}

// DeleteWin deletes the member's win with sequence seq.
//
// Returns ErrWinNotFound when the member has no such win (deleted already,
// or another member's), and ErrInvalidID for a bad user id.
func (db *DB) DeleteWin(userID string, seq uint64) error {
	if err := checkID(userID); err != nil {
		return err
	}
	err := db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWins)
		k := seqKey(userID, seq)
		if b == nil || b.Get(k) == nil {
			return ErrWinNotFound
		}
		return b.Delete(k)
	})
	if err != nil {
		return fmt.Errorf("delete win %s/%d: %w", userID, seq, err)
	}
	return nil
}

// NextWinToShow picks the member's win to show under a prompt card and
// remembers it, so the next call picks another: the wins take turns, newest
// first, starting again after the oldest. It reports false when the member
// has no wins.
//
// Returns ErrInvalidID for a bad user id.
func (db *DB) NextWinToShow(userID string) (Win, bool, error) {
	if err := checkID(userID); err != nil {
		return Win{}, false, err
	}
	var (
		w     Win
		found bool
	)
	// Most members have no win, and an impostor card is a command's answer:
	// a read transaction tells without taking the writer's lock and an
	// fsync. A win added in between is found next time.
	prefix := userPrefix(userID)
	err := db.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketWins); b != nil {
			k, _ := lastWithPrefix(b.Cursor(), prefix)
			found = bytes.HasPrefix(k, prefix)
		}
		return nil
	})
	if err != nil {
		return Win{}, false, fmt.Errorf("pick a win of %s: %w", userID, err)
	}
	if !found {
		return Win{}, false, nil
	}
	found = false
	err = db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWins)
		if b == nil {
			return nil
		}
		shown, err := tx.CreateBucketIfNotExists(bucketWinShown)
		if err != nil {
			return err
		}
		k, v := olderWin(b.Cursor(), prefix, shown.Get(prefix))
		if k == nil {
			return nil // no wins at all
		}
		if w, err = decodeWin(userID, k, v); err != nil {
			return err
		}
		found = true
		return shown.Put(prefix, bytes.Clone(k[len(k)-8:]))
	})
	if err != nil {
		return Win{}, false, fmt.Errorf("pick a win of %s: %w", userID, err)
	}
	return w, found, nil
}

// olderWin is the member's win just older than the one last shown (an
// 8-byte sequence, or nil), or their newest when there is none older.
func olderWin(c *bolt.Cursor, prefix, last []byte) ([]byte, []byte) {
	if last != nil {
		k, _ := c.Seek(append(bytes.Clone(prefix), last...))
		var v []byte
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		if k != nil && bytes.HasPrefix(k, prefix) {
			return k, v
		}
	}
	k, v := lastWithPrefix(c, prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	return k, v
}

// forgetThanksFrom takes the member's id off the thanks they gave: the
// words stay in the receivers' wins, which are theirs, marked as from a
// member who has gone. Thanks are keyed by receiver, so every win is
// looked at; only those whose bytes name the member are decoded. (A win
// saved from a member's Slack message keeps its author: it is a copy of a
// message Slack still holds, which the saver chose to keep.)
func forgetThanksFrom(tx *bolt.Tx, userID string) error {
	b := tx.Bucket(bucketWins)
	if b == nil {
		return nil
	}
	from, err := json.Marshal(winRecord{From: userID})
	if err != nil {
		return err
	}
	// {"at":0,"f":"U1"} -> "f":"U1"
	needle := from[bytes.Index(from, []byte(`"f":`)) : len(from)-1]
	return rewriteValues(b, func(k, v []byte) ([]byte, error) {
		if !bytes.Contains(v, needle) {
			return nil, nil
		}
		var r winRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("decode win %q: %w", k, err)
		}
		if r.From != userID {
			return nil, nil
		}
		r.From, r.FromGone = "", true
		return json.Marshal(r)
	})
}
