package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Every record is encoded and decoded here, so the on-disk format has one
// home. JSON with short field names keeps records readable in a dump and small
// enough for a workspace of 100,000 members.

type userRecord struct {
	Role string `json:"r,omitempty"`
}

func encodeUser(u User) ([]byte, error) {
	return json.Marshal(userRecord{Role: u.Role})
}

func decodeUser(id string, b []byte) (User, error) {
	var r userRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return User{}, fmt.Errorf("decode user %s: %w", id, err)
	}
	return User{ID: id, Role: r.Role}, nil
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

func decodeHistory(b []byte) (HistoryEntry, error) {
	r, ok := decodeHistoryFast(b)
	if !ok {
		if err := json.Unmarshal(b, &r); err != nil {
			return HistoryEntry{}, fmt.Errorf("decode history entry: %w", err)
		}
	}
	return HistoryEntry{PromptID: r.PromptID, Theme: r.Theme, At: time.Unix(r.At, 0).UTC(), NewCycle: r.NewCycle}, nil
}

// decodeHistoryFast reads a history record in exactly the form
// encodeHistory writes it, {"p":"…","t":"…","at":N} with an optional
// ,"n":true, its strings plain printable ASCII. Every prompt pick reads up to
// historyWindow of these, and encoding/json took a microsecond each: a member
// with a year of daily prompts waited a millisecond per command for it. Any
// other form, escapes included, reports false and is left to encoding/json,
// so the two always agree (FuzzHistoryFastPath).
func decodeHistoryFast(b []byte) (historyRecord, bool) {
	var r historyRecord
	rest, ok := bytes.CutPrefix(b, []byte(`{"p":"`))
	if !ok {
		return r, false
	}
	if r.PromptID, rest, ok = plainString(rest); !ok {
		return r, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"t":"`)); !ok {
		return r, false
	}
	if r.Theme, rest, ok = plainString(rest); !ok {
		return r, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"at":`)); !ok {
		return r, false
	}
	end := bytes.IndexAny(rest, ",}")
	if end <= 0 || !plainInt(rest[:end]) {
		return r, false
	}
	at, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	if err != nil {
		return r, false
	}
	r.At = at
	switch string(rest[end:]) {
	case "}":
	case `,"n":true}`:
		r.NewCycle = true
	default:
		return r, false
	}
	return r, true
}

// plainString reads a JSON string's body up to its closing quote when every
// byte is printable ASCII with no escape.
func plainString(b []byte) (string, []byte, bool) {
	for i, c := range b {
		switch {
		case c == '"':
			return string(b[:i]), b[i+1:], true
		case c < 0x20 || c > 0x7e || c == '\\':
			return "", nil, false
		}
	}
	return "", nil, false
}

// plainInt reports whether b is a JSON integer: an optional minus, then 0 or
// digits without a leading zero.
func plainInt(b []byte) bool {
	b, _ = bytes.CutPrefix(b, []byte("-"))
	if len(b) == 0 || (b[0] == '0' && len(b) > 1) {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
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
