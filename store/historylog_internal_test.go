package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// A damaged history log, which only a crash leaves behind, costs the
// entries in it: the file still opens, the damage is counted, and the other
// records are served.
func TestOpen_DamagedHistoryLog(t *testing.T) {
	for name, damage := range map[string]func([]byte, int){"Scramble": scramble, "PastTheEnd": pastTheEnd} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mentorbot.db")
			db, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.UpdateUser("U1", func(u *User) error { u.Role = "staff"; return nil }); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
			// Enough entries for the log to have pages of its own, as it
			// has under load, rather than live inline in the root page.
			apps := make([]HistoryAppend, 100)
			for i := range apps {
				apps[i] = HistoryAppend{UserID: "ULOGGED", Entry: HistoryEntry{PromptID: "p1", Theme: "impostor", At: at}}
			}
			if err := errors.Join(db.LogHistories(apps)...); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			damageLeavesHolding(t, path, []byte("ULOGGED\x00"), damage)

			db, err = Open(path, Options{})
			if err != nil {
				t.Fatalf("open with a damaged history log: %v", err)
			}
			defer db.Close()
			if n := db.DamagedReads(); n != 1 {
				t.Errorf("DamagedReads = %d, want the damaged log counted", n)
			}
			if u, err := db.User("U1"); err != nil || u.Role != "staff" {
				t.Errorf("U1 = %+v, %v; want their record served", u, err)
			}
		})
	}
}
