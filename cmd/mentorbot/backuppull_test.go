package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

const pullToken = "0123456789abcdef0123456789abcdef" // test-only

// snapshotServer serves body at /backup for requests bearing pullToken, as
// a running bot does.
func snapshotServer(t *testing.T, body []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/backup" {
			http.NotFound(w, r)
			return
		}
		if !bearerMatches(r.Header.Get("Authorization"), pullToken) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// snapshot is a real database's backup stream.
func snapshot(t *testing.T) []byte {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	b, err := io.ReadAll(snap)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func TestPullBackup(t *testing.T) {
	t.Parallel()
	good := snapshot(t)
	now := time.Date(2026, 12, 1, 3, 17, 0, 0, time.UTC)
	older := []string{"mentorbot-20261128T031700Z.db", "mentorbot-20261129T031700Z.db", "mentorbot-20261130T031700Z.db"}
	seed := func(t *testing.T) string {
		dir := t.TempDir()
		for _, n := range append(slices.Clone(older), "notes.txt", "mentorbot-manual.db") {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}

	// The /backup URL itself, as the README's curl line gives it, works
	// as the bot's address does.
	t.Run("BackupURL", func(t *testing.T) {
		srv := snapshotServer(t, good)
		if _, err := pullBackup(context.Background(), srv.Client(), srv.URL+"/backup", pullToken, t.TempDir(), 2, now); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("OK", func(t *testing.T) {
		dir := seed(t)
		srv := snapshotServer(t, good)
		path, err := pullBackup(context.Background(), srv.Client(), srv.URL+"/", pullToken, dir, 2, now)
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, "mentorbot-20261201T031700Z.db"); path != want {
			t.Fatalf("kept %s, want %s", path, want)
		}
		if err := store.Check(path); err != nil {
			t.Fatalf("the kept copy fails its check: %v", err)
		}
		// The newest two stamped copies stay; files of any other name are
		// never pruned.
		want := []string{"mentorbot-20261130T031700Z.db", "mentorbot-20261201T031700Z.db", "mentorbot-manual.db", "notes.txt"}
		if got := listDir(t, dir); !slices.Equal(got, want) {
			t.Fatalf("dir holds %v, want %v", got, want)
		}
	})
	// The bot's own words on an error of its side reach the operator.
	t.Run("ErrDamaged", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "backup refused: the database has damaged pages and a copy would have them too", http.StatusInternalServerError)
		}))
		t.Cleanup(srv.Close)
		_, err := pullBackup(context.Background(), srv.Client(), srv.URL, pullToken, t.TempDir(), 1, now)
		if want := "500 Internal Server Error: backup refused: the database has damaged pages"; err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("pullBackup = %v; want an error containing %q", err, want)
		}
	})
	for name, tc := range map[string]struct {
		body, token, want string
	}{
		"ErrWrongToken":   {string(good), "wrong-token-wrong-token-wrong-token", "MENTOR_BACKUP_TOKEN differs"},
		"ErrNotADatabase": {"<html>a proxy's error page</html>", pullToken, "fails its check"},
		"ErrTruncated":    {string(good[:len(good)/2]), pullToken, "fails its check"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := seed(t)
			before := listDir(t, dir)
			srv := snapshotServer(t, []byte(tc.body))
			path, err := pullBackup(context.Background(), srv.Client(), srv.URL, tc.token, dir, 1, now)
			if err == nil || !strings.Contains(err.Error(), tc.want) || path != "" {
				t.Fatalf("pullBackup = %q, %v; want an error containing %q", path, err, tc.want)
			}
			// Nothing kept, nothing pruned, no partial file left.
			if got := listDir(t, dir); !slices.Equal(got, before) {
				t.Fatalf("dir holds %v after a failed pull, want %v", got, before)
			}
		})
	}
}

func TestBackupPullCommand(t *testing.T) {
	t.Parallel()
	srv := snapshotServer(t, snapshot(t))
	dir := t.TempDir()
	env := map[string]string{"MENTOR_BACKUP_TOKEN": pullToken}
	out, err := runOps(env, "backup", "-from", srv.URL, "-keep", "3", dir)
	if err != nil || !strings.Contains(out, "backed up and checked") {
		t.Fatalf("backup -from = %q, %v", out, err)
	}
	if got := listDir(t, dir); len(got) != 1 || !strings.HasPrefix(got[0], "mentorbot-") {
		t.Fatalf("dir holds %v, want one copy", got)
	}
	for _, args := range [][]string{
		{"backup", "-from", srv.URL},                        // no DIR
		{"backup", "-from", "mentorbot:8080", dir},          // no scheme
		{"backup", "-from", srv.URL, "-keep", "-1", dir},    // negative keep
		{"backup", "-from", srv.URL, "-keep", "many", dir},  // not a number
		{"backup", "-from", srv.URL, dir, "extra-argument"}, // two DIRs
	} {
		if _, err := runOps(env, args...); err == nil || !strings.Contains(err.Error(), "backup") {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
	if _, err := runOps(env, "backup", "-from", srv.URL, filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("into a missing directory: %v", err)
	}
	if _, err := runOps(map[string]string{"MENTOR_BACKUP_TOKEN": ""}, "backup", "-from", srv.URL, dir); err == nil || !strings.HasPrefix(err.Error(), "MENTOR_BACKUP_TOKEN") {
		t.Fatalf("without a token: %v", err)
	}
}
