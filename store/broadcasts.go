package store

// Broadcasts: discussion topics a lead posts to a channel weekly, and the
// per-channel history the topic picker reads.
//
// # Layout
//
//	broadcasts  broadcast id ("b7") -> Broadcast, its Schedule nested under "s" (schedule.go);
//	            the bucket's sequence numbers the ids
//	bdue        8-byte big-endian NextDue (unix seconds, sign bit flipped), id -> empty
//	bleads      lead id, 0x00, broadcast id -> empty
//	chistory    channel id, 0x00, 8-byte big-endian sequence -> HistoryEntry
//
// bdue works like the nudges' due index (schedules.go): a tick reads it from
// the start and stops at the first key after now, so it costs the number of
// broadcasts due. bleads lets `broadcasts` and forgetting a lead read only that
// lead's records. Both indexes are written in the transaction that writes the
// record: every broadcast has one bleads entry, and one bdue entry exactly when
// it has a NextDue and is not Paused.
//
// Channel history uses the history bucket's key layout with channel ids in
// place of user ids, so the picker's no-repeat rule works per channel as it
// does per member.
//
// These buckets are created by the first write that needs them; a read treats
// a missing bucket as empty, so no migration is needed. Times are kept to the
// second.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketBroadcasts = []byte("broadcasts")
	bucketBDue       = []byte("bdue")
	bucketBLeads     = []byte("bleads")
	bucketCHistory   = []byte("chistory")
)

// ErrBroadcastNotFound is returned by PutBroadcast when the broadcast does not
// exist, typically because its lead cancelled it while it was being posted:
// writing it back would bring it back to life.
var ErrBroadcastNotFound = errors.New("broadcast not found")

// The codec, in encode.go's conventions: JSON, short names, unix seconds.
// Unknown names are ignored, so a record holding a field no longer kept still
// decodes: "o" (a one-off flag nothing ever set) is one. Records written
// before schema 2 kept the schedule's fields at the top level (migrate.go).
// Records written before broadcasts had a language lack "lg": they posted
// in English, so they read as English (decodeBroadcast) and go on posting
// in it; no migration is needed.

type broadcastRecord struct {
	LeadID      string         `json:"l"`
	Channel     string         `json:"c"`
	ChannelName string         `json:"cn,omitempty"`
	Theme       string         `json:"t,omitempty"`
	Role        string         `json:"r,omitempty"`
	Topic       string         `json:"x,omitempty"`
	Lang        string         `json:"lg,omitempty"`
	Schedule    scheduleRecord `json:"s"`
	LastSlot    int64          `json:"ls,omitempty"`
	Failing     string         `json:"f,omitempty"`
	Paused      bool           `json:"p,omitempty"`
	Created     int64          `json:"at,omitempty"`
}

func encodeBroadcast(b Broadcast) ([]byte, error) {
	return json.Marshal(broadcastRecord{
		LeadID: b.LeadID, Channel: b.Channel, ChannelName: b.ChannelName, Theme: b.Theme, Role: b.Role, Topic: b.Topic, Lang: b.Lang,
		Schedule: scheduleToRecord(b.Schedule), LastSlot: unixOrZero(b.LastSlot), Failing: b.Failing,
		Paused: b.Paused, Created: unixOrZero(b.Created),
	})
}

func decodeBroadcast(id string, v []byte) (Broadcast, error) {
	var r broadcastRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return Broadcast{}, fmt.Errorf("decode broadcast %s: %w", id, err)
	}
	return Broadcast{
		ID: id, LeadID: r.LeadID, Channel: r.Channel, ChannelName: r.ChannelName, Theme: r.Theme, Role: r.Role, Topic: r.Topic,
		Lang:     cmp.Or(r.Lang, legacyBroadcastLang),
		Schedule: r.Schedule.schedule(), LastSlot: timeOrZero(r.LastSlot), Failing: r.Failing,
		Paused: r.Paused, Created: timeOrZero(r.Created),
	}, nil
}

// legacyBroadcastLang is the language of a broadcast stored before
// broadcasts had one: English, the only language the bot posted in then.
// It is not the lead's language today, which may have changed since the
// channel got used to the broadcast.
const legacyBroadcastLang = "en"

