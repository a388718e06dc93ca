package slacksim

import (
	"context"
	"encoding/json"
)

// Message is something the bot made a user see: a post, an update, an
// ephemeral reply or a shared file. Messages() is the log of them in order,
// so an update appears again with the same TS.
type Message struct {
	Channel string
	// User is the poster: the bot user id.
	User   string
	Text   string
	Blocks json.RawMessage
	TS     string
	// ThreadTS is the parent's ts for a reply in a thread.
	ThreadTS string
	// Ephemeral messages are seen by VisibleTo only and cannot be updated
	// with chat.update.
	Ephemeral bool
	VisibleTo string
	// Source is how the message came: "chat.postMessage", "chat.postEphemeral",
	// "chat.update", "response_url", "ack" (a slash command's ack payload),
	// "files", or "member" (a member's own message, Post).
	Source string
	// Deleted marks a delete_original through a response URL.
	Deleted bool
	// FileIDs are the files shared with the message.
	FileIDs []string
}

// subscriberBuffer is each Subscribe channel's buffer.
const subscriberBuffer = 256

// inbox is the message log and its readers. Guarded by Server.mu.
type inbox struct {
	msgs    []Message
	base    int                // how many messages History dropped before msgs[0]
	current map[string]Message // channel+"/"+ts -> latest version
	changed notifier
	subs    map[int]chan Message
	nextSub int
	dropped int // messages a slow subscriber missed
	closed  bool
	clock   tsClock
}

func (in *inbox) init() {
	in.current = make(map[string]Message)
	in.subs = make(map[int]chan Message)
}

func msgKey(channel, ts string) string { return channel + "/" + ts }

// addMessage stamps m with a fresh ts if it has none and records it.
func (s *Server) addMessage(m Message) Message {
	if m.TS == "" {
		m.TS = s.inbox.clock.next()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addMessageLocked(m)
	return m
}

func (s *Server) addMessageLocked(m Message) {
	in := &s.inbox
	var dropped int
	in.msgs, dropped = keep(in.msgs, m, s.opts.History)
	in.current[msgKey(m.Channel, m.TS)] = m
	if dropped > 0 {
		in.base += dropped
		in.current = make(map[string]Message, len(in.msgs))
		for _, m := range in.msgs {
			in.current[msgKey(m.Channel, m.TS)] = m
		}
	}
	in.changed.broadcast()
	for _, ch := range in.subs {
		select {
		case ch <- m:
		default:
			in.dropped++ // never block the server on a slow reader
		}
	}
	s.logf("message %s in %s via %s", m.TS, m.Channel, m.Source)
}

// Messages returns every message so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.inbox.msgs...)
}

// MessagesIn returns the messages in one channel, in order.
func (s *Server) MessagesIn(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.inbox.msgs {
		if m.Channel == channel {
			out = append(out, m)
		}
	}
	return out
}

// WaitMessage returns the first message, past or future, that match accepts.
func (s *Server) WaitMessage(ctx context.Context, match func(Message) bool) (Message, error) {
	seen := 0
	for {
		s.mu.Lock()
		msgs := s.inbox.msgs[max(seen-s.inbox.base, 0):]
		seen = s.inbox.base + len(s.inbox.msgs)
		ch := s.inbox.changed.wait()
		s.mu.Unlock()
		for _, m := range msgs {
			if match(m) {
				return m, nil
			}
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return Message{}, ctx.Err()
		case <-s.done:
			return Message{}, ErrClosed
		}
	}
}

// Subscribe returns a channel that receives every new message, for printing
// them as the bot sends them. A reader that falls more than 256 messages
// behind misses messages (counted by DroppedForSubscribers) rather than
// stalling the server. cancel, or Close, closes the channel.
func (s *Server) Subscribe() (<-chan Message, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan Message, subscriberBuffer)
	if s.inbox.closed {
		close(ch)
		return ch, func() {}
	}
	id := s.inbox.nextSub
	s.inbox.nextSub++
	s.inbox.subs[id] = ch
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if c, ok := s.inbox.subs[id]; ok {
			delete(s.inbox.subs, id)
			close(c)
		}
	}
}

// DroppedForSubscribers returns how many messages slow subscribers missed.
func (s *Server) DroppedForSubscribers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inbox.dropped
}

func (s *Server) closeSubscribers() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inbox.closed = true
	for id, ch := range s.inbox.subs {
		delete(s.inbox.subs, id)
		close(ch)
	}
}

// SeenBy reports whether userID sees m: an ephemeral message only its
// VisibleTo, a DM only its member, a channel message every channel member
// (everyone, for a channel without a member list). A deleted message is
// still reported, so a reader can show that it went.
func (s *Server) SeenBy(userID string, m Message) bool {
	if m.Ephemeral {
		return m.VisibleTo == userID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.canSee(userID, m.Channel)
}
