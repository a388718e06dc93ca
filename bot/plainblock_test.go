package bot

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/slack-go/slack"
)

// Every card and prompt reply of the test and built-in catalogs encodes
// exactly as slack-go's blocks do, and none of its blocks is left as one of
// slack-go's types whose elements have a MarshalJSON method.
func TestPlainBlocksEncodeAsSlackGoDoes(t *testing.T) {
	builtin, err := prompts.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*prompts.Catalog{MustLoadCatalog(t), builtin} {
		b := newTestBot(t)
		b.Catalog = c
		if n := checkPlainCards(t, b); n < 2*c.Len() {
			t.Fatalf("%d cards checked for %d prompts", n, c.Len())
		}
	}
}

func checkPlainCards(t *testing.T, b *Bot) int {
	t.Helper()
	n := 0
	for _, th := range b.Catalog.Themes() {
		for _, p := range th.Prompts {
			for _, asked := range []string{anyTheme, th.ID} {
				want := mustJSON(t, promptBlocks(cardBlocks(th, p), p, asked, time.Time{}))
				got := b.promptCard(p, asked, time.Time{})
				if s := mustJSON(t, got); s != want {
					t.Fatalf("prompt %s asked %q:\n got %s\nwant %s", p.ID, asked, s, want)
				}
				for i, bl := range got {
					switch bl.(type) {
					case *slack.ContextBlock, *slack.ActionBlock:
						t.Errorf("prompt %s: block %d is still slack-go's %T", p.ID, i, bl)
					}
				}
				n++
			}
			slot := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
			if got, want := mustJSON(t, nudgeBlocks(b.card(p), p, slot, nil)), mustJSON(t, nudgeBlocks(cardBlocks(th, p), p, slot, nil)); got != want {
				t.Fatalf("nudge %s:\n got %s\nwant %s", p.ID, got, want)
			}
		}
	}
	return n
}

// A block that would not encode the same is kept as slack-go's.
func TestPlainBlocksKeepWhatTheyCannotCopy(t *testing.T) {
	link := slack.NewButtonBlockElement("open", "v", plain("Open"))
	link.URL = "https://example.com"
	confirm := slack.NewButtonBlockElement("delete", "v", plain("Delete"))
	confirm.Confirm = slack.NewConfirmationBlockObject(plain("Sure?"), plain("It goes."), plain("Yes"), plain("No"))
	image := slack.NewContextBlock("", slack.NewImageBlockElement("https://example.com/a.png", "a"))
	plainOK := slack.NewActionBlock("ok", slack.NewButtonBlockElement("go", "v", plain("Go")))
	in := []slack.Block{
		slack.NewActionBlock("link", link),
		slack.NewActionBlock("confirm", confirm),
		image,
		plainOK,
		section("text"),
	}
	out := plainBlocks(in)
	for i := range 3 {
		if out[i] != in[i] {
			t.Errorf("block %d became %T; it cannot be copied and should be kept", i, out[i])
		}
	}
	if _, ok := out[3].(plainActions); !ok {
		t.Errorf("a plain button row is %T, want plainActions", out[3])
	}
	if out[4] != in[4] {
		t.Errorf("a section became %T", out[4])
	}
	if got, want := mustJSON(t, out), mustJSON(t, in); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(raw)
}
