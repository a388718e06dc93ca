package slacksim

import (
	"context"
	"errors"
)

// MessageShortcut delivers the message_action payload Slack sends when
// userID picks the app's message shortcut callbackID from msg's "more
// actions" menu: the message, its channel and ts, a response_url tied to
// msg (replace_original works on it) and a trigger_id.
func (s *Server) MessageShortcut(ctx context.Context, userID string, msg Message, callbackID string) (*Ack, error) {
	if msg.Deleted {
		return nil, errors.New("slacksim: a shortcut on a deleted message")
	}
	s.ensureUser(userID)
	message := s.messageJSON(msg)
	if len(msg.FileIDs) > 0 {
		s.mu.Lock()
		message["files"] = s.filesJSON(msg.FileIDs)
		s.mu.Unlock()
	}
	return s.Interactive(ctx, userID, map[string]any{
		"type":        "message_action",
		"callback_id": callbackID,
		"message_ts":  msg.TS,
		"message":     message,
		"channel":     map[string]any{"id": msg.Channel, "name": s.channelName(msg.Channel)},
		"response_url": s.newResponseURL(respTarget{
			user: userID, channel: msg.Channel, msgTS: msg.TS, ephemeral: msg.Ephemeral,
		}),
	})
}
