package slacksim

import "testing"

// names is a directory for the renderer tests.
var names = Renderer{
	UserName: func(id string) (string, bool) {
		n, ok := map[string]string{"U0LEE": "lee", "U0ANA": "ana"}[id]
		return n, ok
	},
	ChannelName: func(id string) (string, bool) {
		n, ok := map[string]string{"C0TEAM": "team"}[id]
		return n, ok
	},
	GroupName: func(id string) (string, bool) {
		n, ok := map[string]string{"S0LEADS": "leads"}[id]
		return n, ok
	},
}

func TestMrkdwn(t *testing.T) {
	cases := []struct{ in, plain, color string }{
		{"*Schedule:* weekly", "Schedule: weekly", "\x1b[1mSchedule:\x1b[0m weekly"},
		{"_gently_ and ~not~ `code *here*`", "gently and not code *here*",
			"\x1b[3mgently\x1b[0m and \x1b[9mnot\x1b[0m \x1b[36mcode *here*\x1b[0m"},
		{"snake_case_name and 2*3*4 and * spaced *", "snake_case_name and 2*3*4 and * spaced *", ""},
		{"*bold with _italic_ inside*", "bold with italic inside",
			"\x1b[1mbold with \x1b[3mitalic\x1b[0m\x1b[1m inside\x1b[0m"}, // bold resumes after the italic
		{"hi <@U0LEE> and <@U0NOBODY>, in <#C0TEAM> or <#C9|old-name>", "hi @lee and @U0NOBODY, in #team or #old-name", ""},
		{"<!here> <!channel> <!subteam^S1|@leads> <!subteam^S2>", "@here @channel @leads @S2", ""},
		{"ask to join <!subteam^S0LEADS>", "ask to join @leads", ""}, // the handle, as Slack shows it
		{"I asked &lt;!channel&gt; &amp; nobody answered", "I asked <!channel> & nobody answered", ""},
		{"see <https://example.com|the docs> or <https://x.test>", "see the docs (https://example.com) or https://x.test", ""},
		{"<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014", ""},
		{"> quoted *line*\nnext", "│ quoted line\nnext", ""},
		{"&gt; escaped quote", "│ escaped quote", ""},
		{"before\n```\nx := a &lt; b\n```\nafter", "before\n    x := a < b\nafter", ""},
		{"an ``` unclosed fence", "an ``` unclosed fence", ""},
		{"a < b > c", "a < b > c", ""},
		{"*unclosed bold", "*unclosed bold", ""},
	}
	for _, c := range cases {
		if got := names.mrkdwn(c.in); got != c.plain {
			t.Errorf("mrkdwn(%q) = %q, want %q", c.in, got, c.plain)
		}
		if c.color == "" {
			continue
		}
		colored := names
		colored.Color = true
		if got := colored.mrkdwn(c.in); got != c.color {
			t.Errorf("colour mrkdwn(%q) = %q, want %q", c.in, got, c.color)
		}
	}
}

// TestMrkdwnNoNames: without a directory, mentions show ids, or the label
// the app gave.
func TestMrkdwnNoNames(t *testing.T) {
	got := Renderer{}.mrkdwn("<@U0LEE> <@U0ANA|ana> <#C0TEAM> <#C1|general>")
	if want := "@U0LEE @ana #C0TEAM #general"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestPlainNames: text shown without styling (labels, hints, headers)
// names users, channels and groups as styled text does.
func TestPlainNames(t *testing.T) {
	colored := names
	colored.Color = true
	got := colored.plain(&textObj{Type: "mrkdwn", Text: "*ask* <@U0LEE> in <#C0TEAM> or <!subteam^S0LEADS>"})
	if want := "ask @lee in #team or @leads"; got != want {
		t.Errorf("plain = %q, want %q", got, want)
	}
}

func TestVisibleLen(t *testing.T) {
	if n := visibleLen("\x1b[1mAbé\x1b[0m"); n != 3 {
		t.Errorf("visibleLen = %d, want 3", n)
	}
}
