package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
)

// Before bbolt maps an existing file, Open, CopyTo and Check read its header
// themselves, because bbolt trusts the file: it initialises an empty file as
// a new database, and it maps a truncated one as if it were whole, so the
// first read of a page past the end panics or faults, and a write transaction
// on it may rewrite pages. checkFile only reads, and needs no lock.
//
// The header is bbolt's (go.etcd.io/bbolt, internal/common): pages 0 and 1
// each hold a 16-byte page header and a meta, native-endian:
//
//	magic u32, version u32, pageSize u32, flags u32, root u64, sequence u64,
//	freelist u64, pgid u64, txid u64, checksum u64
//
// Every page starts with that header: id u64, flags u16, count u16,
// overflow u32 (the pages after it that it spans).
//
// checksum is FNV-1a 64 over the 56 bytes before it. pgid is the high-water
// mark: the file holds pages 0 to pgid-1, so it is at least pgid*pageSize
// bytes long. Like bbolt, checkFile trusts the valid meta with the higher txid
// and finds page 1 at the page size page 0 records, or, when page 0 is
// damaged, by trying the page sizes bbolt tries.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	metaOffset     = 16 // the page header comes first
	metaSize       = 64
	metaSumOffset  = 56
	minPageSize    = 1024 // the smallest page size bbolt looks for page 1 at
	maxPageSizeLog = 14   // and the largest, 1024<<14
	pageHeaderSize = 16
	freelistFlag   = 0x10
	noFreelist     = math.MaxUint64 // the freelist pgid of a file that keeps none
	restoreHint    = "restore it from a backup (see docs/operations.md)"
)

// boltMeta is what checkFile needs of a meta page.
type boltMeta struct {
	pageSize   uint64
	root       uint64 // the page of the root bucket, which holds the others
	freelist   uint64
	pgid, txid uint64
}

