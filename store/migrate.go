package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// Schema migrations.
//
// The file records the version of the layout that wrote it (meta "schema").
// Open runs, in the same write transaction that reads the version, every step
// after it up to SchemaVersion, then records SchemaVersion: a crash leaves the
// old layout with the old version or the new one with the new version, never a
// mix. A file from a newer mentorbot is refused (ErrSchemaTooNew) before any
// step runs, and the transaction that noticed is rolled back, so it is never
// rewritten.
//
// Version 0 is a file with no recorded version: a new file, or one written
// before the version was kept. To change the layout, append a step, bump
// SchemaVersion, and add a test that opens a file of the previous version.
// A step must be idempotent on the part of the layout it creates (v0 files
// may already have some of the v1 buckets) and must not depend on code that a
// later version changes.

// migrations[v] turns a version v-1 layout into version v. Index 0 is unused.
var migrations = []func(*bolt.Tx) error{
	0: nil,
	1: func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketUsers, bucketHistory} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	},
	// Reflections are appended to jlog, their prompts' texts kept once in
	// ptext (journal.go). Those already written stay in journal, where they
	// are read and deleted as before: rewriting them all would hold the file
	// for minutes at open on a large workspace. The version keeps an older
	// mentorbot, which knows neither bucket, from opening the file: it
	// would not show, export or forget the newer reflections.
	2: func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketJLog, bucketJIndex, bucketPText} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	},
	3: nestSchedules,
}

// nestSchedules is step 3: a subscription's and a broadcast's schedule
// fields move from the top level of their records into one nested "s"
// object, the encoding of the Schedule both now embed; a broadcast, weekly
// until now without saying so, gets cadence "weekly". It edits the JSON
// by key, not through today's codecs, so a later change to those cannot
// change what this step does. A record already nested is left alone.
func nestSchedules(tx *bolt.Tx) error {
	// In schemas 1 and 2, a subscription's schedule was c, d, h, m, z, p, n; a
	// broadcast's d, h, m, z, n (its c was the channel and p its paused flag).
	if err := nestEach(tx.Bucket(bucketSubs), []string{"c", "d", "h", "m", "z", "p", "n"}, ""); err != nil {
		return fmt.Errorf("subscriptions: %w", err)
	}
	if err := nestEach(tx.Bucket(bucketBroadcasts), []string{"d", "h", "m", "z", "n"}, "weekly"); err != nil {
		return fmt.Errorf("broadcasts: %w", err)
	}
	return nil
}

// nestEach moves keys of every record of bkt (nil is empty) into "s",
// setting "c" there to cadence unless cadence is "".
func nestEach(bkt *bolt.Bucket, keys []string, cadence string) error {
	if bkt == nil {
		return nil
	}
	return rewriteValues(bkt, func(k, v []byte) ([]byte, error) {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("record %q: %w", k, err)
		}
		if _, done := rec["s"]; done {
			return nil, nil
		}
		sched := map[string]json.RawMessage{}
		for _, key := range keys {
			if x, ok := rec[key]; ok {
				sched[key] = x
				delete(rec, key)
			}
		}
		if cadence != "" {
			sched["c"], _ = json.Marshal(cadence)
		}
		var err error
		if rec["s"], err = json.Marshal(sched); err != nil {
			return nil, err
		}
		return json.Marshal(rec)
	})
}

// rewriteValues gives every key of bkt the value fn returns for it, or
// leaves it when fn returns nil. The new values are put after the walk:
// bbolt forbids writing to a bucket while ForEach walks it.
func rewriteValues(bkt *bolt.Bucket, fn func(k, v []byte) ([]byte, error)) error {
	type kv struct{ k, v []byte }
	var out []kv
	err := bkt.ForEach(func(k, v []byte) error {
		enc, err := fn(k, v)
		if err != nil || enc == nil {
			return err
		}
		out = append(out, kv{slices.Clone(k), enc})
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range out {
		if err := bkt.Put(r.k, r.v); err != nil {
			return err
		}
	}
	return nil
}

// migrate runs every step after from up to SchemaVersion and records the new
// version. It does nothing on a file that is already current.
func migrate(tx *bolt.Tx, from int) error {
	if len(migrations) != SchemaVersion+1 {
		return fmt.Errorf("schema %d has %d migration steps: the list is out of date", SchemaVersion, len(migrations)-1)
	}
	if from < 0 {
		return fmt.Errorf("schema version %d: %w", from, ErrNotDatabase)
	}
	if from >= SchemaVersion {
		return nil
	}
	for v := from + 1; v <= SchemaVersion; v++ {
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v-1, v, err)
		}
	}
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("record schema version: %w", err)
	}
	return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
}
