package store

import (
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// fuzzIDs is an id table shared by every fuzz input, as by every read.
var fuzzIDs idTable

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
		fast, ok := decodeHistoryFast(b, nil)
		if shared, sok := decodeHistoryFast(b, &fuzzIDs); sok != ok || shared != fast {
			t.Fatalf("%q: with the id table %+v %v, not %+v %v", b, shared, sok, fast, ok)
		}
		if !ok {
			return
		}
		// The theme read alone, to pass over an entry, is the one decoded.
		if th, tok := historyTheme(b); !tok || string(th) != fast.Theme {
			t.Fatalf("%q: historyTheme %q %v, decoded theme %q", b, th, tok, fast.Theme)
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
		r, ok := decodeHistoryFast(b, nil)
		if !ok {
			t.Fatalf("%s: not decoded by the fast path", b)
		}
		if got := (HistoryEntry{PromptID: r.PromptID, Theme: r.Theme, At: time.Unix(r.At, 0), NewCycle: r.NewCycle}); got != e {
			t.Fatalf("%s: decoded %+v, want %+v", b, got, e)
		}
	}
}

// Every user record encodeUser writes from plain values takes the fast
// path, and so do records written before the language fields existed.
func TestUserFastPathTaken(t *testing.T) {
	for _, u := range []User{{}, {Role: "staff"}, {Lang: "fr"}, {Locale: "fr-CA"}, {Role: "ic", Lang: "en", Locale: "fr-FR"}} {
		b, err := encodeUser(u)
		if err != nil {
			t.Fatal(err)
		}
		r, ok := decodeUserFast(b)
		if !ok {
			t.Fatalf("%s: not decoded by the fast path", b)
		}
		if got := (User{Role: r.Role, Lang: r.Lang, Locale: r.Locale}); got != u {
			t.Fatalf("%s: decoded %+v, want %+v", b, got, u)
		}
	}
	for raw, want := range map[string]User{`{}`: {ID: "U1"}, `{"r":"manager"}`: {ID: "U1", Role: "manager"}} {
		if _, ok := decodeUserFast([]byte(raw)); !ok {
			t.Errorf("%s: an old record is not decoded by the fast path", raw)
		}
		if u, err := decodeUser("U1", []byte(raw)); err != nil || u != want {
			t.Errorf("%s: decoded %+v, %v; want %+v", raw, u, err, want)
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

// Ids are shared across reads of one table, and the table stops growing at
// its bound while still handing out the right strings; a nil table copies.
func TestIDTable(t *testing.T) {
	var ids idTable
	a, b := ids.id([]byte("impostor-a")), ids.id([]byte("impostor-a"))
	if a != "impostor-a" || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Fatalf("id gave %q at %p and %q at %p, want one shared string", a, unsafe.StringData(a), b, unsafe.StringData(b))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range maxIDs {
				id := fmt.Sprintf("fill-%d", (i*4+g)%(maxIDs+500))
				if got := ids.id([]byte(id)); got != id {
					t.Errorf("id(%q) = %q", id, got)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := len(*ids.ids.Load()); n != maxIDs {
		t.Errorf("%d ids kept, want the bound %d", n, maxIDs)
	}
	if got := ids.id([]byte("after-full")); got != "after-full" {
		t.Errorf("id past the bound = %q", got)
	}
	if _, ok := (*ids.ids.Load())["after-full"]; ok {
		t.Error("an id was kept past the bound")
	}
	var none *idTable
	if got := none.id([]byte("x")); got != "x" {
		t.Errorf("nil table gave %q", got)
	}
}
