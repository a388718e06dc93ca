package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	bolt "go.etcd.io/bbolt"
)

// bcNow is the instant the broadcast tests run at.
var bcNow = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

// weeklyBroadcast is a recurring vision broadcast in French due at due.
func weeklyBroadcast(lead, channel string, due time.Time) store.Broadcast {
	return store.Broadcast{LeadID: lead, Channel: channel, ChannelName: "team-" + channel, Theme: "vision", Lang: "fr", Created: bcNow, Schedule: store.Schedule{Day: time.Friday, Hour: 16, TZ: "Europe/Paris", NextDue: due}}
}

func mustCreateBroadcast(tb testing.TB, db *store.DB, b store.Broadcast) store.Broadcast {
	tb.Helper()
	got, err := db.CreateBroadcast(b)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

// dueIDs returns the ids BroadcastsDue returns, in order.
func dueIDs(tb testing.TB, db *store.DB, now time.Time, limit int) []string {
	tb.Helper()
	due, err := db.BroadcastsDue(now, limit)
	if err != nil {
		tb.Fatal(err)
	}
	ids := []string{}
	for _, b := range due {
		ids = append(ids, b.ID)
	}
	return ids
}

func broadcastIDs(bs []store.Broadcast) []string {
	ids := []string{}
	for _, b := range bs {
		ids = append(ids, b.ID)
	}
	return ids
}

func TestBroadcasts(t *testing.T) {
	t.Run("EmptyDatabase", func(t *testing.T) {
		db := MustOpenDB(t)
		if _, ok, err := db.Broadcast("b1"); ok || err != nil {
			t.Fatalf("Broadcast = %v, %v", ok, err)
		}
		if bs, err := db.BroadcastsByLead("U1"); len(bs) != 0 || err != nil {
			t.Fatalf("BroadcastsByLead = %v, %v", bs, err)
		}
		if ids := dueIDs(t, db, bcNow, 0); len(ids) != 0 {
			t.Fatalf("due = %v", ids)
		}
		if h, err := db.ChannelHistory("C1", 0); len(h) != 0 || err != nil {
			t.Fatalf("ChannelHistory = %v, %v", h, err)
		}
		if err := db.DeleteBroadcast("b1"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("CreateAndRead", func(t *testing.T) {
		db := MustOpenDB(t)
		in := weeklyBroadcast("U1", "C1", bcNow.Add(90*time.Minute+500*time.Millisecond))
		in.Topic, in.Theme, in.Failing = "What would you do if you were not afraid?", "", "not_in_channel"
		b1 := mustCreateBroadcast(t, db, in)
		b2 := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C2", bcNow))
		if b1.ID != "b1" || b2.ID != "b2" {
			t.Fatalf("ids = %q, %q; want b1, b2", b1.ID, b2.ID)
		}
		want := in
		want.ID = "b1"
		want.NextDue = bcNow.Add(90 * time.Minute) // kept to the second
		if !reflect.DeepEqual(b1, want) {
			t.Fatalf("created\n got %+v\nwant %+v", b1, want)
		}
		got, ok, err := db.Broadcast("b1")
		if err != nil || !ok || !reflect.DeepEqual(got, want) {
			t.Fatalf("Broadcast(b1) = %+v, %v, %v; want %+v", got, ok, err, want)
		}
	})

	t.Run("IDsAreNotReused", func(t *testing.T) {
		db := MustOpenDB(t)
		b1 := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow))
		if err := db.DeleteBroadcast(b1.ID); err != nil {
			t.Fatal(err)
		}
		if b := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow)); b.ID != "b2" {
			t.Fatalf("id = %q, want b2", b.ID)
		}
	})

	t.Run("PutMovesDueEntry", func(t *testing.T) {
		db := MustOpenDB(t)
		b := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow))
		b.NextDue = bcNow.Add(7 * 24 * time.Hour)
		b.Failing = ""
		if err := db.PutBroadcast(b); err != nil {
			t.Fatal(err)
		}
		if ids := dueIDs(t, db, bcNow, 0); len(ids) != 0 {
			t.Fatalf("still due at the old time: %v", ids)
		}
		if ids := dueIDs(t, db, b.NextDue, 0); !reflect.DeepEqual(ids, []string{b.ID}) {
			t.Fatalf("due at the new time = %v", ids)
		}
		got, _, _ := db.Broadcast(b.ID)
		if !got.NextDue.Equal(b.NextDue) {
			t.Fatalf("NextDue = %v", got.NextDue)
		}
	})

	t.Run("PutChangesLead", func(t *testing.T) {
		db := MustOpenDB(t)
		b := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow))
		b.LeadID = "U2"
		if err := db.PutBroadcast(b); err != nil {
			t.Fatal(err)
		}
		if bs, _ := db.BroadcastsByLead("U1"); len(bs) != 0 {
			t.Fatalf("U1 still has %v", broadcastIDs(bs))
		}
		if bs, _ := db.BroadcastsByLead("U2"); len(bs) != 1 {
			t.Fatalf("U2 has %v", broadcastIDs(bs))
		}
	})

	t.Run("ErrPutDeleted", func(t *testing.T) {
		db := MustOpenDB(t)
		b := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow))
		if err := db.DeleteBroadcast(b.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.PutBroadcast(b); !errors.Is(err, store.ErrBroadcastNotFound) {
			t.Fatalf("err = %v, want ErrBroadcastNotFound", err)
		}
		if _, ok, _ := db.Broadcast(b.ID); ok {
			t.Fatal("a cancelled broadcast came back")
		}
		if ids := dueIDs(t, db, bcNow, 0); len(ids) != 0 {
			t.Fatalf("due = %v", ids)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		db := MustOpenDB(t)
		b1 := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow))
		b2 := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C2", bcNow))
		if err := db.DeleteBroadcast(b1.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := db.Broadcast(b1.ID); ok {
			t.Fatal("deleted broadcast still readable")
		}
		if ids := dueIDs(t, db, bcNow, 0); !reflect.DeepEqual(ids, []string{b2.ID}) {
			t.Fatalf("due = %v, want [%s]", ids, b2.ID)
		}
		if bs, _ := db.BroadcastsByLead("U1"); !reflect.DeepEqual(broadcastIDs(bs), []string{b2.ID}) {
			t.Fatalf("by lead = %v", broadcastIDs(bs))
		}
		if err := db.DeleteBroadcast(b1.ID); err != nil {
			t.Fatalf("second delete: %v", err)
		}
	})

	t.Run("ByLead", func(t *testing.T) {
		db := MustOpenDB(t)
		late := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow.Add(48*time.Hour)))
		paused := weeklyBroadcast("U1", "C2", bcNow)
		paused.Paused = true
		paused = mustCreateBroadcast(t, db, paused)
		unscheduled := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C3", time.Time{}))
		soon := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C4", bcNow.Add(time.Hour)))
		// A lead whose id extends U1's must not show up in U1's list, nor U1's in theirs.
		other := mustCreateBroadcast(t, db, weeklyBroadcast("U10", "C5", bcNow))

		bs, err := db.BroadcastsByLead("U1")
		if err != nil {
			t.Fatal(err)
		}
		// Paused keeps its NextDue for display, so it sorts by it.
		want := []string{paused.ID, soon.ID, late.ID, unscheduled.ID}
		if got := broadcastIDs(bs); !reflect.DeepEqual(got, want) {
			t.Fatalf("BroadcastsByLead(U1) = %v, want %v", got, want)
		}
		if bs, _ := db.BroadcastsByLead("U10"); !reflect.DeepEqual(broadcastIDs(bs), []string{other.ID}) {
			t.Fatalf("BroadcastsByLead(U10) = %v", broadcastIDs(bs))
		}
		if bs, _ := db.BroadcastsByLead("U2"); len(bs) != 0 {
			t.Fatalf("BroadcastsByLead(U2) = %v", broadcastIDs(bs))
		}
	})

	t.Run("DueOrderAndLimit", func(t *testing.T) {
		db := MustOpenDB(t)
		// Created out of time order, so the index, not the ids, does the
		// sorting: b1 +30m, b2 -90m, b3 0, b4 -10m, b5 +45m, b6 -2000m.
		for _, mins := range []int{30, -90, 0, -10, 45, -2000} {
			mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow.Add(time.Duration(mins)*time.Minute)))
		}
		wantIDs := []string{"b6", "b2", "b4", "b3"}
		if got := dueIDs(t, db, bcNow, 0); !reflect.DeepEqual(got, wantIDs) {
			t.Fatalf("due = %v, want %v", got, wantIDs)
		}
		if got := dueIDs(t, db, bcNow, 2); !reflect.DeepEqual(got, wantIDs[:2]) {
			t.Fatalf("due with limit 2 = %v, want %v", got, wantIDs[:2])
		}
		if got := dueIDs(t, db, bcNow.Add(-time.Second), 0); !reflect.DeepEqual(got, wantIDs[:3]) {
			t.Fatalf("due a second earlier = %v, want %v", got, wantIDs[:3])
		}
		due, _ := db.BroadcastsDue(bcNow, 1)
		if len(due) != 1 || due[0].Channel != "C1" || due[0].Theme != "vision" {
			t.Fatalf("due record = %+v", due)
		}
	})

	t.Run("PausedIsNeverDue", func(t *testing.T) {
		db := MustOpenDB(t)
		p := weeklyBroadcast("U1", "C1", bcNow.Add(-time.Hour))
		p.Paused = true
		p = mustCreateBroadcast(t, db, p)
		if ids := dueIDs(t, db, bcNow, 0); len(ids) != 0 {
			t.Fatalf("paused broadcast due: %v", ids)
		}
		p.Paused = false
		if err := db.PutBroadcast(p); err != nil {
			t.Fatal(err)
		}
		if ids := dueIDs(t, db, bcNow, 0); !reflect.DeepEqual(ids, []string{p.ID}) {
			t.Fatalf("resumed broadcast not due: %v", ids)
		}
		p.Paused = true
		if err := db.PutBroadcast(p); err != nil {
			t.Fatal(err)
		}
		if ids := dueIDs(t, db, bcNow, 0); len(ids) != 0 {
			t.Fatalf("paused again but due: %v", ids)
		}
		if got, _, _ := db.Broadcast(p.ID); !got.Paused || !got.NextDue.Equal(bcNow.Add(-time.Hour)) {
			t.Fatalf("paused record = %+v", got)
		}
	})

	// An older mentorbot paused broadcasts for good for reasons that may
	// pass; they are put back in the due index, Failing kept. One whose
	// channel is gone stays paused.
	t.Run("ReleaseHeld", func(t *testing.T) {
		db := MustOpenDB(t)
		var ids []string
		for _, why := range []string{"author_not_lead", "is_archived", "channel_not_found", ""} {
			b := weeklyBroadcast("U1", "C1", bcNow.Add(-time.Hour))
			b.Paused, b.Failing = why != "", why
			ids = append(ids, mustCreateBroadcast(t, db, b).ID)
		}
		if got := dueIDs(t, db, bcNow, 0); !reflect.DeepEqual(got, ids[3:]) {
			t.Fatalf("due before = %v", got)
		}
		if n, err := db.ReleaseHeldBroadcasts(); err != nil || n != 2 {
			t.Fatalf("released %d, %v; want 2", n, err)
		}
		got := dueIDs(t, db, bcNow, 0)
		slices.Sort(got)
		if want := []string{ids[0], ids[1], ids[3]}; !reflect.DeepEqual(got, want) {
			t.Fatalf("due after = %v, want %v", got, want)
		}
		if b, _, _ := db.Broadcast(ids[0]); b.Paused || b.Failing != "author_not_lead" {
			t.Fatalf("released record = %+v", b)
		}
		if b, _, _ := db.Broadcast(ids[2]); !b.Paused {
			t.Fatalf("a gone channel's broadcast was released: %+v", b)
		}
		if n, err := db.ReleaseHeldBroadcasts(); err != nil || n != 0 {
			t.Fatalf("second release: %d, %v; want 0", n, err)
		}
	})

	t.Run("ErrInvalidID", func(t *testing.T) {
		db := MustOpenDB(t)
		for _, b := range []store.Broadcast{{Channel: "C1"}, {LeadID: "U1"}, {LeadID: "U\x00", Channel: "C1"}} {
			if _, err := db.CreateBroadcast(b); !errors.Is(err, store.ErrInvalidID) {
				t.Fatalf("CreateBroadcast(%+v): err = %v", b, err)
			}
		}
		if err := db.PutBroadcast(store.Broadcast{LeadID: "U1", Channel: "C1"}); !errors.Is(err, store.ErrInvalidID) {
			t.Fatalf("PutBroadcast without id: err = %v", err)
		}
		if _, err := db.BroadcastsByLead(""); !errors.Is(err, store.ErrInvalidID) {
			t.Fatalf("BroadcastsByLead: err = %v", err)
		}
	})

	t.Run("SurvivesReopen", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "m.db")
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		in := weeklyBroadcast("U1", "C1", bcNow)
		in.LastSlot = bcNow.Add(-7 * 24 * time.Hour)
		b := mustCreateBroadcast(t, db, in)
		db.Close()
		db, err = store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if ids := dueIDs(t, db, bcNow, 0); !reflect.DeepEqual(ids, []string{b.ID}) {
			t.Fatalf("due after reopen = %v", ids)
		}
		if got, _, _ := db.Broadcast(b.ID); !got.LastSlot.Equal(bcNow.Add(-7 * 24 * time.Hour)) {
			t.Fatalf("LastSlot after reopen = %v", got.LastSlot)
		}
	})
}

