package store

// Scheduled nudges: one record per member and slot, so a slot is sent once.
//
// # Layout
//
//	nudges  user id, 0x00, 8-byte big-endian slot (unix seconds) -> Nudge
//
// A nudge is claimed (status "sending") before the message goes to Slack and
// finished ("sent") after, in the transaction that also moves the member's
// NextDue and records the prompt in their history. A crash between the two
// leaves a claim: the next tick sends the same prompt again, which is the one
// window where a member can get a duplicate (Slack accepted the message, we
// did not hear back). Every other outcome is exactly once.

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketNudges = []byte("nudges")

// Nudge statuses.
const (
	NudgeSending = "sending" // claimed; Slack may or may not have it
	NudgeSent    = "sent"
	NudgeSkipped = "skipped"
)

// Nudge is what happened to one scheduled slot of a member.
type Nudge struct {
	UserID    string
	Slot      time.Time // the due instant, UTC, to the second
	Status    string
	Reason    string // why a nudge was skipped: "late", "skip", "paused"
	PromptID  string
	Theme     string
	Channel   string // where it was posted
	TS        string // the message's ts
	At        time.Time
	Reflected bool
	// NewCycle says the prompt starts a new cycle through its theme; it is
	// copied to the history entry when the nudge is sent.
	NewCycle bool
	// Restarted says the new cycle is because the member had seen every
	// prompt of the theme: the card tells them so.
	Restarted bool
}

type nudgeRecord struct {
	Status    string `json:"s"`
	Reason    string `json:"r,omitempty"`
	PromptID  string `json:"p,omitempty"`
	Theme     string `json:"t,omitempty"`
	Channel   string `json:"c,omitempty"`
	TS        string `json:"ts,omitempty"`
	At        int64  `json:"at,omitempty"`
	Reflected bool   `json:"x,omitempty"`
	NewCycle  bool   `json:"n,omitempty"`
	Restarted bool   `json:"rc,omitempty"`
}

func encodeNudge(n Nudge) ([]byte, error) {
	return json.Marshal(nudgeRecord{n.Status, n.Reason, n.PromptID, n.Theme, n.Channel, n.TS, unixOrZero(n.At), n.Reflected, n.NewCycle, n.Restarted})
}

func decodeNudge(userID string, slot int64, b []byte) (Nudge, error) {
	var r nudgeRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Nudge{}, fmt.Errorf("decode nudge %s/%d: %w", userID, slot, err)
	}
	return Nudge{UserID: userID, Slot: time.Unix(slot, 0).UTC(), Status: r.Status, Reason: r.Reason, PromptID: r.PromptID,
		Theme: r.Theme, Channel: r.Channel, TS: r.TS, At: timeOrZero(r.At), Reflected: r.Reflected, NewCycle: r.NewCycle, Restarted: r.Restarted}, nil
}

func nudgeKey(userID string, slot time.Time) []byte {
	return binary.BigEndian.AppendUint64(userPrefix(userID), uint64(slot.Unix()))
}

// ClaimNudge returns the record of the member's slot, creating it with status
// NudgeSending (and the given prompt) when there is none. A caller that gets
// back NudgeSent or NudgeSkipped must not send; one that gets NudgeSending
// sends the record's prompt, which is the original choice after a crash.
func (db *DB) ClaimNudge(n Nudge) (Nudge, error) {
	if err := checkID(n.UserID); err != nil {
		return n, err
	}
	err := db.update(func(tx *bolt.Tx) error { return claimNudge(tx, &n) })
	if err != nil {
		return n, fmt.Errorf("claim nudge %s at %s: %w", n.UserID, n.Slot, err)
	}
	return n, nil
}

// claimNudge is ClaimNudge's transaction: *n becomes the slot's record.
func claimNudge(tx *bolt.Tx, n *Nudge) error {
	n.Slot = n.Slot.UTC().Truncate(time.Second)
	b, err := tx.CreateBucketIfNotExists(bucketNudges)
	if err != nil {
		return err
	}
	k := nudgeKey(n.UserID, n.Slot)
	if v := b.Get(k); v != nil {
		*n, err = decodeNudge(n.UserID, n.Slot.Unix(), v)
		return err
	}
	n.Status = NudgeSending
	enc, err := encodeNudge(*n)
	if err != nil {
		return err
	}
	return b.Put(k, enc)
}

// FinishNudge records the outcome of a slot, the member's subscription with
// its next due time, and (when a prompt was sent) the history entry, all in
// one transaction. Concurrent calls share one fsync.
func (db *DB) FinishNudge(n Nudge, next Subscription, hist *HistoryEntry) error {
	if err := checkID(n.UserID); err != nil {
		return err
	}
	n.Slot = n.Slot.UTC().Truncate(time.Second)
	enc, err := encodeNudge(n)
	if err != nil {
		return err
	}
	subEnc, err := encodeSubscription(next)
	if err != nil {
		return err
	}
	err = db.batch(func(tx *bolt.Tx) error { return finishNudge(tx, n, enc, subEnc, hist) })
	if err != nil {
		return fmt.Errorf("finish nudge %s at %s: %w", n.UserID, n.Slot, err)
	}
	return nil
}

// finishNudge is FinishNudge's transaction, with the nudge and the
// subscription encoded.
func finishNudge(tx *bolt.Tx, n Nudge, enc, subEnc []byte, hist *HistoryEntry) error {
	b, err := tx.CreateBucketIfNotExists(bucketNudges)
	if err != nil {
		return err
	}
	if err := b.Put(nudgeKey(n.UserID, n.Slot), enc); err != nil {
		return err
	}
	if err := putSubscription(tx, n.UserID, subEnc); err != nil {
		return err
	}
	if hist == nil {
		return nil
	}
	return appendHistory(tx, n.UserID, *hist)
}

// Nudges returns the member's newest nudge records, newest first, at most
// limit of them (all when limit <= 0).
func (db *DB) Nudges(userID string, limit int) ([]Nudge, error) {
	if err := checkID(userID); err != nil {
		return nil, err
	}
	var out []Nudge
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketNudges)
		if b == nil {
			return nil
		}
		return eachNewest(b, userPrefix(userID), func(k, v []byte) (bool, error) {
			n, err := decodeNudge(userID, int64(binary.BigEndian.Uint64(k[len(k)-8:])), v)
			if err != nil {
				return false, err
			}
			out = append(out, n)
			return limit <= 0 || len(out) < limit, nil
		})
	})
	return out, err
}

// markReflected flags the member's nudge of slot as answered, if it exists.
func markReflected(tx *bolt.Tx, userID string, slot time.Time) error {
	b := tx.Bucket(bucketNudges)
	if b == nil {
		return nil
	}
	slot = slot.UTC().Truncate(time.Second)
	k := nudgeKey(userID, slot)
	v := b.Get(k)
	if v == nil {
		return nil
	}
	n, err := decodeNudge(userID, slot.Unix(), v)
	if err != nil || n.Reflected {
		return err
	}
	n.Reflected = true
	enc, err := encodeNudge(n)
	if err != nil {
		return err
	}
	return b.Put(k, enc)
}
