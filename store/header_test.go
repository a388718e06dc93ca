package store_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
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
	t.Parallel()
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
// TestOpenMissingDir: a path in a directory that does not exist is named
// once, with the reason, and so for Check.
func TestOpenMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "x.db")
	for name, open := range map[string]func() error{
		"Open":  func() error { _, err := store.Open(path, store.Options{}); return err },
		"Check": func() error { return store.Check(path) },
	} {
		err := open()
		if !errors.Is(err, fs.ErrNotExist) || strings.Count(err.Error(), path) != 1 {
			t.Errorf("%s: err = %v, want the path once and ErrNotExist", name, err)
		}
	}
}

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

// A file whose header is intact but whose pages are scrambled is refused by
// Open with ErrCorrupt, in one line that names the file and the way out, and
// left as it was. bbolt alone panics on it: loading the freelist inside
// bolt.Open, or reading a bucket page in Open's first transaction.
func TestOpenDamagedPages(t *testing.T) {
	t.Parallel()
	src := closedDB(t, 50)
	page, hwm := highWater(t, src)
	free := freelistPage(t, src)
	for _, tt := range []struct {
		name   string
		damage func(b []byte) []byte
		why    string // what the message says was found; "" for bbolt's panic
		fault  bool   // bbolt's check crashes on it: it faults in a goroutine of its own
	}{
		{"Scrambled", func(b []byte) []byte { scramble(b, 3*page, int64(len(b))); return b }, "", false},
		// Everything but the header and the freelist, so that bolt.Open
		// succeeds and the panic comes from Open's transaction.
		{"ScrambledBesideFreelist", func(b []byte) []byte {
			scramble(b, 2*page, free*page)
			scramble(b, (free+1+freelistOverflow(b, free, page))*page, hwm)
			return b
		}, "", false},
		{"FreelistIsLeaf", func(b []byte) []byte {
			binary.NativeEndian.PutUint16(b[free*page+8:], 0x02)
			return b
		}, fmt.Sprintf("page %d is not the freelist its header records", free), false},
		{"FreelistWrongID", func(b []byte) []byte {
			binary.NativeEndian.PutUint64(b[free*page:], uint64(free+1))
			return b
		}, fmt.Sprintf("page %d is not the freelist its header records", free), false},
		{"FreelistPastLastPage", func(b []byte) []byte {
			for _, m := range [][]byte{b[16:], b[page+16:]} { // both metas, checksums and all
				binary.NativeEndian.PutUint64(m[32:], uint64(hwm/page))
				h := fnv.New64a()
				h.Write(m[:56])
				binary.NativeEndian.PutUint64(m[56:], h.Sum64())
			}
			return b
		}, fmt.Sprintf("its header records page %d as its freelist, outside pages 2 to %d", hwm/page, hwm/page-1), false},
		// One id more than its pages hold. (A count of billions would crash
		// bbolt's check, as Open would crash without checkFreelist.)
		{"FreelistOverlong", func(b []byte) []byte {
			ids := (freelistOverflow(b, free, page)+1)*page/8 - 2 + 1
			binary.NativeEndian.PutUint16(b[free*page+10:], uint16(ids))
			return b
		}, fmt.Sprintf("its freelist on page %d runs past its end", free), false},
		{"FreelistOverflowsFile", func(b []byte) []byte {
			binary.NativeEndian.PutUint32(b[free*page+12:], uint32(hwm/page))
			return b
		}, fmt.Sprintf("its freelist on page %d runs past its end", free), false},
		// The first key of the root bucket's page points past the end of
		// the file, into the rest of bbolt's memory map: reading it faults
		// (SIGBUS), which Open turns into a panic, and that into an error.
		{"KeyPastEndOfFile", func(b []byte) []byte {
			b = b[:hwm] // no spare pages after the last one, unlike bbolt's files
			root := rootPage(b, page)
			elem := root*page + 16 // the first leaf element: flags, pos, ksize, vsize u32
			binary.NativeEndian.PutUint32(b[elem+4:], uint32(hwm+16-elem))
			return b
		}, "a page points past the end of the file; mentorbot check names it", true},
		// A key longer than any page: bbolt slices past its bounds, and the
		// runtime's words for that are no use to an operator.
		{"KeyLongerThanAnything", func(b []byte) []byte {
			root := rootPage(b, page)
			elem := root*page + 16
			binary.NativeEndian.PutUint32(b[elem+8:], 0xA0000000)
			return b
		}, "a page points outside itself; mentorbot check names it", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := copyFile(t, src)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tt.damage(b), 0o600); err != nil {
				t.Fatal(err)
			}
			before := freeze(t, path)
			// Twice: a handle the first left open would hold the lock, and
			// the second would wait for it and fail with ErrInUse.
			for range 2 {
				db, err := store.Open(path, store.Options{LockTimeout: 100 * time.Millisecond})
				if err == nil {
					db.Close()
					t.Fatal("Open accepted the file")
				}
				t.Logf("Open: %v", err)
				prefix := "open " + path + ": database file is damaged ("
				suffix := "); restore it from a backup (see docs/operations.md)"
				msg := err.Error()
				if !errors.Is(err, store.ErrCorrupt) || !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, suffix) ||
					strings.Contains(msg, "\n") {
					t.Fatalf("err = %q, want ErrCorrupt as %q…%q on one line", msg, prefix, suffix)
				}
				if why := strings.TrimSuffix(strings.TrimPrefix(msg, prefix), suffix); tt.why != "" && why != tt.why {
					t.Fatalf("the message says %q, want %q", why, tt.why)
				}
			}
			// Check opens read-only and reads the pages itself: it names
			// the damage, and bbolt's check, which crashes on a fault in a
			// goroutine of its own, never sees such a file.
			if err := store.Check(path); !errors.Is(err, store.ErrCorrupt) || !regexp.MustCompile(`\npages? \d+`).MatchString(err.Error()) {
				t.Fatalf("Check: err = %v, want ErrCorrupt naming pages", err)
			} else {
				t.Logf("Check: %.300s", err)
			}
			after := stateOf(t, path)
			if !bytes.Equal(before.data, after.data) || !after.mtime.Equal(before.mtime) {
				t.Fatalf("the file changed: %d bytes, mtime %v; was %d bytes, mtime %v",
					len(after.data), after.mtime, len(before.data), before.mtime)
			}
		})
	}
}

// freelistPage returns the page its header records as the freelist of the
// bbolt file at path.
func freelistPage(tb testing.TB, path string) int64 {
	tb.Helper()
	page, _ := highWater(tb, path)
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return int64(binary.NativeEndian.Uint64(meta(b, page)[32:]))
}

// rootPage returns the page of the root bucket in bbolt file b, as its header
// records it.
func rootPage(b []byte, page int64) int64 {
	return int64(binary.NativeEndian.Uint64(meta(b, page)[16:]))
}

// meta returns the meta bbolt uses in file b: of two valid ones, that with
// the higher txid.
func meta(b []byte, page int64) []byte {
	m0, m1 := b[16:], b[page+16:]
	if binary.NativeEndian.Uint64(m1[48:]) > binary.NativeEndian.Uint64(m0[48:]) {
		return m1
	}
	return m0
}

// freelistOverflow returns how many pages follow the freelist page id in b.
func freelistOverflow(b []byte, id, page int64) int64 {
	return int64(binary.NativeEndian.Uint32(b[id*page+12:]))
}

// scramble overwrites b[from:to] as corrupt does.
func scramble(b []byte, from, to int64) {
	for i := from; i < to; i++ {
		b[i] = byte(i * 7)
	}
}
