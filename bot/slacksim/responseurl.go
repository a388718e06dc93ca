package slacksim

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Slack's limits on a response_url.
const (
	responseURLTTL  = 30 * time.Minute
	responseURLUses = 5
)

// respTarget is where a response URL's messages land: the user who acted,
// the conversation, and for a block action the message the button was on.
type respTarget struct {
	user, channel string
	msgTS         string
	ephemeral     bool
}

type respURL struct {
	respTarget
	created time.Time
	uses    int
}

// newResponseURL issues a response URL for t.
func (s *Server) newResponseURL(t respTarget) string {
	id := s.opts.TeamID + "-" + randHex(24)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.api.responseURLs.put(id, &respURL{respTarget: t, created: time.Now()})
	s.api.responseURLs.evict(func(u *respURL, n int) bool {
		return time.Since(u.created) > responseURLTTL || (s.opts.History > 0 && n > s.opts.History)
	})
	return s.base + "/response/" + id
}

// responseBody is what an app posts to a response URL.
type responseBody struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

// handleResponseURL records what the app posts to a response URL as the
// message the user (ephemeral) or the channel (in_channel) sees. It is
// recorded as a Call to "response_url" and faults apply to it.
func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var body responseBody
	call := Call{Method: "response_url", TokenOK: true, At: s.now(), Params: map[string]string{}}
	jerr := json.Unmarshal(raw, &body)
	if jerr == nil {
		call.Params = responseParams(body)
	}
	defer func() { s.recordCall(call) }()
	if s.applyFault(w, r, &call, s.countCall(call.Method)) {
		return
	}
	if jerr != nil {
		textError(w, &call, http.StatusBadRequest, "invalid_payload")
		return
	}
	blocks, errc := normalizeBlocks(string(body.Blocks))
	if errc == "" && body.Text == "" && blocks == nil && !body.DeleteOriginal {
		errc = "no_text"
	}
	if errc != "" {
		textError(w, &call, http.StatusBadRequest, errc)
		return
	}
	if errc := s.respond(r.PathValue("id"), body, blocks); errc != "" {
		textError(w, &call, http.StatusNotFound, errc)
		return
	}
	call.Status = http.StatusOK
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func responseParams(b responseBody) map[string]string {
	p := map[string]string{"text": b.Text, "response_type": b.ResponseType}
	if len(b.Blocks) > 0 {
		p["blocks"] = string(b.Blocks)
	}
	if b.ReplaceOriginal {
		p["replace_original"] = strconv.FormatBool(true)
	}
	if b.DeleteOriginal {
		p["delete_original"] = strconv.FormatBool(true)
	}
	return p
}

// respond uses up one of the URL's posts and records the message, or returns
// why the URL no longer works.
func (s *Server) respond(id string, body responseBody, blocks json.RawMessage) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.api.responseURLs.get(id)
	switch {
	case !ok:
		return "no_service"
	case time.Since(u.created) > responseURLTTL:
		return "expired_url"
	case u.uses >= responseURLUses:
		return "used_url"
	}
	u.uses++
	m := Message{
		Channel: u.channel, User: s.opts.BotUserID, Text: body.Text, Blocks: blocks,
		ThreadTS: body.ThreadTS, Source: "response_url",
		Ephemeral: body.ResponseType != "in_channel", VisibleTo: u.user,
	}
	if (body.ReplaceOriginal || body.DeleteOriginal) && u.msgTS != "" {
		// The original keeps its ts and its audience.
		m.TS, m.Ephemeral, m.Deleted = u.msgTS, u.ephemeral, body.DeleteOriginal
	} else {
		m.TS = s.inbox.clock.next()
	}
	if !m.Ephemeral {
		m.VisibleTo = ""
	}
	s.addMessageLocked(m)
	return ""
}

func textError(w http.ResponseWriter, call *Call, status int, errc string) {
	call.Status, call.Error = status, errc
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, errc)
}
