package store_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

// TestMigrateSchedules opens testdata/schema1.db and schema2.db, written
// by the mentorbot of those schemas (before subscriptions and broadcasts
// embedded one Schedule) with the same records: three subscriptions (one
// paused, one without a next nudge), a sent nudge, and three broadcasts (one
// with a posted slot, one paused). Every record must read back as it was
// written, the due indexes must still find what is due, and the file must
// keep opening.
func TestMigrateSchedules(t *testing.T) {
	for _, name := range []string{"schema1.db", "schema2.db"} {
		t.Run(name, func(t *testing.T) { testMigrateSchedules(t, filepath.Join("testdata", name)) })
	}
}

func testMigrateSchedules(t *testing.T, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	utc := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, time.UTC) }
	created := utc(2026, 10, 1, 8, 0)
	wantSubs := map[string]store.Subscription{
		"U1": {UserID: "U1", Focus: []string{"impostor", "vision"}, Created: created, Schedule: store.Schedule{
			Cadence: "weekly", Day: time.Friday, Hour: 16, TZ: "Europe/Paris", NextDue: utc(2026, 11, 27, 15, 0)}},
		"U2": {UserID: "U2", Created: created, Schedule: store.Schedule{Cadence: "daily", Hour: 9, Minute: 30, TZ: "Asia/Tokyo",
			NextDue: utc(2026, 12, 4, 0, 30), PausedUntil: utc(2026, 12, 3, 15, 0)}},
		"U3": {UserID: "U3", Created: created, Schedule: store.Schedule{Cadence: "weekdays", Hour: 8, TZ: "UTC"}},
	}
	// Broadcasts of those schemas had no language: they posted, and go on
	// posting, in English.
	wantBcs := map[string]store.Broadcast{
		"b1": {ID: "b1", Lang: "en", LeadID: "L1", Channel: "C1", ChannelName: "team", Theme: "vision", Created: created,
			Schedule: store.Schedule{Cadence: "weekly", Day: time.Monday, Hour: 10, TZ: "Europe/Paris", NextDue: utc(2026, 11, 30, 9, 0)}},
		"b2": {ID: "b2", Lang: "en", LeadID: "L1", Channel: "C1", ChannelName: "team", Topic: "What did we ship that nobody noticed?", Created: created,
			LastSlot: utc(2026, 11, 26, 20, 45), Schedule: store.Schedule{Cadence: "weekly", Day: time.Thursday, Hour: 15, Minute: 45,
				TZ: "America/New_York", NextDue: utc(2026, 12, 3, 20, 45)}},
		"b3": {ID: "b3", Lang: "en", LeadID: "L2", Channel: "C2", ChannelName: "gone", Theme: "daring", Created: created, Failing: "is_archived", Paused: true,
			Schedule: store.Schedule{Cadence: "weekly", Day: time.Friday, Hour: 11, TZ: "UTC", NextDue: utc(2026, 11, 27, 11, 0)}},
	}
	for i := range 2 { // the second open finds the file current
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatalf("open %s: %v", file, err)
		}
		if v, err := db.Schema(); err != nil || v != store.SchemaVersion {
			t.Fatalf("Schema() = %d, %v; want %d", v, err, store.SchemaVersion)
		}
		for id, want := range wantSubs {
			got, ok, err := db.Subscription(id)
			if err != nil || !ok || !sameSub(got, want) {
				t.Fatalf("Subscription(%s) = %+v, %v, %v;\nwant %+v", id, got, ok, err, want)
			}
		}
		for id, want := range wantBcs {
			got, ok, err := db.Broadcast(id)
			if err != nil || !ok || !sameBroadcast(got, want) {
				t.Fatalf("Broadcast(%s) = %+v, %v, %v;\nwant %+v", id, got, ok, err, want)
			}
		}
		due, err := db.DueBefore(utc(2026, 12, 31, 0, 0), 0)
		if err != nil || len(due) != 2 || due[0].UserID != "U1" || due[1].UserID != "U2" {
			t.Fatalf("DueBefore = %+v, %v; want U1 then U2", due, err)
		}
		bdue, err := db.BroadcastsDue(utc(2026, 12, 31, 0, 0), 0)
		if err != nil || len(bdue) != 2 || bdue[0].ID != "b1" || bdue[1].ID != "b2" {
			t.Fatalf("BroadcastsDue = %+v, %v; want b1 then b2 (b3 is paused)", bdue, err)
		}
		if ns, err := db.Nudges("U1", 0); err != nil || len(ns) != 1 || ns[0].Status != store.NudgeSent {
			t.Fatalf("Nudges(U1) = %+v, %v", ns, err)
		}
		if u, err := db.User("U1"); err != nil || u.Role != "manager" {
			t.Fatalf("User(U1) = %+v, %v", u, err)
		}
		if i == 1 {
			// A migrated record takes writes like a new one.
			sub := wantSubs["U1"]
			if err := sub.Skip(utc(2026, 12, 4, 15, 0), utc(2026, 11, 23, 0, 0)); err != nil {
				t.Fatal(err)
			}
			if err := db.PutSubscription(sub); err != nil {
				t.Fatal(err)
			}
			if got, _, _ := db.Subscription("U1"); !got.Skipped(utc(2026, 12, 4, 15, 0)) {
				t.Fatalf("skip not kept: %+v", got)
			}
		}
		db.Close()
	}
}

func sameSub(a, b store.Subscription) bool {
	return a.UserID == b.UserID && slices.Equal(a.Focus, b.Focus) && a.Created.Equal(b.Created) && sameSchedule(a.Schedule, b.Schedule)
}

func sameBroadcast(a, b store.Broadcast) bool {
	return a.ID == b.ID && a.LeadID == b.LeadID && a.Channel == b.Channel && a.ChannelName == b.ChannelName &&
		a.Theme == b.Theme && a.Topic == b.Topic && a.Lang == b.Lang && a.LastSlot.Equal(b.LastSlot) && a.Failing == b.Failing &&
		a.Paused == b.Paused && a.Created.Equal(b.Created) && sameSchedule(a.Schedule, b.Schedule)
}

func sameSchedule(a, b store.Schedule) bool {
	return a.SameRule(b) && a.Day == b.Day && a.NextDue.Equal(b.NextDue) && a.PausedUntil.Equal(b.PausedUntil) &&
		slices.EqualFunc(a.Skips, b.Skips, time.Time.Equal)
}
