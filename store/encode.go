package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
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
	return json.Marshal(historyRecord{PromptID: e.PromptID, Theme: e.Theme, At: e.At.Unix(), NewCycle: e.NewCycle})
}

func decodeHistory(b []byte) (HistoryEntry, error) {
	var r historyRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return HistoryEntry{}, fmt.Errorf("decode history entry: %w", err)
	}
	return HistoryEntry{PromptID: r.PromptID, Theme: r.Theme, At: time.Unix(r.At, 0).UTC(), NewCycle: r.NewCycle}, nil
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
