package slacksim

import (
	"encoding/json"
	"fmt"
	"time"
)

const (
	// triggerTTL is how long Slack accepts a trigger_id.
	triggerTTL = 3 * time.Second
	// triggerMemory is how long a trigger_id is remembered, to tell an
	// expired one from a made-up one.
	triggerMemory = 10 * time.Second
	// maxModalStack is how many modals Slack stacks.
	maxModalStack = 3
)

// View is a modal or a Home tab as Slack holds it.
type View struct {
	ID              string
	Type            string // "modal" or "home"
	CallbackID      string
	PrivateMetadata string
	ExternalID      string
	Hash            string
	// JSON is the view object as views.* methods return it.
	JSON json.RawMessage
	// Errors are the field errors of the last response_action "errors".
	Errors map[string]string
}

type trigger struct {
	user   string
	issued time.Time
	used   bool
}

type viewRec struct {
	id, user, kind, hash string
	rootID, prevID       string
	fields               map[string]json.RawMessage // the view as the app sent it
	state                map[string]map[string]any  // state.values after a submission
	errors               map[string]string
}

// uiState is triggers, modal stacks and Home tabs. Guarded by Server.mu.
type uiState struct {
	triggers fifo[*trigger]
	views    map[string]*viewRec
	stacks   map[string][]*viewRec // user -> modals, bottom first
	homes    map[string]*viewRec
}

func (u *uiState) init() {
	u.triggers = newFIFO[*trigger]()
	u.views = make(map[string]*viewRec)
	u.stacks = make(map[string][]*viewRec)
	u.homes = make(map[string]*viewRec)
}

// issueTrigger makes a trigger_id for user, valid for 3s and one use.
func (s *Server) issueTrigger(user string) string {
	id := newTriggerID()
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ui.triggers.put(id, &trigger{user: user, issued: now})
	s.ui.triggers.evict(func(t *trigger, _ int) bool { return now.Sub(t.issued) > triggerMemory })
	return id
}

// useTrigger spends a trigger_id and returns its user or Slack's error.
// Callers hold s.mu.
func (s *Server) useTrigger(id string) (string, string) {
	t, ok := s.ui.triggers.get(id)
	switch {
	case !ok:
		return "", "invalid_trigger_id"
	case t.used:
		return "", "exchanged_trigger_id"
	case time.Since(t.issued) > triggerTTL:
		return "", "expired_trigger_id"
	}
	t.used = true
	return t.user, ""
}

// parseView reads a "view" parameter and checks its type.
func parseView(raw, wantType string) (map[string]json.RawMessage, string) {
	var f map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &f); err != nil || f == nil {
		return nil, "invalid_arguments"
	}
	var typ string
	if json.Unmarshal(f["type"], &typ) != nil || typ != wantType {
		return nil, "invalid_arguments"
	}
	blocks, errc := normalizeBlocks(string(f["blocks"]))
	if errc != "" {
		return nil, errc
	}
	if blocks == nil {
		blocks = json.RawMessage("[]")
	}
	f["blocks"] = blocks
	return f, ""
}

func newHash() string { return fmt.Sprintf("%d.%s", time.Now().Unix(), randAlnum(8)) }

// newView registers a view; callers hold s.mu.
func (s *Server) newView(user, kind string, fields map[string]json.RawMessage) *viewRec {
	v := &viewRec{id: "V" + randUpper(10), user: user, kind: kind, hash: newHash(), fields: fields}
	s.ui.views[v.id] = v
	return v
}

func (v *viewRec) str(key string) string {
	var out string
	_ = json.Unmarshal(v.fields[key], &out)
	return out
}

// viewJSON is the view object Slack returns and puts in payloads.
func (s *Server) viewJSON(v *viewRec) map[string]any {
	out := map[string]any{
		"private_metadata": "", "callback_id": "", "external_id": "",
		"clear_on_close": false, "notify_on_close": false, "close": nil, "submit": nil,
	}
	for k, raw := range v.fields {
		out[k] = raw
	}
	values := map[string]any{}
	for b, acts := range v.state {
		values[b] = acts
	}
	out["id"], out["team_id"], out["type"], out["hash"] = v.id, s.opts.TeamID, v.kind, v.hash
	out["state"] = map[string]any{"values": values}
	out["root_view_id"], out["previous_view_id"] = nilIfEmpty(v.rootID), nilIfEmpty(v.prevID)
	out["app_id"], out["bot_id"], out["app_installed_team_id"] = s.opts.AppID, s.opts.BotID, s.opts.TeamID
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) exportView(v *viewRec) View {
	raw, _ := json.Marshal(s.viewJSON(v))
	errs := make(map[string]string, len(v.errors))
	for k, e := range v.errors {
		errs[k] = e
	}
	return View{
		ID: v.id, Type: v.kind, CallbackID: v.str("callback_id"), PrivateMetadata: v.str("private_metadata"),
		ExternalID: v.str("external_id"), Hash: v.hash, JSON: raw, Errors: errs,
	}
}

