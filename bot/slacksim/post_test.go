package slacksim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// TestPost: a member's message is theirs (no bot_id), a shortcut on it
// carries its files, and chat.getPermalink links it; a message the server
// never held has no link.
func TestPost(t *testing.T) {
	sim := newWorkspace(t)
	got := make(chan slack.InteractionCallback, 1)
	startConnected(t, sim, func(c *socketmode.Client, evt socketmode.Event) {
		if cb, ok := evt.Data.(slack.InteractionCallback); ok {
			_ = c.Ack(*evt.Request)
			got <- cb
			return
		}
		ackAll(c, evt)
	})
	if _, err := sim.Post("U2", "C1", "  "); err == nil {
		t.Fatal("an empty message was posted")
	}
	file := sim.AddFile("launch.png", []byte("png"))
	msg, err := sim.Post("U2", "C1", "", file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.MessageShortcut(ctxT(t, 5*time.Second), "U1", msg, "save_win"); err != nil {
		t.Fatal(err)
	}
	cb := <-got
	if cb.Message.User != "U2" || cb.Message.BotID != "" || len(cb.Message.Files) != 1 || cb.Message.Files[0].Name != "launch.png" {
		t.Fatalf("shortcut message = %+v", cb.Message)
	}
	link, err := webClient(sim).GetPermalink(&slack.PermalinkParameters{Channel: "C1", Ts: msg.TS})
	if err != nil || !strings.HasSuffix(link, "/archives/C1/p"+strings.ReplaceAll(msg.TS, ".", "")) {
		t.Fatalf("permalink %q, %v", link, err)
	}
	if _, err := webClient(sim).GetPermalink(&slack.PermalinkParameters{Channel: "C1", Ts: "1.000001"}); err == nil || err.Error() != "message_not_found" {
		t.Fatalf("permalink of no message: %v", err)
	}
}
