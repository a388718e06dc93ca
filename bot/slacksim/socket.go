package slacksim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	// ticketTTL is how long a URL from apps.connections.open can be dialled.
	ticketTTL = 30 * time.Second
	// maxAckFrame is Slack's limit: frames of this size or more are dropped silently.
	maxAckFrame = 20 << 10
	// writeWait bounds every socket write so a stuck client cannot stall the server.
	writeWait = 10 * time.Second
	// outQueue is each socket's send buffer; a full buffer applies backpressure.
	outQueue = 256
)

// hub holds the Socket Mode side: tickets, sockets, envelopes in flight and
// what was acknowledged. It has its own lock so the benchmark's deliveries do
// not contend with Web API calls.
type hub struct {
	mu         sync.Mutex
	closed     bool
	tickets    map[string]time.Time // ticket -> expiry
	conns      []*conn              // live sockets, oldest first
	nextConn   int                  // round-robin cursor
	nextID     int
	connects   int
	changed    notifier // a socket came or went
	waiters    map[string][]*waiter
	deliveries []Envelope
	acks       []Ack
	dropped    int // ack frames of 20 KB or more
	late       int // acks for no envelope in flight
}

func (h *hub) init() {
	h.tickets = make(map[string]time.Time)
	h.waiters = make(map[string][]*waiter)
}

// liveConns returns a copy of the live sockets; callers hold h.mu.
func (h *hub) liveConns() []*conn {
	return append([]*conn(nil), h.conns...)
}

// conn is one Socket Mode WebSocket. Only its writer goroutine writes data
// frames, because gorilla connections allow one concurrent writer.
type conn struct {
	id       int
	ws       *websocket.Conn
	out      chan []byte
	done     chan struct{}
	once     sync.Once
	draining bool // sent a disconnect; guarded by hub.mu
}

// send queues a frame, and reports false if the socket is gone.
func (c *conn) send(frame []byte) bool {
	select {
	case c.out <- frame:
		return true
	case <-c.done:
		return false
	}
}

// close drops the TCP connection without a close frame.
func (c *conn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// closeWith sends a close frame first, as a well-behaved server does.
func (c *conn) closeWith(code int, text string) {
	msg := websocket.FormatCloseMessage(code, text)
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	c.close()
}

// openConnection is apps.connections.open: a single-use ticket in a ws:// URL.
func (s *Server) openConnection(*apiRequest) (map[string]any, string) {
	ticket := randHex(8) + "-" + randHex(4) + "-" + randHex(4) + "-" + randHex(12)
	now := time.Now()
	s.hub.mu.Lock()
	for t, exp := range s.hub.tickets {
		if now.After(exp) {
			delete(s.hub.tickets, t)
		}
	}
	s.hub.tickets[ticket] = now.Add(ticketTTL)
	s.hub.mu.Unlock()
	url := "ws" + s.base[len("http"):] + "/link/?ticket=" + ticket + "&app_id=" + s.opts.AppID
	return map[string]any{"url": url}, ""
}

// redeem uses up a ticket and reports whether it was valid.
func (h *hub) redeem(ticket string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	exp, ok := h.tickets[ticket]
	delete(h.tickets, ticket)
	return ok && time.Now().Before(exp)
}

// handleLink upgrades a dial of a ticketed URL to a Socket Mode connection
// and serves it until either side closes it.
func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	if !s.hub.redeem(r.URL.Query().Get("ticket")) {
		s.logf("refused socket dial: unknown, used or expired ticket")
		http.Error(w, "invalid or expired ticket", http.StatusUnauthorized)
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.logf("upgrade: %v", err)
		return
	}
	c, ok := s.register(ws)
	if !ok {
		_ = ws.Close()
		return
	}
	go s.writeLoop(c)
	s.readLoop(c)
	c.close()
	s.unregister(c)
}

// register adds a socket, queues its hello and accounts for its writer
// goroutine, unless the server is closing.
func (s *Server) register(ws *websocket.Conn) (*conn, bool) {
	h := &s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	h.nextID++
	c := &conn{id: h.nextID, ws: ws, out: make(chan []byte, outQueue), done: make(chan struct{})}
	c.out <- s.helloFrame(len(h.conns) + 1) // first frame, before any envelope
	h.conns = append(h.conns, c)
	h.connects++
	h.changed.broadcast()
	s.wg.Add(1) // the writer; tracked already counts this handler
	s.logf("socket %d connected (%d live)", c.id, len(h.conns))
	return c, true
}

