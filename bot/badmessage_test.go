package bot

import "testing"

// What can be read of an envelope slack-go refused is read part by part.
func TestReadBadEnvelope(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		want      badEnvelope
	}{
		{"Submission", `{"envelope_id":"E1","type":"interactive","payload":{"type":"view_submission","user":{"id":"U0ABC"},"view":{"blocks":[{"type":"section","block_id":"s"},{"type":"input","block_id":"reflection"}],"private_metadata":42}}}`,
			badEnvelope{EnvelopeID: "E1", Type: "interactive", PayloadType: "view_submission", UserID: "U0ABC", InputBlock: "reflection"}},
		{"Slash", `{"envelope_id":"E2","type":"slash_commands","payload":{"user_id":"U0ABC","response_url":"https://hooks.slack.com/x","text":7}}`,
			badEnvelope{EnvelopeID: "E2", Type: "slash_commands", UserID: "U0ABC", ResponseURL: "https://hooks.slack.com/x"}},
		{"NotAUserID", `{"envelope_id":"E3","type":"interactive","payload":{"type":"block_actions","user":{"id":"<!channel>"}}}`,
			badEnvelope{EnvelopeID: "E3", Type: "interactive", PayloadType: "block_actions"}},
		{"Garbage", `not json`, badEnvelope{}},
	} {
		if got := readBadEnvelope([]byte(tc.raw)); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