// checkFile returns nil if path is a bbolt file with an intact header and every
// page that header records, or an error naming path: ErrEmpty, ErrTruncated,
// ErrNotDatabase, or the *fs.PathError of a file that cannot be opened (one
// that does not exist, say). With freelist, it checks the freelist page too
// (checkFreelist), as Open needs.
func checkFile(path string, freelist bool) error {
	// Before opening: opening a FIFO to read waits for a writer for ever.
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() && !fi.Mode().IsRegular() {
		return fmt.Errorf("open %s: %w (not a regular file)", path, ErrNotDatabase)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	switch {
	case fi.IsDir():
		return fmt.Errorf("open %s: %w (a directory)", path, ErrNotDatabase)
	case !fi.Mode().IsRegular():
		// /dev/null, a FIFO, a /proc file: not a file to remove.
		return fmt.Errorf("open %s: %w (not a regular file)", path, ErrNotDatabase)
	case size == 0:
		return fmt.Errorf("open %s: %w; remove it to start a new database, or %s", path, ErrEmpty, restoreHint)
	}
	m, ok, err := readMeta(f, size)
	if err != nil {
		return fmt.Errorf("open %s: read header: %w", path, err)
	}
	// The meta pages themselves are pages 0 and 1: bbolt maps no less.
	pages := max(m.pgid, 2)
	switch {
	case !ok && !hasMagic(f):
		return fmt.Errorf("open %s: %w (no bbolt header); check the path, or %s", path, ErrNotDatabase, restoreHint)
	case !ok && size < metaOffset+metaSize:
		return fmt.Errorf("open %s: %w (%d bytes, shorter than its header); %s", path, ErrTruncated, size, restoreHint)
	case !ok, m.pageSize < metaOffset+metaSize, pages > math.MaxInt64/m.pageSize:
		return fmt.Errorf("open %s: %w (its bbolt header is damaged); %s", path, ErrNotDatabase, restoreHint)
	case pages > uint64(size)/m.pageSize:
		return fmt.Errorf("open %s: %w (%d of %d bytes); %s", path, ErrTruncated, size, pages*m.pageSize, restoreHint)
	case freelist:
		return checkFreelist(f, path, m, pages)
	}
	return nil
}

// checkFreelist returns nil if the freelist that meta m of f records is one
// bbolt can load, or an error naming path that wraps ErrCorrupt. Open needs
// it because a read-write bolt.Open loads the freelist before it returns,
// trusting its page type and its length: a damaged one panics or faults
// inside bolt.Open, where no handle is left to close. Check and CopyTo open
// read-only, which loads no freelist. pages is what checkFile found the file
// holds.
func checkFreelist(f *os.File, path string, m boltMeta, pages uint64) error {
	why, err := freelistProblem(f, m, pages)
	switch {
	case err != nil:
		return fmt.Errorf("open %s: read freelist: %w", path, err)
	case why != "":
		return damaged("open", path, why)
	}
	return nil
}

// freelistProblem says what is wrong with the freelist meta m of f records,
// "" if nothing is.
func freelistProblem(f *os.File, m boltMeta, pages uint64) (string, error) {
	if m.freelist == noFreelist {
		return "", nil // bbolt rebuilds it from the tree
	}
	if m.freelist < 2 || m.freelist >= pages {
		return fmt.Sprintf("its header records page %d as its freelist, outside pages 2 to %d", m.freelist, pages-1), nil
	}
	var h [pageHeaderSize + 8]byte
	if _, err := f.ReadAt(h[:], int64(m.freelist*m.pageSize)); err != nil {
		return "", err
	}
	e := binary.NativeEndian
	id, flags, overflow := e.Uint64(h[0:]), e.Uint16(h[8:]), uint64(e.Uint32(h[12:]))
	// A count of 0xFFFF says the real count is the page's first element.
	count, first := uint64(e.Uint16(h[10:])), uint64(0)
	if count == 0xFFFF {
		count, first = e.Uint64(h[pageHeaderSize:]), 1
	}
	switch {
	case id != m.freelist || flags != freelistFlag:
		return fmt.Sprintf("page %d is not the freelist its header records", m.freelist), nil
	case overflow >= pages-m.freelist,
		count > ((overflow+1)*m.pageSize-pageHeaderSize)/8-first:
		return fmt.Sprintf("its freelist on page %d runs past its end", m.freelist), nil
	}
	return "", nil
}

// damaged is the error for a file whose pages are not what its header says,
// met while op ("open", "read") was under way; why says what was found.
func damaged(op, path, why string) error {
	return fmt.Errorf("%s %s: %w (%s); %s", op, path, ErrCorrupt, why, restoreHint)
}

// readMeta returns the meta bbolt would use: the valid one of pages 0 and 1
// with the higher txid. ok is false if neither is valid.
func readMeta(f *os.File, size int64) (m boltMeta, ok bool, err error) {
	m0, ok0, err := metaAt(f, 0)
	if err != nil {
		return m, false, err
	}
	var m1 boltMeta
	var ok1 bool
	if ok0 {
		if m1, ok1, err = metaAt(f, int64(m0.pageSize)); err != nil {
			return m, false, err
		}
	} else {
		for i := range maxPageSizeLog + 1 {
			off := int64(minPageSize) << i
			if off >= size {
				break
			}
			if m1, ok1, err = metaAt(f, off); err != nil || ok1 {
				break
			}
		}
		if err != nil {
			return m, false, err
		}
	}
	switch {
	case ok0 && ok1 && m1.txid > m0.txid, !ok0 && ok1:
		return m1, true, nil
	case ok0:
		return m0, true, nil
	}
	return m, false, nil
}

// metaAt decodes the meta of the page at off; ok is false if the file ends
// before it or it is not a valid meta.
func metaAt(f *os.File, off int64) (m boltMeta, ok bool, err error) {
	var buf [metaOffset + metaSize]byte
	n, err := f.ReadAt(buf[:], off)
	switch {
	case n == len(buf):
	case errors.Is(err, io.EOF):
		return m, false, nil // the file ends first
	default:
		return m, false, err
	}
	m, ok = parseMeta(buf[metaOffset:])
	return m, ok, nil
}

// parseMeta decodes a meta; ok is false unless its magic, version and
// checksum are right.
func parseMeta(b []byte) (m boltMeta, ok bool) {
	e := binary.NativeEndian
	h := fnv.New64a()
	h.Write(b[:metaSumOffset])
	if e.Uint32(b[0:]) != boltMagic || e.Uint32(b[4:]) != boltVersion || e.Uint64(b[metaSumOffset:]) != h.Sum64() {
		return m, false
	}
	return boltMeta{pageSize: uint64(e.Uint32(b[8:])), root: e.Uint64(b[16:]), freelist: e.Uint64(b[32:]), pgid: e.Uint64(b[40:]), txid: e.Uint64(b[48:])}, true
}

// hasMagic reports whether page 0 starts with bbolt's magic number, valid or
// not: what tells a damaged database from another kind of file.
func hasMagic(f *os.File) bool {
	var buf [4]byte
	n, _ := f.ReadAt(buf[:], metaOffset)
	return n == len(buf) && binary.NativeEndian.Uint32(buf[:]) == boltMagic
}