// Broadcast is a lead's discussion topic for a channel, posted on a Schedule
// (weekly, as `broadcast … every DAY HH:MM` sets it). The Schedule's
// NextDue is indexed: the zero time means none is scheduled, and the
// broadcast is kept but never returned by BroadcastsDue.
type Broadcast struct {
	ID          string // "b" and a number, assigned by CreateBroadcast; short enough to type
	LeadID      string // who asked for it
	Channel     string // channel id
	ChannelName string // for listing without a call to Slack; may be stale
	Theme       string // theme id, or "" for a custom topic
	Role        string // the role its theme's topics are written for; "" for everyone
	Topic       string // the custom topic's text, or ""
	// Lang is the language its posts are in, a base code such as "fr": the
	// lead's when they scheduled it, or the one they gave with lang:. A
	// record written before broadcasts had a language reads as "en".
	Lang string
	Schedule
	// LastSlot is the last slot posted. PutBroadcast never moves it
	// backwards, so a slot is posted at most once.
	LastSlot time.Time
	Failing  string // "" or a short reason for the listing, e.g. "not_in_channel"
	// Paused says the channel is gone: no due entry while set. It is the
	// broadcast's own state, not the Schedule's PausedUntil, which ends at a
	// date. A broadcast held for a reason that may pass (an archived
	// channel, an author no longer a lead) stays due, with Failing set, and
	// posts again once it can.
	Paused  bool
	Created time.Time
}

// due reports whether the broadcast belongs in the due index.
func (b Broadcast) due() bool { return !b.NextDue.IsZero() && !b.Paused }

// CreateBroadcast stores a new broadcast under a fresh id, with its index
// entries, in one transaction, and returns it with the id set and its times
// rounded to the second as stored. Ids are never reused, so a cancelled
// schedule's id cannot come to mean another one.
//
// Returns ErrInvalidID if LeadID or Channel is empty or contains a NUL byte.
func (db *DB) CreateBroadcast(b Broadcast) (Broadcast, error) {
	if err := checkBroadcast(b); err != nil {
		return Broadcast{}, err
	}
	var stored Broadcast
	err := db.update(func(tx *bolt.Tx) error {
		bkt, err := tx.CreateBucketIfNotExists(bucketBroadcasts)
		if err != nil {
			return err
		}
		seq, err := bkt.NextSequence()
		if err != nil {
			return err
		}
		b.ID = "b" + strconv.FormatUint(seq, 10)
		stored, err = putBroadcast(tx, b)
		return err
	})
	if err != nil {
		return Broadcast{}, fmt.Errorf("create broadcast for %s in %s: %w", b.LeadID, b.Channel, err)
	}
	return stored, nil
}

// Broadcast returns the broadcast with the given id and whether it exists.
func (db *DB) Broadcast(id string) (Broadcast, bool, error) {
	var (
		b  Broadcast
		ok bool
	)
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		b, ok, err = getBroadcast(tx, id)
		return err
	})
	return b, ok, err
}

// PutBroadcast replaces an existing broadcast and moves its index entries, in
// one transaction: no due entry when Paused or NextDue is zero. LastSlot is
// kept at the later of the stored and the given one, so a caller holding a
// copy read before a slot was posted cannot reopen it.
//
// Returns ErrBroadcastNotFound if the broadcast does not exist (it was
// deleted; nothing is written), and ErrInvalidID for an empty or NUL-holding
// ID, LeadID or Channel.
func (db *DB) PutBroadcast(b Broadcast) error {
	if err := checkBroadcast(b); err != nil {
		return err
	}
	if err := checkID(b.ID); err != nil {
		return err
	}
	err := db.update(func(tx *bolt.Tx) error {
		if _, ok, err := getBroadcast(tx, b.ID); err != nil || !ok {
			return cmp.Or(err, ErrBroadcastNotFound)
		}
		_, err := putBroadcast(tx, b)
		return err
	})
	if err != nil {
		return fmt.Errorf("put broadcast %s: %w", b.ID, err)
	}
	return nil
}

// DeleteBroadcast removes a broadcast and its index entries in one
// transaction. The channel's topic history stays: it belongs to the channel.
// Deleting a broadcast that does not exist is not an error.
func (db *DB) DeleteBroadcast(id string) error {
	err := db.update(func(tx *bolt.Tx) error {
		old, ok, err := getBroadcast(tx, id)
		if err != nil || !ok {
			return err
		}
		if err := unindexBroadcast(tx, old); err != nil {
			return err
		}
		return tx.Bucket(bucketBroadcasts).Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("delete broadcast %s: %w", id, err)
	}
	return nil
}

// BroadcastsByLead returns a lead's broadcasts, the next due first; those
// with no NextDue (paused ones, say) come last, oldest first. It reads only
// that lead's records.
func (db *DB) BroadcastsByLead(leadID string) ([]Broadcast, error) {
	if err := checkID(leadID); err != nil {
		return nil, err
	}
	var out []Broadcast
	err := db.view(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketBLeads)
		if idx == nil {
			return nil
		}
		prefix := userPrefix(leadID)
		c := idx.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			id := string(k[len(prefix):])
			b, ok, err := getBroadcast(tx, id)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("lead index names missing broadcast %s", id)
			}
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("broadcasts of %s: %w", leadID, err)
	}
	slices.SortFunc(out, compareBroadcasts)
	return out, nil
}

