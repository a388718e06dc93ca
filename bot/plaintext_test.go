package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
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
	doc, err := b.exportMarkdown(nil, "U1", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc, "\nshipped <b> & stuff with @lee in #team\n") || strings.Contains(doc, "&amp;") || strings.Contains(doc, "<@U0LEE") {
		t.Errorf("export shows the wire escapes:\n%s", doc)
	}
}

// namedSlack is a Slack whose users.info knows the member's name.
type namedSlack struct{ exportSlack }

func (s *namedSlack) GetUserInfoContext(context.Context, string, ...slack.GetUserInfoOption) (*slack.User, error) {
	u := &slack.User{ID: "U1", Name: "ana", RealName: "Ana Lima"}
	u.Profile.DisplayName = "Ana"
	return u, nil
}

// The export's heading names the member as Slack shows them (B1), and
// falls back to the id when Slack cannot say.
func TestExportHeadingNamesTheMember(t *testing.T) {
	b, sl := newTestBot(t), &namedSlack{}
	b.Slack = sl
	if _, err := dispatch(t, b, "export"); err != nil || len(sl.uploads) != 1 {
		t.Fatalf("export: %v, %d uploads", err, len(sl.uploads))
	}
	if doc := sl.uploads[0].Content; !strings.HasPrefix(doc, "# mentorbot: everything kept about Ana\n") || !strings.Contains(doc, "\n- Slack user id: U1\n") {
		t.Errorf("heading does not name the member:\n%s", doc)
	}
	b2, off := newTestBot(t), &exportSlack{}
	b2.Slack = off // users.info answers with no name at all
	if _, err := dispatch(t, b2, "export"); err != nil || len(off.uploads) != 1 {
		t.Fatalf("export without a name: %v", err)
	}
	if doc := off.uploads[0].Content; !strings.HasPrefix(doc, "# mentorbot: everything kept about U1\n") {
		t.Errorf("heading without a name:\n%s", doc)
	}
}
