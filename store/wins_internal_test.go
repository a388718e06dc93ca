package store

import (
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// An impostor card asks for a win on every command; a member without one
// must not cost a write transaction (the writer's lock and an fsync), even
// when other members have wins.
func TestNextWinToShow_NoWinNoWrite(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "mentorbot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, u := range []string{"U0", "U2"} { // around U1, before and after
		if _, err := db.AddWin(Win{UserID: u, Text: "shipped it"}); err != nil {
			t.Fatal(err)
		}
	}
	txid := func() int {
		var id int
		_ = db.bolt.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil })
		return id
	}
	before := txid()
	if _, ok, err := db.NextWinToShow("U1"); ok || err != nil {
		t.Fatalf("U1 has no win: ok %v, err %v", ok, err)
	}
	if after := txid(); after != before {
		t.Fatalf("asking for a member without wins committed %d transactions", after-before)
	}
	if w, ok, err := db.NextWinToShow("U2"); !ok || err != nil || w.UserID != "U2" {
		t.Fatalf("U2's win: %+v, %v, %v", w, ok, err)
	}
	if after := txid(); after != before+1 {
		t.Fatalf("showing a win committed %d transactions, want 1 (the rotation)", after-before)
	}
}
