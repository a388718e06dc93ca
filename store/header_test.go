package store_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	bolt "go.etcd.io/bbolt"
)

// highWater returns the page size of the bbolt file at path and the size its
// header records (the high-water mark), as bbolt reads them.
func highWater(tb testing.TB, path string) (pageSize, size int64) {
	tb.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer bdb.Close()
	if err := bdb.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil }); err != nil {
		tb.Fatal(err)
	}
	return int64(bdb.Info().PageSize), size
}

// copyFile copies src to a new file in a temp dir and returns its path.
func copyFile(tb testing.TB, src string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "mentorbot.db")
	in, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// fileState is what must not change about a file a command refuses.
type fileState struct {
	data  []byte
	mtime time.Time
}

// freeze dates the file in the past, so that a write would show in its mtime
// however coarse the file system's clock, and returns its state.
func freeze(tb testing.TB, path string) fileState {
	tb.Helper()
	past := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, past, past); err != nil {
		tb.Fatal(err)
	}
	return stateOf(tb, path)
}

func stateOf(tb testing.TB, path string) fileState {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fileState{data: data, mtime: fi.ModTime()}
}

// mustRefuse checks that Open, Check and CopyTo all refuse the file at path
// with want, name the path, and leave the file as it was.
func mustRefuse(t *testing.T, path string, want error) {
	t.Helper()
	before := freeze(t, path)
	db, err := store.Open(path, store.Options{})
	if err == nil {
		db.Close()
	}
	if !errors.Is(err, want) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open: err = %v, want %v naming the file", err, want)
	}
	t.Logf("Open: %v", err)
	if err := store.Check(path); !errors.Is(err, want) {
		t.Fatalf("Check: err = %v, want %v", err, want)
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := store.CopyTo(path, dst); !errors.Is(err, want) {
		t.Fatalf("CopyTo: err = %v, want %v", err, want)
	}
	if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused CopyTo left %s behind", dst)
	}
	after := stateOf(t, path)
	if !bytes.Equal(before.data, after.data) {
		t.Fatalf("the file changed: %d bytes before, %d after", len(before.data), len(after.data))
	}
	if !after.mtime.Equal(before.mtime) {
		t.Fatalf("the file's mtime moved from %v to %v", before.mtime, after.mtime)
	}
}

// A truncated file is refused, whatever it lost, and never written to: bbolt
// alone would map it and fault on the first page past its end, or make an
// empty one a new database.
func TestOpenTruncated(t *testing.T) {
	src := closedDB(t, 50)
	page, hwm := highWater(t, src)
	if hwm < 10*page {
		t.Fatalf("the database is too small to truncate usefully: %d bytes of %d-byte pages", hwm, page)
	}
	for _, tt := range []struct {
		name string
		size int64
		want error
	}{
		{"ToZero", 0, store.ErrEmpty},
		{"MidFirstMeta", 40, store.ErrTruncated},
		{"LessThanAPage", page / 2, store.ErrTruncated},
		{"MidSecondMeta", page + 40, store.ErrTruncated},
		{"AfterMetaPages", 2 * page, store.ErrTruncated},
		{"Half", hwm / 2, store.ErrTruncated},
		{"OnePageShort", hwm - page, store.ErrTruncated},
		{"OneByteShort", hwm - 1, store.ErrTruncated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := copyFile(t, src)
			if err := os.Truncate(path, tt.size); err != nil {
				t.Fatal(err)
			}
			mustRefuse(t, path, tt.want)
		})
	}

	// bbolt grows the file ahead of the pages it uses: what lies past the
	// high-water mark holds nothing, and a backup ends there.
	t.Run("AtHighWaterMark", func(t *testing.T) {
		path := copyFile(t, src)
		if err := os.Truncate(path, hwm); err != nil {
			t.Fatal(err)
		}
		if err := store.Check(path); err != nil {
			t.Fatal(err)
		}
		mustSameData(t, openCopy(t, src), openCopy(t, path), 50)
	})

	// A page size other than this machine's: the header's is the one used.
	t.Run("OtherPageSize", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "big-pages.db")
		bdb, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: 4 * os.Getpagesize()})
		if err != nil {
			t.Fatal(err)
		}
		bdb.Close()
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fill(t, db, 5, 20)
		db.Close()
		page, hwm := highWater(t, path)
		if page != int64(4*os.Getpagesize()) {
			t.Fatalf("page size %d", page)
		}
		if err := os.Truncate(path, hwm-int64(os.Getpagesize())); err != nil {
			t.Fatal(err)
		}
		mustRefuse(t, path, store.ErrTruncated)
	})
}

