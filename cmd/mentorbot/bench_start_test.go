//go:build linux

// BenchmarkStartup: how long the real binary takes to be ready on a large
// database, and how much memory it holds then and after serving commands.
// Linux only: it reads /proc and drops the file's cached pages.

package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

var (
	startupDB = flag.String("bench.db", "",
		"database BenchmarkStartup starts on; build one with store's TestBuildYearFixture (by default it writes a year of -bench.sizesubs subscribers itself)")
	startupCommands = flag.Int("bench.commands", 2000, "slash commands BenchmarkStartup sends after each start")
	startupMemcg    = flag.String("bench.memcg", "",
		"a cgroup v1 memory hierarchy (/sys/fs/cgroup/memory) in which BenchmarkStartup runs the bot under -bench.memlimit")
	startupMemLimit = flag.Int("bench.memlimit", 64, "MiB the bot may use under -bench.memcg")
)

// BenchmarkStartup starts the real binary on a database, by default a year
// of weekly activity for -bench.sizesubs subscribers, or the file -bench.db
// names (100,000 subscribers for the report: see docs/benchmarks.md). Each
// op is one start: from exec to the socket's hello, the moment Slack can
// deliver a command (readiness), then 2,000 slash commands (prompt, journal
// and status from members picked at random, 32 at a time), then SIGTERM.
//
// With cache=cold, the database's pages are dropped from the page cache
// before each start (posix_fadvise DONTNEED), as after a reboot; with
// cache=warm they are left, as after a restart. It reports the time to
// ready and to /readyz answering 200, and the resident set from
// /proc/PID/status after ready and after the commands, split into anonymous
// memory (the Go heap and stacks) and file pages (the database's pages
// mapped by bbolt, which the kernel may drop at any time).
//
//	go test -run '^$' -bench Startup -benchtime 5x ./cmd/mentorbot -args -bench.db=/var/tmp/mentorbot-100k.db
func BenchmarkStartup(b *testing.B) {
	path := *startupDB
	if path == "" {
		path = filepath.Join(b.TempDir(), "mentorbot.db")
		writeYear(b, path, *sizeSubscribers, reflectivePrompts(b), time.Now().Add(time.Hour).Truncate(time.Minute))
	}
	users := checkFixture(b, path)
	for _, cache := range []string{"cold", "warm"} {
		b.Run("cache="+cache, func(b *testing.B) { benchStart(b, path, users, cache == "cold") })
	}
}

// checkFixture returns the database's subscribers and fails if more than 1%
// of them are due within the next few minutes: a fixture built long ago
// would have the bot send (or skip) thousands of nudges at start.
func checkFixture(b *testing.B, path string) []string {
	b.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	all, err := db.DueBefore(time.Now().Add(400*24*time.Hour), 0)
	if err != nil {
		b.Fatal(err)
	}
	n, soon := len(all), time.Now().Add(5*time.Minute)
	users, due := make([]string, n), 0
	for i, d := range all {
		users[i] = d.UserID
		if d.At.Before(soon) {
			due++
		}
	}
	if due > n/100 {
		b.Fatalf("%s: %d of %d subscribers are due by now; the fixture is stale, build it again", path, due, n)
	}
	b.Logf("%s: %d subscribers, %d MiB", path, n, fi.Size()>>20)
	return users
}

