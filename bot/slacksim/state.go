package slacksim

import (
	"cmp"
	"strings"
	"time"
)

// User is a workspace member.
type User struct {
	ID       string
	Name     string // the handle, e.g. "ada"
	RealName string
	// TZ is an IANA zone name, e.g. "Europe/Berlin"; users.info derives
	// tz_label and tz_offset from it. Empty means Slack knows no zone.
	TZ string
	// Locale is the member's Slack language, e.g. "fr-FR"; users.info
	// gives it only when asked with include_locale=true. Empty means
	// Options.Locale.
	Locale string
	// Bot marks another app's bot user; the server's own bot is one anyway.
	Bot bool
	// Deleted marks a member who left the workspace.
	Deleted bool
}

// Channel is a public or private conversation ("C…" or "G…").
type Channel struct {
	ID          string
	Name        string
	Members     []string
	Archived    bool
	BotIsMember bool
}

// SlackbotID is Slackbot's user id, the same in every workspace.
const SlackbotID = "USLACKBOT"

// workspace is the directory: users, channels, user groups, open DMs.
// Guarded by Server.mu.
type workspace struct {
	users    map[string]User
	channels map[string]Channel
	groups   map[string][]string
	dms      map[string]bool // DM channel ids opened with conversations.open
	created  int64
}

func (w *workspace) init(o Options) {
	// Every workspace has the app's own bot user and Slackbot, whom
	// users.info describes as a person (is_bot false).
	w.users = map[string]User{
		o.BotUserID: {ID: o.BotUserID, Name: "mentorbot", RealName: "mentorbot"},
		SlackbotID:  {ID: SlackbotID, Name: "slackbot", RealName: "Slackbot"},
	}
	w.channels = make(map[string]Channel)
	w.groups = make(map[string][]string)
	w.dms = make(map[string]bool)
	w.created = time.Now().Unix()
}

// AddUser adds or replaces a user. A Name defaults to the lower-cased id and
// a RealName to the Name.
func (s *Server) AddUser(u User) {
	if u.Name == "" {
		u.Name = strings.ToLower(u.ID)
	}
	if u.RealName == "" {
		u.RealName = u.Name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ws.users[u.ID] = u
}

// AddChannel adds or replaces a channel.
func (s *Server) AddChannel(c Channel) {
	c.Members = append([]string(nil), c.Members...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ws.channels[c.ID] = c
}

// RemoveChannel deletes a channel, as a workspace admin can: Slack then
// answers channel_not_found for it.
func (s *Server) RemoveChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ws.channels, id)
}

// AddUserGroup adds or replaces a user group ("S…") and its members.
func (s *Server) AddUserGroup(id string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ws.groups[id] = append([]string(nil), members...)
}

// ensureUser returns the user, adding one with defaults if the id is new:
// whoever types a command or clicks a button exists in Slack.
func (s *Server) ensureUser(id string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.ws.users[id]
	if !ok {
		u = User{ID: id, Name: strings.ToLower(id), RealName: id}
		s.ws.users[id] = u
	}
	return u
}

func (s *Server) userRef(u User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": s.opts.TeamID}
}

