package slacksim

import (
	"errors"
	"strings"
)

// Post adds a message userID wrote in channel (a channel's id or name, or a
// DM "D…"), as typing it in the Slack client does, with the files of
// fileIDs shared along; text may be empty when there are files. It returns
// the message, for MessageShortcut. The bot gets no event for it: it
// subscribes to none for messages.
func (s *Server) Post(userID, channel, text string, fileIDs ...string) (Message, error) {
	if strings.TrimSpace(text) == "" && len(fileIDs) == 0 {
		return Message{}, errors.New("slacksim: a message needs text or files")
	}
	s.ensureUser(userID)
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := channel
	if !strings.HasPrefix(channel, "D") {
		c, ok := s.channelByIDOrName(channel)
		if !ok {
			return Message{}, errors.New("slacksim: no channel " + channel)
		}
		ch = c.ID
	}
	for _, id := range fileIDs {
		if _, ok := s.files.byID[id]; !ok {
			return Message{}, errors.New("slacksim: no file " + id)
		}
	}
	m := Message{Channel: ch, User: userID, Text: text, TS: s.inbox.clock.next(), Source: "member", FileIDs: append([]string(nil), fileIDs...)}
	s.addMessageLocked(m)
	return m, nil
}

// AddFile adds a file a member shared (name and content), for Post; it
// returns its id.
func (s *Server) AddFile(name string, content []byte) string {
	f := &File{ID: "F" + randUpper(10), Name: name, Title: name, Length: len(content), Content: content, Uploaded: true, Complete: true}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files.byID[f.ID] = f
	return f.ID
}

// chatGetPermalink is chat.getPermalink: a link to a message the server
// holds, in Slack's form (the ts without its dot).
func (s *Server) chatGetPermalink(r *apiRequest) (map[string]any, string) {
	ch, ts := r.Params["channel"], r.Params["message_ts"]
	if ch == "" {
		return nil, "channel_not_found"
	}
	s.mu.Lock()
	_, ok := s.inbox.current[msgKey(ch, ts)]
	s.mu.Unlock()
	if !ok {
		return nil, "message_not_found"
	}
	link := "https://" + s.opts.TeamDomain + ".slack.com/archives/" + ch + "/p" + strings.ReplaceAll(ts, ".", "")
	return map[string]any{"channel": ch, "permalink": link}, ""
}

// filesJSON is the "files" of a message that shared fileIDs. The caller
// holds s.mu.
func (s *Server) filesJSON(fileIDs []string) []map[string]any {
	var out []map[string]any
	for _, id := range fileIDs {
		if f, ok := s.files.byID[id]; ok {
			out = append(out, map[string]any{"id": f.ID, "name": f.Name, "title": f.Title, "size": f.Length})
		}
	}
	return out
}
