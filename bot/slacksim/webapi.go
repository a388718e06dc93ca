package slacksim

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Call is one recorded Web API call. The token is never recorded, only
// whether it was the right one.
type Call struct {
	Method string
	// Params are the form values, or the top-level JSON fields with
	// non-string values re-encoded as JSON, without "token".
	Params  map[string]string
	TokenOK bool
	Status  int
	// Error is the "error" of an ok:false answer, or "" when ok.
	Error string
	// At is when the call arrived, on the Server's clock (Options.Clock).
	At time.Time
}

type tokenKind int

const (
	botToken tokenKind = iota
	appToken
)

// method is one Web API method: which token it takes and its handler, which
// returns the answer's fields (without "ok") or a Slack error code.
type method struct {
	token tokenKind
	fn    func(*apiRequest) (map[string]any, string)
}

type apiRequest struct {
	Method string
	Params map[string]string
	token  string
}

func (s *Server) routes() map[string]method {
	bot := func(fn func(*apiRequest) (map[string]any, string)) method { return method{botToken, fn} }
	return map[string]method{
		"apps.connections.open":        {appToken, s.openConnection},
		"auth.test":                    bot(s.authTest),
		"chat.postMessage":             bot(s.chatPostMessage),
		"chat.postEphemeral":           bot(s.chatPostEphemeral),
		"chat.update":                  bot(s.chatUpdate),
		"chat.getPermalink":            bot(s.chatGetPermalink),
		"conversations.open":           bot(s.conversationsOpen),
		"conversations.info":           bot(s.conversationsInfo),
		"conversations.join":           bot(s.conversationsJoin),
		"conversations.list":           bot(s.conversationsList),
		"conversations.members":        bot(s.conversationsMembers),
		"users.info":                   bot(s.usersInfo),
		"usergroups.users.list":        bot(s.userGroupsUsersList),
		"views.open":                   bot(s.viewsOpen),
		"views.push":                   bot(s.viewsPush),
		"views.update":                 bot(s.viewsUpdate),
		"views.publish":                bot(s.viewsPublish),
		"files.getUploadURLExternal":   bot(s.filesGetUploadURL),
		"files.completeUploadExternal": bot(s.filesCompleteUpload),
	}
}

// handleAPI serves POST (or GET) /api/<method> as Slack does: HTTP 200 with
// {"ok":false,"error":…} for every error except rate limits and faults.
func (s *Server) handleAPI(rw http.ResponseWriter, r *http.Request) {
	req, perr := parseAPIRequest(r)
	call := Call{Method: req.Method, Params: req.Params, At: s.now()}
	// The call is recorded as its answer starts, not after: a test that
	// reads CallsTo once the bot has its answer sees the call.
	w := &recordFirst{ResponseWriter: rw, record: func() { s.recordCall(call) }}
	defer w.done()
	m, known := s.methods[req.Method]
	var tokErr string
	if known {
		tokErr = s.checkToken(m.token, req.token)
		call.TokenOK = tokErr == ""
	}
	n := s.countCall(req.Method)
	switch {
	case !known:
		s.reply(w, &call, nil, "unknown_method")
	case perr != "":
		s.reply(w, &call, nil, perr)
	case tokErr != "":
		s.reply(w, &call, nil, tokErr)
	case s.applyFault(w, r, &call, n):
	case s.rateLimited(w, &call, req):
	default:
		resp, apiErr := m.fn(req)
		s.reply(w, &call, resp, apiErr)
	}
}

// recordFirst calls record once, before the first byte of the answer is
// written, or at done when nothing was.
type recordFirst struct {
	http.ResponseWriter
	record func()
	once   sync.Once
}

func (w *recordFirst) WriteHeader(status int) {
	w.once.Do(w.record)
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordFirst) Write(b []byte) (int, error) {
	w.once.Do(w.record)
	return w.ResponseWriter.Write(b)
}

func (w *recordFirst) done() { w.once.Do(w.record) }

// parseAPIRequest reads a form or JSON body; it returns a Slack error code
// for a body it cannot read.
func parseAPIRequest(r *http.Request) (*apiRequest, string) {
	req := &apiRequest{Method: r.PathValue("method"), Params: map[string]string{}}
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer"); ok {
		req.token = strings.TrimSpace(bearer)
	}
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ctype == "application/json" {
		return req, parseJSONParams(r.Body, req.Params)
	}
	if err := r.ParseForm(); err != nil {
		return req, "invalid_form_data"
	}
	for k, v := range r.Form {
		if len(v) > 0 {
			req.Params[k] = v[0]
		}
	}
	if t, ok := req.Params["token"]; ok {
		if req.token == "" {
			req.token = t
		}
		delete(req.Params, "token")
	}
	return req, ""
}

func parseJSONParams(body io.Reader, params map[string]string) string {
	raw, err := io.ReadAll(io.LimitReader(body, 8<<20))
	if err != nil {
		return "invalid_json"
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return "" // apps.connections.open posts no body at all
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return "invalid_json"
	}
	for k, v := range fields {
		var str string
		if json.Unmarshal(v, &str) == nil {
			params[k] = str
		} else {
			params[k] = string(v)
		}
	}
	delete(params, "token") // Slack reads JSON calls' tokens from the header only
	return ""
}

func (s *Server) checkToken(kind tokenKind, token string) string {
	switch token {
	case "":
		return "not_authed"
	case s.opts.BotToken:
		if kind == botToken {
			return ""
		}
		return "not_allowed_token_type"
	case s.opts.AppToken:
		if kind == appToken {
			return ""
		}
		return "not_allowed_token_type"
	}
	return "invalid_auth"
}

// reply writes a JSON answer with "ok" and records its status and error.
func (s *Server) reply(w http.ResponseWriter, call *Call, resp map[string]any, apiErr string) {
	if resp == nil {
		resp = map[string]any{}
	}
	resp["ok"] = apiErr == ""
	if apiErr != "" {
		resp["error"] = apiErr
		s.logf("%s: %s", call.Method, apiErr)
	}
	call.Status, call.Error = http.StatusOK, apiErr
	writeJSON(w, http.StatusOK, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"ok":false,"error":"internal_error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) countCall(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.api.counts[method]++
	return s.api.counts[method]
}

func (s *Server) recordCall(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.api.calls, _ = keep(s.api.calls, c, s.opts.History)
}

// Calls returns every Web API call so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.api.calls...)
}

// CallsTo returns the calls to one method, in order.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.api.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}
