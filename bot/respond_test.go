package bot

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A reply to a response_url that fails on the way (5xx, 429) is posted
// again, up to respondAttempts times; one Slack refuses for good is not.
func TestRespondRetries(t *testing.T) {
	defer func(d time.Duration) { respondBackoff = d }(respondBackoff)
	respondBackoff = time.Millisecond
	for _, tc := range []struct {
		name      string
		failures  []int // status of each post before a 200
		wantPosts int
		wantLost  bool
	}{
		{"one 500", []int{500}, 2, false},
		{"a 503 then a 429", []int{503, 429}, 3, false},
		{"500 every time", []int{500, 500, 500, 500}, respondAttempts, true},
		{"404 is final", []int{404}, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var posts atomic.Int32
			var got atomic.Value
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(posts.Add(1))
				if n <= len(tc.failures) {
					if tc.failures[n-1] == 429 {
						w.Header().Set("Retry-After", "0")
					}
					w.WriteHeader(tc.failures[n-1])
					return
				}
				body, _ := io.ReadAll(r.Body)
				got.Store(string(body))
			}))
			defer srv.Close()
			var logs bytes.Buffer
			b := newTestBot(t)
			b.HTTPClient = srv.Client()
			b.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			b.respond(context.Background(), srv.URL, message{ResponseType: "ephemeral", Text: "your prompt"})
			if int(posts.Load()) != tc.wantPosts {
				t.Fatalf("%d posts, want %d", posts.Load(), tc.wantPosts)
			}
			body, _ := got.Load().(string)
			lost := !strings.Contains(body, "your prompt")
			if lost != tc.wantLost {
				t.Fatalf("reply delivered: %v (body %q), want %v", !lost, body, !tc.wantLost)
			}
			if logged := strings.Contains(logs.String(), "reply to response_url failed"); logged != tc.wantLost {
				t.Fatalf("failure logged: %v, want %v\n%s", logged, tc.wantLost, logs.String())
			}
		})
	}
}
