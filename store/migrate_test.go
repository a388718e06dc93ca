package store_test

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	bolt "go.etcd.io/bbolt"
)

func TestMigrate(t *testing.T) {
	// A file from before the version was recorded: the meta bucket without
	// the schema key, and members' data beside it.
	t.Run("FromV0", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fill(t, db, 3, 20)
		db.Close()
		bdb, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = bdb.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Delete([]byte("schema")) })
		bdb.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := openCopy(t, closedDB(t, 3)) // the same data, written by this version

		db, err = store.Open(path, store.Options{})
		if err != nil {
			t.Fatalf("open a v0 file: %v", err)
		}
		defer db.Close()
		if v, err := db.Schema(); err != nil || v != store.SchemaVersion {
			t.Fatalf("Schema() = %d, %v; want %d", v, err, store.SchemaVersion)
		}
		mustSameData(t, want, db, 3)
	})

	t.Run("Current", func(t *testing.T) {
		path := closedDB(t, 1)
		for range 2 {
			db, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			v, err := db.Schema()
			db.Close()
			if err != nil || v != store.SchemaVersion {
				t.Fatalf("Schema() = %d, %v", v, err)
			}
		}
	})
}

// A file written by schema 1 keeps each reflection under its author's key
// in journal, its prompt's text inline. After the upgrade those are read,
// found by prompt and forgotten as before, beside the reflections written
// since, which go to jlog.
func TestMigrateV1Journal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	at := time.Date(2026, 6, 5, 16, 0, 0, 0, time.UTC)
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "users", "history", "journal", "jprompt"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		if err := tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("1")); err != nil {
			return err
		}
		j, idx := tx.Bucket([]byte("journal")), tx.Bucket([]byte("jprompt"))
		// What schema 1's AddReflection wrote, byte for byte.
		for i, u := range []string{"U1", "U2", "U1"} {
			seq, err := j.NextSequence()
			if err != nil {
				return err
			}
			key := binary.BigEndian.AppendUint64([]byte(u+"\x00"), seq)
			rec := fmt.Sprintf(`{"p":"impostor-a","t":"impostor","q":"The old words %d","x":"Old answer %d","at":%d}`, i, i, at.Unix()+int64(i))
			if err := j.Put(key, []byte(rec)); err != nil {
				return err
			}
			if err := idx.Put([]byte(u+"\x00impostor-a"), binary.BigEndian.AppendUint64(nil, seq)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = bdb.Close()
	}
	if err != nil {
		t.Fatal(err)
	}

	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open a schema 1 file: %v", err)
	}
	defer db.Close()
	if v, err := db.Schema(); err != nil || v != store.SchemaVersion {
		t.Fatalf("Schema() = %d, %v; want %d", v, err, store.SchemaVersion)
	}
	texts := func(rs []store.Reflection) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.Prompt+"/"+r.Text)
		}
		return strings.Join(s, ", ")
	}
	if rs, err := db.Reflections("U1", 0); err != nil || texts(rs) != "The old words 2/Old answer 2, The old words 0/Old answer 0" {
		t.Fatalf("U1's reflections after the upgrade: %s, %v", texts(rs), err)
	}
	if r, ok, err := db.LastReflectionOn("U1", "impostor-a"); err != nil || !ok || r.Text != "Old answer 2" {
		t.Fatalf("LastReflectionOn = %+v, %v, %v", r, ok, err)
	}
	if _, err := db.AddReflection(store.Reflection{UserID: "U1", PromptID: "impostor-a", Theme: "impostor", Prompt: "The new words", Text: "New answer", At: at.AddDate(0, 0, 7)}); err != nil {
		t.Fatal(err)
	}
	if rs, err := db.Reflections("U1", 2); err != nil || texts(rs) != "The new words/New answer, The old words 2/Old answer 2" {
		t.Fatalf("U1's newest two: %s, %v", texts(rs), err)
	}
	if r, ok, err := db.LastReflectionOn("U1", "impostor-a"); err != nil || !ok || r.Text != "New answer" || r.Prompt != "The new words" {
		t.Fatalf("LastReflectionOn after a new one = %+v, %v, %v", r, ok, err)
	}
	if err := db.Forget("U1"); err != nil {
		t.Fatal(err)
	}
	if rs, err := db.Reflections("U1", 0); err != nil || len(rs) != 0 {
		t.Fatalf("U1's reflections after forget: %s, %v", texts(rs), err)
	}
	if rs, err := db.Reflections("U2", 0); err != nil || texts(rs) != "The old words 1/Old answer 1" {
		t.Fatalf("U2's reflections: %s, %v", texts(rs), err)
	}
}
