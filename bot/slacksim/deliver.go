package slacksim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrNoAck is returned when no ack for an envelope arrived within AckTimeout
// (and, for events, within every retry). Slack then shows the user a timeout
// for a slash command or an interaction, and gives up on an event.
var ErrNoAck = errors.New("slacksim: no ack within the ack timeout")

// maxEventRetries is how many times Slack redelivers an unacknowledged event.
const maxEventRetries = 3

// Envelope types, as in the "type" of a Socket Mode frame.
const (
	// TypeSlashCommands carries a slash command's form fields.
	TypeSlashCommands = "slash_commands"
	// TypeInteractive carries an interaction payload: block_actions,
	// view_submission and the like.
	TypeInteractive = "interactive"
	// TypeEventsAPI carries an Events API event_callback.
	TypeEventsAPI = "events_api"
)

// Envelope is one Socket Mode frame carrying a payload, marshalled exactly as
// Slack sends it.
type Envelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Type                   string          `json:"type"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason"`
}

// Ack is the client's acknowledgement of an envelope.
type Ack struct {
	EnvelopeID string
	// Type is the acknowledged envelope's type.
	Type string
	// Payload is the ack's optional payload, as the client sent it.
	Payload json.RawMessage
	// Latency runs from queueing the envelope to reading its ack.
	Latency time.Duration
	// RetryAttempt is the acknowledged envelope's retry_attempt.
	RetryAttempt int
	// EventID is the event_id of an events_api envelope.
	EventID string

	reply *ackReply // the payload's reply fields, when read with the frame
}

// ackReply is what Slack shows of a slash command's ack payload.
type ackReply struct {
	Text         string          `json:"text"`
	Blocks       json.RawMessage `json:"blocks"`
	ResponseType string          `json:"response_type"`
}

// ackFrame is an ack frame read: its envelope id, its payload as sent and,
// when the payload is an object, its reply fields.
type ackFrame struct {
	EnvelopeID string
	Payload    json.RawMessage
	reply      *ackReply
}

// parseAckFrame reads an ack frame: in one pass when slack-go wrote it
// (scanAck), with encoding/json otherwise. ok is false for a frame that is
// not an ack.
func parseAckFrame(data []byte) (ackFrame, bool) {
	if f, ok := scanAck(data); ok {
		return f, true
	}
	return parseAckFrameJSON(data)
}

// parseAckFrameJSON reads any ack frame with encoding/json. The payload's
// reply fields are left for showAckReply to read.
func parseAckFrameJSON(data []byte) (ackFrame, bool) {
	var f struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &f); err != nil || f.EnvelopeID == "" {
		return ackFrame{}, false
	}
	return ackFrame{EnvelopeID: f.EnvelopeID, Payload: f.Payload}, true
}

// Text returns the "text" of the ack payload, or "".
func (a *Ack) Text() string {
	var p struct {
		Text string `json:"text"`
	}
	if a == nil || json.Unmarshal(a.Payload, &p) != nil {
		return ""
	}
	return p.Text
}

// Blocks returns the "blocks" of the ack payload, or nil.
func (a *Ack) Blocks() json.RawMessage {
	var p struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	if a == nil || json.Unmarshal(a.Payload, &p) != nil {
		return nil
	}
	return p.Blocks
}

// waiter is one delivery waiting for its ack.
type waiter struct {
	env     Envelope
	eventID string
	start   time.Time
	ch      chan *Ack // buffered: the reader never blocks on it
}

