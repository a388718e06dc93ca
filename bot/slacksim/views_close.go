package slacksim

import (
	"context"
	"encoding/json"
	"fmt"
)

// CloseView is the member pressing a modal's Cancel (close) button: the
// modal viewID and any stacked above it close, the one below shows again.
// When the closed modal asked for notify_on_close, the app gets the
// view_closed payload Slack sends, and its ack is returned; otherwise the
// app hears nothing and the Ack is nil.
func (s *Server) CloseView(ctx context.Context, userID, viewID string) (*Ack, error) {
	s.mu.Lock()
	i := s.stackIndex(userID, viewID)
	if i < 0 {
		s.mu.Unlock()
		return nil, fmt.Errorf("slacksim: %s has no open modal %s", userID, viewID)
	}
	stack := s.ui.stacks[userID]
	v := stack[i]
	view := s.viewJSON(v)
	var notify bool
	_ = json.Unmarshal(v.fields["notify_on_close"], &notify)
	s.closeViews(stack[i:])
	if i == 0 {
		delete(s.ui.stacks, userID)
	} else {
		s.ui.stacks[userID] = stack[:i]
	}
	s.mu.Unlock()
	if !notify {
		return nil, nil
	}
	return s.Interactive(ctx, userID, map[string]any{"type": "view_closed", "view": view, "is_cleared": false})
}
