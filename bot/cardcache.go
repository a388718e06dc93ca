package bot

import (
	"encoding/json"
	"sync"

	"github.com/slack-go/slack"
)

// rawBlock is a block already encoded: encoding/json copies it into a
// message as it is, instead of walking slack-go's block types by
// reflection. It is opaque to the budget's text fitting, so only blocks
// that fit as they are become raw (cardCache), and fitsAsIs counts their
// bytes.
type rawBlock struct {
	typ slack.MessageBlockType
	raw json.RawMessage
}

func (r rawBlock) BlockType() slack.MessageBlockType { return r.typ }
func (r rawBlock) ID() string                        { return "" }
func (r rawBlock) MarshalJSON() ([]byte, error)      { return r.raw, nil }

// cardKey is what a card asked for with /mentor prompt depends on, when
// its theme's cycle did not just restart: everything else on it comes from
// the catalog, which does not change while the bot runs.
type cardKey struct {
	promptID, lang, askedTheme string
	daily                      bool
}

// cardCache keeps the encoded blocks of the cards /mentor prompt answers
// with: a card and its buttons are built through the message catalog and
// encoded through slack-go's block types by reflection once per prompt,
// language, rhythm and theme asked for, at most the catalog's prompts times
// its languages times four. A card whose theme's cycle just restarted, and
// the member's win under an impostor card, are built every time.
//
// It pays: without it, BenchmarkCommands used 5% more CPU per command at 64
// members and 7% more at 1,000 (141.7 against 134.2 µs, 135.1 against
// 126.4), and the ratio to the bare handler fell from 0.68 to 0.63 and from
// 0.68 to 0.61 (medians of 5 alternating runs on the quiet machine,
// docs/benchmarks.md).
type cardCache struct {
	mu    sync.RWMutex
	cards map[cardKey]cachedCard
}

// cachedCard is a card's blocks and its buttons' block, all rawBlocks.
type cachedCard struct {
	card    []slack.Block // rawBlocks
	actions slack.Block   // a rawBlock
}

// get returns the card of key, built by build (the card's blocks, then its
// actions block) the first time. A card that does not fit Slack's limits as
// it is, or cannot be encoded, is built every time and left to the budget.
func (c *cardCache) get(key cardKey, build func() ([]slack.Block, slack.Block)) ([]slack.Block, slack.Block) {
	c.mu.RLock()
	cc, ok := c.cards[key]
	c.mu.RUnlock()
	if ok {
		return cc.card, cc.actions
	}
	card, actions := build()
	if !fitsAsIs(append(card[:len(card):len(card)], actions), replyBudget/2) {
		return card, actions
	}
	raw := make([]slack.Block, 0, len(card)+1)
	for _, bl := range append(card[:len(card):len(card)], actions) {
		enc, err := json.Marshal(bl)
		if err != nil {
			return card, actions
		}
		raw = append(raw, rawBlock{typ: bl.BlockType(), raw: enc})
	}
	cc = cachedCard{card: raw[:len(raw)-1], actions: raw[len(raw)-1]}
	c.mu.Lock()
	if c.cards == nil {
		c.cards = map[cardKey]cachedCard{}
	}
	c.cards[key] = cc
	c.mu.Unlock()
	return cc.card, cc.actions
}
