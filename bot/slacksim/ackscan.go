package slacksim

import (
	"bytes"
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// scanAck reads an ack frame in the form slack-go writes it,
// {"envelope_id":"…","payload":…} with no space, in one pass: it checks that
// the payload is valid JSON and, when it is an object, picks its reply fields
// from the same pass. encoding/json reads a frame twice (once to check it,
// once to decode) with a function call per byte, and a bot's ack carrying a
// prompt card of a kilobyte or more cost the simulator more than the bot's
// own encoding of it: work real Slack does on its own machines, charged here
// to the bot. ok is false for any other frame, and for any payload this
// reader would not decode exactly as encoding/json does (escaped keys, keys
// that match a reply field only ignoring case, reply fields of the wrong
// type); parseAckFrame then takes encoding/json's path (FuzzScanAck).
//
// It pays: with it and the reused read buffer replaced by gorilla's
// ReadMessage and encoding/json, BenchmarkCommands used 39% more CPU per
// command at 64 members and 35% more at 1,000 (medians of 10 alternating
// runs, docs/benchmarks.md), most of it charged to the bot's ratio, whose
// acks carry a card where the bare handler's carry two words.
func scanAck(data []byte) (ackFrame, bool) {
	rest, ok := bytes.CutPrefix(data, []byte(`{"envelope_id":"`))
	if !ok {
		return ackFrame{}, false
	}
	end := bytes.IndexByte(rest, '"')
	if end <= 0 || !printableASCII(rest[:end]) {
		return ackFrame{}, false
	}
	id := string(rest[:end])
	rest = rest[end+1:]
	if len(rest) == 1 && rest[0] == '}' {
		return ackFrame{EnvelopeID: id}, true
	}
	rest, ok = bytes.CutPrefix(rest, []byte(`,"payload":`))
	if !ok || len(rest) < 2 || rest[len(rest)-1] != '}' {
		return ackFrame{}, false
	}
	s := scanner{data: rest[:len(rest)-1]}
	s.space()
	start := s.pos
	var fields *replyFields
	if s.pos < len(s.data) && s.data[s.pos] == '{' {
		fields = new(replyFields)
		ok = s.object(0, fields)
	} else {
		ok = s.value(0)
	}
	end = s.pos
	s.space()
	if !ok || s.pos != len(s.data) {
		return ackFrame{}, false
	}
	// The payload without the space around it, as encoding/json's
	// RawMessage holds it.
	payload := s.data[start:end]
	if fields == nil {
		return ackFrame{EnvelopeID: id, Payload: payload}, true
	}
	reply, ok := fields.decode(s.data)
	if !ok {
		return ackFrame{}, false
	}
	return ackFrame{EnvelopeID: id, Payload: payload, reply: reply}, true
}

func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e || c == '\\' {
			return false
		}
	}
	return true
}

// span is a value's place in the payload; end is zero when it is absent.
type span struct{ start, end int }

// replyFields are the spans of a payload object's reply fields, the last of
// each when a key repeats (encoding/json keeps the last too).
type replyFields struct {
	text, blocks, responseType span
	// odd is set by a key this reader cannot match as encoding/json would.
	odd bool
}

// decode reads the fields' values, or reports false when one of them is of
// the wrong type (encoding/json then fails to decode the reply at all).
func (f replyFields) decode(payload []byte) (*ackReply, bool) {
	if f.odd {
		return nil, false
	}
	var r ackReply
	var ok bool
	if r.Text, ok = stringValue(payload, f.text); !ok {
		return nil, false
	}
	if r.ResponseType, ok = stringValue(payload, f.responseType); !ok {
		return nil, false
	}
	if f.blocks.end > 0 {
		// A slice of the frame, as the payload is: each frame is read into
		// a buffer of its own, never reused.
		r.Blocks = slices.Clip(payload[f.blocks.start:f.blocks.end])
	}
	return &r, true
}