// BroadcastsInChannel returns every lead's broadcasts to a channel, in
// BroadcastsByLead's order. It reads every broadcast record: a workspace
// has a few hundred at most, and only cancelling one asks.
//
// Returns ErrInvalidID if channelID is empty or contains a NUL byte.
func (db *DB) BroadcastsInChannel(channelID string) ([]Broadcast, error) {
	if err := checkID(channelID); err != nil {
		return nil, err
	}
	var out []Broadcast
	err := db.bolt.View(func(tx *bolt.Tx) error {
		bkt := tx.Bucket(bucketBroadcasts)
		if bkt == nil {
			return nil
		}
		return bkt.ForEach(func(k, v []byte) error {
			b, err := decodeBroadcast(string(k), v)
			if err == nil && b.Channel == channelID {
				out = append(out, b)
			}
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("broadcasts in %s: %w", channelID, err)
	}
	slices.SortFunc(out, compareBroadcasts)
	return out, nil
}

// compareBroadcasts orders by NextDue with unscheduled ones last, then by
// creation (ids are numbered in creation order).
func compareBroadcasts(a, b Broadcast) int {
	if a.NextDue.IsZero() != b.NextDue.IsZero() {
		if a.NextDue.IsZero() {
			return 1
		}
		return -1
	}
	return cmp.Or(a.NextDue.Compare(b.NextDue), cmp.Compare(len(a.ID), len(b.ID)), cmp.Compare(a.ID, b.ID))
}

// BroadcastsDue returns the broadcasts due at or before now, oldest first, at
// most limit of them (all when limit <= 0). Its cost is the number returned,
// whatever the number of broadcasts. A broadcast stays due until PutBroadcast
// moves its NextDue or DeleteBroadcast removes it, so one whose tick crashed
// is found again.
func (db *DB) BroadcastsDue(now time.Time, limit int) ([]Broadcast, error) {
	var out []Broadcast
	end := now.Unix()
	err := db.view(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketBDue)
		if idx == nil {
			return nil
		}
		c := idx.Cursor()
		for k, _ := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
			if len(k) < 8 {
				return fmt.Errorf("short key %x", k)
			}
			if dueKeyTime(k) > end {
				break
			}
			id := string(k[8:])
			b, ok, err := getBroadcast(tx, id)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("due entry for missing broadcast %s", id)
			}
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read broadcast due index: %w", err)
	}
	return out, nil
}

// ChannelHistory returns the channel's newest topic entries, at most limit
// of them (all when limit <= 0), oldest first, as History does for a member.
//
// Returns ErrInvalidID if channelID is empty or contains a NUL byte.
func (db *DB) ChannelHistory(channelID string, limit int) ([]HistoryEntry, error) {
	if err := checkID(channelID); err != nil {
		return nil, err
	}
	var h []HistoryEntry
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		h, err = readEntries(tx.Bucket(bucketCHistory), channelID, limit, &db.ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("channel history of %s: %w", channelID, err)
	}
	return h, nil
}

// AppendChannelHistory records a topic posted to the channel.
//
// Returns ErrInvalidID if channelID is empty or contains a NUL byte.
func (db *DB) AppendChannelHistory(channelID string, e HistoryEntry) error {
	if err := checkID(channelID); err != nil {
		return err
	}
	enc, err := encodeHistory(e)
	if err != nil {
		return fmt.Errorf("encode channel history for %s: %w", channelID, err)
	}
	err = db.update(func(tx *bolt.Tx) error {
		bkt, err := tx.CreateBucketIfNotExists(bucketCHistory)
		if err != nil {
			return err
		}
		seq, err := bkt.NextSequence()
		if err != nil {
			return err
		}
		return bkt.Put(seqKey(channelID, seq), enc)
	})
	if err != nil {
		return fmt.Errorf("append channel history for %s: %w", channelID, err)
	}
	return nil
}

func checkBroadcast(b Broadcast) error {
	if err := checkID(b.LeadID); err != nil {
		return err
	}
	return checkID(b.Channel)
}

// gone is the one Failing reason that pauses a broadcast for good (see
// Broadcast.Paused).
const gone = "channel_not_found"

// ReleaseHeldBroadcasts puts back in the due index the broadcasts an
// older mentorbot paused for a reason that may pass (an archived channel,
// an author no longer a lead or no longer in the channel), which it
// paused for good, with no way to resume; it returns how many. serve runs
// it at start, reading only the broadcasts, a few per lead. A slot missed
// meanwhile is skipped as late, not posted, and Failing stays until a
// post succeeds. A record that cannot be decoded is left as it is.
func (db *DB) ReleaseHeldBroadcasts() (int, error) {
	// Read first: a start with nothing to release, every start but the
	// first after an upgrade, costs no commit.
	var held []Broadcast
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		held, err = heldBroadcasts(tx)
		return err
	})
	if err == nil && len(held) > 0 {
		err = db.update(func(tx *bolt.Tx) error {
			var err error
			if held, err = heldBroadcasts(tx); err != nil {
				return err
			}
			for _, b := range held {
				b.Paused = false
				if _, err := putBroadcast(tx, b); err != nil {
					return fmt.Errorf("broadcast %s: %w", b.ID, err)
				}
			}
			return nil
		})
	}
	if err != nil {
		return 0, fmt.Errorf("release held broadcasts: %w", err)
	}
	return len(held), nil
}

