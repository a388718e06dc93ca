package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// seedJournals writes each reflections and one history entry for each of n
// members, U0000 on, in one transaction, and closes the file.
func seedJournals(tb testing.TB, path string, n, each int) {
	tb.Helper()
	db, err := Open(path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for i := range n {
			enc, err := historyValue(fmt.Sprintf("U%04d", i), HistoryEntry{PromptID: "vision-00", Theme: "vision", At: at})
			if err != nil {
				return err
			}
			if err := putHistory(tx, fmt.Sprintf("U%04d", i), enc); err != nil {
				return err
			}
			for j := range each {
				r := Reflection{UserID: fmt.Sprintf("U%04d", i), PromptID: fmt.Sprintf("vision-%02d", j), Theme: "vision",
					Prompt: "What would you build?", Text: strings.Repeat("a quiet thought ", 12), At: at}
				if err := addReflection(tx, &r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

// damageLeavesHolding overwrites the element headers of every leaf page of
// the file at path that holds a key starting with prefix, as a failing disk
// or a stray write would, and returns their numbers. The pages' own headers
// stay intact: bbolt sees leaves whose keys and values point anywhere.
//
// The file is cut to the pages its header records, as bbolt's slack at its
// end is not data: the memory map of the reopened file then runs past the
// file's end, and reading there faults.
func damageLeavesHolding(tb testing.TB, path string, prefix []byte, damage func(file []byte, elem int)) []uint64 {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	size := os.Getpagesize()
	m0, _ := parseMeta(b[metaOffset:])
	m1, _ := parseMeta(b[size+metaOffset:])
	b = b[:max(m0.pgid, m1.pgid)*uint64(size)]
	var hit []uint64
	for id := 2; (id+1)*size <= len(b); id++ {
		p := b[id*size : (id+1)*size]
		e := binary.NativeEndian
		if e.Uint64(p) != uint64(id) || e.Uint16(p[8:]) != leafFlag || !bytes.Contains(p, prefix) {
			continue
		}
		for i := range int(e.Uint16(p[10:])) {
			damage(b, id*size+pageHeaderSize+i*elementSize)
		}
		hit = append(hit, uint64(id))
	}
	if len(hit) == 0 {
		tb.Fatalf("no leaf page holds %q", prefix)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return hit
}

// scramble fills a leaf element with garbage: its key and value point
// anywhere, often gigabytes away.
func scramble(file []byte, elem int) {
	for i := elem; i < elem+elementSize; i++ {
		file[i] = byte(i*37 + 11)
	}
}

// pastTheEnd points a leaf element's key just past the end of the file: bbolt
// hands back a slice the memory map does not back, and reading it faults.
func pastTheEnd(file []byte, elem int) {
	e := binary.NativeEndian
	e.PutUint32(file[elem:], 0)
	e.PutUint32(file[elem+4:], uint32(len(file)-elem+16))
	e.PutUint32(file[elem+8:], 8)
	e.PutUint32(file[elem+12:], 8)
}

// A member whose journal sits on damaged pages gets an error, never a crash,
// and every other member is served. Before reads were protected, the test
// binary died: of a panic in bbolt's cursor (Scramble), of a segmentation
// fault (PastTheEnd).
func TestDamagedPage_Read(t *testing.T) {
	t.Run("Scramble", func(t *testing.T) { testDamagedRead(t, scramble) })
	t.Run("PastTheEnd", func(t *testing.T) { testDamagedRead(t, pastTheEnd) })
}

func testDamagedRead(t *testing.T, damage func(file []byte, elem int)) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	seedJournals(t, path, 300, 2)
	pages := damageLeavesHolding(t, path, []byte("U0150\x00"), damage)
	t.Logf("damaged leaf pages %v", pages)

	// Check names each of them, and nothing else.
	err := Check(path)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Check: err = %v, want ErrCorrupt", err)
	}
	t.Log(err)
	lines := regexp.MustCompile(`(?m)^pages? \d+.*$`).FindAllString(err.Error(), -1)
	if len(lines) != len(pages) {
		t.Fatalf("Check lists %d problems, want one per damaged page %v", len(lines), pages)
	}
	for i, id := range pages {
		if want := fmt.Sprintf("page %d (bucket ", id); !strings.HasPrefix(lines[i], want) {
			t.Fatalf("problem %d: %q, want %q…", i, lines[i], want)
		}
	}

	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range []string{"U0000", "U0299"} {
		if rs, err := db.Reflections(id, 1); err != nil || len(rs) != 1 {
			t.Fatalf("%s, whose pages are intact: %d reflections, %v", id, len(rs), err)
		}
	}
	for i, read := range []func() error{
		func() error { _, err := db.Reflections("U0150", 1); return err },
		func() error { _, _, err := db.LastReflectionOn("U0150", "vision-01"); return err },
		func() error {
			_, err := db.AddReflection(Reflection{UserID: "U0150", PromptID: "vision-02", Text: "again"})
			return err
		},
		func() error { _, err := db.History("U0150", 1); return err },
		func() error { // bbolt's Batch, whose goroutine is not ours
			return db.AppendHistory("U0150", HistoryEntry{PromptID: "vision-01", Theme: "vision", At: time.Now()})
		},
	} {
		err := read()
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
			t.Fatalf("read %d of the damaged member: err = %v, want ErrCorrupt naming the file", i, err)
		}
		t.Log(err)
		if got := db.DamagedReads(); got != int64(i+1) {
			t.Fatalf("DamagedReads = %d after %d damaged reads", got, i+1)
		}
	}
	if _, err := db.Reflections("U0000", 0); err != nil {
		t.Fatalf("after the damaged reads: %v", err)
	}
	if err := db.AppendHistory("U0000", HistoryEntry{PromptID: "vision-01", Theme: "vision", At: time.Now()}); err != nil {
		t.Fatalf("after the damaged reads: %v", err)
	}
}

// A batch shared with the damaged member's append commits everyone else's:
// the damaged call fails alone.
func TestDamagedPage_Batch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	seedJournals(t, path, 300, 1)
	// Not pastTheEnd: the others' writes grow the file, and what lay past
	// its end then reads as zeros rather than faulting.
	damageLeavesHolding(t, path, []byte("U0150\x00"), scramble)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	members := []string{"U0150"}
	for i := range 40 {
		members = append(members, fmt.Sprintf("U%04d", i))
	}
	errs := make([]error, len(members))
	var wg sync.WaitGroup
	for i, id := range members {
		wg.Go(func() {
			errs[i] = db.AppendHistory(id, HistoryEntry{PromptID: "vision-07", Theme: "vision", At: time.Now()})
		})
	}
	wg.Wait()
	if !errors.Is(errs[0], ErrCorrupt) {
		t.Fatalf("the damaged member's append: err = %v, want ErrCorrupt", errs[0])
	}
	for i, err := range errs[1:] {
		if err != nil {
			t.Fatalf("%s's append in the same batch: %v", members[i+1], err)
		}
		h, err := db.History(members[i+1], 1)
		if err != nil || len(h) != 1 || h[0].PromptID != "vision-07" {
			t.Fatalf("%s's history: %v, %v", members[i+1], h, err)
		}
	}
	if n := db.DamagedReads(); n != 1 {
		t.Fatalf("DamagedReads = %d, want 1: the damaged call, once", n)
	}
}
