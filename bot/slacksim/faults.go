package slacksim

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault is what a faulty Web API call does instead of its normal answer.
type Fault struct {
	// Status is 429 (rate limited, body {"ok":false,"error":"ratelimited"})
	// or a 5xx (an HTML body, as Slack's edge sends). 0 means 200.
	Status int
	// RetryAfter is sent with a 429 as the Retry-After header, in whole
	// seconds rounded up, at least 1.
	RetryAfter time.Duration
	// Error, with Status 0 or 200, makes the answer {"ok":false,"error":Error}.
	Error string
	// Body, with Status 0 or 200, is the whole answer instead, as a proxy
	// in the way might send it: an HTML page, JSON cut short, nothing at
	// all (set Garbled with an empty Body). Content-Type is text/html when
	// Body starts with "<", application/json otherwise.
	Body    string
	Garbled bool
	// Delay holds the answer back this long on the Server's clock; alone, it
	// only slows the call.
	Delay time.Duration
}

// apiState is the Web API's bookkeeping. Guarded by Server.mu.
type apiState struct {
	calls    []Call
	counts   map[string]int
	fault    func(Call, int) *Fault
	failNext map[string][]*queuedFault
	buckets  map[string]*bucket
	posts    *bucket // the workspace's, for Options.PostsPerMinute
	// responseURLs are the response URLs issued, by id.
	responseURLs fifo[*respURL]
}

type queuedFault struct {
	left int
	f    Fault
}

func (a *apiState) init() {
	a.counts = make(map[string]int)
	a.failNext = make(map[string][]*queuedFault)
	a.buckets = make(map[string]*bucket)
	a.responseURLs = newFIFO[*respURL]()
}

// SetFault installs fn, which decides for every Web API call whether it
// fails: it gets the call (Status and Error not yet set) and n, the 1-based
// count of calls to that method so far, and returns nil to let the call
// through. A nil fn clears it. fn must not block; it may call the Server.
func (s *Server) SetFault(fn func(c Call, n int) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.api.fault = fn
}

// FailNext makes the next n calls to method fail with f, before any SetFault
// function is consulted.
func (s *Server) FailNext(method string, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.api.failNext[method] = append(s.api.failNext[method], &queuedFault{left: n, f: f})
}

func (s *Server) faultFor(c Call, n int) *Fault {
	s.mu.Lock()
	if q := s.api.failNext[c.Method]; len(q) > 0 {
		f := q[0].f
		if q[0].left--; q[0].left == 0 {
			s.api.failNext[c.Method] = q[1:]
		}
		s.mu.Unlock()
		return &f
	}
	fn := s.api.fault
	s.mu.Unlock()
	if fn == nil {
		return nil // the callback runs unlocked so it may use the Server
	}
	return fn(c, n)
}

// applyFault answers the call with its fault, if any, and reports whether it
// did.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, call *Call, n int) bool {
	f := s.faultFor(*call, n)
	if f == nil {
		return false
	}
	if !s.sleep(r.Context(), f.Delay) {
		call.Error = "canceled"
		return true
	}
	switch {
	case f.Status == http.StatusTooManyRequests:
		s.tooManyRequests(w, call, f.RetryAfter)
	case f.Status != 0 && f.Status != http.StatusOK:
		call.Status, call.Error = f.Status, http.StatusText(f.Status)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(f.Status)
		_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", f.Status, http.StatusText(f.Status))
	case f.Error != "":
		s.reply(w, call, nil, f.Error)
	case f.Body != "" || f.Garbled:
		call.Status, call.Error = http.StatusOK, "garbled"
		ctype := "application/json; charset=utf-8"
		if strings.HasPrefix(f.Body, "<") {
			ctype = "text/html; charset=utf-8"
		}
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, f.Body)
	default:
		return false
	}
	return true
}

func (s *Server) tooManyRequests(w http.ResponseWriter, call *Call, retryAfter time.Duration) {
	secs := int64((retryAfter + time.Second - 1) / time.Second)
	secs = max(secs, 1)
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	call.Status, call.Error = http.StatusTooManyRequests, "ratelimited"
	s.logf("%s: rate limited, retry after %ds", call.Method, secs)
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
}

// bucket is a token bucket: Slack allows chat.postMessage about once a second
// per channel, with short bursts.
type bucket struct {
	tokens float64
	last   time.Time
}

const (
	rateBurst  = 3
	ratePerSec = 1.0
)

// rateLimited applies Options.RateLimit and Options.PostsPerMinute to
// chat.postMessage and reports whether it answered 429.
func (s *Server) rateLimited(w http.ResponseWriter, call *Call, req *apiRequest) bool {
	if req.Method != "chat.postMessage" || !s.opts.RateLimit && s.opts.PostsPerMinute <= 0 {
		return false
	}
	now := s.now()
	s.mu.Lock()
	wait, allowed := time.Duration(0), true
	if perMin := s.opts.PostsPerMinute; perMin > 0 {
		if s.api.posts == nil {
			s.api.posts = &bucket{tokens: max(1, float64(perMin)/60), last: now}
		}
		wait, allowed = s.api.posts.take(now, max(1, float64(perMin)/60), float64(perMin)/60)
	}
	if allowed && s.opts.RateLimit {
		b, ok := s.api.buckets[req.Params["channel"]]
		if !ok {
			b = &bucket{tokens: rateBurst, last: now}
			s.api.buckets[req.Params["channel"]] = b
		}
		wait, allowed = b.take(now, rateBurst, ratePerSec)
		if !allowed && s.api.posts != nil {
			s.api.posts.tokens++ // not posted after all
		}
	}
	s.mu.Unlock()
	if allowed {
		return false
	}
	s.tooManyRequests(w, call, wait)
	return true
}

// take refills b at perSec up to burst since its last use and takes a token,
// or says how long until one is there.
func (b *bucket) take(now time.Time, burst, perSec float64) (time.Duration, bool) {
	b.tokens = min(burst, b.tokens+max(0, now.Sub(b.last).Seconds())*perSec)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / perSec * float64(time.Second)), false
}
