package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

func TestCommitments(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	week := 7 * 24 * time.Hour
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		c, err := db.AddCommitment(store.Commitment{UserID: "U1", PromptID: "p1", Theme: "daring", Experiment: "Ask one naive question", At: now, Due: now.Add(week)})
		if err != nil {
			t.Fatal(err)
		}
		other, err := db.AddCommitment(store.Commitment{UserID: "U2", PromptID: "p1", Theme: "daring", Experiment: "x", At: now, Due: now.Add(week - time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if due, _ := db.FollowUpsDue(now.Add(week-2*time.Hour), 0); len(due) != 0 {
			t.Fatalf("due early: %+v", due)
		}
		due, err := db.FollowUpsDue(now.Add(week), 0)
		if err != nil || len(due) != 2 || due[0].UserID != "U2" || due[0].Seq != other.Seq || due[1].UserID != "U1" || !due[1].Due.Equal(now.Add(week)) {
			t.Fatalf("FollowUpsDue = %+v, %v", due, err)
		}
		// Asked: off the index. Answered: stays off.
		c.Due, c.Asks = time.Time{}, 1
		if err := db.PutCommitment(c); err != nil {
			t.Fatal(err)
		}
		if due, _ := db.FollowUpsDue(now.Add(52*week), 0); len(due) != 1 || due[0].UserID != "U2" {
			t.Fatalf("after asking: %+v", due)
		}
		got, ok, err := db.Commitment("U1", c.Seq)
		if err != nil || !ok || !got.Asked() || got.Waiting() || got.Experiment != "Ask one naive question" {
			t.Fatalf("Commitment = %+v, %v, %v", got, ok, err)
		}
		c.Outcome, c.Note, c.AnsweredAt = store.OutcomeTried, "It went fine", now.Add(week+time.Hour)
		if err := db.PutCommitment(c); err != nil {
			t.Fatal(err)
		}
		cs, err := db.Commitments("U1", 0)
		if err != nil || len(cs) != 1 || cs[0] != c {
			t.Fatalf("Commitments = %+v, %v; want %+v", cs, err, c)
		}
		if _, ok, _ := db.Commitment("U2", c.Seq); ok {
			t.Fatal("U2 reads U1's commitment")
		}
	})
	t.Run("ErrCommitmentNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		err := db.PutCommitment(store.Commitment{UserID: "U1", Seq: 7, Due: now})
		if !errors.Is(err, store.ErrCommitmentNotFound) {
			t.Fatalf("PutCommitment of none = %v", err)
		}
		if due, _ := db.FollowUpsDue(now, 0); len(due) != 0 {
			t.Fatalf("a failed put indexed %+v", due)
		}
	})
	t.Run("Forget", func(t *testing.T) {
		db := MustOpenDB(t)
		for _, u := range []string{"U1", "U2"} {
			if _, err := db.AddCommitment(store.Commitment{UserID: u, PromptID: "p", At: now, Due: now.Add(week)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Forget("U1"); err != nil {
			t.Fatal(err)
		}
		if cs, _ := db.Commitments("U1", 0); len(cs) != 0 {
			t.Fatalf("U1 keeps %+v", cs)
		}
		if due, _ := db.FollowUpsDue(now.Add(week), 0); len(due) != 1 || due[0].UserID != "U2" {
			t.Fatalf("due after U1 forgot: %+v", due)
		}
	})
}