func benchStart(b *testing.B, path string, users []string, cold bool) {
	sim := slacksim.New(slacksim.Options{History: 1000})
	defer sim.Close()
	addr := freeAddr(b)
	env := append(cleanEnv(), "SLACK_BOT_TOKEN="+sim.Options().BotToken, "SLACK_APP_TOKEN="+sim.Options().AppToken,
		"SLACK_API_URL="+sim.APIURL(), "MENTOR_DB_PATH="+path, "MENTOR_HTTP_ADDR="+addr)
	bin := mentorbotBinary(b)
	cg := memCgroup(b)
	var toReady, toReadyz time.Duration
	var atReady, afterLoad procMem
	starts := 0
	for b.Loop() {
		if cold {
			dropCache(b, path)
		}
		cmd := exec.Command(bin)
		if cg != "" {
			// The shell joins the cgroup, then becomes the bot: it is
			// limited from its first allocation.
			cmd = exec.Command("/bin/sh", "-c", `echo $$ > "$1/cgroup.procs" && exec "$2"`, "sh", cg, bin)
		}
		cmd.Env = env
		var logs bytes.Buffer
		cmd.Stderr = &logs
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		err := sim.WaitConnected(ctx, starts+1)
		cancel()
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			b.Fatalf("not connected: %v\n%s", err, logs.String())
		}
		toReady += time.Since(start)
		waitReadyz(b, addr)
		toReadyz += time.Since(start)
		atReady = atReady.max(readProcMem(b, cmd.Process.Pid))
		commandLoad(b, sim, users, *startupCommands)
		afterLoad = afterLoad.max(readProcMem(b, cmd.Process.Pid))
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			b.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			b.Fatalf("exit: %v\n%s", err, logs.String())
		}
		starts++
	}
	n := float64(starts)
	b.ReportMetric(float64(toReady.Microseconds())/1000/n, "ready-ms")
	b.ReportMetric(float64(toReadyz.Microseconds())/1000/n, "readyz-ms")
	b.ReportMetric(atReady.mib(atReady.rss), "rss-MiB")
	b.ReportMetric(atReady.mib(atReady.anon), "anon-MiB")
	b.ReportMetric(atReady.mib(atReady.file), "file-MiB")
	b.ReportMetric(afterLoad.mib(afterLoad.rss), "load-rss-MiB")
	b.ReportMetric(afterLoad.mib(afterLoad.anon), "load-anon-MiB")
	b.ReportMetric(afterLoad.mib(afterLoad.hwm), "peak-rss-MiB")
	if cg != "" {
		b.ReportMetric(float64(readInt(b, cg+"/memory.max_usage_in_bytes"))/(1<<20), "cg-peak-MiB")
		b.ReportMetric(float64(readInt(b, cg+"/memory.failcnt")), "cg-limit-hits")
		b.ReportMetric(float64(oomKills(b, cg)), "cg-oom-kills")
	}
	b.ReportMetric(0, "ns/op") // the figures above are the result
}

// memCgroup makes a memory cgroup limited to -bench.memlimit MiB under
// -bench.memcg, and returns its directory ("" without the flag). The kernel
// counts the database pages the bot maps against the limit too, and reclaims
// them when the limit is reached; only the bot's own memory can make it fail.
func memCgroup(b *testing.B) string {
	b.Helper()
	if *startupMemcg == "" {
		return ""
	}
	dir := filepath.Join(*startupMemcg, fmt.Sprintf("mentorbot-bench-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		b.Fatalf("make the cgroup: %v", err)
	}
	b.Cleanup(func() { _ = os.Remove(dir) })
	limit := strconv.Itoa(*startupMemLimit << 20)
	for _, f := range []string{"memory.limit_in_bytes", "memory.memsw.limit_in_bytes"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(limit), 0o644); err != nil && f == "memory.limit_in_bytes" {
			b.Fatalf("limit the cgroup: %v", err)
		}
	}
	return dir
}

func readInt(b *testing.B, path string) int64 {
	b.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// oomKills is the cgroup's oom_kill count from memory.oom_control.
func oomKills(b *testing.B, cg string) int64 {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join(cg, "memory.oom_control"))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// commandLoad sends n slash commands from members picked at random, 32 at a
// time, and fails unless each is answered in its ack.
func commandLoad(b *testing.B, sim *slacksim.Server, users []string, n int) {
	b.Helper()
	texts := []string{"prompt", "journal 5", "status"}
	var wg sync.WaitGroup
	next := make(chan int)
	for range 32 {
		wg.Go(func() {
			for i := range next {
				u := users[rand.IntN(len(users))]
				ack, err := sim.SlashCommand(context.Background(), slacksim.SlashCommand{UserID: u, Text: texts[i%len(texts)]})
				if err != nil || len(ack.Payload) == 0 {
					b.Errorf("%s %q: %v, payload %q", u, texts[i%len(texts)], err, ack.Payload)
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// freeAddr is a loopback address with a port nobody listens on.
func freeAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReadyz polls /readyz until it answers 200.
func waitReadyz(b *testing.B, addr string) {
	b.Helper()
	httpClient := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		if resp, err := httpClient.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			b.Fatal("/readyz never answered 200")
		}
	}
}

// dropCache asks the kernel to drop the file's pages from its cache.
func dropCache(b *testing.B, path string) {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		b.Fatal(err)
	}
}

// procMem is a process's memory as /proc/PID/status reports it, in kB.
type procMem struct{ rss, anon, file, hwm int64 }

func (m procMem) mib(kb int64) float64 { return float64(kb) / 1024 }

func (m procMem) max(o procMem) procMem {
	return procMem{max(m.rss, o.rss), max(m.anon, o.anon), max(m.file, o.file), max(m.hwm, o.hwm)}
}

func readProcMem(b *testing.B, pid int) procMem {
	b.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var m procMem
	fields := map[string]*int64{"VmRSS:": &m.rss, "RssAnon:": &m.anon, "RssFile:": &m.file, "VmHWM:": &m.hwm}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) >= 2 {
			if p, ok := fields[parts[0]]; ok {
				*p, _ = strconv.ParseInt(parts[1], 10, 64)
			}
		}
	}
	return m
}
