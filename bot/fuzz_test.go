package bot

import (
	"context"
	"errors"
	"github.com/mentorbot/mentorbot/bot/lang"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// offlineSlack answers every Web API call with an error, as Slack does when
// it is unreachable, so fuzzed commands exercise their failure paths.
type offlineSlack struct{}

var errOffline = errors.New("slack unreachable")

func (offlineSlack) PostMessageContext(context.Context, string, ...slack.MsgOption) (string, string, error) {
	return "", "", errOffline
}
func (offlineSlack) OpenViewContext(context.Context, string, slack.ModalViewRequest) (*slack.ViewResponse, error) {
	return nil, errOffline
}
func (offlineSlack) PublishViewContext(context.Context, slack.PublishViewContextRequest) (*slack.ViewResponse, error) {
	return nil, errOffline
}
func (offlineSlack) GetUserInfoContext(context.Context, string, ...slack.GetUserInfoOption) (*slack.User, error) {
	return nil, errOffline
}
func (offlineSlack) OpenConversationContext(context.Context, *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error) {
	return nil, false, false, errOffline
}
func (offlineSlack) UploadFileContext(context.Context, slack.UploadFileParameters) (*slack.FileSummary, error) {
	return nil, errOffline
}
func (offlineSlack) GetPermalinkContext(context.Context, *slack.PermalinkParameters) (string, error) {
	return "", errOffline
}

// FuzzDispatch sends arbitrary text to every subcommand: the bot never
// panics, and a member sees either a reply or a short message, never an
// internal error's text.
func FuzzDispatch(f *testing.F) {
	for _, seed := range []string{
		"", "help", "prompt", "prompt imp", "prompt d", "themes", "role staff", "role wizard",
		"subscribe", "subscribe daily 09:30 Europe/Paris", "subscribe weekly funday 25:99 Mars/Olympus", "subscribe chaque lundi à 16 h 30", "subscribe 16 h 75 h",
		"status", "pause 2w", "pause -3d", "pause until 2027-02-30", "resume", "skip", "focus impostor daring",
		"focus all", "unsubscribe", "journal 5", "journal -1", "export", "forget",
		`broadcast #team "the last mile`, "broadcast <#C0123|team> every mon 10:00 vision", "broadcast cancel b1",
		"broadcasts", "prompt " + strings.Repeat("x", 3001), "“quoted”", "<!channel> @here", "promt imp", "daring", "stat", "fo",
	} {
		f.Add(seed)
	}
	b := newTestBot(f)
	b.Slack = offlineSlack{}
	f.Fuzz(func(t *testing.T, text string) {
		c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor"}
		r, err := b.Dispatch(context.Background(), c, text)
		if err != nil {
			msg := ErrorMessage(err)
			if msg == "" || strings.Contains(msg, "slack unreachable") || utf8.RuneCountInString(msg) > 600 {
				t.Fatalf("Dispatch(%q): member would read %q", text, msg)
			}
			return
		}
		if r.Text == "" && len(r.Blocks) == 0 {
			t.Fatalf("Dispatch(%q): empty reply", text)
		}
	})
}

// FuzzParsePause never panics and only accepts pauses that end in the future.
func FuzzParsePause(f *testing.F) {
	for _, seed := range []string{"2w", "3d", "1w3d", "12h", "-3d", "0d", "until 2027-01-05", "until 2020-01-01", "until 2027-02-30", "99999w", "2 semaines", "3j", "0 jours", "9999 weeks",
		"1 mois", "13 months", "jusqu'au 5 janvier", "until 1er mars 2027", "until 05/01/2027", "jusqu'au 29/02", "until 31 avril"} {
		f.Add(seed)
	}
	now := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, arg string) {
		for _, p := range []*lang.Printer{en, fr} { // French reads dd/mm dates
			until, err := ParsePause(p, "/mentor", strings.Fields(arg), now, time.UTC)
			if err == nil && (!until.After(now) || until.Sub(now) > maxPause) {
				t.Fatalf("ParsePause(%s, %q) = %v, not after now or over a year away", p.Lang(), arg, until)
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Fatalf("ParsePause(%s, %q): %v is not a member-safe error", p.Lang(), arg, err)
			}
		}
	})
}

// FuzzParseChannelRef never panics and never returns both nothing and no error.
func FuzzParseChannelRef(f *testing.F) {
	for _, seed := range []string{"<#C0123ABC|team>", "<#C0123ABC>", "<#C0123ABC|>", "#team", "team", "C0123ABC", "<#>", "<@U123>", "#", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		ref, err := ParseChannelRef(nil, "/mentor", arg)
		if err == nil && ref.ID == "" && ref.Name == "" {
			t.Fatalf("ParseChannelRef(%q) = empty ref without error", arg)
		}
	})
}

// FuzzPromptRef reads any button value or modal metadata without panicking.
func FuzzPromptRef(f *testing.F) {
	f.Add(promptRef{PromptID: "impostor-one", Theme: "impostor", Slot: time.Unix(1795000000, 0)}.value())
	f.Add("||")
	f.Add("a|b|-1")
	f.Fuzz(func(t *testing.T, v string) {
		r := parsePromptRef(v)
		if !r.Slot.IsZero() && r.Slot.Unix() <= 0 {
			t.Fatalf("parsePromptRef(%q) gave slot %v", v, r.Slot)
		}
	})
}
