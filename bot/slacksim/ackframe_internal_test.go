package slacksim

import (
	"encoding/json"
	"testing"
)

// parseAckFrame reads the same envelope id and payload whichever path it
// takes, and the reply fields only from an object payload.
func TestParseAckFrame(t *testing.T) {
	for _, tc := range []struct {
		name, frame string
		ok          bool
		payload     string
		text        string // "" when no reply fields are read with the frame
	}{
		{"slack-go order with a reply", `{"envelope_id":"e1","payload":{"text":"hi","blocks":[{"type":"divider"}]}}`, true, `{"text":"hi","blocks":[{"type":"divider"}]}`, "hi"},
		{"no payload", `{"envelope_id":"e1"}`, true, "", ""},
		{"null payload", `{"envelope_id":"e1","payload":null}`, true, "null", ""},
		{"other order", `{"payload":{"text":"hi"},"envelope_id":"e1"}`, true, `{"text":"hi"}`, ""},
		{"spaces", `{ "envelope_id": "e1", "payload": {"text":"hi"} }`, true, `{"text":"hi"}`, ""},
		{"string payload", `{"envelope_id":"e1","payload":"x"}`, true, `"x"`, ""},
		{"text of the wrong type", `{"envelope_id":"e1","payload":{"text":5}}`, true, `{"text":5}`, ""},
		{"escaped id", `{"envelope_id":"e\u0031","payload":{"text":"hi"}}`, true, `{"text":"hi"}`, ""},
		{"no envelope id", `{"payload":{"text":"hi"}}`, false, "", ""},
		{"not json", `{"envelope_id":"e1",`, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := parseAckFrame([]byte(tc.frame))
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if f.EnvelopeID != "e1" || string(f.Payload) != tc.payload {
				t.Fatalf("read %q with payload %q, want e1 with %q", f.EnvelopeID, f.Payload, tc.payload)
			}
			if tc.text == "" {
				if f.reply != nil && f.reply.Text != "" {
					t.Fatalf("reply %+v read from a payload that has none", f.reply)
				}
				return
			}
			if f.reply == nil || f.reply.Text != tc.text {
				t.Fatalf("reply %+v, want text %q", f.reply, tc.text)
			}
			var want ackReply
			if err := json.Unmarshal(f.Payload, &want); err != nil || string(want.Blocks) != string(f.reply.Blocks) {
				t.Fatalf("blocks %s, the payload's are %s (%v)", f.reply.Blocks, want.Blocks, err)
			}
		})
	}
}
