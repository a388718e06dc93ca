package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// fakeAcker records acks as Slack would receive them. Like slack-go's
// socketmode.Client, it refuses a response of 20 KB or more with an error.
type fakeAcker struct {
	mu   sync.Mutex
	acks map[string][]json.RawMessage // envelope id -> payloads ("null" for empty)
}

func (f *fakeAcker) Ack(req socketmode.Request, payload ...any) error {
	var p any
	if len(payload) > 0 {
		p = payload[0]
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	frame, _ := json.Marshal(socketmode.Response{EnvelopeID: req.EnvelopeID, Payload: p})
	if len(frame) >= 20*1024 {
		return fmt.Errorf("socket mode response (%d bytes) meets or exceeds Slack's limit", len(frame))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.acks == nil {
		f.acks = map[string][]json.RawMessage{}
	}
	f.acks[req.EnvelopeID] = append(f.acks[req.EnvelopeID], raw)
	return nil
}

func (f *fakeAcker) get(id string) []json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.acks[id]
}

// responseSink is a response_url endpoint that records what was posted.
type responseSink struct {
	*httptest.Server
	mu   sync.Mutex
	msgs []map[string]any
}

func newResponseSink(t *testing.T) *responseSink {
	s := &responseSink{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("response_url got non-JSON: %s", body)
		}
		s.mu.Lock()
		s.msgs = append(s.msgs, m)
		s.mu.Unlock()
		io.WriteString(w, "ok")
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *responseSink) messages() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.msgs...)
}

func slash(text, envelope, responseURL string) (socketmode.Request, slack.SlashCommand) {
	return socketmode.Request{Type: "slash_commands", EnvelopeID: envelope},
		slack.SlashCommand{UserID: "U1", ChannelID: "D1", Command: "/mentor", Text: text, ResponseURL: responseURL}
}

