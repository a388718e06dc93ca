package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

func TestCompact(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		path := closedDB(t, 200)
		dst := filepath.Join(t.TempDir(), "compact.db")
		before, after, err := store.Compact(path, dst)
		if err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(path); before != fi.Size() {
			t.Fatalf("before = %d, the file is %d bytes", before, fi.Size())
		}
		if after <= 0 || after >= before {
			t.Fatalf("compacted %d bytes to %d: not smaller", before, after)
		}
		if err := store.Check(dst); err != nil {
			t.Fatalf("the compacted copy fails its check: %v", err)
		}
		mustSameData(t, openCopy(t, path), openCopy(t, dst), 200)
	})

	// The copy is written beside dst and named dst only once complete and
	// checked (partFile and Publish, publish_internal_test.go): none of its
	// part is left after.
	t.Run("WrittenAsPart", func(t *testing.T) {
		path := closedDB(t, 20)
		dir := t.TempDir()
		dst := filepath.Join(dir, "compact.db")
		if _, _, err := store.Compact(path, dst); err != nil {
			t.Fatal(err)
		}
		if parts, _ := filepath.Glob(filepath.Join(dir, "*.part")); len(parts) != 0 {
			t.Fatalf("parts left: %v", parts)
		}
		mustSameData(t, openCopy(t, path), openCopy(t, dst), 20)
	})

	t.Run("ExistingDestination", func(t *testing.T) {
		path := closedDB(t, 1)
		dst := filepath.Join(t.TempDir(), "mentorbot.db")
		os.WriteFile(dst, []byte("the live file"), 0o600)
		if _, _, err := store.Compact(path, dst); err == nil || !strings.Contains(err.Error(), "exists") {
			t.Fatalf("err = %v, want a refusal to overwrite", err)
		}
		if b, _ := os.ReadFile(dst); string(b) != "the live file" {
			t.Fatal("Compact overwrote an existing file")
		}
	})

	t.Run("ErrInUse", func(t *testing.T) {
		db := MustOpenDB(t)
		dst := filepath.Join(t.TempDir(), "compact.db")
		if _, _, err := store.Compact(db.Path(), dst); !errors.Is(err, store.ErrInUse) {
			t.Fatalf("err = %v, want ErrInUse", err)
		}
		if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a refused compaction left %s behind (%v)", dst, err)
		}
	})

	// A damaged file is named, not copied: the copy would carry the damage.
	t.Run("Damaged", func(t *testing.T) {
		path := closedDB(t, 200)
		corrupt(t, path)
		dst := filepath.Join(t.TempDir(), "compact.db")
		if _, _, err := store.Compact(path, dst); !errors.Is(err, store.ErrCorrupt) {
			t.Fatalf("err = %v, want ErrCorrupt", err)
		}
		if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("compacting a damaged file left %s behind (%v)", dst, err)
		}
	})
}
