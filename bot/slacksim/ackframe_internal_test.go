package slacksim

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/slack-go/slack/socketmode"
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

// FuzzScanAck checks the one-pass reader against encoding/json: a frame it
// accepts is valid JSON with the same envelope id and payload, and the reply
// fields it reads from an object payload are the ones encoding/json decodes.
func FuzzScanAck(f *testing.F) {
	for _, p := range []string{
		`{"response_type":"ephemeral","text":"Think of the last time","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"\u003e Think"}},{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Reflect","emoji":false},"value":"a|*|0"}]}]}`,
		`{"text":"a","text":null}`, `{"blocks":[1],"blocks":null}`, `{"Text":"x"}`, `{"te\u0078t":"x"}`, `{"text":"\u00e9\"","response_type":"in_channel"}`,
		"{\"text\":\"caf\xc3\"}", `{"text":5}`, `{"blocks":{"a":[true,false,null,-0.5e+3]}}`, `{}`, `null`, `"x"`, `[1,2]`, `{"a":01}`, `{"a":1.}`,
		`{"a":"\ud800"}`, `{"a":"\x01"}`, ` {"text" : "x" } `, `{"text":"x"`, `{"k\u212a":1}`, `{"ſ":1}`, `{"a":tru}`, `{"a":[1,]}`,
	} {
		f.Add("e1", p)
	}
	f.Add(`e"1`, `{}`)
	f.Add("", `{}`)
	f.Fuzz(func(t *testing.T, id, payload string) {
		frame := []byte(`{"envelope_id":"` + id + `","payload":` + payload + `}`)
		fast, ok := scanAck(frame)
		slow, sok := parseAckFrameJSON(frame)
		if !ok {
			return
		}
		if !sok || !json.Valid(frame) {
			t.Fatalf("%q: read in one pass, but encoding/json refuses it", frame)
		}
		if fast.EnvelopeID != slow.EnvelopeID || string(fast.Payload) != string(slow.Payload) {
			t.Fatalf("%q: one pass read %q %q, encoding/json %q %q", frame, fast.EnvelopeID, fast.Payload, slow.EnvelopeID, slow.Payload)
		}
		var want ackReply
		err := json.Unmarshal(fast.Payload, &want)
		isObject := len(bytes.TrimLeft(fast.Payload, " \t\r\n")) > 0 && bytes.TrimLeft(fast.Payload, " \t\r\n")[0] == '{'
		switch {
		case fast.reply == nil && isObject:
			t.Fatalf("%q: an object payload read without its reply fields", frame)
		case fast.reply == nil:
		case err != nil:
			t.Fatalf("%q: reply %+v read, encoding/json says %v", frame, fast.reply, err)
		case fast.reply.Text != want.Text || fast.reply.ResponseType != want.ResponseType || string(fast.reply.Blocks) != string(want.Blocks):
			t.Fatalf("%q: one pass read %+v, encoding/json %+v", frame, *fast.reply, want)
		}
	})
}

// The frames slack-go writes take the one-pass path, escapes and all.
func TestScanAck_SlackGoFrames(t *testing.T) {
	for _, payload := range []any{
		nil,
		map[string]any{"response_type": "ephemeral", "text": `Say "no" <kindly> & mean it`, "blocks": []any{map[string]any{"type": "divider"}}},
		json.RawMessage(`{"text":"ok"}`),
	} {
		frame, err := json.Marshal(socketmode.Response{EnvelopeID: "0f3a-e1", Payload: payload})
		if err != nil {
			t.Fatal(err)
		}
		f, ok := scanAck(frame)
		if !ok {
			t.Fatalf("%s: not read in one pass", frame)
		}
		want, _ := parseAckFrameJSON(frame)
		if f.EnvelopeID != want.EnvelopeID || string(f.Payload) != string(want.Payload) {
			t.Fatalf("%s: read %+v, want %+v", frame, f, want)
		}
		if m, ok := payload.(map[string]any); ok && (f.reply == nil || f.reply.Text != m["text"] || string(f.reply.Blocks) != `[{"type":"divider"}]`) {
			t.Fatalf("%s: reply %+v", frame, f.reply)
		}
	}
}
