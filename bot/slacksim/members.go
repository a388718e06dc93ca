package slacksim

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// memberCursorPrefix starts a conversations.members cursor: the id of the
// next member, so a walk resumes where it stopped even if members join.
const memberCursorPrefix = "member:"

// conversationsMembers is conversations.members for the bot token: the
// member ids of a public channel, or of a private one the bot is in, the
// bot included once it joined, ordered by id, a page of limit (100 by
// default, 1000 at most) at a time.
func (s *Server) conversationsMembers(r *apiRequest) (map[string]any, string) {
	limit := listDefaultLimit
	if raw := r.Params["limit"]; raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 {
			return nil, "invalid_limit"
		}
		if n > 0 {
			limit = min(n, listMaxLimit)
		}
	}
	after := ""
	if c := r.Params["cursor"]; c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		id, ok := strings.CutPrefix(string(raw), memberCursorPrefix)
		if err != nil || !ok || id == "" {
			return nil, "invalid_cursor"
		}
		after = id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.ws.channels[r.Params["channel"]]
	if !ok || c.isPrivate() && !c.BotIsMember {
		return nil, "channel_not_found"
	}
	ids := slices.Clone(c.Members)
	if c.BotIsMember && !slices.Contains(ids, s.opts.BotUserID) {
		ids = append(ids, s.opts.BotUserID)
	}
	slices.Sort(ids)
	start, _ := slices.BinarySearch(ids, after)
	end := min(start+limit, len(ids))
	next := ""
	if end < len(ids) {
		next = base64.StdEncoding.EncodeToString([]byte(memberCursorPrefix + ids[end]))
	}
	return map[string]any{"members": ids[start:end], "response_metadata": map[string]any{"next_cursor": next}}, ""
}
