package bot

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCleanTopic(t *testing.T) {
	const z = "\u200b" // what CleanTopic puts after the @ of a mass mention
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Plain", "What did we ship that nobody noticed?", "What did we ship that nobody noticed?"},
		{"Trimmed", "  \n What slowed us down? \t ", "What slowed us down?"},
		{"InnerNewlinesKept", "First:\n• this\n• that", "First:\n• this\n• that"},
		{"MarkupKept", "*Bold* _and_ `code` ~gone~ > quote", "*Bold* _and_ `code` ~gone~ > quote"},
		{"EntitiesKept", "R&amp;D &lt;3 &gt;", "R&amp;D &lt;3 &gt;"},

		{"AtChannel", "@channel what do you think?", "@" + z + "channel what do you think?"},
		{"AtHere", "hey @here", "hey @" + z + "here"},
		{"AtEveryone", "@everyone", "@" + z + "everyone"},
		{"AnyCase", "@Channel @HERE @EveryOne", "@" + z + "Channel @" + z + "HERE @" + z + "EveryOne"},
		{"GluedToPunctuation", "(@here), @channel! @everyone? hi,@here.", "(@" + z + "here), @" + z + "channel! @" + z + "everyone? hi,@" + z + "here."},
		{"Apostrophe", "@here's the plan; @channel’s too", "@" + z + "here's the plan; @" + z + "channel’s too"},
		{"AfterLetter", "mail ops@here.io", "mail ops@" + z + "here.io"},
		{"DoubleAt", "@@here", "@@" + z + "here"},
		{"Hyphen", "@here-ish", "@" + z + "here-ish"},
		{"ChannelsIsAWord", "ask the @channels team", "ask the @channels team"},
		{"HereUnderscoreIsAName", "@here_bot", "@here_bot"},
		{"UnicodeLetterAfter", "@hereé", "@hereé"},
		{"DigitAfter", "@here2", "@here2"},
		{"UnicodeAround", "日本語@here日本語", "日本語@" + z + "here日本語"},
		{"Emoji", "🚀@channel🚀", "🚀@" + z + "channel🚀"},

		{"EscChannel", "<!channel> thoughts?", "@" + z + "channel thoughts?"},
		{"EscHere", "<!here>", "@" + z + "here"},
		{"EscEveryone", "<!everyone>", "@" + z + "everyone"},
		{"EscLabelled", "<!here|here> and <!channel|channel>", "@" + z + "here and @" + z + "channel"},
		{"EscLabelledWithAt", "<!here|@here>", "@" + z + "here"},
		{"EscOddLabel", "<!channel|look at me>", "@" + z + "channel"},
		{"EscUpperCase", "<!HERE>", "@" + z + "here"},
		{"EscLegacyGroup", "<!group>", "@" + z + "channel"},
		{"EscInsideWord", "foo<!channel>bar", "foo@" + z + "channelbar"},
		{"EscMultiple", "<!here><!here> <!channel>", "@" + z + "here@" + z + "here @" + z + "channel"},
		{"EscNested", "<<!here>>", "<@" + z + "here>"},
		{"Subteam", "<!subteam^S0123ABC|@backend> please", "@" + z + "backend please"},
		{"SubteamNoLabel", "<!subteam^S0123ABC>", "@" + z + "group"},
		{"SubteamLabelPings", "<!subteam^S1|@here>", "@" + z + "here"},
		{"SubteamUpper", "<!SUBTEAM^S1|@ops>", "@" + z + "ops"},

		// Slack's parser is lenient: spaces, invisible characters and case
		// inside an escape still make it a ping.
		{"EscTrailingSpace", "<!channel >", "@" + z + "channel"},
		{"EscLeadingSpace", "<! here>", "@" + z + "here"},
		{"EscZeroWidthSpace", "<!channel" + z + ">", "@" + z + "channel"},
		{"EscWordJoiner", "<!\u2060here>", "@" + z + "here"},
		{"EscBOMInside", "<!chan\ufeffnel>", "@" + z + "channel"},
		{"EscSoftHyphen", "<!every\u00adone>", "@" + z + "everyone"},
		{"EscNewline", "<!here\n>", "@" + z + "here"},
		{"EscTab", "<!\there|x>", "@" + z + "here"},
		{"EscHangulFiller", "<!here\u3164>", "@" + z + "here"},
		{"EscMixedCase", "<!eVeRyOnE|@everyone>", "@" + z + "everyone"},
		{"EscLabelWithSpace", "<!here |here>", "@" + z + "here"},
		{"EscTrailingJunk", "<!channel-now>", "@" + z + "channel"},
		{"EscBeforeBang", "<\u200b!here>", "@" + z + "here"},

		{"UserMention", "ask <@U0123ABC> and <@U0456|ada>", "ask <@U0123ABC> and <@U0456|ada>"},
		{"ChannelLink", "see <#C0123|design>", "see <#C0123|design>"},
		{"URL", "<https://example.com/@here?q=1|the doc>", "<https://example.com/@here?q=1|the doc>"},
		{"URLLabel", "<https://example.com|@here doc>", "<https://example.com|@" + z + "here doc>"},
		{"Mailto", "<mailto:ops@here.io|ops>", "<mailto:ops@here.io|ops>"},
		{"Date", "<!date^1392734382^{date}|Feb 18>", "<!date^1392734382^{date}|Feb 18>"},
		{"EscapedLiteral", "&lt;!channel&gt;", "&lt;!channel&gt;"},
		{"Unclosed", "<!channel and @here", "<!channel and @" + z + "here"},
		{"Mixed", "<@U1> <!here> @channel <#C1|x>", "<@U1> @" + z + "here @" + z + "channel <#C1|x>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CleanTopic(nil, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("CleanTopic(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			// Cleaning is idempotent: a cleaned topic has nothing left to clean.
			if again, _ := CleanTopic(nil, got); again != got {
				t.Fatalf("not idempotent: %q -> %q", got, again)
			}
		})
	}

	t.Run("LimitIsInclusive", func(t *testing.T) {
		in := strings.Repeat("é", MaxTopicLen) // counted in characters, not bytes
		if _, err := CleanTopic(nil, in); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ErrTooLong", func(t *testing.T) {
		_, err := CleanTopic(nil, strings.Repeat("a", MaxTopicLen+1))
		if ErrorCode(err) != EINVALID {
			t.Fatalf("err = %v, want EINVALID", err)
		}
		msg := ErrorMessage(err)
		if !strings.Contains(msg, strconv.Itoa(MaxTopicLen)) || strings.Contains(msg, "aaaa") {
			t.Fatalf("message must name the limit and not echo the text: %q", msg)
		}
	})

	for _, in := range []string{"", "   ", "\n\t"} {
		t.Run("ErrEmpty", func(t *testing.T) {
			if _, err := CleanTopic(nil, in); ErrorCode(err) != EINVALID {
				t.Fatalf("CleanTopic(%q): err = %v, want EINVALID", in, err)
			}
		})
	}

	t.Run("WorstCaseFitsASection", func(t *testing.T) {
		in := strings.Repeat("@here", MaxTopicLen/len("@here"))
		got, err := CleanTopic(nil, in)
		if err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(got); n > sectionLimit-500 {
			t.Fatalf("cleaned topic is %d characters: no room for the rest of the post", n)
		}
	})
}

