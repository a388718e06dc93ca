package bot

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

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
				if err := errors.Join(bt.Members.AppendHistories(apps)...); err != nil {
					b.Fatal(err)
				}
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