func TestServeSlash(t *testing.T) {
	t.Run("AckCarriesReply", func(t *testing.T) {
		b, ack := newTestBot(t), &fakeAcker{}
		req, sc := slash("prompt impostor", "E1", "")
		b.serveSlash(context.Background(), ack, req, sc)
		acks := ack.get("E1")
		if len(acks) != 1 {
			t.Fatalf("acks = %d, want 1", len(acks))
		}
		var m struct {
			ResponseType string            `json:"response_type"`
			Text         string            `json:"text"`
			Blocks       []json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(acks[0], &m); err != nil {
			t.Fatal(err)
		}
		if m.ResponseType != "ephemeral" || !strings.Contains(m.Text, "impostor question?") || len(m.Blocks) == 0 {
			t.Fatalf("ack payload = %s", acks[0])
		}
	})

	t.Run("DuplicateEnvelopeHandledOnce", func(t *testing.T) {
		b, ack := newTestBot(t), &fakeAcker{}
		req, sc := slash("prompt impostor", "E1", "")
		b.serveSlash(context.Background(), ack, req, sc)
		b.serveSlash(context.Background(), ack, req, sc)
		b.inflight.Wait()
		if acks := ack.get("E1"); len(acks) != 2 || string(acks[1]) != "null" {
			t.Fatalf("acks = %s; want the reply, then an empty ack", acks)
		}
		if hist, _ := b.Members.History("U1", 0); len(hist) != 1 {
			t.Fatalf("history has %d entries; the retry must not pick again", len(hist))
		}
	})

	t.Run("SlowReplyGoesToResponseURL", func(t *testing.T) {
		b, ack, sink := newTestBot(t), &fakeAcker{}, newResponseSink(t)
		b.AckWithin = time.Nanosecond
		release := make(chan struct{})
		addRoute(t, b, route{kind: kindSlash, id: "slow", summary: "help_sub_slow", handle: func(context.Context, *Command) (Reply, error) {
			<-release
			return textReply("worth the wait"), nil
		}})
		req, sc := slash("slow", "E2", sink.URL)
		go func() { time.Sleep(20 * time.Millisecond); close(release) }()
		b.serveSlash(context.Background(), ack, req, sc)
		if acks := ack.get("E2"); len(acks) != 1 || string(acks[0]) != "null" {
			t.Fatalf("acks = %s; want one empty ack", acks)
		}
		msgs := sink.messages()
		if len(msgs) != 1 || msgs[0]["text"] != "worth the wait" || msgs[0]["response_type"] != "ephemeral" {
			t.Fatalf("response_url got %v", msgs)
		}
	})

	t.Run("OversizedReplyCutToFitTheAck", func(t *testing.T) {
		// 29 KB of sections: before, the ack was refused and the reply went,
		// without its layout, to the response_url.
		b, ack, sink := newTestBot(t), &fakeAcker{}, newResponseSink(t)
		addRoute(t, b, route{kind: kindSlash, id: "big", summary: "help_sub_big", handle: func(context.Context, *Command) (Reply, error) {
			var blocks []slack.Block
			for range 10 {
				blocks = append(blocks, section(strings.Repeat("x", 2900)))
			}
			return Reply{Text: "big", Blocks: blocks}, nil
		}})
		req, sc := slash("big", "E3", sink.URL)
		b.serveSlash(context.Background(), ack, req, sc)
		acks := ack.get("E3")
		if len(acks) != 1 || len(acks[0]) >= 20*1024 || string(acks[0]) == "null" {
			t.Fatalf("ack of %d bytes; want the reply, cut to fit", len(acks[0]))
		}
		if got := strings.Count(string(acks[0]), "x…"); got != 10 {
			t.Fatalf("%d of 10 sections cut with an ellipsis:\n%.300s", got, acks[0])
		}
		if msgs := sink.messages(); len(msgs) != 0 {
			t.Fatalf("response_url got %v as well", msgs)
		}
	})

	t.Run("PanicBecomesApology", func(t *testing.T) {
		b, ack := newTestBot(t), &fakeAcker{}
		var logs strings.Builder
		b.Logger = newTextLogger(&logs)
		addRoute(t, b, route{kind: kindSlash, id: "boom", summary: "help_sub_boom", handle: func(context.Context, *Command) (Reply, error) {
			panic("kaboom")
		}})
		req, sc := slash("boom", "E4", "")
		b.serveSlash(context.Background(), ack, req, sc)
		acks := ack.get("E4")
		if len(acks) != 1 || !strings.Contains(string(acks[0]), "Sorry, something went wrong") || strings.Contains(string(acks[0]), "kaboom") {
			t.Fatalf("ack = %s", acks)
		}
		if !strings.Contains(logs.String(), "kaboom") || !strings.Contains(logs.String(), "U1") {
			t.Fatalf("panic not logged with context:\n%s", logs.String())
		}
		// The bot keeps serving.
		req, sc = slash("help", "E5", "")
		b.serveSlash(context.Background(), ack, req, sc)
		if len(ack.get("E5")) != 1 {
			t.Fatal("no answer after a panic")
		}
	})
}

func TestServeInteractive_AnotherPrompt(t *testing.T) {
	b, ack, sink := newTestBot(t), &fakeAcker{}, newResponseSink(t)
	cb := slack.InteractionCallback{
		Type:        slack.InteractionTypeBlockActions,
		User:        slack.User{ID: "U1"},
		ResponseURL: sink.URL,
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{
			{ActionID: actionAnotherPrompt, Value: promptRef{PromptID: "daring-one", Theme: "daring"}.value()},
		}},
	}
	b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: "E6"}, cb)
	b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: "E6"}, cb) // a retry
	b.inflight.Wait()
	if len(ack.get("E6")) != 2 {
		t.Fatalf("acks = %d, want 2 (every delivery is acked)", len(ack.get("E6")))
	}
	msgs := sink.messages()
	if len(msgs) != 1 || msgs[0]["replace_original"] != true || !strings.Contains(msgs[0]["text"].(string), "daring question?") {
		t.Fatalf("response_url got %v", msgs)
	}
	if hist, _ := b.Members.History("U1", 0); len(hist) != 1 || hist[0].Theme != "daring" {
		t.Fatalf("history = %+v", hist)
	}
}