func FuzzCleanTopic(f *testing.F) {
	for _, s := range []string{"@here", "<!channel>", "<!subteam^S1|@x>", "a<b>c", "<@U1|@here>", "@@everyone!",
		"<!channel >", "<!channel\u200b>", "<!\u2060HERE|x>", "<!subteam^S1|@here>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := CleanTopic(nil, in)
		if err != nil {
			return
		}
		for _, loc := range slackEscapeRE.FindAllStringIndex(got, -1) {
			if pings(got[loc[0]:loc[1]]) {
				t.Fatalf("CleanTopic(%q) = %q still holds %q", in, got, got[loc[0]:loc[1]])
			}
		}
		for i := 0; i < len(got); i++ {
			if got[i] == '@' && isMassKeyword(got[i+1:]) && !insideEscape(got, i) {
				t.Fatalf("CleanTopic(%q) = %q: plain mention at %d", in, got, i)
			}
		}
	})
}

// insideEscape reports whether byte i of s is inside a <…> escape before its
// label, where CleanTopic leaves text alone.
func insideEscape(s string, i int) bool {
	for _, loc := range slackEscapeRE.FindAllStringIndex(s, -1) {
		if loc[0] < i && i < loc[1] {
			bar := strings.IndexByte(s[loc[0]:loc[1]], '|')
			return bar < 0 || i < loc[0]+bar
		}
	}
	return false
}

// pings is the fuzzer's own, blunter reading of an escape: drop every
// character that is not printable ASCII or is a space, lower case the rest,
// and see whether a mass-mention keyword follows "<!". It shares no code
// with massMention.
func pings(esc string) bool {
	var kept []byte
	for _, r := range esc {
		if r > ' ' && r < unicode.MaxASCII {
			kept = append(kept, byte(unicode.ToLower(r)))
		}
	}
	for _, kw := range []string{"<!channel", "<!here", "<!everyone", "<!group", "<!subteam"} {
		if strings.HasPrefix(string(kept), kw) {
			return true
		}
	}
	return false
}
