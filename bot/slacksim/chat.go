package slacksim

import (
	"encoding/json"
	"strings"
)

// messageContent reads text and blocks as chat.* methods take them: blocks
// is a JSON array in a string. It returns Slack's error for a message with
// neither or with blocks that are not an array.
func messageContent(p map[string]string) (string, json.RawMessage, string) {
	blocks, errc := normalizeBlocks(p["blocks"])
	if errc != "" {
		return "", nil, errc
	}
	text := p["text"]
	if text == "" && blocks == nil && p["attachments"] == "" {
		return "", nil, "no_text"
	}
	return text, blocks, ""
}

// normalizeBlocks checks a blocks array and gives every block without a
// block_id one, as Slack does; interaction payloads then carry those ids.
func normalizeBlocks(raw string) (json.RawMessage, string) {
	if strings.TrimSpace(raw) == "" || strings.TrimSpace(raw) == "null" {
		return nil, ""
	}
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
		return nil, "invalid_blocks"
	}
	if len(blocks) == 0 {
		return nil, ""
	}
	for _, b := range blocks {
		if _, ok := b["type"].(string); !ok {
			return nil, "invalid_blocks"
		}
		if id, _ := b["block_id"].(string); id == "" {
			b["block_id"] = randAlnum(4)
		}
	}
	out, err := json.Marshal(blocks)
	if err != nil {
		return nil, "invalid_blocks"
	}
	return out, ""
}

func randAlnum(n int) string {
	return strings.ToLower(randUpper(n))
}

// messageJSON is the "message" object chat.postMessage and chat.update return.
func (s *Server) messageJSON(m Message) map[string]any {
	out := map[string]any{"type": "message", "user": m.User, "text": m.Text, "ts": m.TS, "team": s.opts.TeamID}
	if m.User == s.opts.BotUserID {
		out["bot_id"], out["app_id"] = s.opts.BotID, s.opts.AppID
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	return out
}

// chatPostMessage is chat.postMessage.
func (s *Server) chatPostMessage(r *apiRequest) (map[string]any, string) {
	text, blocks, errc := messageContent(r.Params)
	if errc != "" {
		return nil, errc
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, errc := s.resolveChannel(r.Params["channel"])
	if errc != "" {
		return nil, errc
	}
	m := Message{
		Channel: ch, User: s.opts.BotUserID, Text: text, Blocks: blocks,
		TS: s.inbox.clock.next(), ThreadTS: r.Params["thread_ts"], Source: "chat.postMessage",
	}
	s.addMessageLocked(m)
	return map[string]any{"channel": ch, "ts": m.TS, "message": s.messageJSON(m)}, ""
}

// chatPostEphemeral is chat.postEphemeral: a message only "user" sees.
func (s *Server) chatPostEphemeral(r *apiRequest) (map[string]any, string) {
	text, blocks, errc := messageContent(r.Params)
	if errc != "" {
		return nil, errc
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user := r.Params["user"]
	if _, ok := s.ws.users[user]; !ok {
		return nil, "user_not_found"
	}
	ch, errc := s.resolveChannel(r.Params["channel"])
	if errc != "" {
		return nil, errc
	}
	if !s.canSee(user, ch) {
		return nil, "user_not_in_channel"
	}
	m := Message{
		Channel: ch, User: s.opts.BotUserID, Text: text, Blocks: blocks, TS: s.inbox.clock.next(),
		ThreadTS: r.Params["thread_ts"], Ephemeral: true, VisibleTo: user, Source: "chat.postEphemeral",
	}
	s.addMessageLocked(m)
	return map[string]any{"message_ts": m.TS}, ""
}

// canSee reports whether user is in conversation ch; a channel with no
// member list is open to all. Callers hold s.mu.
func (s *Server) canSee(user, ch string) bool {
	if strings.HasPrefix(ch, "D") {
		return ch == "D"+user
	}
	c := s.ws.channels[ch]
	if len(c.Members) == 0 {
		return true
	}
	for _, m := range c.Members {
		if m == user {
			return true
		}
	}
	return false
}

// chatUpdate is chat.update. Omitted blocks keep the previous ones, as Slack
// keeps omitted attachments.
func (s *Server) chatUpdate(r *apiRequest) (map[string]any, string) {
	blocks, errc := normalizeBlocks(r.Params["blocks"])
	if errc != "" {
		return nil, errc
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, errc := s.resolveChannel(r.Params["channel"])
	if errc != "" {
		return nil, errc
	}
	cur, ok := s.inbox.current[msgKey(ch, r.Params["ts"])]
	switch {
	case !ok || cur.Ephemeral || cur.Deleted:
		return nil, "message_not_found"
	case cur.User != s.opts.BotUserID:
		return nil, "cant_update_message"
	}
	if _, given := r.Params["blocks"]; given {
		cur.Blocks = blocks
	}
	cur.Text = r.Params["text"]
	if cur.Text == "" && cur.Blocks == nil {
		return nil, "no_text"
	}
	cur.Source = "chat.update"
	s.addMessageLocked(cur)
	return map[string]any{"channel": ch, "ts": cur.TS, "text": cur.Text, "message": s.messageJSON(cur)}, ""
}
