package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// speaks makes userID choose lang, as `/mentor language` does.
func speaks(t *testing.T, b *Bot, userID, lang string) {
	t.Helper()
	c := &Command{UserID: userID, ChannelID: "D" + userID, Name: "/mentor"}
	if _, err := b.Dispatch(context.Background(), c, "language "+lang); err != nil {
		t.Fatal(err)
	}
}

// A button or form that is not the member's is refused in the member's
// language, and nothing changes.
func TestRefusedInFrench(t *testing.T) {
	b, ack, sink := newTestBot(t), &fakeAcker{}, newResponseSink(t)
	speaks(t, b, "U2", "fr")
	t.Run("Button", func(t *testing.T) {
		cb := slack.InteractionCallback{
			Type: slack.InteractionTypeBlockActions, User: slack.User{ID: "U2"}, ResponseURL: sink.URL,
			ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: actionForgetConfirm, Value: forgetValue(actionForgetConfirm, "U1", b.Now())}}},
		}
		b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: "FR1"}, cb)
		b.inflight.Wait()
		msgs := sink.messages()
		want := "Ce bouton n'est pas l'un des tiens : je n'ai donc rien changé. `/mentor help` liste ce que tu peux faire."
		if len(msgs) != 1 || msgs[0]["text"] != want {
			t.Fatalf("response_url got %v, want %q", msgs, want)
		}
	})
	t.Run("Form", func(t *testing.T) {
		cb := slack.InteractionCallback{
			Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: "U2"},
			View: slack.View{CallbackID: callbackReflect, PrivateMetadata: promptRef{PromptID: "daring-one", Theme: "daring", Slot: b.Now()}.value()},
		}
		b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: "FR2"}, cb)
		got := ack.get("FR2")
		if len(got) != 1 || !strings.Contains(string(got[0]), "Ce formulaire ne porte pas sur une de tes questions") {
			t.Fatalf("ack %s; want the French refusal under the field", got)
		}
		if rs, _ := b.Journal.Reflections("U2", 0); len(rs) != 0 {
			t.Errorf("reflections saved: %+v", rs)
		}
	})
}

// An envelope slack-go cannot read is answered in the member's language
// when their id can be read, and in English when it cannot.
func TestBadMessageInMemberLanguage(t *testing.T) {
	b, ack, sink := newTestBot(t), &fakeAcker{}, newResponseSink(t)
	speaks(t, b, "U0ABC", "fr")
	bad := func(env, raw string) {
		b.serveBadMessage(context.Background(), ack, &socketmode.ErrorBadMessage{Cause: errors.New("json: cannot unmarshal"), Message: []byte(raw)})
		b.inflight.Wait()
	}
	bad("B1", `{"envelope_id":"B1","type":"interactive","payload":{"type":"view_submission","user":{"id":"U0ABC"},"view":{"blocks":[{"type":"input","block_id":"reflection"}],"private_metadata":42}}}`)
	if got := ack.get("B1"); len(got) != 1 || !strings.Contains(string(got[0]), "rien n'a été enregistré ni modifié") {
		t.Errorf("French submission: ack %s", got)
	}
	bad("B2", `{"envelope_id":"B2","type":"slash_commands","payload":{"user_id":"U0ABC","response_url":"`+sink.URL+`","text":7}}`)
	bad("B3", `{"envelope_id":"B3","type":"slash_commands","payload":{"user_id":"<!channel>","response_url":"`+sink.URL+`","text":7}}`)
	msgs := sink.messages()
	if len(msgs) != 2 {
		t.Fatalf("response_url got %v", msgs)
	}
	if fr, _ := msgs[0]["text"].(string); !strings.HasPrefix(fr, "Désolé, quelque chose s'est mal passé entre Slack et moi") {
		t.Errorf("French slash command: %q", fr)
	}
	if en, _ := msgs[1]["text"].(string); !strings.HasPrefix(en, "Sorry, something went wrong on the way from Slack") {
		t.Errorf("no readable member: %q", en)
	}
}