// stringValue is the string at sp, "" for an absent value or null. It
// reports false for a value that is not a string.
func stringValue(payload []byte, sp span) (string, bool) {
	if sp.end == 0 {
		return "", true
	}
	v := payload[sp.start:sp.end]
	if v[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		return string(v[1 : len(v)-1]), true
	}
	// Escapes, or bytes encoding/json replaces: its own decoding, of this
	// one string.
	var str string
	if err := json.Unmarshal(v, &str); err != nil {
		return "", false
	}
	return str, true
}

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

// scanner checks JSON in one pass.
type scanner struct {
	data []byte
	pos  int
}

func (s *scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) value(depth int) bool {
	if s.pos >= len(s.data) {
		return false
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(depth, nil)
	case c == '[':
		return s.array(depth)
	case c == '"':
		return s.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return false
}

// object reads an object; with fields, it records the reply fields' spans.
func (s *scanner) object(depth int, fields *replyFields) bool {
	if depth++; depth > maxDepth {
		return false
	}
	s.pos++ // {
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return true
	}
	for {
		s.space()
		keyStart := s.pos
		if s.pos >= len(s.data) || s.data[s.pos] != '"' || !s.str() {
			return false
		}
		key := s.data[keyStart+1 : s.pos-1]
		s.space()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return false
		}
		s.pos++
		s.space()
		start := s.pos
		if !s.value(depth) {
			return false
		}
		if fields != nil {
			fields.note(key, s.data[start:s.pos], span{start, s.pos})
		}
		if done, ok := s.after('}'); done || !ok {
			return ok
		}
	}
}

// after reads what follows a member of an object or array: a comma, then
// done is false, or its closing byte, then done is true. ok is false for
// anything else.
func (s *scanner) after(closing byte) (done, ok bool) {
	s.space()
	if s.pos >= len(s.data) {
		return false, false
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		return false, true
	case closing:
		s.pos++
		return true, true
	}
	return false, false
}

// note records the span of a reply field's value. A null leaves a text
// field as it was, as encoding/json does, and sets blocks to null. A key that
// matches a field only ignoring case, or that has escapes or bytes beyond
// ASCII (which encoding/json may fold too), marks the fields odd.
func (f *replyFields) note(key, val []byte, sp span) {
	null := string(val) == "null"
	switch string(key) {
	case "text":
		if !null {
			f.text = sp
		}
		return
	case "blocks":
		f.blocks = sp
		return
	case "response_type":
		if !null {
			f.responseType = sp
		}
		return
	}
	if !printableASCII(key) {
		f.odd = true
		return
	}
	switch string(bytes.ToLower(key)) {
	case "text", "blocks", "response_type":
		f.odd = true
	}
}

func (s *scanner) array(depth int) bool {
	if depth++; depth > maxDepth {
		return false
	}
	s.pos++ // [
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return true
	}
	for {
		s.space()
		if !s.value(depth) {
			return false
		}
		if done, ok := s.after(']'); done || !ok {
			return ok
		}
	}
}

// str reads a string, its opening quote at s.pos. Like encoding/json's check,
// it refuses control characters and bad escapes but not invalid UTF-8.
func (s *scanner) str() bool {
	s.pos++ // "
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			s.pos++
			if s.pos >= len(s.data) {
				return false
			}
			switch s.data[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				if s.pos+4 >= len(s.data) {
					return false
				}
				for _, h := range s.data[s.pos+1 : s.pos+5] {
					if !isHex(h) {
						return false
					}
				}
				s.pos += 5
			default:
				return false
			}
		default:
			s.pos++
		}
	}
	return false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() bool {
	if s.data[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos >= len(s.data):
		return false
	case s.data[s.pos] == '0':
		s.pos++
	case s.data[s.pos] >= '1' && s.data[s.pos] <= '9':
		s.digits()
	default:
		return false
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if s.digits() == 0 {
			return false
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

func (s *scanner) literal(word string) bool {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(word)) {
		return false
	}
	s.pos += len(word)
	return true
}
