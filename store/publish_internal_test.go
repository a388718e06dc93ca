package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A part file is each run's own, and Publish names it only if dst is
// free, leaving an existing dst and the part as they are; parts over a
// day old, left by killed runs, go at the next run.
func TestPartAndPublish(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "copy[1].db")
	stale, theirs := dst+".123.part", dst+".notes.part"
	old := time.Now().Add(-48 * time.Hour)
	for _, p := range []string{stale, theirs} {
		if err := os.WriteFile(p, []byte("killed"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	a, err := partFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	b, err := partFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name() == b.Name() {
		t.Fatalf("two runs share %s", a.Name())
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a day-old part is left: %v", err)
	}
	if _, err := os.Stat(theirs); err != nil {
		t.Fatalf("a file of the operator's, named like a part, was removed: %v", err)
	}
	if err := os.WriteFile(a.Name(), []byte("a"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Publish(a.Name(), dst); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dst); string(got) != "a" {
		t.Fatalf("dst holds %q", got)
	}
	if err := Publish(b.Name(), dst); !errors.Is(err, os.ErrExist) {
		t.Fatalf("Publish over an existing dst: %v", err)
	}
	if got, _ := os.ReadFile(dst); string(got) != "a" {
		t.Fatalf("dst overwritten: %q", got)
	}
	if _, err := os.Stat(b.Name()); err != nil {
		t.Fatalf("the refused part is gone: %v", err)
	}
}
