package store_test

import (
	"path/filepath"
	"testing"

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