// LastSlot never moves backwards: a caller that read the broadcast before a
// slot was posted cannot reopen that slot by writing its copy back.
func TestPutBroadcastKeepsLastSlot(t *testing.T) {
	db := MustOpenDB(t)
	stale := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow))
	posted := stale
	posted.LastSlot, posted.NextDue = bcNow, bcNow.Add(7*24*time.Hour)
	if err := db.PutBroadcast(posted); err != nil {
		t.Fatal(err)
	}
	stale.Failing = "not_in_channel"
	if err := db.PutBroadcast(stale); err != nil {
		t.Fatal(err)
	}
	got, _, err := db.Broadcast(stale.ID)
	if err != nil || !got.LastSlot.Equal(bcNow) || got.Failing != "not_in_channel" {
		t.Fatalf("after a stale put: %+v, %v; want LastSlot %v kept and the new Failing", got, err, bcNow)
	}
	later := got
	later.LastSlot = bcNow.Add(7 * 24 * time.Hour)
	if err := db.PutBroadcast(later); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := db.Broadcast(stale.ID); !got.LastSlot.Equal(later.LastSlot) {
		t.Fatalf("LastSlot = %v, want it moved forward to %v", got.LastSlot, later.LastSlot)
	}
}

// reopenWithOldBroadcast creates a weekly broadcast in a new database,
// rewrites its record with edit (editBroadcastRecord) and opens the
// database again, closed when the test ends. It returns the broadcast as
// created.
func reopenWithOldBroadcast(t *testing.T, edit func(rec map[string]any) error) (*store.DB, store.Broadcast) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := mustCreateBroadcast(t, db, weeklyBroadcast("U1", "C1", bcNow))
	db.Close()
	editBroadcastRecord(t, path, want.ID, edit)
	if db, err = store.Open(path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, want
}

