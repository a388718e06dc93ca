package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// bbolt's page layout beyond the header (header.go), as Check walks it
// (go.etcd.io/bbolt, internal/common): a branch or leaf page holds count
// elements of 16 bytes after its page header, each pointing at its key (and a
// leaf's at its value) by an offset from the element itself.
//
//	branch element: pos u32, ksize u32, pgid u64
//	leaf element:   flags u32, pos u32, ksize u32, vsize u32
//
// A leaf element flagged as a bucket has a value that starts with the
// bucket's root page and sequence (u64 each); a root of 0 is an inline bucket
// whose leaf page follows in the value itself.
const (
	branchFlag     = 0x01
	leafFlag       = 0x02
	bucketLeafFlag = 0x01
	elementSize    = 16
	bucketHeader   = 16
)

// walkPages checks every page of the bbolt file f, whose header is m, by
// reading them from the file with every offset and length checked, never
// through a memory map: no page, however damaged, can crash it. It returns
// one line per damaged page, naming it, in page order, and none for a sound
// file. It checks what bbolt's own check does: every page the tree reaches is
// a branch or leaf whose elements lie inside it, with keys in order and within
// their parent's range, reached once, not also free; every page is reached,
// free, or a meta or freelist page.
func walkPages(f *os.File, m boltMeta) ([]string, error) {
	w := &pageWalk{f: f, size: m.pageSize, pages: m.pgid, reached: make([]bool, m.pgid),
		problems: map[uint64]string{}}
	w.reached[0], w.reached[1] = true, true
	if err := w.metas(); err != nil {
		return nil, err
	}
	var err error
	if w.free, err = w.freelist(m); err != nil {
		return nil, err
	}
	if err := w.walk(m.root); err != nil {
		return nil, err
	}
	if w.free != nil {
		w.lost()
	} else if err := w.strays(); err != nil {
		return nil, err
	}
	ids := make([]uint64, 0, len(w.problems))
	for id := range w.problems {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = w.problems[id]
	}
	return out, nil
}

// metas checks the two meta pages. m, the one walkPages starts from, is
// sound (readMeta chose it); bbolt opens a file with the other damaged, but
// its own check then panics on it, so it is named here.
func (w *pageWalk) metas() error {
	other := map[uint64]uint64{0: 1, 1: 0}
	for id := range uint64(2) {
		var p [metaOffset + metaSize]byte
		if _, err := w.f.ReadAt(p[:], int64(id*w.size)); err != nil {
			return fmt.Errorf("read page %d: %w", id, err)
		}
		why := ""
		if got := binary.NativeEndian.Uint64(p[:]); got != id {
			why = fmt.Sprintf("its header says it is page %d", got)
		} else if _, ok := parseMeta(p[metaOffset:]); !ok {
			why = "its checksum does not match"
		}
		if why != "" {
			w.report(id, "meta page damaged (%s); bbolt reads its other copy, page %d, and writes this one again as the bot writes", why, other[id])
		}
	}
	return nil
}

// pageWalk is one pass of walkPages.
type pageWalk struct {
	f           *os.File
	size, pages uint64
	reached     []bool
	free        []bool            // nil when the freelist is not to be trusted
	problems    map[uint64]string // by page: the first problem found on it
}

// visit is a page to check: the bucket it belongs to, and the range of keys
// its parent gives it, lo inclusive, hi exclusive (nil: no bound).
type visit struct {
	id, parent uint64
	bucket     string
	lo, hi     []byte
}

// report records a problem of page id, the first one only.
func (w *pageWalk) report(id uint64, format string, args ...any) {
	if _, ok := w.problems[id]; !ok {
		w.problems[id] = fmt.Sprintf("page %d", id) + sep(format) + fmt.Sprintf(format, args...)
	}
}

// sep is what goes between a page's number and its problem: a bucket in
// parentheses follows a space, anything else a colon.
func sep(format string) string {
	if strings.HasPrefix(format, "(") {
		return " "
	}
	return ": "
}

// freelist returns the pages the freelist lists, or nil if there is no
// freelist to trust (the file keeps none, or it is damaged: then unreached
// pages are not reported, as they may be free).
func (w *pageWalk) freelist(m boltMeta) ([]bool, error) {
	if m.freelist == noFreelist {
		return nil, nil
	}
	why, err := freelistProblem(w.f, m, w.pages)
	if err != nil {
		return nil, err
	}
	if why != "" {
		// Reported on the page the header names, or on the meta page when
		// it names none in the file.
		id := m.freelist
		if id >= w.pages {
			id = m.txid % 2
		}
		w.problems[id] = fmt.Sprintf("page %d: the freelist is damaged: %s", id, why)
		return nil, nil
	}
	p, err := w.read(m.freelist)
	if err != nil || p == nil {
		return nil, err
	}
	for i := range uint64(len(p)) / w.size {
		w.reached[m.freelist+i] = true
	}
	e := binary.NativeEndian
	count, ids := uint64(e.Uint16(p[10:])), p[pageHeaderSize:]
	if count == 0xFFFF {
		count, ids = e.Uint64(ids), ids[8:]
	}
	free := make([]bool, w.pages)
	for i := range count {
		id := e.Uint64(ids[i*8:])
		switch {
		case id < 2 || id >= w.pages:
			w.report(m.freelist, "the freelist lists page %d, outside pages 2 to %d", id, w.pages-1)
		case free[id]:
			w.report(id, "listed twice as free")
		}
		if id < w.pages {
			free[id] = true
		}
	}
	return free, nil
}

