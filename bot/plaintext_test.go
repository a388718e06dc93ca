package bot

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// The export shows what the member typed, not Slack's wire escapes.
func TestPlainWords(t *testing.T) {
	for in, want := range map[string]string{
		"shipped &lt;b&gt; &amp; stuff with <@U0LEE|lee> in <#C0TEAM|team>": "shipped <b> & stuff with @lee in #team",
		"thanks <@U0LEE> and <!here>":                                       "thanks @U0LEE and @here",
		"ping <!subteam^S0LEADS|@leads> now":                                "ping @leads now",
		"see <https://example.com/a?b=1&amp;c=2|the doc> or <https://x.io>": "see the doc (https://example.com/a?b=1&c=2) or https://x.io",
		"typed &lt;@U1&gt; literally":                                       "typed <@U1> literally",
		"a &amp;lt; stays":                                                  "a &lt; stays",
		"no escapes at all":                                                 "no escapes at all",
	} {
		if got := plainWords(in); got != want {
			t.Errorf("plainWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// A win typed with mentions and <, & is exported as the member typed it
// (outsider finding B1), not as Slack sent it.
func TestExportShowsWordsNotEscapes(t *testing.T) {
	b := newTestBot(t)
	if _, err := b.Wins.AddWin(store.Win{UserID: "U1", At: b.Now(),
		Text: "shipped &lt;b&gt; &amp; stuff with <@U0LEE|lee> in <#C0TEAM|team>"}); err != nil {
		t.Fatal(err)
	}
	doc, err := b.exportMarkdown("U1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc, "\nshipped <b> & stuff with @lee in #team\n") || strings.Contains(doc, "&amp;") || strings.Contains(doc, "<@U0LEE") {
		t.Errorf("export shows the wire escapes:\n%s", doc)
	}
}
