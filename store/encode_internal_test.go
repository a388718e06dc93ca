package store

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// FuzzHistoryFastPath checks decodeHistoryFast against encoding/json: what
// the fast path accepts, encoding/json decodes to the same record.
func FuzzHistoryFastPath(f *testing.F) {
	for _, e := range []HistoryEntry{
		{PromptID: "impostor-quiet-question", Theme: "impostor", At: time.Unix(1795000000, 0), NewCycle: true},
		{PromptID: "p", Theme: "t", At: time.Unix(0, 0)},
		{PromptID: "a<b", Theme: "é", At: time.Unix(-1, 0)},
		{PromptID: "", Theme: "", At: time.Unix(math.MaxInt64/2, 0)},
	} {
		b, err := encodeHistory(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{"p":"x","t":"y","at":01}`, `{"p":"x","t":"y","at":-0}`, `{"p":"x","t":"y","at":1,"n":false}`,
		`{"p":"x","t":"y","at":99999999999999999999}`, `{"p":"x\"","t":"y","at":1}`, `{"p":"x","t":"y","at":1}junk`,
		`{"p":"x","t":"y","at":9223372036854775807}`, `{"p":"x","t":"y","at":9223372036854775808}`,
		`{"p":"x","t":"y","at":-9223372036854775808}`, `{"p":"x","t":"y","at":-9223372036854775809}`,
		`{"p":"x","t":"y","at":9999999999999999999}`, `{"p":"x","t":"y","at":-}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := decodeHistoryFast(b)
		if !ok {
			return
		}
		var slow historyRecord
		if err := json.Unmarshal(b, &slow); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", b, err)
		}
		if fast != slow {
			t.Fatalf("%q: fast path %+v, encoding/json %+v", b, fast, slow)
		}
	})
}

// Every record encodeHistory writes from plain ids takes the fast path, so
// the fast path is the one that runs.
func TestHistoryFastPathTaken(t *testing.T) {
	for _, e := range []HistoryEntry{
		{PromptID: "impostor-quiet-question", Theme: "impostor", At: time.Unix(1795000000, 0), NewCycle: true},
		{PromptID: "vision-north-star", Theme: "vision", At: time.Unix(1795000000, 0)},
	} {
		b, err := encodeHistory(e)
		if err != nil {
			t.Fatal(err)
		}
		r, ok := decodeHistoryFast(b)
		if !ok {
			t.Fatalf("%s: not decoded by the fast path", b)
		}
		if got := (HistoryEntry{PromptID: r.PromptID, Theme: r.Theme, At: time.Unix(r.At, 0), NewCycle: r.NewCycle}); got != e {
			t.Fatalf("%s: decoded %+v, want %+v", b, got, e)
		}
	}
}

// encodeHistory writes exactly what encoding/json writes, whatever the ids.
func FuzzHistoryEncode(f *testing.F) {
	f.Add("impostor-quiet-question", "impostor", int64(1795000000), true)
	f.Add("a<b&c", "é\"", int64(-1), false)
	f.Fuzz(func(t *testing.T, prompt, theme string, at int64, newCycle bool) {
		at %= 1 << 40 // seconds time.Unix round-trips
		e := HistoryEntry{PromptID: prompt, Theme: theme, At: time.Unix(at, 0), NewCycle: newCycle}
		got, err := encodeHistory(e)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(historyRecord{PromptID: prompt, Theme: theme, At: at, NewCycle: newCycle})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("encodeHistory wrote %s, encoding/json %s", got, want)
		}
	})
}