// read returns page id with its overflow pages, or nil after reporting it if
// it is not whole inside the file or does not say it is page id.
func (w *pageWalk) read(id uint64) ([]byte, error) {
	p := make([]byte, w.size)
	if _, err := w.f.ReadAt(p, int64(id*w.size)); err != nil {
		return nil, fmt.Errorf("read page %d: %w", id, err)
	}
	e := binary.NativeEndian
	overflow := uint64(e.Uint32(p[12:]))
	switch {
	case e.Uint64(p) != id:
		w.report(id, "its header says it is page %d", e.Uint64(p))
		return nil, nil
	case overflow >= w.pages-id:
		w.report(id, "it runs %d pages past the end of the file", overflow-(w.pages-id)+1)
		return nil, nil
	case overflow == 0:
		return p, nil
	}
	p = slices.Grow(p, int(overflow*w.size))[:(overflow+1)*w.size]
	if _, err := w.f.ReadAt(p[w.size:], int64((id+1)*w.size)); err != nil {
		return nil, fmt.Errorf("read page %d: %w", id, err)
	}
	return p, nil
}

// walk checks the tree of buckets from the root bucket's page.
func (w *pageWalk) walk(root uint64) error {
	stack := []visit{{id: root, parent: 0, bucket: rootBucket}}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case v.id < 2 || v.id >= w.pages:
			w.report(v.parent, "points to page %d, outside pages 2 to %d", v.id, w.pages-1)
			continue
		case w.reached[v.id]:
			w.report(v.parent, "points to page %d, which is reached another way too", v.id)
			continue
		case w.free != nil && w.free[v.id]:
			w.report(v.id, "(%s): in use and also listed as free", v.bucket)
		}
		p, err := w.read(v.id)
		if err != nil {
			return err
		}
		for i := range uint64(len(p)) / w.size {
			w.reached[v.id+i] = true
		}
		if p == nil {
			w.reached[v.id] = true
			continue
		}
		more, why := w.elements(v, p, binary.NativeEndian.Uint16(p[8:]))
		if why != "" {
			w.report(v.id, "(%s): %s", v.bucket, why)
		}
		stack = append(stack, more...)
	}
	return nil
}

// elements checks the elements of page p (an inline bucket's page too) and
// returns the pages they point to, or what is wrong with them.
func (w *pageWalk) elements(v visit, p []byte, flags uint16) ([]visit, string) {
	e := binary.NativeEndian
	count := uint64(e.Uint16(p[10:]))
	switch {
	case flags != branchFlag && flags != leafFlag:
		return nil, fmt.Sprintf("not a branch or a leaf page (type 0x%x)", flags)
	case pageHeaderSize+count*elementSize > uint64(len(p)):
		return nil, fmt.Sprintf("its %d elements run past its end", count)
	}
	var more []visit
	var prev []byte
	for i := range count {
		key, val, ok := element(p, i, flags)
		switch {
		case !ok:
			return more, fmt.Sprintf("element %d points past the page's end", i)
		case i > 0 && bytes.Compare(key, prev) <= 0:
			return more, fmt.Sprintf("element %d's key is out of order", i)
		case bytes.Compare(key, v.lo) < 0 || v.hi != nil && bytes.Compare(key, v.hi) >= 0:
			return more, fmt.Sprintf("element %d's key is outside the range its parent gives it", i)
		}
		prev = key
		el := p[pageHeaderSize+i*elementSize:]
		switch {
		case flags == branchFlag:
			// The next element's key bounds this child; if it is damaged,
			// the next round reports it.
			child := visit{id: e.Uint64(el[8:]), parent: v.id, bucket: v.bucket, lo: key, hi: v.hi}
			if next, _, ok := element(p, i+1, flags); ok && i+1 < count {
				child.hi = next
			}
			more = append(more, child)
		case e.Uint32(el)&bucketLeafFlag != 0:
			sub, why := w.bucket(v, key, val)
			if why != "" {
				return more, fmt.Sprintf("element %d: %s", i, why)
			}
			more = append(more, sub...)
		}
	}
	return more, ""
}