// viewsOpen is views.open: a new modal stack for the trigger's user.
func (s *Server) viewsOpen(r *apiRequest) (map[string]any, string) {
	fields, errc := parseView(r.Params["view"], "modal")
	if errc != "" {
		return nil, errc
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user, errc := s.useTrigger(r.Params["trigger_id"])
	if errc != "" {
		return nil, errc
	}
	v := s.newView(user, "modal", fields)
	v.rootID = v.id
	s.closeViews(s.ui.stacks[user])
	s.ui.stacks[user] = []*viewRec{v}
	return map[string]any{"view": s.viewJSON(v)}, ""
}

// closeViews forgets closed modals, as Slack does: views.update on one then
// fails with not_found. Callers hold s.mu.
func (s *Server) closeViews(vs []*viewRec) {
	for _, v := range vs {
		delete(s.ui.views, v.id)
	}
}

// viewsPush is views.push: a modal on top of the user's stack.
func (s *Server) viewsPush(r *apiRequest) (map[string]any, string) {
	fields, errc := parseView(r.Params["view"], "modal")
	if errc != "" {
		return nil, errc
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user, errc := s.useTrigger(r.Params["trigger_id"])
	if errc != "" {
		return nil, errc
	}
	v := s.pushView(user, fields)
	if v == nil {
		return nil, "push_limit_reached"
	}
	return map[string]any{"view": s.viewJSON(v)}, ""
}

// pushView stacks a modal, or returns nil at Slack's limit; callers hold s.mu.
func (s *Server) pushView(user string, fields map[string]json.RawMessage) *viewRec {
	stack := s.ui.stacks[user]
	if len(stack) >= maxModalStack {
		return nil
	}
	v := s.newView(user, "modal", fields)
	v.rootID = v.id
	if len(stack) > 0 {
		v.rootID, v.prevID = stack[0].id, stack[len(stack)-1].id
	}
	s.ui.stacks[user] = append(stack, v)
	return v
}

// viewsUpdate is views.update, by view_id or external_id, with an optional hash.
func (s *Server) viewsUpdate(r *apiRequest) (map[string]any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.findView(r.Params["view_id"], r.Params["external_id"])
	if v == nil {
		return nil, "not_found"
	}
	if h := r.Params["hash"]; h != "" && h != v.hash {
		return nil, "hash_conflict"
	}
	fields, errc := parseView(r.Params["view"], v.kind)
	if errc != "" {
		return nil, errc
	}
	v.fields, v.hash, v.errors, v.state = fields, newHash(), nil, nil
	return map[string]any{"view": s.viewJSON(v)}, ""
}

func (s *Server) findView(id, externalID string) *viewRec {
	if v, ok := s.ui.views[id]; ok && id != "" {
		return v
	}
	if externalID == "" {
		return nil
	}
	for _, v := range s.ui.views {
		if v.str("external_id") == externalID {
			return v
		}
	}
	return nil
}

// viewsPublish is views.publish: the user's Home tab.
func (s *Server) viewsPublish(r *apiRequest) (map[string]any, string) {
	fields, errc := parseView(r.Params["view"], "home")
	if errc != "" {
		return nil, errc
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user := r.Params["user_id"]
	if _, ok := s.ws.users[user]; !ok {
		return nil, "user_not_found"
	}
	v, ok := s.ui.homes[user]
	if ok {
		if h := r.Params["hash"]; h != "" && h != v.hash {
			return nil, "hash_conflict"
		}
		v.fields, v.hash = fields, newHash()
	} else {
		v = s.newView(user, "home", fields)
		s.ui.homes[user] = v
	}
	return map[string]any{"view": s.viewJSON(v)}, ""
}

// HomeView returns the user's published Home tab view, or nil.
func (s *Server) HomeView(userID string) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.ui.homes[userID]
	if !ok {
		return nil
	}
	raw, _ := json.Marshal(s.viewJSON(v))
	return raw
}

// OpenViews returns the user's modal stack, bottom first; the last is on top.
func (s *Server) OpenViews(userID string) []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for _, v := range s.ui.stacks[userID] {
		out = append(out, s.exportView(v))
	}
	return out
}
