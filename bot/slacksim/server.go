package slacksim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Options configures a Server. The zero value is usable: every field has a
// default that matches what Slack does or what a test wants.
type Options struct {
	// BotToken is the xoxb token Web API methods require. Default "xoxb-sim-bot".
	BotToken string
	// AppToken is the xapp token apps.connections.open requires. Default "xapp-sim-app".
	AppToken string
	// TeamID is the workspace id in payloads and auth.test. Default "T0SIM".
	TeamID string
	// TeamDomain is the workspace domain in payloads. Default "sim".
	TeamDomain string
	// AppID is the app id in payloads and the hello frame. Default "A0SIM".
	AppID string
	// BotUserID is the bot's user id, the poster of its messages. Default "U0BOT".
	BotUserID string
	// BotID is the bot id auth.test and messages report. Default "B0SIM".
	BotID string
	// PingInterval is how often the server pings each socket. slack-go drops a
	// connection that sees no ping for 30s, so keep it well under that.
	// Default 10s.
	PingInterval time.Duration
	// AckTimeout is how long an envelope waits for its ack. Default 3s, Slack's.
	AckTimeout time.Duration
	// DisconnectGrace is how long after a disconnect frame the server closes a
	// socket the client has not closed itself. Default 1s.
	DisconnectGrace time.Duration
	// RateLimit turns on a per-channel limit on chat.postMessage of about one
	// message a second with short bursts; beyond it the method answers 429.
	RateLimit bool
	// PostsPerMinute, when positive, limits chat.postMessage across the
	// whole workspace, as Slack does past several hundred a minute: posts
	// beyond it answer 429 with a Retry-After of the seconds until the next
	// one is allowed. It allows a second's worth at once and refills on
	// Clock, so a test can run a long fan-out at Slack's pace in seconds.
	PostsPerMinute int
	// History, when positive, bounds each record (deliveries, acks, calls,
	// messages) to about its most recent History entries, and the response
	// URLs kept to History. 0 keeps everything, as tests want; set it for
	// benchmarks and long sessions. An evicted message can no longer be
	// updated.
	History int
	// Logf, when set, receives debug lines. Tokens never reach it.
	Logf func(format string, args ...any)
	// Clock is the time faults run on (see Clock). Default the wall clock.
	Clock Clock
	// Locale is the Slack language of members added without one
	// (User.Locale). Default "en-US", Slack's own.
	Locale string
}

func (o Options) withDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.BotToken, "xoxb-sim-bot")
	def(&o.AppToken, "xapp-sim-app")
	def(&o.TeamID, "T0SIM")
	def(&o.TeamDomain, "sim")
	def(&o.AppID, "A0SIM")
	def(&o.BotUserID, "U0BOT")
	def(&o.BotID, "B0SIM")
	def(&o.Locale, "en-US")
	if o.PingInterval <= 0 {
		o.PingInterval = 10 * time.Second
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = 3 * time.Second
	}
	if o.DisconnectGrace <= 0 {
		o.DisconnectGrace = time.Second
	}
	if o.Clock == nil {
		o.Clock = wallClock{}
	}
	return o
}

// ErrClosed is returned by delivery and wait methods once Close has been called.
var ErrClosed = errors.New("slacksim: server closed")

// Server is a local Slack: the Socket Mode protocol and the Web API methods
// the bot uses, on one loopback HTTP listener. All methods are safe for
// concurrent use.
type Server struct {
	opts     Options
	base     string // http://127.0.0.1:PORT
	ln       net.Listener
	http     *http.Server
	upgrader websocket.Upgrader
	methods  map[string]method
	done     chan struct{}
	wg       sync.WaitGroup // every goroutine the server starts
	closing  sync.Once

	hub   hub        // sockets, envelopes and acks; its own lock keeps delivery fast
	mu    sync.Mutex // guards everything below
	ws    workspace
	api   apiState
	inbox inbox
	ui    uiState
	files fileStore
}

// New starts a Server on 127.0.0.1 with a free port. It panics only if the
// loopback interface cannot be listened on, which no test can recover from.
func New(opts Options) *Server {
	s := &Server{opts: opts.withDefaults(), done: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("slacksim: listen on loopback: %v", err))
	}
	s.ln = ln
	s.base = "http://" + ln.Addr().String()
	s.upgrader = websocket.Upgrader{
		// slack-go sends Origin: https://api.slack.com, which is not our host.
		CheckOrigin:     func(*http.Request) bool { return true },
		ReadBufferSize:  32 << 10,
		WriteBufferSize: 32 << 10,
	}
	s.hub.init()
	s.ws.init(s.opts)
	s.api.init()
	s.inbox.init()
	s.ui.init()
	s.files.init()
	s.methods = s.routes()
	s.http = &http.Server{Handler: s.tracked(s.mux()), ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("serve: %v", err)
		}
	}()
	return s
}

func (s *Server) mux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("/api/{method}", s.handleAPI)
	m.HandleFunc("GET /link/", s.handleLink)
	m.HandleFunc("POST /response/{id}", s.handleResponseURL)
	m.HandleFunc("POST /upload/{id}", s.handleUpload)
	return m
}

// tracked makes Close wait for every request in progress, so no handler
// outlives the Server (net/http's Close does not wait for them).
func (s *Server) tracked(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hub.mu.Lock()
		if s.hub.closed {
			s.hub.mu.Unlock()
			http.Error(w, "server closing", http.StatusServiceUnavailable)
			return
		}
		s.wg.Add(1)
		s.hub.mu.Unlock()
		defer s.wg.Done()
		h.ServeHTTP(w, r)
	})
}

// APIURL returns the Web API base URL with its trailing slash, for
// slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.base + "/api/" }

// URL returns the server's base URL, e.g. "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.base }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Close closes every socket, stops the listener and waits for every goroutine
// the server started. Subscriber channels are closed. It is safe to call twice.
func (s *Server) Close() {
	s.closing.Do(func() {
		s.hub.mu.Lock()
		s.hub.closed = true
		conns := s.hub.liveConns()
		s.hub.mu.Unlock()
		close(s.done)
		for _, c := range conns {
			c.closeWith(websocket.CloseGoingAway, "server closing")
		}
		if err := s.http.Close(); err != nil {
			s.logf("close http: %v", err)
		}
		s.wg.Wait()
		s.closeSubscribers()
	})
}

// goTracked runs f in a goroutine Close waits for, unless the server is
// already closing; it reports whether f was started.
func (s *Server) goTracked(f func()) bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if s.hub.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// sleep waits for d of the Server's clock, ctx or Close, and reports whether
// the full d elapsed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	select {
	case <-s.opts.Clock.After(d):
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf("slacksim: "+format, args...)
	}
}
