package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Every record is encoded and decoded here, so the on-disk format has one
// home. JSON with short field names keeps records readable in a dump and small
// enough for a workspace of 100,000 members.

type userRecord struct {
	Role   string `json:"r,omitempty"`
	Lang   string `json:"l,omitempty"`
	Locale string `json:"lc,omitempty"`
}

func encodeUser(u User) ([]byte, error) {
	return json.Marshal(userRecord{Role: u.Role, Lang: u.Lang, Locale: u.Locale})
}

func decodeUser(id string, b []byte) (User, error) {
	r, ok := decodeUserFast(b)
	if !ok {
		// A record of its own, so r does not escape to the heap on the
		// fast path.
		var slow userRecord
		if err := json.Unmarshal(b, &slow); err != nil {
			return User{}, fmt.Errorf("decode user %s: %w", id, err)
		}
		r = slow
	}
	return User{ID: id, Role: r.Role, Lang: r.Lang, Locale: r.Locale}, nil
}

// decodeUserFast reads a user record in exactly the form encodeUser writes
// it: {} or {"r":"…","l":"…","lc":"…"}, each field optional but in that
// order, with plain strings. Every prompt pick reads one, and encoding/json
// took a microsecond. Any other form reports false and is left to
// encoding/json, and the two agree (FuzzDecode). Records written before
// the language fields existed ({"r":"…"}) take it too.
func decodeUserFast(b []byte) (userRecord, bool) {
	var r userRecord
	rest, ok := bytes.CutPrefix(b, []byte{'{'})
	if !ok {
		return r, false
	}
	// field reads the next field if it is key, and leaves rest as it was
	// otherwise: whatever is left unread then fails the final check.
	field := func(key string) string {
		after := rest
		if len(rest) != len(b)-1 { // a field was read: a comma comes first
			var ok bool
			if after, ok = bytes.CutPrefix(after, []byte{','}); !ok {
				return ""
			}
		}
		after, ok := bytes.CutPrefix(after, []byte(key))
		if !ok {
			return ""
		}
		v, after, ok := plainString(after)
		if !ok || len(v) == 0 { // encoding/json never writes an empty one
			return ""
		}
		rest = after
		return string(v)
	}
	r.Role = field(`"r":"`)
	r.Lang = field(`"l":"`)
	r.Locale = field(`"lc":"`)
	return r, string(rest) == "}"
}

type historyRecord struct {
	PromptID string `json:"p"`
	Theme    string `json:"t"`
	At       int64  `json:"at"`
	NewCycle bool   `json:"n,omitempty"`
}

func encodeHistory(e HistoryEntry) ([]byte, error) {
	r := historyRecord{PromptID: e.PromptID, Theme: e.Theme, At: e.At.Unix(), NewCycle: e.NewCycle}
	if !isPlain(r.PromptID) || !isPlain(r.Theme) {
		return json.Marshal(r)
	}
	// The form encoding/json writes, without its reflection: every prompt
	// shown writes one of these.
	b := make([]byte, 0, 40+len(r.PromptID)+len(r.Theme))
	b = append(append(append(b, `{"p":"`...), r.PromptID...), `","t":"`...)
	b = strconv.AppendInt(append(append(b, r.Theme...), `","at":`...), r.At, 10)
	if r.NewCycle {
		b = append(b, `,"n":true`...)
	}
	return append(b, '}'), nil
}

