package store

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestJournalPromptTexts(t *testing.T) {
	at := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	add := func(t *testing.T, db *DB, user, prompt string) {
		t.Helper()
		if _, err := db.AddReflection(Reflection{UserID: user, PromptID: "vision-a", Theme: "vision", Prompt: prompt, Text: "My answer", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(t *testing.T, db *DB, bucket []byte) int {
		t.Helper()
		n := 0
		if err := db.bolt.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucket).Stats().KeyN; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	prompts := func(t *testing.T, db *DB, user string) []string {
		t.Helper()
		rs, err := db.Reflections(user, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.Prompt)
		}
		return out
	}

	// Every reflection on the same words shares one copy of them; a prompt
	// reworded in the catalog adds the new words and keeps the old ones for
	// the reflections that answered them.
	t.Run("SharedAndReworded", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		add(t, db, "U1", "Where is the north star?")
		add(t, db, "U2", "Where is the north star?")
		add(t, db, "U1", "Where is your north star?")
		if n := count(t, db, bucketPText); n != 2 {
			t.Errorf("%d texts kept for two wordings", n)
		}
		if got := prompts(t, db, "U1"); len(got) != 2 || got[0] != "Where is your north star?" || got[1] != "Where is the north star?" {
			t.Errorf("U1 sees %q", got)
		}
	})

	// Another text of the prompt under the same hash: the reflection keeps
	// its words inline and both read back right.
	t.Run("HashCollision", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		const words = "What did you dare this week?"
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			pt, err := tx.CreateBucketIfNotExists(bucketPText)
			if err != nil {
				return err
			}
			return pt.Put(promptTextKey("vision-a", textHash(words)), []byte("Some other words"))
		})
		if err != nil {
			t.Fatal(err)
		}
		add(t, db, "U1", words)
		if got := prompts(t, db, "U1"); len(got) != 1 || got[0] != words {
			t.Errorf("U1 sees %q, want %q", got, words)
		}
	})

	// Forget leaves nothing of the member's in the log or its index.
	t.Run("Forget", func(t *testing.T) {
		db := mustOpenSchedDB(t)
		add(t, db, "U1", "Q?")
		add(t, db, "U2", "Q?")
		add(t, db, "U1", "Q?")
		if err := db.Forget("U1"); err != nil {
			t.Fatal(err)
		}
		if log, index := count(t, db, bucketJLog), count(t, db, bucketJIndex); log != 1 || index != 1 {
			t.Errorf("after forgetting U1: %d reflections in jlog, %d in jindex; want U2's one", log, index)
		}
		if got := prompts(t, db, "U2"); len(got) != 1 {
			t.Errorf("U2's reflections: %q", got)
		}
	})
}
