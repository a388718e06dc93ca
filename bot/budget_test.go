package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

func TestFitText(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        string
		chars     int
		bytes     int
		want      string
		wantCut   bool
		wantBytes int // 0: not checked
	}{
		{"Fits", "hello", 10, 100, "hello", false, 0},
		{"Empty", "", 10, 100, "…", false, 0},
		{"Chars", "hello world", 6, 100, "hello…", true, 0},
		{"TrailingSpaceTrimmed", "hello world", 7, 100, "hello…", true, 0},
		{"EntityNotSplit", "a&amp;b", 4, 100, "a…", true, 0},
		{"MentionNotSplit", "hi <@U0123|ana> there", 8, 100, "hi…", true, 0},
		{"EmojiAreTwo", "🚀🚀🚀", 4, 100, "🚀…", true, 0},
		{"BytesAfterEncoding", strings.Repeat("&lt;", 10), 100, 30, "&lt;&lt;&lt;…", true, 30},
		{"Japanese", strings.Repeat("日", 100), 1000, 31, strings.Repeat("日", 9) + "…", true, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, cut := fitText(tc.in, tc.chars, tc.bytes)
			if got != tc.want || cut != tc.wantCut {
				t.Fatalf("fitText(%q, %d, %d) = %q, %v; want %q, %v", tc.in, tc.chars, tc.bytes, got, cut, tc.want, tc.wantCut)
			}
			if tc.wantBytes != 0 && encodedLen(got) != tc.wantBytes {
				t.Fatalf("encoded %d bytes, want %d", encodedLen(got), tc.wantBytes)
			}
		})
	}
}

// encodedLen agrees with encoding/json, which is how an ack is written.
func TestEncodedLen(t *testing.T) {
	for _, s := range []string{"", "plain", "<&>", "日本語🚀", "\"\\\n\t\x01\u2028", "bad\xffutf8"} {
		raw, _ := json.Marshal(s)
		if got, want := encodedLen(s), len(raw)-2; got != want {
			t.Errorf("encodedLen(%q) = %d, json.Marshal says %d", s, got, want)
		}
	}
}

// A reply within its limits is sent as it is, not copied.
func TestFitBlocksKeepsWhatFits(t *testing.T) {
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Your journal")), section("a short entry"), contextLine("only you")}
	got, cut := fitBlocks(blocks, replyBudget)
	if cut || &got[0] != &blocks[0] {
		t.Fatalf("a reply that fits was changed (cut %v)", cut)
	}
}

// checkBlockLimits fails t when blocks break one of Slack's limits.
func checkBlockLimits(t *testing.T, blocks []slack.Block, maxBytes int) {
	t.Helper()
	if len(blocks) == 0 || len(blocks) > maxBlocks {
		t.Fatalf("%d blocks", len(blocks))
	}
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) > maxBytes {
		t.Fatalf("%d bytes encoded, budget %d", len(raw), maxBytes)
	}
	for _, bl := range blocks {
		visitTexts(bl, func(o *slack.TextBlockObject, limit int) {
			if o.Text == "" || textChars(o.Text) > limit {
				t.Fatalf("a text of %d characters in a %s block, limit %d", textChars(o.Text), bl.BlockType(), limit)
			}
		})
	}
}

// Any text in, every block within Slack's limits out, and never an empty
// reply: a header, n sections of the text (escaped as a member's words
// are, or raw as the bot's own mrkdwn), a context line and fields.
func FuzzFitBlocks(f *testing.F) {
	f.Add("Your journal", "a reflection", uint8(5), false)
	f.Add(strings.Repeat("見出し", 60), strings.Repeat("振り返り", 750), uint8(3), true)
	f.Add("h", strings.Repeat("<&>", 1000), uint8(2), true)
	f.Add("🚀", strings.Repeat("🚀", 1600), uint8(1), false)
	f.Add("many", "a few words", uint8(31), false)
	f.Add("", "", uint8(1), false)
	f.Add("x", "<@U1|a> &amp; <https://example.com|link> \x00\xff", uint8(9), false)
	f.Fuzz(func(t *testing.T, head, body string, n uint8, escaped bool) {
		if escaped {
			body = escape(body)
		}
		blocks := []slack.Block{slack.NewHeaderBlock(plain(head))}
		for i := range int(n%32) + 1 {
			blocks = append(blocks, contextLine(body[:len(body)*i/32]), section(body))
		}
		blocks = append(blocks, slack.NewSectionBlock(nil, []*slack.TextBlockObject{mrkdwn(body), mrkdwn(head)}, nil))
		orig := allTexts(blocks)
		got, _ := fitBlocks(blocks, replyBudget)
		checkBlockLimits(t, got, replyBudget)
		if again := allTexts(blocks); strings.Join(again, "\x00") != strings.Join(orig, "\x00") {
			t.Fatal("fitBlocks changed the blocks it was given")
		}
		msg := fitMessage(message{Text: body, Blocks: blocks})
		if msg.Text == "" && body != "" || !utf8.ValidString(msg.Text) && utf8.ValidString(body) {
			t.Fatalf("top-level text %q from %q", msg.Text, body)
		}
		if textChars(msg.Text) > maxMessageChars {
			t.Fatalf("top-level text of %d characters", textChars(msg.Text))
		}
	})
}

// allTexts is every text of blocks, in order.
func allTexts(blocks []slack.Block) []string {
	var out []string
	for _, bl := range blocks {
		visitTexts(bl, func(o *slack.TextBlockObject, _ int) { out = append(out, o.Text) })
	}
	return out
}

// BenchmarkFitMessage is what fitting costs every reply: a help reply,
// the largest common one, which fits as it is.
//
//	go test -run '^$' -bench FitMessage -benchmem ./bot
func BenchmarkFitMessage(b *testing.B) {
	bot := newTestBot(b)
	r, err := bot.cmdHelp(context.Background(), &Command{Name: "/mentor"})
	if err != nil {
		b.Fatal(err)
	}
	msg := r.message()
	b.ReportAllocs()
	for b.Loop() {
		fitMessage(msg)
	}
}
