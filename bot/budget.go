package bot

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's documented limits on a message's Block Kit, in characters (UTF-16
// code units, as Slack's own clients count them: an emoji is two), and the
// bytes one reply may take. Slack refuses a block over its limit, and drops
// an ack of 20 KB or more without a word; replyBudget leaves room for the
// envelope around the reply and is within a response_url's limit too.
const (
	maxSectionChars = 3000 // a section's text
	maxFieldChars   = 2000 // each of a section's fields
	maxHeaderChars  = 150  // a header's plain text
	maxContextChars = 3000 // each text in a context block
	maxMessageChars = 3000 // a message's top-level text, the notification
	maxBlocks       = 50   // blocks in one message
	replyBudget     = 15 * 1024
)

// ellipsis marks a text cut short.
const ellipsis = "…"

// fitText returns s cut to at most maxChars characters and maxBytes bytes
// once JSON-encoded (encodedLen), with ellipsis at the end when it was cut,
// and whether it was cut. A cut never splits a character, an HTML entity
// (&lt;) or a <…> mention or link. An empty s comes back as ellipsis: Slack
// refuses an empty text object.
func fitText(s string, maxChars, maxBytes int) (string, bool) {
	if s == "" {
		return ellipsis, false
	}
	if textChars(s) <= maxChars && encodedLen(s) <= maxBytes {
		return s, false
	}
	// Room for the ellipsis: one character, three bytes.
	maxChars, maxBytes = maxChars-1, maxBytes-len(ellipsis)
	chars, bytes, safe := 0, 0, 0
	for i := 0; i < len(s); {
		end := atomEnd(s, i)
		chars += textChars(s[i:end])
		bytes += encodedLen(s[i:end])
		if chars > maxChars || bytes > maxBytes {
			break
		}
		i, safe = end, end
	}
	return strings.TrimRight(s[:safe], " \n\t") + ellipsis, true
}

// atomEnd is where the unit of text that starts at i ends: an entity such as
// &amp;, a <…> escape, or else one character.
func atomEnd(s string, i int) int {
	switch s[i] {
	case '&':
		if j := strings.IndexByte(s[i:min(len(s), i+10)], ';'); j > 0 {
			return i + j + 1
		}
	case '<':
		// A link is rarely longer; a "<" without its ">" is not read
		// to the end of a long text each time.
		if j := strings.IndexByte(s[i:min(len(s), i+maxEscape)], '>'); j > 0 {
			return i + j + 1
		}
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return i + n
}

// maxEscape bounds the <…> escapes a cut keeps whole, in bytes.
const maxEscape = 512

// textChars counts s as Slack does, in UTF-16 code units.
func textChars(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// encodedLen is len(json.Marshal(s)) without the quotes: what s costs in an
// ack, which encoding/json writes with <, > and & as \u003c and the like.
// Every reply is measured, so ASCII, nearly all of it, is read a byte at a
// time from a table (BenchmarkFitMessage).
func encodedLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			n += int(asciiCost[c])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6 // \ufffd
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// asciiCost is what encoding/json writes for each ASCII byte.
var asciiCost = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
			t[c] = 2
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			t[c] = 6
		default:
			t[c] = 1
		}
	}
	return t
}()

// fitBlocks returns blocks within Slack's limits and maxBytes once encoded,
// and whether anything was cut. Every text is first cut to its block's
// limit; then, while the whole is too large, the longest texts of sections
// and context blocks are cut to one common length, so short entries keep
// every word and long ones share what is left. Headers and buttons hold the
// bot's own short strings and are left as they are, except a header over
// its limit. blocks is not changed: cached cards are shared.
func fitBlocks(blocks []slack.Block, maxBytes int) ([]slack.Block, bool) {
	if fitsAsIs(blocks, maxBytes) {
		return blocks, false
	}
	cut := false
	if len(blocks) > maxBlocks {
		blocks, cut = blocks[:maxBlocks], true
	}
	texts := make([]*fitted, 0, len(blocks))
	out := make([]slack.Block, len(blocks))
	for i, bl := range blocks {
		out[i] = copyTexts(bl, func(t *slack.TextBlockObject, limit int) *slack.TextBlockObject {
			c := *t
			var was bool
			c.Text, was = fitText(t.Text, limit, maxBytes)
			cut = cut || was
			if limit != maxHeaderChars {
				texts = append(texts, &fitted{obj: &c, limit: limit})
			}
			return &c
		})
	}
	// A text costs exactly encodedLen in the encoded blocks, so one encoding
	// tells what the rest costs, and the texts' sizes tell the total after.
	textBytes := func() int {
		n := 0
		for _, t := range texts {
			n += encodedLen(t.obj.Text)
		}
		return n
	}
	rest := encodedSize(out) - textBytes()
	for range 4 {
		over := rest + textBytes() - maxBytes
		if over <= 0 {
			return out, cut
		}
		cut = true
		shed(texts, over)
	}
	for len(out) > 1 && encodedSize(out) > maxBytes {
		out = out[:len(out)-1] // texts cannot shrink further: fewer blocks
	}
	return out, true
}