// isPlain reports whether encoding/json writes s as it is: printable ASCII
// with no quote, backslash or character it escapes for HTML (<, >, &).
func isPlain(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// decodeHistory reads a history record, its ids from ids (which may be nil).
func decodeHistory(b []byte, ids *idTable) (HistoryEntry, error) {
	r, ok := decodeHistoryFast(b, ids)
	if !ok {
		// A record of its own, so r does not escape to the heap on the
		// fast path.
		var slow historyRecord
		if err := json.Unmarshal(b, &slow); err != nil {
			return HistoryEntry{}, fmt.Errorf("decode history entry: %w", err)
		}
		r = slow
	}
	return HistoryEntry{PromptID: r.PromptID, Theme: r.Theme, At: time.Unix(r.At, 0).UTC(), NewCycle: r.NewCycle}, nil
}

// decodeHistoryFast reads a history record in exactly the form
// encodeHistory writes it, {"p":"…","t":"…","at":N} with an optional
// ,"n":true, its strings plain printable ASCII. Every prompt pick decodes
// the entries of its theme's current cycle, and encoding/json took a
// microsecond each. Any other form, escapes included, reports false and is
// left to encoding/json, so the two always agree (FuzzHistoryFastPath).
//
// It pays: with it, the user record's fast path and encodeHistory's
// replaced by encoding/json, BenchmarkCommands used 18% more CPU per
// command at 64 members (181 µs against 153, medians of 4 alternating runs
// on the loaded machine; 53% before picks stopped at the cycle marker),
// docs/benchmarks.md.
func decodeHistoryFast(b []byte, ids *idTable) (historyRecord, bool) {
	var r historyRecord
	rest, ok := bytes.CutPrefix(b, []byte(`{"p":"`))
	if !ok {
		return r, false
	}
	var id []byte
	if id, rest, ok = plainString(rest); !ok {
		return r, false
	}
	r.PromptID = ids.id(id)
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"t":"`)); !ok {
		return r, false
	}
	if id, rest, ok = plainString(rest); !ok {
		return r, false
	}
	r.Theme = ids.id(id)
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"at":`)); !ok {
		return r, false
	}
	end := 0 // the number runs to the first byte that cannot be part of one
	for end < len(rest) && (rest[end] == '-' || rest[end] >= '0' && rest[end] <= '9') {
		end++
	}
	if end == 0 {
		return r, false
	}
	if r.At, ok = plainInt(rest[:end]); !ok {
		return r, false
	}
	switch string(rest[end:]) {
	case "}":
	case `,"n":true}`:
		r.NewCycle = true
	default:
		return r, false
	}
	return r, true
}

// historyTheme returns the theme of a history record in encodeHistory's
// form without decoding the rest, or false when the record does not start
// in that form (decodeHistory then reads it). A pick walks back over the
// entries of every theme to the cycle marker of one, and most are passed
// over by this. It reads the first "t" only: a hand-edited record naming
// two could be judged by the other than encoding/json would take.
//
// It pays: with every entry decoded instead, BenchmarkCommands used 32%
// more CPU per command at 64 members (237 and 217 µs against 179 and 163,
// two alternating pairs on the loaded machine, docs/benchmarks.md).
func historyTheme(b []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(b, []byte(`{"p":"`))
	if !ok {
		return nil, false
	}
	if _, rest, ok = plainString(rest); !ok {
		return nil, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"t":"`)); !ok {
		return nil, false
	}
	t, _, ok := plainString(rest)
	return t, ok
}

// plainString reads a JSON string's body up to its closing quote when every
// byte is printable ASCII with no escape.
func plainString(b []byte) ([]byte, []byte, bool) {
	for i, c := range b {
		switch {
		case c == '"':
			return b[:i], b[i+1:], true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, nil, false
		}
	}
	return nil, nil, false
}

// plainInt reads b as a JSON integer, an optional minus then 0 or digits
// without a leading zero, when it fits in an int64 (encoding/json refuses one
// that does not).
func plainInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 19 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0') // 19 digits cannot overflow a uint64
	}
	switch {
	case !neg && n <= math.MaxInt64:
		return int64(n), true
	case neg && n <= math.MaxInt64+1:
		return int64(-n), true
	}
	return 0, false
}

// userPrefix is the key prefix of everything a user owns in a per-user bucket:
// the id and a 0x00 separator, which Slack ids never contain.
func userPrefix(userID string) []byte {
	p := make([]byte, 0, len(userID)+1)
	return append(append(p, userID...), 0)
}

// seqKey appends a big-endian sequence number to a user prefix so keys sort in
// insertion order.
func seqKey(userID string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(userPrefix(userID), seq)
}
