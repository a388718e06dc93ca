package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// runMain runs the program in a child process with args and env, as an
// operator or a container's HEALTHCHECK would, and returns its exit code and
// output. The child's environment is the test's without any of the program's
// variables (SLACK_*, MENTOR_*), plus env.
func runMain(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpsMainChild$")
	cmd.Env = cleanEnv()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "MENTORBOT_OPS_ARGS="+string(raw))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// TestOpsMainChild is the child process of runMain; alone it does nothing.
func TestOpsMainChild(t *testing.T) {
	raw := os.Getenv("MENTORBOT_OPS_ARGS")
	if raw == "" {
		t.Skip("runs only as runMain's child process")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Args = append([]string{"mentorbot"}, args...)
	main()
	os.Exit(0) // as the program would, without the test framework's "PASS"
}

// runOps runs a subcommand in this process with env (on top of nothing) and
// returns its error and output.
func runOps(env map[string]string, args ...string) (string, error) {
	var out, errOut syncBuffer
	err := run(context.Background(), args, mapEnv(env), nil, &out, &errOut)
	return out.String(), err
}

func TestE2E_BackupCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	for range 3 {
		h.slash("prompt vision")
	}
	dst := filepath.Join(t.TempDir(), "backup.db")

	t.Run("ErrInUse", func(t *testing.T) {
		start := time.Now()
		_, err := runOps(h.env, "backup", dst)
		if err == nil || !strings.Contains(err.Error(), "database is in use") || !strings.Contains(err.Error(), "GET /backup") {
			t.Fatalf("err = %v, want a clear in-use error with the way out", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("backup waited for the lock instead of failing fast")
		}
		if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a refused backup left %s behind", dst)
		}
		if code, _, stderr := runMain(t, h.env, "backup", dst); code == 0 || !strings.Contains(stderr, "in use") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		out, err := runOps(h.env, "backup", dst)
		if err != nil || !strings.Contains(out, dst) {
			t.Fatalf("backup = %q, %v", out, err)
		}
		want, got := historyOf(t, h.env["MENTOR_DB_PATH"], "U1"), historyOf(t, dst, "U1")
		if len(got) != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("backup history %v, want %v", got, want)
		}
	})

	t.Run("ExistingFile", func(t *testing.T) {
		before, _ := os.ReadFile(dst)
		if _, err := runOps(h.env, "backup", dst); !errors.Is(err, os.ErrExist) {
			t.Fatalf("err = %v, want a refusal to overwrite", err)
		}
		if after, _ := os.ReadFile(dst); !bytes.Equal(before, after) {
			t.Fatal("backup overwrote an existing file")
		}
	})

	t.Run("NoTokensNeeded", func(t *testing.T) {
		if _, err := runOps(map[string]string{"MENTOR_DB_PATH": h.env["MENTOR_DB_PATH"]}, "backup", filepath.Join(t.TempDir(), "b.db")); err != nil {
			t.Fatal(err)
		}
		if _, err := runOps(map[string]string{"MENTOR_DB_PATH": " "}, "backup", filepath.Join(t.TempDir(), "b.db")); err == nil || !strings.HasPrefix(err.Error(), "MENTOR_DB_PATH") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{{"backup"}, {"backup", "a", "b"}, {"backup", "-x"}} {
			if _, err := runOps(nil, args...); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Fatalf("%q: err = %v", args, err)
			}
		}
	})
}

func TestCheckCommand(t *testing.T) {
	t.Parallel()
	path := filledDB(t)

	t.Run("OK", func(t *testing.T) {
		if out, err := runOps(map[string]string{"MENTOR_DB_PATH": path}, "check"); err != nil || out != path+": ok\n" {
			t.Fatalf("check = %q, %v", out, err)
		}
		if code, out, stderr := runMain(t, nil, "check", path); code != 0 || out != path+": ok\n" {
			t.Fatalf("exit %d, %q %q", code, out, stderr)
		}
	})

	t.Run("Corrupt", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.db")
		restoreFile(t, path, bad)
		corruptFile(t, bad)
		code, _, stderr := runMain(t, nil, "check", bad)
		if code != 1 || !strings.HasPrefix(stderr, "mentorbot: check "+bad+": database file is damaged, ") ||
			!regexp.MustCompile(`\npages? \d+`).MatchString(stderr) {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})

	t.Run("NotDatabase", func(t *testing.T) {
		notes := filepath.Join(t.TempDir(), "notes.txt")
		os.WriteFile(notes, bytes.Repeat([]byte("not a database\n"), 1000), 0o600)
		code, _, stderr := runMain(t, nil, "check", notes)
		if code == 0 || !strings.Contains(stderr, "not a mentorbot database") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nope.db")
		if _, err := runOps(nil, "check", missing); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatal("check created the file it was to check")
		}
	})
}

