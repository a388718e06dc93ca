package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The audit's damaged page, end to end: members with reflections, the leaf
// pages holding one member's keys overwritten, the bot started on the file.
// Before reads were protected, the bot served the others and died of a
// segmentation fault on that member's `/mentor journal 1`, and again on
// their Home tab after a restart (the whole test binary with it).
func TestE2E_FaultDamagedPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	path := h.env["MENTOR_DB_PATH"]
	others := seedReflections(t, path, 300)
	h.sim.AddUser(slacksim.User{ID: others[0], Name: "sam", TZ: "UTC"})
	pages := damageLeaves(t, path, []byte("U1\x00"))
	t.Logf("damaged leaf pages %v", pages)

	h.env["MENTOR_BACKUP_TOKEN"] = backupToken
	h.start()
	base := h.httpBase()
	// A backup would carry the damage, and could replace the last good
	// one: /backup refuses, saying why.
	if code, body, _ := get(t, base+"/backup", "Authorization: Bearer "+backupToken); code != http.StatusInternalServerError || !strings.Contains(string(body), "damaged pages") {
		t.Fatalf("/backup of a damaged database = %d %.200q, want a refusal that names the damage", code, body)
	}
	if got := slashAs(t, h, others[0], "journal 1"); !strings.Contains(got, "quiet thought") {
		t.Fatalf("a member whose pages are intact: /mentor journal 1 =\n%s", got)
	}
	waitStatus(t, base+"/readyz", http.StatusOK)

	if got := h.slash("journal 1"); !strings.Contains(got, "Sorry, something went wrong on our side") {
		t.Fatalf("the member on the damaged pages: /mentor journal 1 =\n%s\nwant the apology", got)
	}
	if logs := h.stderr.String(); !strings.Contains(logs, "database file is damaged") {
		t.Fatalf("the log does not name the damage:\n%s", logs)
	}
	if got := slashAs(t, h, others[1], "journal 1"); !strings.Contains(got, "quiet thought") {
		t.Fatalf("after the damaged read, another member: /mentor journal 1 =\n%s", got)
	}
	if body := waitStatus(t, base+"/readyz", http.StatusServiceUnavailable); !strings.Contains(body, "database damaged") {
		t.Fatalf("/readyz body = %q, want the damage", body)
	}
	if n := damagedReads(t, base); n != 1 {
		t.Fatalf("mentorbot_db_damaged_reads_total = %v, want 1", n)
	}

	// After a restart, merely opening the Home tab read the damaged pages.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	h.start()
	base = h.httpBase()
	if _, err := h.sim.Event(context.Background(), map[string]any{"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"}); err != nil {
		t.Fatal(err)
	}
	wait(t, func() bool { return damagedReads(t, base) >= 1 })
	if got := slashAs(t, h, others[0], "journal 1"); !strings.Contains(got, "quiet thought") {
		t.Fatalf("after the damaged Home tab, another member: /mentor journal 1 =\n%s", got)
	}
	if err := h.stop(); err != nil {
		t.Fatalf("run after damaged reads: %v", err)
	}

	// `mentorbot check`, which crashed too, names the damaged pages in use
	// (some of those damaged may have been free, which no read reaches) and
	// exits 1.
	code, stdout, stderr := runMain(t, nil, "check", path)
	if code != 1 || stdout != "" || strings.Contains(stderr, "goroutine") {
		t.Fatalf("mentorbot check = exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	named := regexp.MustCompile(`(?m)^page (\d+) \(bucket "\w+"\): `).FindAllStringSubmatch(stderr, -1)
	if len(named) == 0 {
		t.Fatalf("mentorbot check names no damaged page:\n%s", stderr)
	}
	for _, m := range named {
		if n, _ := strconv.ParseUint(m[1], 10, 64); !slices.Contains(pages, n) {
			t.Fatalf("mentorbot check names page %s, which is intact:\n%s", m[1], stderr)
		}
	}
	if !strings.Contains(stderr, "restore it from a backup") {
		t.Fatalf("mentorbot check does not say what to do:\n%s", stderr)
	}
	t.Logf("mentorbot check:\n%s", stderr)
}

// seedReflections writes two reflections for member U1 and one for each of n
// others (U0100 on) into a new database at path, and returns the others' ids.
// Enough members that their index spans several pages.
func seedReflections(t *testing.T, path string, n int) []string {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids := []string{"U1"}
	for i := range n {
		ids = append(ids, fmt.Sprintf("U%04d", 100+i))
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, id := range ids {
		each := 1
		if id == "U1" {
			each = 2
		}
		for j := range each {
			r := store.Reflection{UserID: id, PromptID: fmt.Sprintf("vision-%02d", j), Theme: "vision",
				Prompt: "What would you build?", Text: strings.Repeat("a quiet thought ", 12), At: at}
			if _, err := db.AddReflection(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids[1:]
}

// damageLeaves overwrites the element headers of every leaf page of the
// bbolt file at path that holds a key starting with prefix, and returns their
// numbers. Each element's key is made to point just past the end of the
// file, which is cut to the pages its header records (bbolt's slack after
// them is not data): reading such a key faults.
//
// bbolt's layout (go.etcd.io/bbolt, internal/common): a page starts with id
// u64, flags u16 (0x02 a leaf), count u16, overflow u32; a leaf's count
// elements follow, each flags, pos, ksize, vsize u32, pos counted from the
// element. Meta pages 0 and 1 record the high-water mark at byte 56 and
// their txid at 64.
func damageLeaves(t *testing.T, path string, prefix []byte) []uint64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, size := binary.NativeEndian, os.Getpagesize()
	hwm := e.Uint64(b[56:])
	if e.Uint64(b[size+64:]) > e.Uint64(b[64:]) {
		hwm = e.Uint64(b[size+56:])
	}
	b = b[:hwm*uint64(size)]
	var hit []uint64
	for id := 2; (id+1)*size <= len(b); id++ {
		p := b[id*size : (id+1)*size]
		if e.Uint64(p) != uint64(id) || e.Uint16(p[8:]) != 0x02 || !bytes.Contains(p, prefix) {
			continue
		}
		for i := range int(e.Uint16(p[10:])) {
			elem := id*size + 16 + 16*i
			e.PutUint32(b[elem+4:], uint32(len(b)-elem+16))
			e.PutUint32(b[elem+8:], 8)
			e.PutUint32(b[elem+12:], 8)
		}
		hit = append(hit, uint64(id))
	}
	if len(hit) == 0 {
		t.Fatalf("no leaf page holds %q", prefix)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return hit
}

// slashAs types a command as member user and returns the acknowledged
// reply's text and blocks.
func slashAs(t *testing.T, h *harness, user, text string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := h.sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: user, Text: text})
	if err != nil {
		t.Fatalf("%s: /mentor %s: %v\nlogs:\n%s", user, text, err, h.stderr)
	}
	return ack.Text() + "\n" + string(ack.Blocks())
}

// damagedReads reads mentorbot_db_damaged_reads_total from /metrics.
func damagedReads(t *testing.T, base string) float64 {
	t.Helper()
	_, body, _ := get(t, base+"/metrics")
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return counter(fams, "mentorbot_db_damaged_reads_total")
}
