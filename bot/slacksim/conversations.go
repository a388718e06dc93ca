package slacksim

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// Channels, as a bot token sees them: conversations.list, conversations.info
// and conversations.join share one encoding, so the three agree on is_member
// and num_members.

const (
	listDefaultLimit = 100  // Slack's default page
	listMaxLimit     = 1000 // "must be an integer no larger than 1000"
	cursorPrefix     = "channel:"
)

// isPrivate reports whether a channel is private: the simulator gives private
// channels "G" ids, as Slack did before it gave every channel a "C" id.
func (c Channel) isPrivate() bool { return strings.HasPrefix(c.ID, "G") }

// numMembers counts the channel's members as Slack does, the bot included
// when it has joined. Callers hold s.mu.
func (s *Server) numMembers(c Channel) int {
	n := len(c.Members)
	if c.BotIsMember && !slices.Contains(c.Members, s.opts.BotUserID) {
		n++
	}
	return n
}

// channelJSON is a channel object as the conversations.* methods return it,
// without num_members, which conversations.info gives only when asked.
func (s *Server) channelJSON(c Channel) map[string]any {
	return map[string]any{
		"id": c.ID, "name": c.Name, "name_normalized": c.Name, "created": s.ws.created,
		"is_channel": !c.isPrivate(), "is_group": c.isPrivate(), "is_private": c.isPrivate(),
		"is_im": false, "is_mpim": false, "is_archived": c.Archived, "is_general": false,
		"is_shared": false, "is_ext_shared": false, "is_org_shared": false, "is_member": c.BotIsMember,
		"topic":   map[string]any{"value": "", "creator": "", "last_set": 0},
		"purpose": map[string]any{"value": "", "creator": "", "last_set": 0},
	}
}

// imJSON is a DM ("D" and the user's id) as conversations.* methods return it.
func (s *Server) imJSON(id string) map[string]any {
	return map[string]any{
		"id": id, "created": s.ws.created, "is_im": true, "is_open": true,
		"user": id[1:], "is_archived": false, "is_user_deleted": false, "is_org_shared": false, "priority": 0,
	}
}

// conversationsInfo is conversations.info.
func (s *Server) conversationsInfo(r *apiRequest) (map[string]any, string) {
	id := r.Params["channel"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.HasPrefix(id, "D") {
		if _, ok := s.ws.users[id[1:]]; !ok {
			return nil, "channel_not_found"
		}
		return map[string]any{"channel": s.imJSON(id)}, ""
	}
	c, ok := s.ws.channels[id]
	if !ok {
		return nil, "channel_not_found"
	}
	ch := s.channelJSON(c)
	if r.Params["include_num_members"] == "true" {
		ch["num_members"] = s.numMembers(c)
	}
	return map[string]any{"channel": ch}, ""
}

// conversationsJoin is conversations.join: the bot joins a public channel.
// Joining one it is already in succeeds with Slack's already_in_channel
// warning.
func (s *Server) conversationsJoin(r *apiRequest) (map[string]any, string) {
	id := r.Params["channel"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.HasPrefix(id, "D") {
		if _, ok := s.ws.users[id[1:]]; !ok {
			return nil, "channel_not_found"
		}
		return nil, "method_not_supported_for_channel_type"
	}
	c, ok := s.ws.channels[id]
	switch {
	case !ok:
		return nil, "channel_not_found"
	case c.isPrivate():
		return nil, "method_not_supported_for_channel_type"
	case c.Archived:
		return nil, "is_archived"
	}
	resp := map[string]any{}
	if c.BotIsMember {
		resp["warning"] = "already_in_channel"
		resp["response_metadata"] = map[string]any{"warnings": []string{"already_in_channel"}}
	}
	c.BotIsMember = true
	s.ws.channels[id] = c
	resp["channel"] = s.channelJSON(c)
	return resp, ""
}

// listParams are conversations.list's arguments, checked.
type listParams struct {
	types           map[string]bool
	excludeArchived bool
	limit           int
	after           string // the id to resume from; "" is the start
}

// parseListParams reads conversations.list's arguments, or returns Slack's
// error for one it would refuse.
func parseListParams(p map[string]string) (listParams, string) {
	lp := listParams{types: map[string]bool{}, limit: listDefaultLimit}
	types := p["types"]
	if strings.TrimSpace(types) == "" {
		types = "public_channel"
	}
	for _, t := range strings.Split(types, ",") {
		switch t = strings.TrimSpace(t); t {
		case "public_channel", "private_channel", "mpim", "im":
			lp.types[t] = true
		default:
			return lp, "invalid_types"
		}
	}
	lp.excludeArchived = p["exclude_archived"] == "true" || p["exclude_archived"] == "1"
	if raw := p["limit"]; raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 {
			return lp, "invalid_limit"
		}
		if n > 0 {
			lp.limit = min(n, listMaxLimit)
		}
	}
	if c := p["cursor"]; c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		after, ok := strings.CutPrefix(string(raw), cursorPrefix)
		if err != nil || !ok || after == "" {
			return lp, "invalid_cursor"
		}
		lp.after = after
	}
	return lp, ""
}

// conversationsList is conversations.list for the bot token: public channels,
// the private channels the bot is in, and its DMs, by the types asked for
// (public_channel by default), ordered by id. The cursor encodes the id of
// the next conversation, so a walk resumes where it stopped even if
// channels are added meanwhile; next_cursor is "" on the last page.
func (s *Server) conversationsList(r *apiRequest) (map[string]any, string) {
	lp, errc := parseListParams(r.Params)
	if errc != "" {
		return nil, errc
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := s.listedIDs(lp)
	start, _ := slices.BinarySearch(ids, lp.after)
	end := min(start+lp.limit, len(ids))
	page := make([]map[string]any, 0, end-start)
	for _, id := range ids[start:end] {
		if strings.HasPrefix(id, "D") {
			page = append(page, s.imJSON(id))
			continue
		}
		c := s.ws.channels[id]
		ch := s.channelJSON(c)
		ch["num_members"] = s.numMembers(c)
		page = append(page, ch)
	}
	next := ""
	if end < len(ids) {
		next = base64.StdEncoding.EncodeToString([]byte(cursorPrefix + ids[end]))
	}
	return map[string]any{"channels": page, "response_metadata": map[string]any{"next_cursor": next}}, ""
}

// listedIDs returns the sorted ids of the conversations the bot may list
// under lp. Group DMs are not simulated, so "mpim" lists none. Callers hold
// s.mu.
func (s *Server) listedIDs(lp listParams) []string {
	var ids []string
	for id, c := range s.ws.channels {
		switch {
		case lp.excludeArchived && c.Archived:
		case c.isPrivate() && lp.types["private_channel"] && c.BotIsMember:
			ids = append(ids, id)
		case !c.isPrivate() && lp.types["public_channel"]:
			ids = append(ids, id)
		}
	}
	if lp.types["im"] {
		for id := range s.ws.dms {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
