package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	bolt "go.etcd.io/bbolt"
)

// The audit's stalled download: a client with the token reads the headers
// of /backup and stops reading. Before the snapshot went to a file first,
// its read transaction stayed open: once a write had to grow the file's
// memory map, every write blocked, reads queued behind it, members got empty
// acks and /readyz timed out for as long as the client stalled.
func TestE2E_FaultStalledBackup(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["MENTOR_BACKUP_TOKEN"] = backupToken
	path := h.env["MENTOR_DB_PATH"]
	nearlyFull(t, path, 16<<20)
	h.start()
	base := h.httpBase()

	conn, body, size := stallBackup(t, base)
	defer conn.Close()
	// Each write copies pages; while a reader held the old ones, they came
	// from past the high-water mark, and a few dozen outgrew the map.
	for i := range 40 {
		role := []string{"staff", "lead"}[i%2]
		if got := h.slash("role " + role); !strings.Contains(got, "Role set to `"+role+"`") {
			t.Fatalf("write %d during the stalled download: /mentor role %s =\n%s", i, role, got)
		}
	}
	if code, body, _ := get(t, base+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz during the stalled download = %d %q", code, body)
	}
	if got := h.slash("status"); !strings.Contains(got, "lead") {
		t.Fatalf("/mentor status during the stalled download =\n%s", got)
	}

	// Each download holds a copy of the database on its disk: a second is
	// served, a third is refused until one ends.
	conn2, _, _ := stallBackup(t, base)
	code, body3, hdr := get(t, base+"/backup", "Authorization: Bearer "+backupToken)
	if code != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" {
		t.Fatalf("a third download at once = %d %q, Retry-After %q; want 503", code, body3, hdr.Get("Retry-After"))
	}
	conn2.Close()
	wait(t, func() bool {
		code, _, _ := get(t, base+"/backup", "Authorization: Bearer "+backupToken)
		return code == http.StatusOK
	})

	// The client reads again, and gets the whole snapshot.
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	b := make([]byte, size)
	if n, err := io.ReadFull(body, b); err != nil {
		t.Fatalf("the rest of the download: %d of %d bytes: %v\n%s", n, size, err, h.stderr)
	}
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(copyPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.Check(copyPath); err != nil {
		t.Fatalf("the download is not a consistent database: %v", err)
	}
}

// nearlyFull makes a mentorbot database at path whose pages reach to within
// 48 KB of limit, a power of two: bbolt maps such a file with limit bytes,
// and a write past them must remap it. The filler is in buckets of its own.
func nearlyFull(t *testing.T, path string, limit int) {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	high := func() (n int) {
		_ = bdb.View(func(tx *bolt.Tx) error { n = int(tx.Size()); return nil })
		return n
	}
	put := func(bucket string, i, size int) {
		err := bdb.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte(bucket))
			if err != nil {
				return err
			}
			return b.Put(fmt.Appendf(nil, "%08d", i), make([]byte, size))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Two values, each in a bucket of its own, so that neither is copied
	// again, and the file has few free pages for later writes to reuse.
	put("filler-bulk", 0, limit-1<<20-high())
	put("filler-top", 0, limit-48<<10-high())
	if n := high(); n >= limit || n < limit-128<<10 {
		t.Fatalf("the filler reached %d bytes, want within 128 KB of %d", n, limit)
	}
}

// stallBackup asks for /backup, reads the response's headers and returns the
// connection, unread past them, with the rest of the response and its
// length. Loopback's socket buffers hold a few megabytes (Linux's default
// tcp_rmem and tcp_wmem maxima, 6 and 4 MiB), less than the download: the
// server is left blocked in a write.
func stallBackup(t *testing.T, base string) (net.Conn, *bufio.Reader, int64) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /backup HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", u.Host, backupToken)
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReaderSize(conn, 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("/backup headers: %v", err)
	}
	if resp.StatusCode != http.StatusOK || resp.ContentLength < 12<<20 {
		t.Fatalf("/backup = %s, %d bytes", resp.Status, resp.ContentLength)
	}
	return conn, br, resp.ContentLength
}