// heldBroadcasts are the broadcasts paused for a reason that may pass.
func heldBroadcasts(tx *bolt.Tx) ([]Broadcast, error) {
	bkt := tx.Bucket(bucketBroadcasts)
	if bkt == nil {
		return nil, nil
	}
	var held []Broadcast
	err := bkt.ForEach(func(k, v []byte) error {
		if b, err := decodeBroadcast(string(k), v); err == nil && b.Paused && b.Failing != gone {
			held = append(held, b)
		}
		return nil
	})
	return held, err
}

// getBroadcast reads one broadcast; a missing bucket is an empty one.
func getBroadcast(tx *bolt.Tx, id string) (Broadcast, bool, error) {
	bkt := tx.Bucket(bucketBroadcasts)
	if bkt == nil || id == "" {
		return Broadcast{}, false, nil
	}
	v := bkt.Get([]byte(id))
	if v == nil {
		return Broadcast{}, false, nil
	}
	b, err := decodeBroadcast(id, v)
	return b, err == nil, err
}

// putBroadcast writes b over any record with its id and moves the index
// entries, keeping the later LastSlot. It returns b as stored.
func putBroadcast(tx *bolt.Tx, b Broadcast) (Broadcast, error) {
	bkt, err := tx.CreateBucketIfNotExists(bucketBroadcasts)
	if err != nil {
		return b, err
	}
	old, ok, err := getBroadcast(tx, b.ID)
	if err != nil {
		return b, err
	}
	if ok {
		if old.LastSlot.After(b.LastSlot) {
			b.LastSlot = old.LastSlot
		}
		if err := unindexBroadcast(tx, old); err != nil {
			return b, err
		}
	}
	enc, err := encodeBroadcast(b)
	if err != nil {
		return b, err
	}
	// What is indexed must be what is stored: decode it back, to the second.
	if b, err = decodeBroadcast(b.ID, enc); err != nil {
		return b, err
	}
	if err := bkt.Put([]byte(b.ID), enc); err != nil {
		return b, err
	}
	leads, err := tx.CreateBucketIfNotExists(bucketBLeads)
	if err != nil {
		return b, err
	}
	if err := leads.Put(leadKey(b.LeadID, b.ID), []byte{}); err != nil {
		return b, err
	}
	if !b.due() {
		return b, nil
	}
	due, err := tx.CreateBucketIfNotExists(bucketBDue)
	if err != nil {
		return b, err
	}
	return b, due.Put(dueKey(b.NextDue, b.ID), []byte{})
}

// unindexBroadcast deletes the index entries of a stored broadcast.
func unindexBroadcast(tx *bolt.Tx, old Broadcast) error {
	if leads := tx.Bucket(bucketBLeads); leads != nil {
		if err := leads.Delete(leadKey(old.LeadID, old.ID)); err != nil {
			return err
		}
	}
	if due := tx.Bucket(bucketBDue); due != nil && old.due() {
		return due.Delete(dueKey(old.NextDue, old.ID))
	}
	return nil
}

func leadKey(leadID, id string) []byte { return append(userPrefix(leadID), id...) }