// A file that is not a bbolt database, or whose header is damaged, is refused
// and left as it was.
func TestOpenNotDatabase(t *testing.T) {
	page := int64(os.Getpagesize())
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 16*page)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	for name, content := range map[string][]byte{
		"Text":    bytes.Repeat([]byte("not a database\n"), 1000),
		"Random":  random,
		"Zeros":   make([]byte, 16*page),
		"SQLite":  append([]byte("SQLite format 3\x00"), make([]byte, 8*page)...),
		"OneByte": {0xed},
		// Headers whose checksums hold but whose numbers cannot be: a page
		// too small for the header, more pages than a file can have.
		"TinyPages": forgeHeader(16, 4),
		"HugeMark":  forgeHeader(4096, 1<<62),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mentorbot.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			mustRefuse(t, path, store.ErrNotDatabase)
		})
	}

	// Both meta pages damaged: the magic number says bbolt, the checksums
	// say the header cannot be trusted.
	t.Run("DamagedHeader", func(t *testing.T) {
		src := closedDB(t, 5)
		page, _ := highWater(t, src)
		path := copyFile(t, src)
		flipByte(t, path, 16+40)      // meta 0's high-water mark
		flipByte(t, path, page+16+40) // meta 1's
		mustRefuse(t, path, store.ErrNotDatabase)
	})

	t.Run("Directory", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := store.Open(dir, store.Options{}); !errors.Is(err, store.ErrNotDatabase) {
			t.Fatalf("err = %v, want ErrNotDatabase", err)
		}
	})
}

// One damaged meta page is what bbolt's two are for: the file opens with the
// other one, as bbolt would.
func TestOpenOneMetaDamaged(t *testing.T) {
	for _, meta := range []int64{0, 1} {
		src := closedDB(t, 5)
		page, _ := highWater(t, src)
		path := copyFile(t, src)
		flipByte(t, path, meta*page+16+40)
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatalf("meta %d damaged: %v", meta, err)
		}
		if _, err := db.History("U001", 0); err != nil {
			t.Fatal(err)
		}
		db.Close()
		MustCheck(t, path)
	}
}

// A path that does not exist is a new database, as before.
func TestOpenCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = store.Open(path, store.Options{}) // and opens again
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

func flipByte(tb testing.TB, path string, off int64) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var b [1]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		tb.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b[:], off); err != nil {
		tb.Fatal(err)
	}
}

// forgeHeader returns a file of two pages of 4096 bytes whose meta pages
// carry pageSize and the high-water mark pgid, with valid checksums.
func forgeHeader(pageSize uint32, pgid uint64) []byte {
	b := make([]byte, 2*4096)
	for i := range 2 {
		m := b[i*4096+16:]
		binary.NativeEndian.PutUint32(m[0:], 0xED0CDAED)
		binary.NativeEndian.PutUint32(m[4:], 2)
		binary.NativeEndian.PutUint32(m[8:], pageSize)
		binary.NativeEndian.PutUint64(m[40:], pgid)
		binary.NativeEndian.PutUint64(m[48:], uint64(i))
		h := fnv.New64a()
		h.Write(m[:56])
		binary.NativeEndian.PutUint64(m[56:], h.Sum64())
	}
	return b
}
