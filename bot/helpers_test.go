package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
)

// MustOpenDB opens a real database in a temp dir, closed on cleanup.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "mentorbot.db"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// MustLoadCatalog loads the small catalog under testdata/catalog.
func MustLoadCatalog(tb testing.TB) *prompts.Catalog {
	tb.Helper()
	c, err := prompts.Load(os.DirFS("testdata"), "catalog")
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// newTestBot returns a bot over a real database and the test catalog, with a
// fixed clock and a seeded random source. Pending history writes are waited
// for on cleanup.
// addHistory writes entries into the members' histories, through the log
// and its fold as the bot's writer does.
func addHistory(tb testing.TB, m MemberStore, apps ...store.HistoryAppend) {
	tb.Helper()
	if err := errors.Join(m.LogHistories(apps)...); err != nil {
		tb.Fatal(err)
	}
	if _, err := m.FoldHistoryLog(); err != nil {
		tb.Fatal(err)
	}
}

func newTestBot(tb testing.TB) *Bot {
	tb.Helper()
	b := New(MustOpenDB(tb), MustLoadCatalog(tb), rand.New(rand.NewPCG(1, 2)))
	b.Now = func() time.Time { return time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC) }
	tb.Cleanup(b.inflight.Wait)
	return b
}

// dispatch runs one command as member U1 and waits for its history write.
func dispatch(tb testing.TB, b *Bot, text string) (Reply, error) {
	tb.Helper()
	c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor"}
	r, err := b.Dispatch(context.Background(), c, text)
	b.inflight.Wait()
	return r, err
}

// blocksText is every string in a reply's blocks, for assertions on content.
func blocksText(tb testing.TB, r Reply) string {
	tb.Helper()
	raw, err := json.Marshal(r.Blocks)
	if err != nil {
		tb.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatal(err)
	}
	var sb strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				sb.WriteString(s + "\n")
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return sb.String()
}

// newTextLogger logs everything to w, for assertions on log lines.
func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// waitFor polls cond until it holds, failing the test after 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
	}
}

// Printers of the built-in languages, for views under test.
var (
	en = builtinLang.Printer("en")
	fr = builtinLang.Printer("fr")
)
