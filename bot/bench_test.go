package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
)

// BenchmarkDispatchPrompt is the bot's own share of a `/mentor prompt`: the
// parse, the member's user record and history read, the pick and the card,
// without Slack or the ack. Commands go round 64 members whose histories
// hold shown entries; the history writes are waited for outside the timer
// after every round, so no command waits for another's member lock.
//
//	go test -run '^$' -bench DispatchPrompt -benchmem ./bot
func BenchmarkDispatchPrompt(b *testing.B) {
	const members = 64
	for _, shown := range []int{16, 400} {
		b.Run(fmt.Sprintf("history=%d", shown), func(b *testing.B) {
			bt := newTestBot(b)
			ids := bt.Catalog.Themes()[0].Prompts
			for i := range shown {
				apps := make([]store.HistoryAppend, members)
				for m := range apps {
					apps[m] = store.HistoryAppend{UserID: fmt.Sprintf("U%03d", m), Entry: store.HistoryEntry{PromptID: ids[i%len(ids)].ID, Theme: ids[0].Theme, At: time.Unix(int64(i), 0)}}
				}
				addHistory(b, bt.Members, apps...)
			}
			ctx := context.Background()
			cmds := make([]*Command, members)
			for m := range cmds {
				cmds[m] = &Command{UserID: fmt.Sprintf("U%03d", m), ChannelID: "D1", Name: "/mentor"}
			}
			i := 0
			for b.Loop() {
				if _, err := bt.Dispatch(ctx, cmds[i%members], "prompt"); err != nil {
					b.Fatal(err)
				}
				if i++; i%members == 0 {
					b.StopTimer()
					bt.inflight.Wait()
					b.StartTimer()
				}
			}
			bt.inflight.Wait()
		})
	}
}

// jsonAcker encodes an ack as slack-go's socketmode.Client does before
// queueing it for the socket.
type jsonAcker struct{ bytes int }

func (a *jsonAcker) Ack(req socketmode.Request, payload ...any) error {
	res := socketmode.Response{EnvelopeID: req.EnvelopeID}
	if len(payload) > 0 {
		res.Payload = payload[0]
	}
	raw, err := json.Marshal(res)
	a.bytes += len(raw)
	return err
}

// BenchmarkServeSlash is the bot's whole share of a `/mentor prompt` but
// the socket: the envelope's check, the member's language, the pick, the
// card, the ack encoded as slack-go encodes it, the log line and metrics.
// Commands go round 1,000 members with the built-in catalog, as in
// BenchmarkCommands; the history
// writes are waited for outside the timer.
//
//	go test -run '^$' -bench ServeSlash -benchmem -count 10 ./bot
func BenchmarkServeSlash(b *testing.B) {
	const members = 1000
	bt := newTestBot(b)
	catalog, err := prompts.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	bt.Catalog = catalog
	bt.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	ctx := context.Background()
	acker := &jsonAcker{}
	i := 0
	for b.Loop() {
		id := fmt.Sprintf("U%04d", i%members)
		req := socketmode.Request{EnvelopeID: fmt.Sprintf("env-%d", i)}
		bt.serveSlash(ctx, acker, req, slack.SlashCommand{UserID: id, ChannelID: "D" + id, Command: "/mentor", Text: "prompt"})
		if i++; i%members == 0 {
			b.StopTimer()
			bt.inflight.Wait()
			b.StartTimer()
		}
	}
	bt.inflight.Wait()
	b.ReportMetric(float64(acker.bytes)/float64(i), "ack-B/cmd")
}