// channelName is the channel_name Slack puts in a slash command payload.
func (s *Server) channelName(id string) string {
	if strings.HasPrefix(id, "D") {
		return "directmessage"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.ws.channels[id]; ok {
		return c.Name
	}
	return id
}

// resolveChannel maps what the bot passes as "channel" to the conversation a
// message lands in, or to Slack's error: a user id means that user's DM, a
// "#name" a channel by name. Callers hold s.mu.
func (s *Server) resolveChannel(id string) (string, string) {
	switch {
	case id == "":
		return "", "channel_not_found"
	case strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W"):
		if _, ok := s.ws.users[id]; !ok {
			return "", "channel_not_found"
		}
		return "D" + id, ""
	case strings.HasPrefix(id, "D"):
		if _, ok := s.ws.users[id[1:]]; !ok {
			return "", "channel_not_found"
		}
		return id, ""
	}
	c, ok := s.channelByIDOrName(id)
	switch {
	case !ok:
		return "", "channel_not_found"
	case c.Archived:
		return "", "is_archived"
	case !c.BotIsMember:
		return "", "not_in_channel"
	}
	return c.ID, ""
}

func (s *Server) channelByIDOrName(id string) (Channel, bool) {
	if c, ok := s.ws.channels[id]; ok {
		return c, true
	}
	name := strings.TrimPrefix(id, "#")
	for _, c := range s.ws.channels {
		if c.Name == name {
			return c, true
		}
	}
	return Channel{}, false
}

// authTest is auth.test for the bot token.
func (s *Server) authTest(*apiRequest) (map[string]any, string) {
	return map[string]any{
		"url": "https://" + s.opts.TeamDomain + ".slack.com/", "team": s.opts.TeamDomain,
		"user": "mentorbot", "team_id": s.opts.TeamID, "user_id": s.opts.BotUserID,
		"bot_id": s.opts.BotID, "is_enterprise_install": false,
	}, ""
}

// usersInfo is users.info; it also takes "users", a comma list, as slack-go's
// GetUsersInfo sends.
func (s *Server) usersInfo(r *apiRequest) (map[string]any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if list := r.Params["users"]; list != "" && r.Params["user"] == "" {
		var users []map[string]any
		for _, id := range strings.Split(list, ",") {
			u, ok := s.ws.users[strings.TrimSpace(id)]
			if !ok {
				return nil, "user_not_found"
			}
			users = append(users, s.userJSON(u))
		}
		return map[string]any{"users": users}, ""
	}
	u, ok := s.ws.users[r.Params["user"]]
	if !ok {
		return nil, "user_not_found"
	}
	m := s.userJSON(u)
	if r.Params["include_locale"] == "true" {
		m["locale"] = cmp.Or(u.Locale, s.opts.Locale)
	}
	return map[string]any{"user": m}, ""
}

func (s *Server) userJSON(u User) map[string]any {
	isBot := u.ID == s.opts.BotUserID || u.Bot
	m := map[string]any{
		"id": u.ID, "team_id": s.opts.TeamID, "name": u.Name, "deleted": u.Deleted,
		"real_name": u.RealName, "is_bot": isBot, "is_app_user": false, "updated": s.ws.created,
		"profile": map[string]any{
			"real_name": u.RealName, "real_name_normalized": u.RealName,
			"display_name": u.Name, "display_name_normalized": u.Name, "team": s.opts.TeamID,
		},
	}
	if isBot {
		m["profile"].(map[string]any)["bot_id"] = s.opts.BotID
	}
	if u.TZ != "" {
		label, offset := zoneInfo(u.TZ, time.Now())
		m["tz"], m["tz_label"], m["tz_offset"] = u.TZ, label, offset
	}
	return m
}

// zoneInfo returns a label and the offset east of UTC in seconds now. Slack's
// labels are long names ("Central European Summer Time") the standard
// library does not know, so the label is the zone's abbreviation.
func zoneInfo(tz string, now time.Time) (string, int) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return tz, 0
	}
	name, offset := now.In(loc).Zone()
	return name, offset
}

// conversationsOpen is conversations.open for one user: the DM "D"+user.
func (s *Server) conversationsOpen(r *apiRequest) (map[string]any, string) {
	users := r.Params["users"]
	if users == "" {
		users = strings.TrimPrefix(r.Params["channel"], "D")
	}
	if users == "" || strings.Contains(users, ",") {
		return nil, "invalid_arguments" // group DMs are not simulated
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ws.users[users]; !ok {
		return nil, "user_not_found"
	}
	id := "D" + users
	already := s.ws.dms[id]
	s.ws.dms[id] = true
	return map[string]any{
		"no_op": already, "already_open": already,
		"channel": map[string]any{
			"id": id, "created": s.ws.created, "is_im": true, "is_open": true,
			"is_org_shared": false, "user": users, "priority": 0,
		},
	}, ""
}

// userGroupsUsersList is usergroups.users.list.
func (s *Server) userGroupsUsersList(r *apiRequest) (map[string]any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	members, ok := s.ws.groups[r.Params["usergroup"]]
	if !ok {
		return nil, "no_such_subteam"
	}
	return map[string]any{"users": append([]string{}, members...)}, ""
}
