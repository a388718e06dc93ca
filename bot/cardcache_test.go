package bot

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// A cached card is, byte for byte, the card built afresh: for every prompt,
// in each language, rhythm and theme asked for, the first time and after.
func TestCardCache(t *testing.T) {
	b := newTestBot(t)
	encode := func(blocks []slack.Block) string {
		raw, err := json.Marshal(blocks)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	n := 0
	for _, lg := range []string{"en", "fr"} {
		pr := b.Lang.Printer(lg)
		for _, th := range b.Catalog.Themes() {
			for _, p := range th.Prompts {
				for _, daily := range []bool{false, true} {
					for _, asked := range []string{anyTheme, p.Theme} {
						v := b.cardView(pr, p, daily)
						want := encode(promptBlocks(v, cardBlocks(v), asked, time.Time{}))
						key := cardKey{promptID: p.ID, lang: lg, askedTheme: asked, daily: daily}
						for i := range 2 {
							card, actions := b.cards.get(key, func() ([]slack.Block, slack.Block) {
								bs := promptBlocks(v, cardBlocks(v), asked, time.Time{})
								return bs[:len(bs)-1], bs[len(bs)-1]
							})
							if got := encode(append(slices.Clone(card), actions)); got != want {
								t.Fatalf("%s %s daily=%v asked %s, call %d:\n got %s\nwant %s", lg, p.ID, daily, asked, i, got, want)
							}
							if _, raw := actions.(rawBlock); !raw {
								t.Fatalf("%s %s: not cached", lg, p.ID)
							}
						}
						n++
					}
				}
			}
		}
	}
	if len(b.cards.cards) != n {
		t.Fatalf("%d cards cached for %d keys", len(b.cards.cards), n)
	}
}

// The budget counts an encoded block by its bytes: one too big for an ack
// is not taken to fit.
func TestFitsAsIs_RawBlock(t *testing.T) {
	small := rawBlock{typ: slack.MBTSection, raw: json.RawMessage(`{"type":"section","text":{"type":"mrkdwn","text":"hi"}}`)}
	big := rawBlock{typ: slack.MBTSection, raw: json.RawMessage(`{"type":"section","text":{"type":"mrkdwn","text":"` + strings.Repeat("x", replyBudget) + `"}}`)}
	if !fitsAsIs([]slack.Block{small}, replyBudget) {
		t.Error("a small encoded block does not fit")
	}
	if fitsAsIs([]slack.Block{small, big}, replyBudget) {
		t.Error("an encoded block over the budget fits")
	}
}