// editBroadcastRecord rewrites broadcast id's record in the closed database
// at path as edit changes its decoded JSON: a record as an older version
// of mentorbot wrote it.
func editBroadcastRecord(t *testing.T, path, id string, edit func(rec map[string]any) error) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		bkt := tx.Bucket([]byte("broadcasts"))
		var rec map[string]any
		if err := json.Unmarshal(bkt.Get([]byte(id)), &rec); err != nil {
			return err
		}
		if err := edit(rec); err != nil {
			return err
		}
		enc, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		return bkt.Put([]byte(id), enc)
	})
	bdb.Close()
	if err != nil {
		t.Fatal(err)
	}
}

// A record written with the one-off flag ("o"), which Broadcast no longer
// has, still reads, indexes and rewrites as the weekly broadcast it was.
func TestBroadcastRecordWithOnceFlag(t *testing.T) {
	db, want := reopenWithOldBroadcast(t, func(rec map[string]any) error {
		rec["o"] = true
		return nil
	})
	got, ok, err := db.Broadcast(want.ID)
	if err != nil || !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("Broadcast = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if ids := dueIDs(t, db, bcNow, 0); !reflect.DeepEqual(ids, []string{want.ID}) {
		t.Fatalf("due = %v", ids)
	}
	got.Failing = "not_in_channel"
	if err := db.PutBroadcast(got); err != nil {
		t.Fatal(err)
	}
}