// filledDB returns the path of a database no process holds, with enough
// history to span many pages.
func filledDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for u := range 40 {
		wg.Go(func() {
			for i := range 25 {
				e := store.HistoryEntry{PromptID: fmt.Sprintf("vision-%d", i), Theme: "vision", At: time.Unix(int64(i), 0).UTC()}
				if err := db.AppendHistory(fmt.Sprintf("U%03d", u), e); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// corruptFile scribbles over every page after the meta pages and the first
// data page: the header still opens, the tree no longer holds.
func corruptFile(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := os.Getpagesize()
	if len(b) < 6*page {
		t.Fatalf("%s is too small to corrupt usefully (%d bytes)", path, len(b))
	}
	for i := 3 * page; i < len(b); i++ {
		b[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestE2E_HealthCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	base := h.httpBase()
	addr := strings.TrimPrefix(base, "http://")

	// The container's HEALTHCHECK: no argument, the port from MENTOR_HTTP_ADDR.
	_, port, _ := net.SplitHostPort(addr)
	env := map[string]string{"MENTOR_HTTP_ADDR": ":" + port}
	if code, out, stderr := runMain(t, env, "health"); code != 0 || out != "ok\n" {
		t.Fatalf("health: exit %d, %q %q", code, out, stderr)
	}
	for _, arg := range []string{base + "/healthz", base, base + "/", addr} {
		if out, err := runOps(nil, "health", arg); err != nil || out != "ok\n" {
			t.Fatalf("health %s = %q, %v", arg, out, err)
		}
	}
	if _, err := runOps(nil, "health", base+"/nope"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("health on a 404: err = %v", err)
	}

	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code, _, stderr := runMain(t, env, "health"); code == 0 || !strings.Contains(stderr, "mentorbot: health:") {
		t.Fatalf("health of a stopped bot: exit %d, stderr %q", code, stderr)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("health took longer than its timeout")
	}
}

func TestHealthURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:8080/healthz",
		":9090":          "http://127.0.0.1:9090/healthz",
		"0.0.0.0:8080":   "http://127.0.0.1:8080/healthz",
		"[::]:8080":      "http://127.0.0.1:8080/healthz",
		"10.1.2.3:8080":  "http://10.1.2.3:8080/healthz",
		"[::1]:8080":     "http://[::1]:8080/healthz",
		"localhost:8081": "http://localhost:8081/healthz",
	} {
		env := map[string]string{}
		if addr != "" {
			env["MENTOR_HTTP_ADDR"] = addr
		}
		if got, err := healthURLFromEnv(mapEnv(env)); err != nil || got != want {
			t.Errorf("MENTOR_HTTP_ADDR=%q: %q, %v; want %q", addr, got, err, want)
		}
	}
	if _, err := healthURLFromEnv(mapEnv(map[string]string{"MENTOR_HTTP_ADDR": "8080"})); err == nil || !strings.HasPrefix(err.Error(), "MENTOR_HTTP_ADDR") {
		t.Fatalf("err = %v", err)
	}
}

func TestBackupTokenConfig(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, bad := range []string{"short-SECRET", "has a SECRET space in it"} {
		h.env["MENTOR_BACKUP_TOKEN"] = bad
		err := runErr(t, h.env)
		if err == nil || !strings.HasPrefix(err.Error(), "MENTOR_BACKUP_TOKEN: ") || strings.Contains(err.Error(), "SECRET") {
			t.Fatalf("token %q: err = %v", bad, err)
		}
	}
	if n := len(h.sim.Calls()); n != 0 {
		t.Fatalf("a bad MENTOR_BACKUP_TOKEN reached Slack %d times", n)
	}
}

func TestCompactCommand(t *testing.T) {
	t.Parallel()
	path := filledDB(t)
	dst := filepath.Join(t.TempDir(), "compact.db")
	code, out, stderr := runMain(t, nil, "compact", path, dst)
	if code != 0 || !strings.HasPrefix(out, path+": ") || !strings.Contains(out, "compacted to "+dst) {
		t.Fatalf("exit %d, %q %q", code, out, stderr)
	}
	if code, out, _ := runMain(t, nil, "check", dst); code != 0 || out != dst+": ok\n" {
		t.Fatalf("check of the copy: exit %d, %q", code, out)
	}
	// Again: the copy now exists and is never overwritten.
	if code, _, stderr := runMain(t, nil, "compact", path, dst); code != 1 || !strings.Contains(stderr, "exists") {
		t.Fatalf("compact onto an existing file: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runMain(t, nil, "compact", path); code != 1 || !strings.Contains(stderr, "usage: mentorbot compact FILE NEWFILE") {
		t.Fatalf("compact with one argument: exit %d, %q", code, stderr)
	}
}

// The operator's commands read MENTOR_DB_PATH as serve does: trimmed, and
// named when set but empty.
func TestDBPathFromEnv(t *testing.T) {
	t.Parallel()
	if got, err := dbPathFromEnv(mapEnv(map[string]string{"MENTOR_DB_PATH": "/data/m.db\n"})); err != nil || got != "/data/m.db" {
		t.Fatalf("trimmed: %q, %v", got, err)
	}
	if _, err := dbPathFromEnv(mapEnv(map[string]string{"MENTOR_DB_PATH": " "})); err == nil || !strings.Contains(err.Error(), "set but empty") {
		t.Fatalf("empty: %v", err)
	}
	if got, err := dbPathFromEnv(mapEnv(nil)); err != nil || got != defaultDBPath {
		t.Fatalf("unset: %q, %v", got, err)
	}
}
