package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

func TestCheckIns(t *testing.T) {
	db := MustOpenDB(t)
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i, u := range []string{"U1", "U1", "U2"} {
		if _, err := db.AddCheckIn(store.CheckIn{UserID: u, At: at.AddDate(0, i, 0), Scores: []int{i + 1, 2, 3, 4, 5}, Note: "n"}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := db.CheckIns("U1", 0)
	if err != nil || len(cs) != 2 || !slices.Equal(cs[0].Scores, []int{2, 2, 3, 4, 5}) || !cs[0].At.Equal(at.AddDate(0, 1, 0)) || cs[1].Note != "n" {
		t.Fatalf("CheckIns(U1) = %+v, %v", cs, err)
	}
	for _, on := range []bool{true, false, true} {
		if err := db.SetCheckInMonthly("U1", on); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.CheckInMonthly("U1"); got != on {
			t.Fatalf("monthly = %v, want %v", got, on)
		}
	}
	if got, _ := db.CheckInMonthly("U2"); got {
		t.Fatal("U2 opted in by U1")
	}
	if err := db.Forget("U1"); err != nil {
		t.Fatal(err)
	}
	if cs, _ := db.CheckIns("U1", 0); len(cs) != 0 {
		t.Fatalf("after forget: %+v", cs)
	}
	if on, _ := db.CheckInMonthly("U1"); on {
		t.Fatal("the monthly option survived forget")
	}
	if cs, _ := db.CheckIns("U2", 0); len(cs) != 1 {
		t.Fatalf("U2's check-ins after U1 forgot: %+v", cs)
	}
}
