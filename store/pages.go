package store

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