func (s *Server) unregister(c *conn) {
	h := &s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, x := range h.conns {
		if x == c {
			h.conns = append(h.conns[:i], h.conns[i+1:]...)
			break
		}
	}
	h.changed.broadcast()
	s.logf("socket %d gone (%d live)", c.id, len(h.conns))
}

func (s *Server) helloFrame(n int) []byte {
	b, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info": map[string]any{
			"host": "applink-sim", "build_number": 1, "approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.opts.AppID},
	})
	return b
}

// writeLoop is the socket's only data writer; it also pings, because slack-go
// reconnects when it has not seen a ping for 30s.
func (s *Server) writeLoop(c *conn) {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case frame := <-c.out:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
				c.close()
				return
			}
		case <-t.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.close()
				return
			}
		case <-c.done:
			return
		}
	}
}

// readLoop reads acks until the socket fails; pongs and frames keep it alive.
// A client busy in a handler answers no pings meanwhile, so silence is
// tolerated as long as slack-go tolerates a missing ping: 30s at least.
func (s *Server) readLoop(c *conn) {
	silence := max(3*s.opts.PingInterval, 30*time.Second)
	alive := func() { _ = c.ws.SetReadDeadline(time.Now().Add(silence)) }
	alive()
	c.ws.SetReadLimit(1 << 20)
	c.ws.SetPongHandler(func(string) error { alive(); return nil })
	// One buffer is reused for every frame and each frame copied out at its
	// exact size: ReadMessage grows a new slice for each, which for a card's
	// ack costs several times the frame, work Slack does not charge a bot.
	var buf bytes.Buffer
	for {
		typ, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return
		}
		alive()
		if typ == websocket.TextMessage {
			s.onFrame(bytes.Clone(buf.Bytes()))
		}
		if buf.Cap() > 64<<10 {
			buf = bytes.Buffer{} // a rare huge frame does not pin its buffer
		}
	}
}

// Disconnect sends {"type":"disconnect","reason":reason} to every socket, as
// Slack does before a refresh ("refresh_requested"), on a "warning" or when
// the app is turned off ("link_disabled"). No envelope goes to a socket after
// that, and the server closes it after DisconnectGrace if the client did not.
func (s *Server) Disconnect(reason string) {
	frame, _ := json.Marshal(map[string]any{
		"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": "applink-sim"},
	})
	s.hub.mu.Lock()
	var targets []*conn
	for _, c := range s.hub.conns {
		if !c.draining {
			c.draining = true
			targets = append(targets, c)
		}
	}
	s.hub.changed.broadcast()
	s.hub.mu.Unlock()
	for _, c := range targets {
		c.send(frame)
		s.goTracked(func() {
			if s.sleep(context.Background(), s.opts.DisconnectGrace) {
				c.closeWith(websocket.CloseNormalClosure, reason)
			}
		})
	}
}

// DropConnections closes every socket's TCP connection abruptly, with no close
// frame, as a network failure would.
func (s *Server) DropConnections() {
	s.hub.mu.Lock()
	conns := s.hub.liveConns()
	s.hub.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// Connections returns how many sockets are open now.
func (s *Server) Connections() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return len(s.hub.conns)
}

// Connects returns how many sockets have connected since New.
func (s *Server) Connects() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.hub.connects
}

// WaitConnected waits until at least minTotalConnects sockets have connected
// since New and one is open. It returns ctx's error or ErrClosed otherwise.
func (s *Server) WaitConnected(ctx context.Context, minTotalConnects int) error {
	for {
		s.hub.mu.Lock()
		ok := s.hub.connects >= minTotalConnects && len(s.hub.conns) > 0
		ch := s.hub.changed.wait()
		s.hub.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return ErrClosed
		}
	}
}

// pickConn waits for a socket that may take envelopes and returns one,
// round-robin, as Slack spreads envelopes over an app's connections.
func (s *Server) pickConn(ctx context.Context) (*conn, error) {
	h := &s.hub
	for {
		h.mu.Lock()
		for range h.conns {
			h.nextConn = (h.nextConn + 1) % len(h.conns)
			if c := h.conns[h.nextConn]; !c.draining {
				h.mu.Unlock()
				return c, nil
			}
		}
		ch := h.changed.wait()
		h.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.done:
			return nil, ErrClosed
		}
	}
}
