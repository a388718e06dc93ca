package slacksim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// verificationToken is the legacy token Slack still puts in payloads; apps in
// Socket Mode ignore it.
const verificationToken = "sim-verification-token"

// SlashCommand is what a user types: Command (default "/mentor") and its Text,
// in ChannelID (default the user's DM with the bot, "D"+UserID).
type SlashCommand struct {
	UserID    string
	ChannelID string
	Command   string
	Text      string
}

// SlashCommand delivers a slash_commands envelope with the payload Slack
// builds from the command form, with a response_url and a trigger_id valid
// for 3s, and waits for its ack. A text or blocks ack payload is recorded as
// the message the user sees (Source "ack"). Slash commands are never
// redelivered: without an ack in time it returns ErrNoAck.
func (s *Server) SlashCommand(ctx context.Context, cmd SlashCommand) (*Ack, error) {
	if cmd.UserID == "" {
		return nil, errors.New("slacksim: slash command without a user id")
	}
	if cmd.Command == "" {
		cmd.Command = "/mentor"
	}
	if cmd.ChannelID == "" {
		cmd.ChannelID = "D" + cmd.UserID
	}
	u := s.ensureUser(cmd.UserID)
	payload, _ := json.Marshal(map[string]string{
		"token":                 verificationToken,
		"team_id":               s.opts.TeamID,
		"team_domain":           s.opts.TeamDomain,
		"channel_id":            cmd.ChannelID,
		"channel_name":          s.channelName(cmd.ChannelID),
		"user_id":               u.ID,
		"user_name":             u.Name,
		"command":               cmd.Command,
		"text":                  cmd.Text,
		"api_app_id":            s.opts.AppID,
		"is_enterprise_install": "false",
		"response_url":          s.newResponseURL(respTarget{user: u.ID, channel: cmd.ChannelID}),
		"trigger_id":            s.issueTrigger(u.ID),
	})
	ack, err := s.Deliver(ctx, Envelope{Type: TypeSlashCommands, Payload: payload, AcceptsResponsePayload: true})
	if err != nil {
		return nil, fmt.Errorf("slash command %s %q: %w", cmd.Command, cmd.Text, err)
	}
	s.showAckReply(ack, u.ID, cmd.ChannelID)
	return ack, nil
}

// showAckReply records a slash command's ack payload as the message Slack
// shows for it: ephemeral unless response_type is "in_channel".
func (s *Server) showAckReply(a *Ack, userID, channel string) {
	p := a.reply
	if p == nil {
		p = new(ackReply)
		if json.Unmarshal(a.Payload, p) != nil {
			return
		}
	}
	if p.Text == "" && len(nullToNil(p.Blocks)) == 0 {
		return
	}
	s.addMessage(Message{
		Channel: channel, User: s.opts.BotUserID, Text: p.Text, Blocks: nullToNil(p.Blocks),
		Ephemeral: p.ResponseType != "in_channel", VisibleTo: userID, Source: "ack",
	})
}

// Interactive delivers an interactive envelope for userID. payload is a
// map[string]any, a json.RawMessage or a []byte holding an interaction
// payload with at least its "type"; user, team, api_app_id, token and a fresh
// trigger_id are filled in when missing, as Slack always sends them.
func (s *Server) Interactive(ctx context.Context, userID string, payload any) (*Ack, error) {
	p, err := payloadMap(payload)
	if err != nil {
		return nil, err
	}
	u := s.ensureUser(userID)
	setDefault(p, "user", s.userRef(u))
	setDefault(p, "team", map[string]any{"id": s.opts.TeamID, "domain": s.opts.TeamDomain})
	setDefault(p, "api_app_id", s.opts.AppID)
	setDefault(p, "token", verificationToken)
	setDefault(p, "is_enterprise_install", false)
	setDefault(p, "enterprise", nil)
	typ, _ := p["type"].(string)
	if typ != "view_closed" && typ != "block_suggestion" {
		setDefault(p, "trigger_id", s.issueTrigger(u.ID))
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", typ, err)
	}
	// Slack reads a response only from view_submission and block_suggestion acks.
	accepts := typ == "view_submission" || typ == "block_suggestion"
	ack, err := s.Deliver(ctx, Envelope{Type: TypeInteractive, Payload: raw, AcceptsResponsePayload: accepts})
	if err != nil {
		return nil, fmt.Errorf("interactive %s for %s: %w", typ, userID, err)
	}
	return ack, nil
}

// Event delivers an events_api envelope: the event_callback wrapper around
// event, with a fresh event_id. Unacknowledged, it is redelivered as Slack
// does, up to 3 times, with retry_attempt counting up, retry_reason "timeout"
// and a new envelope_id but the same event_id, each time once a socket is
// open. The returned Ack is the first one that came, carrying the event_id.
func (s *Server) Event(ctx context.Context, event map[string]any) (*Ack, error) {
	env, err := s.eventEnvelope(event)
	if err != nil {
		return nil, err
	}
	for {
		ack, err := s.Deliver(ctx, env)
		if err == nil || !errors.Is(err, ErrNoAck) || env.RetryAttempt >= maxEventRetries {
			return ack, err
		}
		env.EnvelopeID = newUUID()
		env.RetryAttempt++
		env.RetryReason = "timeout"
	}
}

func (s *Server) eventEnvelope(event map[string]any) (Envelope, error) {
	if _, ok := event["type"].(string); !ok {
		return Envelope{}, errors.New("slacksim: event without a type")
	}
	now := time.Now()
	ev := make(map[string]any, len(event)+1)
	for k, v := range event {
		ev[k] = v
	}
	setDefault(ev, "event_ts", fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000))
	payload, err := json.Marshal(map[string]any{
		"token":      verificationToken,
		"team_id":    s.opts.TeamID,
		"api_app_id": s.opts.AppID,
		"event":      ev,
		"type":       "event_callback",
		"event_id":   "Ev" + randUpper(10),
		"event_time": now.Unix(),
		"authorizations": []map[string]any{{
			"enterprise_id": nil, "team_id": s.opts.TeamID, "user_id": s.opts.BotUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + randHex(40),
	})
	if err != nil {
		return Envelope{}, fmt.Errorf("encode event: %w", err)
	}
	return Envelope{Type: TypeEventsAPI, Payload: payload}, nil
}

func payloadMap(payload any) (map[string]any, error) {
	var raw []byte
	switch p := payload.(type) {
	case map[string]any:
		out := make(map[string]any, len(p))
		for k, v := range p {
			out[k] = v
		}
		return out, nil
	case json.RawMessage:
		raw = p
	case []byte:
		raw = p
	default:
		return nil, fmt.Errorf("slacksim: interactive payload of type %T", payload)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decode interactive payload: %w", err)
	}
	return m, nil
}

func setDefault(m map[string]any, k string, v any) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func nullToNil(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	return b
}
