package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

var friday = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

func TestJournal(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		for i, text := range []string{"first", "second", "third"} {
			r, err := db.AddReflection(store.Reflection{UserID: "U1", PromptID: "impostor-a", Theme: "impostor", Prompt: "Q?", Text: text, At: friday.Add(time.Duration(i) * time.Hour)})
			if err != nil || r.Seq == 0 {
				t.Fatalf("AddReflection = %+v, %v", r, err)
			}
		}
		if _, err := db.AddReflection(store.Reflection{UserID: "U10", PromptID: "impostor-a", Text: "not U1's"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Reflections("U1", 2)
		if err != nil || len(got) != 2 || got[0].Text != "third" || got[1].Text != "second" {
			t.Fatalf("Reflections(U1, 2) = %+v, %v", got, err)
		}
		all, _ := db.Reflections("U1", 0)
		if len(all) != 3 {
			t.Fatalf("all = %d", len(all))
		}
		last, ok, err := db.LastReflectionOn("U1", "impostor-a")
		if err != nil || !ok || last.Text != "third" || last.Prompt != "Q?" || !last.At.Equal(friday.Add(2*time.Hour)) {
			t.Fatalf("LastReflectionOn = %+v %v %v", last, ok, err)
		}
		if _, ok, _ := db.LastReflectionOn("U1", "vision-x"); ok {
			t.Fatal("found a reflection on a prompt never answered")
		}
	})

	t.Run("MarksNudgeReflected", func(t *testing.T) {
		db := MustOpenDB(t)
		n, err := db.ClaimNudge(store.Nudge{UserID: "U1", Slot: friday, PromptID: "p1", Theme: "vision"})
		if err != nil || n.Status != store.NudgeSending {
			t.Fatalf("claim = %+v, %v", n, err)
		}
		n.Status = store.NudgeSent
		if err := db.FinishNudge(n, store.Subscription{UserID: "U1", Schedule: store.Schedule{Cadence: "weekly", TZ: "UTC", NextDue: friday.Add(7 * 24 * time.Hour)}}, &store.HistoryEntry{PromptID: "p1", Theme: "vision", At: friday}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddReflection(store.Reflection{UserID: "U1", PromptID: "p1", Text: "yes", Slot: friday}); err != nil {
			t.Fatal(err)
		}
		ns, _ := db.Nudges("U1", 0)
		if len(ns) != 1 || !ns[0].Reflected || ns[0].Status != store.NudgeSent {
			t.Fatalf("nudges = %+v", ns)
		}
		h, _ := db.History("U1", 0)
		if len(h) != 1 || h[0].PromptID != "p1" {
			t.Fatalf("history = %+v", h)
		}
		due, _ := db.DueBefore(friday.Add(8*24*time.Hour), 10)
		if len(due) != 1 || !due[0].At.Equal(friday.Add(7*24*time.Hour)) {
			t.Fatalf("due = %+v", due)
		}
	})

	t.Run("ClaimIsOnce", func(t *testing.T) {
		db := MustOpenDB(t)
		first, _ := db.ClaimNudge(store.Nudge{UserID: "U1", Slot: friday, PromptID: "p1"})
		again, _ := db.ClaimNudge(store.Nudge{UserID: "U1", Slot: friday, PromptID: "p2"})
		if first.Status != store.NudgeSending || again.PromptID != "p1" {
			t.Fatalf("a second claim must return the first: %+v", again)
		}
		again.Status = store.NudgeSent
		if err := db.FinishNudge(again, store.Subscription{UserID: "U1", Schedule: store.Schedule{TZ: "UTC"}}, nil); err != nil {
			t.Fatal(err)
		}
		third, _ := db.ClaimNudge(store.Nudge{UserID: "U1", Slot: friday, PromptID: "p3"})
		if third.Status != store.NudgeSent || third.PromptID != "p1" {
			t.Fatalf("claim after send = %+v", third)
		}
	})

	t.Run("ErrInvalidID", func(t *testing.T) {
		db := MustOpenDB(t)
		if _, err := db.AddReflection(store.Reflection{Text: "x"}); !errors.Is(err, store.ErrInvalidID) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestForget(t *testing.T) {
	db := MustOpenDB(t)
	for _, u := range []string{"U1", "U10"} {
		db.UpdateUser(u, func(x *store.User) error { x.Role = "staff"; return nil })
		db.AppendHistory(u, store.HistoryEntry{PromptID: "p", Theme: "t", At: friday})
		db.AddReflection(store.Reflection{UserID: u, PromptID: "p", Text: "secret of " + u, At: friday})
		db.PutSubscription(store.Subscription{UserID: u, Schedule: store.Schedule{Cadence: "weekly", TZ: "UTC", NextDue: friday}})
		n, _ := db.ClaimNudge(store.Nudge{UserID: u, Slot: friday.Add(-time.Hour), PromptID: "p"})
		n.Status = store.NudgeSent
		db.FinishNudge(n, store.Subscription{UserID: u, Schedule: store.Schedule{Cadence: "weekly", TZ: "UTC", NextDue: friday}}, nil)
	}
	if err := db.Forget("U1"); err != nil {
		t.Fatal(err)
	}
	u, _ := db.User("U1")
	h, _ := db.History("U1", 0)
	r, _ := db.Reflections("U1", 0)
	_, subbed, _ := db.Subscription("U1")
	ns, _ := db.Nudges("U1", 0)
	_, onPrompt, _ := db.LastReflectionOn("U1", "p")
	due, _ := db.DueBefore(friday, 10)
	if u.Role != "" || len(h) != 0 || len(r) != 0 || subbed || len(ns) != 0 || onPrompt {
		t.Fatalf("U1 not forgotten: role %q, %d history, %d reflections, subscribed %v, %d nudges", u.Role, len(h), len(r), subbed, len(ns))
	}
	if len(due) != 1 || due[0].UserID != "U10" {
		t.Fatalf("due index = %+v; want only U10", due)
	}
	r10, _ := db.Reflections("U10", 0)
	if len(r10) != 1 || !strings.Contains(r10[0].Text, "U10") {
		t.Fatalf("U10 lost data: %+v", r10)
	}
	if err := db.Forget("U404"); err != nil {
		t.Fatalf("forgetting a stranger: %v", err)
	}
}

// A reflection keeps the form submission that wrote it; one written before
// that was kept reads back with none.
func TestReflectionView(t *testing.T) {
	db := MustOpenDB(t)
	old, err := db.AddReflection(store.Reflection{UserID: "U1", PromptID: "vision-a", Theme: "vision", Prompt: "Q?", Text: "before", At: friday})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddReflection(store.Reflection{UserID: "U1", PromptID: "vision-a", Theme: "vision", Prompt: "Q?", Text: "after", At: friday.Add(time.Hour), View: "V1/h1"}); err != nil {
		t.Fatal(err)
	}
	r, ok, err := db.LastReflectionOn("U1", "vision-a")
	if err != nil || !ok || r.View != "V1/h1" || r.Text != "after" {
		t.Fatalf("LastReflectionOn = %+v, %v, %v", r, ok, err)
	}
	rs, err := db.Reflections("U1", 0)
	if err != nil || len(rs) != 2 || rs[1].Seq != old.Seq || rs[1].View != "" {
		t.Fatalf("Reflections = %+v, %v", rs, err)
	}
}
