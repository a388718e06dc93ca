package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

func TestWins(t *testing.T) {
	at := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		for i := range 3 {
			if _, err := db.AddWin(store.Win{UserID: "U1", Text: fmt.Sprintf("win %d", i), At: at.Add(time.Duration(i) * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		thanks, err := db.AddWin(store.Win{UserID: "U1", Text: "thanks", From: "U2", At: at, Author: "U3", Channel: "C1", Permalink: "https://x/p1"})
		if err != nil {
			t.Fatal(err)
		}
		ws, total, err := db.Wins("U1", 2)
		if err != nil {
			t.Fatal(err)
		}
		if total != 4 || len(ws) != 2 || ws[0].Seq != thanks.Seq || ws[1].Text != "win 2" {
			t.Fatalf("Wins(U1, 2) = %+v, %d", ws, total)
		}
		if got := ws[0]; got.From != "U2" || got.Author != "U3" || got.Channel != "C1" || got.Permalink != "https://x/p1" || !got.At.Equal(at) {
			t.Fatalf("thanks read back as %+v", got)
		}
		if ws, total, _ := db.Wins("U2", 0); len(ws) != 0 || total != 0 {
			t.Fatalf("U2 sees %+v (%d): a win given is the receiver's only", ws, total)
		}
	})
	t.Run("ErrWinNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		w, err := db.AddWin(store.Win{UserID: "U1", Text: "mine", At: at})
		if err != nil {
			t.Fatal(err)
		}
		// Another member naming U1's sequence deletes nothing.
		if err := db.DeleteWin("U2", w.Seq); !errors.Is(err, store.ErrWinNotFound) {
			t.Fatalf("DeleteWin(U2, %d) = %v, want ErrWinNotFound", w.Seq, err)
		}
		if _, ok, _ := db.Win("U2", w.Seq); ok {
			t.Fatal("U2 can read U1's win")
		}
		if err := db.DeleteWin("U1", w.Seq); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteWin("U1", w.Seq); !errors.Is(err, store.ErrWinNotFound) {
			t.Fatalf("second delete = %v, want ErrWinNotFound", err)
		}
		if _, total, _ := db.Wins("U1", 0); total != 0 {
			t.Fatalf("%d wins left", total)
		}
	})
	t.Run("ErrInvalidID", func(t *testing.T) {
		db := MustOpenDB(t)
		if _, err := db.AddWin(store.Win{UserID: "", Text: "x"}); !errors.Is(err, store.ErrInvalidID) {
			t.Fatalf("AddWin with no user = %v", err)
		}
		if _, err := db.AddWin(store.Win{UserID: "U1", From: "U\x002", Text: "x"}); !errors.Is(err, store.ErrInvalidID) {
			t.Fatalf("AddWin from a bad id = %v", err)
		}
	})
}

// TestNextWinToShow: every win comes round before any comes back, even when
// the one last shown is deleted meanwhile.
func TestNextWinToShow(t *testing.T) {
	db := MustOpenDB(t)
	if _, ok, err := db.NextWinToShow("U1"); ok || err != nil {
		t.Fatalf("no wins: ok %v, err %v", ok, err)
	}
	var seqs []uint64
	for i := range 3 {
		w, err := db.AddWin(store.Win{UserID: "U1", Text: fmt.Sprint("win ", i)})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, w.Seq)
	}
	// Someone else's wins sort after U1's and must never be shown to U1.
	if _, err := db.AddWin(store.Win{UserID: "U2", Text: "not yours"}); err != nil {
		t.Fatal(err)
	}
	var got []uint64
	for range 4 {
		w, ok, err := db.NextWinToShow("U1")
		if err != nil || !ok || w.UserID != "U1" {
			t.Fatalf("NextWinToShow = %+v, %v, %v", w, ok, err)
		}
		got = append(got, w.Seq)
	}
	want := []uint64{seqs[2], seqs[1], seqs[0], seqs[2]}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("shown %v, want %v", got, want)
	}
	// Last shown was seqs[2]; delete it: the next one is still the older one.
	if err := db.DeleteWin("U1", seqs[2]); err != nil {
		t.Fatal(err)
	}
	if w, _, _ := db.NextWinToShow("U1"); w.Seq != seqs[1] {
		t.Fatalf("after deleting the last shown, got %d, want %d", w.Seq, seqs[1])
	}
}

// TestForgetWins: forget deletes the member's wins and the rotation, and
// leaves other members' wins alone.
func TestForgetWins(t *testing.T) {
	db := MustOpenDB(t)
	for _, u := range []string{"U1", "U2"} {
		if _, err := db.AddWin(store.Win{UserID: u, Text: "w"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.NextWinToShow(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Forget("U1"); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := db.Wins("U1", 0); n != 0 {
		t.Fatalf("U1 has %d wins after forget", n)
	}
	if _, n, _ := db.Wins("U2", 0); n != 1 {
		t.Fatalf("U2 has %d wins after U1 forgot, want 1", n)
	}
	if _, err := db.AddWin(store.Win{UserID: "U1", Text: "again"}); err != nil {
		t.Fatal(err)
	}
	if w, ok, _ := db.NextWinToShow("U1"); !ok || w.Text != "again" {
		t.Fatalf("after forget, shown %+v", w)
	}
}

// TestForgetThanksSender: the thanks a member gave stay in their receivers'
// wins, without the sender's id, once the sender is forgotten; thanks from
// anyone else, and from an id that merely starts the same, keep theirs.
func TestForgetThanksSender(t *testing.T) {
	db := MustOpenDB(t)
	for _, w := range []store.Win{
		{UserID: "U2", From: "U1", Text: "thanks for the \"f\":\"U1\" review"},
		{UserID: "U2", From: "U3", Text: "thanks for pairing"},
		{UserID: "U3", From: "U2", Text: `quoting "f":"U1" here`},
		{UserID: "U3", From: "U12", Text: "thanks for the demo"},
		{UserID: "U3", Text: "shipped it", Author: "U1", Channel: "C1"},
	} {
		if _, err := db.AddWin(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Forget("U1"); err != nil {
		t.Fatal(err)
	}
	got := map[string]store.Win{}
	for _, u := range []string{"U2", "U3"} {
		ws, _, err := db.Wins(u, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			got[w.Text] = w
		}
	}
	if w := got[`thanks for the "f":"U1" review`]; w.From != "" || !w.FromGone {
		t.Errorf("the forgotten sender's thanks: From %q, FromGone %v; want no id, gone", w.From, w.FromGone)
	}
	if w := got["thanks for pairing"]; w.From != "U3" || w.FromGone {
		t.Errorf("another sender's thanks: From %q, FromGone %v", w.From, w.FromGone)
	}
	if w := got[`quoting "f":"U1" here`]; w.From != "U2" || w.FromGone {
		t.Errorf("a thanks whose text names the sender's id: From %q, FromGone %v", w.From, w.FromGone)
	}
	if w := got["thanks for the demo"]; w.From != "U12" || w.FromGone {
		t.Errorf("U12's thanks: From %q, FromGone %v", w.From, w.FromGone)
	}
	if w := got["shipped it"]; w.Author != "U1" {
		t.Errorf("a saved message lost its author: %+v", w)
	}
	// A sender who never thanked anyone is forgotten as before.
	if err := db.Forget("U9"); err != nil {
		t.Fatal(err)
	}
}
