package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
	bolt "go.etcd.io/bbolt"
)

// What an operator sees when the database file is damaged: serve, check and
// backup stop at once with one line that names the file and the way out, and
// the file is left exactly as it was, bytes and mtime.
func TestE2E_DamagedDatabaseFile(t *testing.T) {
	t.Parallel()
	sim := slacksim.New(slacksim.Options{})
	t.Cleanup(sim.Close)
	good := filledDB(t)
	page, hwm := dbHighWater(t, good)
	const restore = "restore it from a backup (see docs/operations.md)"
	tests := []struct {
		name    string
		content func() []byte
		want    error
		msg     string // what follows "mentorbot: open PATH: "
		// pages is for damage past the header, which only serve reads
		// before it starts: check lists what bbolt's check finds instead of
		// the line, and backup copies the file as it is.
		pages bool
	}{
		{
			name:    "TruncatedHalf",
			content: func() []byte { return dbPrefix(t, good, hwm/2) },
			want:    store.ErrTruncated,
			msg:     fmt.Sprintf("database file is truncated (%d of %d bytes); %s", hwm/2, hwm, restore),
		},
		{
			name:    "TruncatedOnePageShort",
			content: func() []byte { return dbPrefix(t, good, hwm-page) },
			want:    store.ErrTruncated,
			msg:     fmt.Sprintf("database file is truncated (%d of %d bytes); %s", hwm-page, hwm, restore),
		},
		{
			name:    "NotBbolt",
			content: func() []byte { return bytes.Repeat([]byte("not a database\n"), 1000) },
			want:    store.ErrNotDatabase,
			msg:     "file is not a mentorbot database (no bbolt header); check the path, or " + restore,
		},
		{
			name:    "Empty",
			content: func() []byte { return nil },
			want:    store.ErrEmpty,
			msg:     "database file exists but is empty; remove it to start a new database, or " + restore,
		},
		{
			name:    "ScrambledPages",
			content: func() []byte { return dbScrambled(t, good, 2*page) },
			want:    store.ErrCorrupt,
			msg:     fmt.Sprintf("database file is damaged (page %d is not the freelist its header records); %s", dbFreelistPage(t, good), restore),
			pages:   true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mentorbot.db")
			if err := os.WriteFile(path, tt.content(), 0o600); err != nil {
				t.Fatal(err)
			}
			before := freezeDBFile(t, path)
			line := "mentorbot: open " + path + ": " + tt.msg + "\n"
			opts := sim.Options()
			env := map[string]string{
				"SLACK_BOT_TOKEN": opts.BotToken, "SLACK_APP_TOKEN": opts.AppToken, "SLACK_API_URL": sim.APIURL(),
				"MENTOR_DB_PATH": path, "MENTOR_HTTP_ADDR": "127.0.0.1:0",
			}

			t.Run("Serve", func(t *testing.T) {
				start := time.Now()
				err := runErr(t, env)
				if !errors.Is(err, tt.want) || "mentorbot: "+err.Error()+"\n" != line {
					t.Fatalf("serve: err = %v\nwant %v, printed as\n%s", err, tt.want, line)
				}
				if time.Since(start) > 5*time.Second {
					t.Fatal("serve took its time to refuse the file")
				}
				if code, stdout, stderr := runMain(t, env, "serve"); code != 1 || stdout != "" || stderr != line {
					t.Fatalf("mentorbot serve: exit %d, stdout %q, stderr %q; want exit 1 and %q", code, stdout, stderr, line)
				}
			})

			t.Run("Check", func(t *testing.T) {
				if tt.pages {
					// Every damaged page, by number, and the way out.
					problems := "mentorbot: check " + path + ": database file is damaged, "
					if code, stdout, stderr := runMain(t, nil, "check", path); code != 1 || stdout != "" || !strings.HasPrefix(stderr, problems) ||
						!strings.Contains(stderr, "\npage ") || !strings.HasSuffix(stderr, "restore it from a backup (see docs/operations.md)\n") {
						t.Fatalf("mentorbot check: exit %d, stdout %q, stderr %q; want exit 1 and %q…", code, stdout, stderr, problems)
					}
					return
				}
				if out, err := runOps(map[string]string{"MENTOR_DB_PATH": path}, "check"); !errors.Is(err, tt.want) || out != "" {
					t.Fatalf("check: %q, err = %v; want %v", out, err, tt.want)
				}
				if code, stdout, stderr := runMain(t, nil, "check", path); code != 1 || stdout != "" || stderr != line {
					t.Fatalf("mentorbot check: exit %d, stdout %q, stderr %q; want exit 1 and %q", code, stdout, stderr, line)
				}
			})

			t.Run("Backup", func(t *testing.T) {
				if tt.pages {
					t.Skip("backup copies a file whose pages are damaged as it is")
				}
				dst := filepath.Join(t.TempDir(), "backup.db")
				if _, err := runOps(map[string]string{"MENTOR_DB_PATH": path}, "backup", dst); !errors.Is(err, tt.want) || err.Error() != "backup: open "+path+": "+tt.msg {
					t.Fatalf("backup: err = %v; want %v", err, tt.want)
				}
				if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("a refused backup left %s behind", dst)
				}
			})

			if after := dbFileState(t, path); !bytes.Equal(after.data, before.data) || !after.mtime.Equal(before.mtime) {
				t.Fatalf("the file changed: %d bytes, mtime %v; was %d bytes, mtime %v",
					len(after.data), after.mtime, len(before.data), before.mtime)
			}
		})
	}
	if n := len(sim.Calls()); n != 0 {
		t.Fatalf("a damaged database reached Slack %d times", n)
	}
}

// dbHighWater returns the page size of the bbolt file at path and the size its
// header records, as bbolt reads them.
func dbHighWater(t *testing.T, path string) (page, size int64) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	if err := bdb.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil }); err != nil {
		t.Fatal(err)
	}
	if page = int64(bdb.Info().PageSize); size < 8*page {
		t.Fatalf("%s is too small to truncate usefully (%d bytes)", path, size)
	}
	return page, size
}

// dbPrefix returns the first n bytes of the file at path: the file cut short.
func dbPrefix(t *testing.T, path string, n int64) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[:n]
}

// dbScrambled returns the file at path with every byte from off on
// overwritten, its header intact: pages scrambled by a disk or a bad copy.
func dbScrambled(t *testing.T, path string, off int64) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := off; i < int64(len(b)); i++ {
		b[i] = byte(i * 7)
	}
	return b
}

// dbFreelistPage returns the page the header of the bbolt file at path
// records as its freelist: the field after the root bucket in the meta with
// the higher txid.
func dbFreelistPage(t *testing.T, path string) uint64 {
	t.Helper()
	page, _ := dbHighWater(t, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m0, m1 := b[16:], b[page+16:]
	m := m0
	if binary.NativeEndian.Uint64(m1[48:]) > binary.NativeEndian.Uint64(m0[48:]) {
		m = m1
	}
	return binary.NativeEndian.Uint64(m[32:])
}

type dbFile struct {
	data  []byte
	mtime time.Time
}

// freezeDBFile dates the file in the past, so a write would show in its
// mtime however coarse the clock, and returns its content and mtime.
func freezeDBFile(t *testing.T, path string) dbFile {
	t.Helper()
	past := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	return dbFileState(t, path)
}

func dbFileState(t *testing.T, path string) dbFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return dbFile{data: data, mtime: fi.ModTime()}
}
