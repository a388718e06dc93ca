package bot

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

// countingMetrics counts dropped replies; the rest is discarded.
type countingMetrics struct {
	nopMetrics
	dropped atomic.Int32
}

func (m *countingMetrics) ReplyDropped() { m.dropped.Add(1) }

// A response_url that hangs holds at most maxReplies posts; the next
// replies wait, up to the queue's size, and the rest are dropped at once
// with a log line and a metric. When the URL answers again, every reply
// that waited is delivered.
func TestRespondBounded(t *testing.T) {
	const inFlight, queued, replies = 4, 8, 50
	release := make(chan struct{})
	var arrived, delivered atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-release:
			delivered.Add(1)
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	logs := &lockedBuffer{}
	m := &countingMetrics{}
	b := newTestBot(t)
	b.HTTPClient = srv.Client()
	b.Logger = slog.New(slog.NewTextHandler(logs, nil))
	b.Metrics = m
	b.replies = newReplyLimiter(inFlight, queued, time.Minute)

	var done sync.WaitGroup
	for range replies {
		done.Go(func() { b.respond(context.Background(), srv.URL, message{Text: "hi"}) })
	}
	// A drop is counted before it is logged: wait for both, or a loaded
	// machine reads the log one line short.
	waitFor(t, func() bool {
		return int(m.dropped.Load()) == replies-inFlight-queued && int(arrived.Load()) == inFlight &&
			strings.Count(logs.String(), "reply dropped") == replies-inFlight-queued
	})
	if got := b.replies.waiting.Load(); got != queued {
		t.Fatalf("%d replies waiting, want %d", got, queued)
	}
	if n := strings.Count(logs.String(), "reply dropped"); n != replies-inFlight-queued {
		t.Fatalf("%d log lines for %d dropped replies:\n%s", n, replies-inFlight-queued, logs.String())
	}
	if got := arrived.Load(); got != inFlight {
		t.Fatalf("%d posts reached the hanging URL, want %d", got, inFlight)
	}
	release <- struct{}{} // one post returns: one waiting reply takes its slot
	waitFor(t, func() bool { return arrived.Load() == inFlight+1 })
	for range inFlight + queued - 1 {
		release <- struct{}{}
	}
	done.Wait()
	if got := delivered.Load(); got != inFlight+queued {
		t.Fatalf("%d replies delivered, want the %d that were not dropped", got, inFlight+queued)
	}
}

// A post to a response_url that never answers is cut off at the limiter's
// time limit, its slot freed for the next reply.
func TestRespondPostTimeout(t *testing.T) {
	defer func(d time.Duration) { respondBackoff = d }(respondBackoff)
	respondBackoff = time.Millisecond
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client leave
		<-r.Context().Done()               // hangs until the bot gives up
	}))
	defer srv.Close()
	logs := &lockedBuffer{}
	b := newTestBot(t)
	b.HTTPClient = srv.Client()
	b.Logger = slog.New(slog.NewTextHandler(logs, nil))
	b.replies = newReplyLimiter(1, 0, 20*time.Millisecond)
	b.respond(context.Background(), srv.URL, message{Text: "hi"})
	if got := posts.Load(); got != respondAttempts {
		t.Fatalf("%d posts, want %d, each cut off and retried", got, respondAttempts)
	}
	if !strings.Contains(logs.String(), "reply to response_url failed") || !strings.Contains(logs.String(), "deadline exceeded") {
		t.Fatalf("the timeout was not logged:\n%s", logs.String())
	}
	if len(b.replies.slots) != 0 {
		t.Fatal("the slot was not given back")
	}
}

// lockedBuffer is a bytes.Buffer safe to log into from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