// element returns the key and value of element i of page p, a branch's value
// empty, and false if they do not lie inside the page.
//
//	branch element: pos u32, ksize u32, pgid u64
//	leaf element:   flags u32, pos u32, ksize u32, vsize u32
func element(p []byte, i uint64, flags uint16) (key, val []byte, ok bool) {
	e := binary.NativeEndian
	off := pageHeaderSize + i*elementSize
	if off+elementSize > uint64(len(p)) {
		return nil, nil, false
	}
	el := p[off : off+elementSize]
	var pos, ksize, vsize uint64
	if flags == branchFlag {
		pos, ksize = uint64(e.Uint32(el)), uint64(e.Uint32(el[4:]))
	} else {
		pos, ksize, vsize = uint64(e.Uint32(el[4:])), uint64(e.Uint32(el[8:])), uint64(e.Uint32(el[12:]))
	}
	if off+pos+ksize+vsize > uint64(len(p)) {
		return nil, nil, false
	}
	k := off + pos
	return p[k : k+ksize], p[k+ksize : k+ksize+vsize], true
}

// bucket checks the header of the bucket named key in page v, whose value is
// val, and returns its root page to visit, or the visits of its inline page.
func (w *pageWalk) bucket(v visit, key, val []byte) ([]visit, string) {
	e := binary.NativeEndian
	name := bucketName(v.bucket, key)
	switch {
	case len(val) < bucketHeader:
		return nil, fmt.Sprintf("the header of %s is cut short", name)
	case e.Uint64(val) != 0:
		return []visit{{id: e.Uint64(val), parent: v.id, bucket: name}}, ""
	case len(val) < bucketHeader+pageHeaderSize:
		return nil, fmt.Sprintf("inline %s is cut short", name)
	}
	page := val[bucketHeader:] // a root of 0: the bucket's only page is inline
	more, why := w.elements(visit{id: v.id, parent: v.id, bucket: name}, page, e.Uint16(page[8:]))
	if why != "" {
		return nil, fmt.Sprintf("inline %s: %s", name, why)
	}
	return more, ""
}

// rootBucket is how a report names the bucket that holds the others.
const rootBucket = "root bucket"

// bucketName names a bucket for a report: `bucket "journal"`, its name
// quoted, under its parent's unless that is the root.
func bucketName(parent string, key []byte) string {
	name := strconv.QuoteToASCII(string(key))
	if parent == rootBucket {
		return "bucket " + name
	}
	return parent + "/" + name
}

// strays reports the pages the tree does not reach whose header does not
// name them, in runs, for a file whose freelist cannot say which pages are
// free: a free page keeps the header it had in use, so what is neither is
// damaged (a damaged branch or root hides what lies under it). A page's
// overflow pages are passed over, as their bytes are its data. Without the
// freelist this can also name a free page that held the end of an old large
// value; the file is damaged either way, and the restore is the same.
func (w *pageWalk) strays() error {
	var h [pageHeaderSize]byte
	e := binary.NativeEndian
	for id := uint64(2); id < w.pages; id++ {
		if w.reached[id] {
			continue
		}
		if _, err := w.f.ReadAt(h[:], int64(id*w.size)); err != nil {
			return fmt.Errorf("read page %d: %w", id, err)
		}
		if e.Uint64(h[:]) == id {
			id += min(uint64(e.Uint32(h[12:])), w.pages-id-1)
			continue
		}
		end := id
		for ; end+1 < w.pages && !w.reached[end+1]; end++ {
			if _, err := w.f.ReadAt(h[:], int64((end+1)*w.size)); err != nil {
				return fmt.Errorf("read page %d: %w", end+1, err)
			}
			if e.Uint64(h[:]) == end+1 {
				break
			}
		}
		if _, ok := w.problems[id]; !ok {
			w.problems[id] = fmt.Sprintf("page %d: its header says it is another page", id)
			if end > id {
				w.problems[id] = fmt.Sprintf("pages %d to %d: their headers say they are other pages", id, end)
			}
		}
		id = end
	}
	return nil
}

// lost reports pages that are neither reached, free nor a meta or freelist
// page, in runs.
func (w *pageWalk) lost() {
	for id := uint64(2); id < w.pages; id++ {
		if w.reached[id] || w.free[id] {
			continue
		}
		end := id
		for end+1 < w.pages && !w.reached[end+1] && !w.free[end+1] {
			end++
		}
		if _, ok := w.problems[id]; !ok {
			w.problems[id] = fmt.Sprintf("page %d: neither in use nor free: nothing points to it", id)
			if end > id {
				w.problems[id] = fmt.Sprintf("pages %d to %d: neither in use nor free: nothing points to them", id, end)
			}
		}
		id = end
	}
}
