package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestTrySlackEscape(t *testing.T) {
	channels := map[string]string{tryChannel: "team"}
	for _, tc := range []struct{ in, want string }{
		{"@sam great review", "<@U0SAM|sam> great review"},
		{"@Sam.", "<@U0SAM|sam>."},
		{"thanks @lee, and @bob", "thanks <@U0LEE|lee>, and @bob"},
		{"#team vision", "<#C0TEAM|team> vision"},
		{"#Team every mon 10:00 vision", "<#C0TEAM|team> every mon 10:00 vision"},
		{"#nope vision", "#nope vision"},
		{`#team "hi @here & <b>"`, `<#C0TEAM|team> "hi <!here> &amp; &lt;b&gt;"`},
		{"ana@sam.com C#team", "ana@sam.com C#team"},
		{"(@sam)", "(<@U0SAM|sam>)"},
		{"@ # @@sam", "@ # @<@U0SAM|sam>"},
		{"thanks @MentorBot and @slackbot", "thanks <@U0BOT|mentorbot> and <@USLACKBOT|slackbot>"},
		{"", ""},
	} {
		if got := slackEscape(tc.in, channels); got != tc.want {
			t.Errorf("slackEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTryShortcutsMatchManifest: :shortcut offers what Slack's ⋯ menu
// would, which is what the app's manifest declares.
func TestTryShortcutsMatchManifest(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "slack-app-manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, m := range regexp.MustCompile(`(?m)^\s*callback_id:\s*(\S+)`).FindAllStringSubmatch(string(raw), -1) {
		declared = append(declared, m[1])
	}
	var offered []string
	for id := range tryShortcuts {
		offered = append(offered, id)
	}
	sort.Strings(declared)
	sort.Strings(offered)
	if strings.Join(declared, " ") != strings.Join(offered, " ") || len(declared) == 0 {
		t.Errorf("the manifest declares shortcuts %v, try offers %v", declared, offered)
	}
}

// TestTryTypedMentions: what a member types reaches the bot as Slack sends
// it, so @sam is a mention the bot can act on; a user group shows by its
// handle; an unknown shortcut and a name in another case are answered by the
// session, not the bot.
func TestTryTypedMentions(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := runTry(t, start, `
/mentor thanks @sam great review & more
/mentor broadcast #team vision
:shortcut nope
:shortcut
:user SAM
/mentor wins
`)
	inOrder(t, out,
		"ana> /mentor thanks @sam great review & more\n",
		"Sent. @sam has your thanks in a DM",
		// The leads' group by its handle, as Slack shows it, not its id.
		"ana> /mentor broadcast #team vision\n",
		"add you to @leads or your member ID",
		"ana> :shortcut nope\n"+`The app has no shortcut "nope"; its ⋯ menu offers :shortcut save_win (Save as a win).`,
		"ana> :shortcut\nGive the shortcut's callback id: :shortcut save_win (Save as a win).",
		"ana> :user SAM\nYou are sam now",
		"@ana thanked you: great review & more",
		"sam> /mentor wins\n",
		"thanks from @ana\ngreat review & more",
	)
}