// A record written before broadcasts had a language (no "lg") reads as
// English, the language it posted in, and keeps everything else; rewritten,
// it stays English.
func TestBroadcastRecordWithoutLang(t *testing.T) {
	db, want := reopenWithOldBroadcast(t, func(rec map[string]any) error {
		if _, ok := rec["lg"]; !ok {
			return fmt.Errorf("no \"lg\" in %v: the test no longer removes the language", rec)
		}
		delete(rec, "lg")
		return nil
	})
	if want.Lang != "fr" {
		t.Fatalf("created with Lang %q, want fr", want.Lang)
	}
	want.Lang = "en"
	got, ok, err := db.Broadcast(want.ID)
	if err != nil || !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("Broadcast = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	got.Failing = "not_in_channel"
	if err := db.PutBroadcast(got); err != nil {
		t.Fatal(err)
	}
	if again, _, _ := db.Broadcast(want.ID); again.Lang != "en" || again.Failing != "not_in_channel" {
		t.Fatalf("rewritten: Lang %q, Failing %q; want en, not_in_channel", again.Lang, again.Failing)
	}
}

func TestChannelHistory(t *testing.T) {
	db := MustOpenDB(t)
	for i := range 4 {
		e := store.HistoryEntry{PromptID: fmt.Sprintf("d%d", i), Theme: "daring", At: bcNow.Add(time.Duration(i) * time.Hour), NewCycle: i == 0}
		if err := db.AppendChannelHistory("C1", e); err != nil {
			t.Fatal(err)
		}
	}
	// C10 extends C1's id: its entries must stay out of C1's history.
	if err := db.AppendChannelHistory("C10", store.HistoryEntry{PromptID: "other", Theme: "vision", At: bcNow}); err != nil {
		t.Fatal(err)
	}
	// A member's history is another bucket, even for a matching id.
	if err := db.AppendHistory("C1", store.HistoryEntry{PromptID: "member", Theme: "vision", At: bcNow}); err != nil {
		t.Fatal(err)
	}

	got, err := db.ChannelHistory("C1", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"d0", "d1", "d2", "d3"}
	if len(got) != len(want) {
		t.Fatalf("C1 history = %+v", got)
	}
	for i, e := range got {
		if e.PromptID != want[i] || e.Theme != "daring" || !e.At.Equal(bcNow.Add(time.Duration(i)*time.Hour)) || e.NewCycle != (i == 0) {
			t.Fatalf("entry %d = %+v", i, e)
		}
	}
	last, _ := db.ChannelHistory("C1", 2)
	if len(last) != 2 || last[0].PromptID != "d2" || last[1].PromptID != "d3" {
		t.Fatalf("ChannelHistory(C1, 2) = %+v, want d2, d3", last)
	}
	other, _ := db.ChannelHistory("C10", 0)
	if len(other) != 1 || other[0].PromptID != "other" {
		t.Fatalf("C10 history = %+v", other)
	}
	if none, _ := db.ChannelHistory("C2", 0); len(none) != 0 {
		t.Fatalf("C2 history = %+v", none)
	}
	if err := db.AppendChannelHistory("", store.HistoryEntry{}); !errors.Is(err, store.ErrInvalidID) {
		t.Fatalf("err = %v", err)
	}
	if _, err := db.ChannelHistory("C\x00", 0); !errors.Is(err, store.ErrInvalidID) {
		t.Fatalf("err = %v", err)
	}
}