// Deliver sends env to one open socket, waiting for one if need be, and
// waits up to AckTimeout for its ack. An empty EnvelopeID gets a fresh one;
// otherwise the envelope goes out exactly as given, so a test can send the
// same envelope twice. Deliver does not retry: see Event for that.
func (s *Server) Deliver(ctx context.Context, env Envelope) (*Ack, error) {
	if env.EnvelopeID == "" {
		env.EnvelopeID = newUUID()
	}
	if len(env.Payload) == 0 {
		env.Payload = json.RawMessage("{}")
	}
	frame, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("encode envelope %s: %w", env.EnvelopeID, err)
	}
	c, err := s.pickConn(ctx)
	if err != nil {
		return nil, fmt.Errorf("deliver %s %s: %w", env.Type, env.EnvelopeID, err)
	}
	w := &waiter{env: env, eventID: eventIDOf(env), start: time.Now(), ch: make(chan *Ack, 1)}
	s.hub.mu.Lock()
	s.hub.waiters[env.EnvelopeID] = append(s.hub.waiters[env.EnvelopeID], w)
	s.hub.deliveries, _ = keep(s.hub.deliveries, env, s.opts.History)
	s.hub.mu.Unlock()
	if !c.send(frame) {
		// The socket died under us: the envelope is lost in flight, exactly as
		// when the network drops it, so it times out below.
		s.logf("envelope %s lost: socket %d closed", env.EnvelopeID, c.id)
	}
	return s.awaitAck(ctx, w)
}

func (s *Server) awaitAck(ctx context.Context, w *waiter) (*Ack, error) {
	t := time.NewTimer(s.opts.AckTimeout)
	defer t.Stop()
	var err error
	select {
	case a := <-w.ch:
		return a, nil
	case <-t.C:
		err = fmt.Errorf("%w: %s %s after %v", ErrNoAck, w.env.Type, w.env.EnvelopeID, s.opts.AckTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	case <-s.done:
		err = ErrClosed
	}
	if s.forget(w) {
		return nil, err
	}
	return <-w.ch, nil // the ack won the race against the timeout
}

// forget removes w from the waiters and reports whether it was still there.
func (s *Server) forget(w *waiter) bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	ws := s.hub.waiters[w.env.EnvelopeID]
	for i, x := range ws {
		if x == w {
			s.removeWaiter(w.env.EnvelopeID, i)
			return true
		}
	}
	return false
}

// removeWaiter drops waiter i of id; callers hold hub.mu.
func (s *Server) removeWaiter(id string, i int) {
	ws := s.hub.waiters[id]
	if len(ws) == 1 {
		delete(s.hub.waiters, id)
		return
	}
	s.hub.waiters[id] = append(ws[:i:i], ws[i+1:]...)
}

// onFrame handles one text frame from a client: an ack for an envelope sent
// on any of the app's sockets, as Slack matches acks by envelope_id alone.
func (s *Server) onFrame(data []byte) {
	if len(data) >= maxAckFrame {
		s.hub.mu.Lock()
		s.hub.dropped++
		s.hub.mu.Unlock()
		s.logf("dropped a %d-byte ack frame (limit %d)", len(data), maxAckFrame)
		return
	}
	f, ok := parseAckFrame(data)
	if !ok {
		s.logf("ignored a frame that is not an ack (%d bytes)", len(data))
		return
	}
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	ws := s.hub.waiters[f.EnvelopeID]
	if len(ws) == 0 {
		s.hub.late++
		s.logf("late or unknown ack %s", f.EnvelopeID)
		return
	}
	w := ws[0]
	s.removeWaiter(f.EnvelopeID, 0)
	a := &Ack{
		EnvelopeID: f.EnvelopeID, Type: w.env.Type, Payload: f.Payload, reply: f.reply,
		Latency: time.Since(w.start), RetryAttempt: w.env.RetryAttempt, EventID: w.eventID,
	}
	s.hub.acks, _ = keep(s.hub.acks, *a, s.opts.History)
	w.ch <- a
}

func eventIDOf(env Envelope) string {
	if env.Type != TypeEventsAPI {
		return ""
	}
	var p struct {
		EventID string `json:"event_id"`
	}
	_ = json.Unmarshal(env.Payload, &p)
	return p.EventID
}

// Deliveries returns every envelope sent so far, retries included, in order.
func (s *Server) Deliveries() []Envelope {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return append([]Envelope(nil), s.hub.deliveries...)
}

// Acks returns every ack matched to an envelope in flight, in order.
func (s *Server) Acks() []Ack {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return append([]Ack(nil), s.hub.acks...)
}

// DroppedAcks returns how many ack frames were 20 KB or more and so ignored.
func (s *Server) DroppedAcks() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.hub.dropped
}

// LateAcks returns how many acks named no envelope in flight: too late,
// duplicated or made up.
func (s *Server) LateAcks() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.hub.late
}
