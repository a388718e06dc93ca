package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
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
			if n := db.DamagedReads(); n == 0 {
				t.Error("DamagedReads = 0, want the damaged log counted")
			}
			if u, err := db.User("U1"); err != nil || u.Role != "staff" {
				t.Errorf("U1 = %+v, %v; want their record served", u, err)
			}
			// History is recorded all the same, straight into the
			// members' histories, and no fold fails for the log.
			if err := errors.Join(db.LogHistories([]HistoryAppend{{UserID: "UNEW", Entry: HistoryEntry{PromptID: "n1", Theme: "impostor", At: at}}})...); err != nil {
				t.Fatalf("history after the log was found damaged: %v", err)
			}
			if n, err := db.FoldHistoryLog(); n != 0 || err != nil {
				t.Errorf("fold = %d, %v; want nothing to do", n, err)
			}
			if h, err := db.History("UNEW", 0); err != nil || len(h) != 1 || h[0].PromptID != "n1" {
				t.Errorf("UNEW's history = %+v, %v; want n1", h, err)
			}
		})
	}
}

// A member whose history is on a damaged page loses their logged entries,
// and only they do: the other members' entries are folded, in that fold
// and the next ones, and the log does not grow for the damaged member.
func TestFoldHistoryLog_DamagedMemberPage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	seedJournals(t, path, 300, 2)
	damageLeavesHolding(t, path, []byte("U0150\x00"), scramble)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	e := func(u, p string) HistoryAppend {
		return HistoryAppend{UserID: u, Entry: HistoryEntry{PromptID: p, Theme: "vision", At: at}}
	}
	for i, batch := range [][]HistoryAppend{{e("U0001", "a1"), e("U0150", "x1")}, {e("U0002", "b1"), e("U0150", "x2"), e("U0299", "c1")}} {
		if err := errors.Join(db.LogHistories(batch)...); err != nil {
			t.Fatal(err)
		}
		if n, err := db.FoldHistoryLog(); n != 1 || err != nil {
			t.Errorf("fold %d = %d, %v; want U0150's entry dropped alone", i, n, err)
		}
	}
	for user, want := range map[string]string{"U0001": "a1", "U0002": "b1", "U0299": "c1"} {
		h, err := db.History(user, 0)
		if err != nil || len(h) != 2 || h[1].PromptID != want {
			t.Errorf("%s: %+v, %v; want the seeded entry, then %s", user, h, err, want)
		}
	}
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketHLog) != nil {
			t.Error("the log is still there after the folds")
		}
		return nil
	})
}

// Damage in the history log that appears while the bot runs, before any
// fold meets it, does not make every member's forget fail: forget gives
// the log up, as a fold would, and deletes the rest.
func TestForget_DamagedLogNotYetFolded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.UpdateUser("UCLEAN", func(u *User) error { u.Role = "staff"; return nil }); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	for _, user := range []string{"UAAAA", "UHIT", "UBBBB"} {
		apps := make([]HistoryAppend, 300)
		for i := range apps {
			apps[i] = HistoryAppend{UserID: user, Entry: HistoryEntry{PromptID: "p1", Theme: "impostor", At: at}}
		}
		if err := errors.Join(db.LogHistories(apps)...); err != nil {
			t.Fatal(err)
		}
	}
	// Damage the live file's log pages that hold UHIT's entries, as a
	// failing disk would under the running bot.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	size, hit := os.Getpagesize(), 0
	for id := 2; (id+1)*size <= len(b); id++ {
		p := b[id*size : (id+1)*size]
		e := binary.NativeEndian
		if e.Uint64(p) != uint64(id) || e.Uint16(p[8:]) != leafFlag || !bytes.Contains(p, []byte("UHIT\x00")) {
			continue
		}
		for i := range int(e.Uint16(p[10:])) {
			scramble(b, id*size+pageHeaderSize+i*elementSize)
		}
		if _, err := f.WriteAt(p, int64(id*size)); err != nil {
			t.Fatal(err)
		}
		hit++
	}
	if hit == 0 {
		t.Fatal("no log page holds UHIT's entries")
	}
	for _, id := range []string{"UCLEAN", "UBBBB"} {
		if err := db.Forget(id); err != nil {
			t.Errorf("Forget(%s) with a damaged log no fold has met: %v", id, err)
		}
	}
	if u, err := db.User("UCLEAN"); err != nil || u.Role != "" {
		t.Errorf("UCLEAN after forget = %+v, %v; want nothing kept", u, err)
	}
}