// fitsAsIs reports, without encoding them, whether blocks are surely
// within their limits: every text within its own, and a generous estimate
// of their size within maxBytes. Nearly every reply is, and is then sent
// without being copied or encoded one more time.
func fitsAsIs(blocks []slack.Block, maxBytes int) bool {
	if len(blocks) > maxBlocks {
		return false
	}
	size, ok := 0, true
	for _, bl := range blocks {
		if r, raw := bl.(rawBlock); raw {
			size += len(r.raw)
			continue
		}
		size += blockOverhead
		if a, isActions := bl.(*slack.ActionBlock); isActions && a.Elements != nil {
			size += elementOverhead * len(a.Elements.ElementSet)
		}
		visitTexts(bl, func(t *slack.TextBlockObject, limit int) {
			size += encodedLen(t.Text)
			// A text has no more characters than bytes.
			ok = ok && t.Text != "" && (len(t.Text) <= limit || textChars(t.Text) <= limit)
		})
	}
	return ok && size <= maxBytes
}

// What a block and a button cost in JSON around their texts, at most: type,
// block_id, action_id, a value of a prompt reference, style.
const (
	blockOverhead   = 200
	elementOverhead = 250
)

// fitted is a text object fitBlocks may cut further.
type fitted struct {
	obj   *slack.TextBlockObject
	limit int
}

// shed cuts the longest texts to one common encoded length, so that together
// they lose at least over bytes (and a little more, for the ellipses).
func shed(texts []*fitted, over int) {
	sizes := make([]int, len(texts))
	for i, t := range texts {
		sizes[i] = encodedLen(t.obj.Text)
	}
	sorted := slices.Clone(sizes)
	slices.Sort(sorted)
	need := over + 8*len(texts)
	// Lower the level from the longest text down until what lies above it
	// covers need.
	level, above := 0, 0
	for i := len(sorted) - 1; i >= 0; i-- {
		next := 0
		if i > 0 {
			next = sorted[i-1]
		}
		count := len(sorted) - i
		if above+count*(sorted[i]-next) >= need {
			level = sorted[i] - (need-above+count-1)/count
			break
		}
		above += count * (sorted[i] - next)
	}
	level = max(level, 16)
	for i, t := range texts {
		if sizes[i] > level {
			t.obj.Text, _ = fitText(t.obj.Text, t.limit, level)
		}
	}
}

// copyTexts returns bl with each text object replaced by fn's copy of it,
// given the limit of its place; a block without text comes back as it is.
func copyTexts(bl slack.Block, fn func(*slack.TextBlockObject, int) *slack.TextBlockObject) slack.Block {
	switch bl := bl.(type) {
	case *slack.SectionBlock:
		c := *bl
		if c.Text != nil {
			c.Text = fn(c.Text, maxSectionChars)
		}
		if len(c.Fields) > 0 {
			c.Fields = make([]*slack.TextBlockObject, len(bl.Fields))
			for i, f := range bl.Fields {
				c.Fields[i] = fn(f, maxFieldChars)
			}
		}
		return &c
	case *slack.HeaderBlock:
		c := *bl
		if c.Text != nil {
			c.Text = fn(c.Text, maxHeaderChars)
		}
		return &c
	case *slack.ContextBlock:
		c := *bl
		c.ContextElements.Elements = make([]slack.MixedElement, len(bl.ContextElements.Elements))
		for i, e := range bl.ContextElements.Elements {
			if t, ok := e.(*slack.TextBlockObject); ok {
				e = fn(t, maxContextChars)
			}
			c.ContextElements.Elements[i] = e
		}
		return &c
	}
	return bl
}

// visitTexts calls fn with each text object of bl and the limit of its
// place, like copyTexts but reading only: the check every reply passes.
func visitTexts(bl slack.Block, fn func(*slack.TextBlockObject, int)) {
	switch bl := bl.(type) {
	case *slack.SectionBlock:
		if bl.Text != nil {
			fn(bl.Text, maxSectionChars)
		}
		for _, f := range bl.Fields {
			fn(f, maxFieldChars)
		}
	case *slack.HeaderBlock:
		if bl.Text != nil {
			fn(bl.Text, maxHeaderChars)
		}
	case *slack.ContextBlock:
		for _, e := range bl.ContextElements.Elements {
			if t, ok := e.(*slack.TextBlockObject); ok {
				fn(t, maxContextChars)
			}
		}
	}
}

// encodedSize is the size of blocks as an ack carries them.
func encodedSize(blocks []slack.Block) int {
	raw, err := json.Marshal(blocks)
	if err != nil {
		return 0
	}
	return len(raw)
}

// fitMessage is msg within Slack's limits: its blocks, and its top-level
// text, which is what a notification shows.
func fitMessage(msg message) message {
	if msg.Text != "" {
		msg.Text, _ = fitText(msg.Text, maxMessageChars, replyBudget/4)
	}
	if len(msg.Blocks) > 0 {
		msg.Blocks, _ = fitBlocks(msg.Blocks, replyBudget-encodedLen(msg.Text)-100)
	}
	return msg
}
