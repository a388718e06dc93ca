package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

var _ ChannelFinder = (*slack.Client)(nil)

func TestParseChannelRef(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want ChannelRef
	}{
		{"Escaped", "<#C0123ABC|team-backend>", ChannelRef{ID: "C0123ABC", Name: "team-backend"}},
		{"EscapedNoName", "<#C0123ABC>", ChannelRef{ID: "C0123ABC"}},
		{"EscapedEmptyLabel", "<#C0123ABC|>", ChannelRef{ID: "C0123ABC"}},
		{"EscapedPrivate", "<#G0123ABC|leads>", ChannelRef{ID: "G0123ABC", Name: "leads"}},
		{"EscapedShortID", "<#C1|general>", ChannelRef{ID: "C1", Name: "general"}},
		{"BareID", "C0123ABC", ChannelRef{ID: "C0123ABC"}},
		{"BarePrivateID", "G0123ABC", ChannelRef{ID: "G0123ABC"}},
		{"Hash", "#team-backend", ChannelRef{Name: "team-backend"}},
		{"NoHash", "team_backend", ChannelRef{Name: "team_backend"}},
		{"Digits", "#2026-offsite", ChannelRef{Name: "2026-offsite"}},
		{"UpperCaseName", "#Team-Backend", ChannelRef{Name: "team-backend"}},
		{"UpperWordWithoutDigit", "CHANNELS", ChannelRef{Name: "channels"}},
		{"Unicode", "#équipe", ChannelRef{Name: "équipe"}},
		{"Spaces", "  #general ", ChannelRef{Name: "general"}},
		{"LongestName", "#" + strings.Repeat("a", 80), ChannelRef{Name: strings.Repeat("a", 80)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChannelRef(nil, "/mentor", tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("ParseChannelRef(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}

	bad := []struct{ name, in string }{
		{"Empty", ""},
		{"HashOnly", "#"},
		{"Space", "#team backend"},
		{"Dot", "#team.backend"},
		{"User", "<@U0123ABC>"},
		{"LowerCaseEscape", "<#c0123|x>"},
		{"Unclosed", "<#C0123ABC|team"},
		{"TwoHashes", "##general"},
		{"TooLong", "#" + strings.Repeat("a", 81)},
		{"Markup", "<!channel>"},
		{"Huge", strings.Repeat("<b>x</b>", 500)},
	}
	for _, tt := range bad {
		t.Run("Err"+tt.name, func(t *testing.T) {
			_, err := ParseChannelRef(nil, "/mentor", tt.in)
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseChannelRef(%q): err = %v, want EINVALID", tt.in, err)
			}
			msg := ErrorMessage(err)
			if !strings.Contains(msg, "broadcast #team-backend vision") {
				t.Errorf("no example: %q", msg)
			}
			if strings.ContainsAny(msg, "<>") || len(msg) > 300 {
				t.Errorf("message echoes markup or too much: %q", msg)
			}
		})
	}
}

// fakeFinder serves conversations.list from a slice, in pages of the
// requested size, recording the parameters of every call.
type fakeFinder struct {
	channels []slack.Channel
	fail     []error // returned by the first calls, one each

	mu    sync.Mutex
	calls []slack.GetConversationsParameters
}

func (f *fakeFinder) GetConversationsContext(_ context.Context, p *slack.GetConversationsParameters) ([]slack.Channel, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, *p)
	if len(f.fail) > 0 {
		err := f.fail[0]
		f.fail = f.fail[1:]
		return nil, "", err
	}
	start := 0
	if p.Cursor != "" {
		fmt.Sscanf(p.Cursor, "next-%d", &start)
	}
	end := min(start+p.Limit, len(f.channels))
	next := ""
	if end < len(f.channels) {
		next = fmt.Sprintf("next-%d", end)
	}
	return f.channels[start:end], next, nil
}

func testChannel(id, name string) slack.Channel {
	var c slack.Channel
	c.ID, c.Name, c.NameNormalized = id, name, name
	return c
}

// manyChannels returns n channels named chan-0 … chan-(n-1).
func manyChannels(n int) []slack.Channel {
	out := make([]slack.Channel, n)
	for i := range out {
		out[i] = testChannel(fmt.Sprintf("C%07d", i), fmt.Sprintf("chan-%d", i))
	}
	return out
}

func TestResolveChannel(t *testing.T) {
	ctx := context.Background()

	t.Run("IDNeedsNoCall", func(t *testing.T) {
		f := &fakeFinder{}
		ref := ChannelRef{ID: "C0123ABC", Name: "x"}
		got, err := ResolveChannel(ctx, f, nil, "/mentor", ref)
		if err != nil || got != ref || len(f.calls) != 0 {
			t.Fatalf("got %+v, %v after %d calls", got, err, len(f.calls))
		}
	})

	t.Run("FirstPage", func(t *testing.T) {
		f := &fakeFinder{channels: []slack.Channel{testChannel("C1", "general"), testChannel("C2", "team-backend")}}
		got, err := ResolveChannel(ctx, f, nil, "/mentor", ChannelRef{Name: "team-backend"})
		if err != nil || got != (ChannelRef{ID: "C2", Name: "team-backend"}) {
			t.Fatalf("got %+v, %v", got, err)
		}
		p := f.calls[0]
		if !p.ExcludeArchived || p.Limit != 200 || len(p.Types) != 1 || p.Types[0] != "public_channel" || p.Cursor != "" {
			t.Fatalf("params = %+v", p)
		}
	})

	t.Run("FollowsCursor", func(t *testing.T) {
		f := &fakeFinder{channels: manyChannels(450)}
		got, err := ResolveChannel(ctx, f, nil, "/mentor", ChannelRef{Name: "chan-444"})
		if err != nil || got.ID != "C0000444" {
			t.Fatalf("got %+v, %v", got, err)
		}
		if len(f.calls) != 3 || f.calls[1].Cursor != "next-200" || f.calls[2].Cursor != "next-400" {
			t.Fatalf("calls = %+v", f.calls)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		f := &fakeFinder{channels: manyChannels(250)}
		_, err := ResolveChannel(ctx, f, nil, "/mentor", ChannelRef{Name: "nowhere"})
		if ErrorCode(err) != ENOTFOUND {
			t.Fatalf("err = %v, want ENOTFOUND", err)
		}
		if want := "I can't find #nowhere. Use the channel picker: type # and choose it, for example `/mentor broadcast #team-backend vision`."; ErrorMessage(err) != want {
			t.Fatalf("message = %q, want %q", ErrorMessage(err), want)
		}
		if len(f.calls) != 2 {
			t.Fatalf("%d calls, want 2 (every page once)", len(f.calls))
		}
	})

	t.Run("ErrSlack", func(t *testing.T) {
		boom := errors.New("invalid_auth")
		f := &fakeFinder{fail: []error{boom}}
		_, err := ResolveChannel(ctx, f, nil, "/mentor", ChannelRef{Name: "general"})
		if !errors.Is(err, boom) || ErrorCode(err) != EINTERNAL {
			t.Fatalf("err = %v, want the Slack error as internal", err)
		}
	})

	t.Run("RateLimited", func(t *testing.T) {
		f := &fakeFinder{
			channels: []slack.Channel{testChannel("C1", "general")},
			fail:     []error{&slack.RateLimitedError{RetryAfter: time.Millisecond}},
		}
		got, err := ResolveChannel(ctx, f, nil, "/mentor", ChannelRef{Name: "general"})
		if err != nil || got.ID != "C1" || len(f.calls) != 2 {
			t.Fatalf("got %+v, %v after %d calls", got, err, len(f.calls))
		}
	})

	t.Run("RateLimitedPastDeadline", func(t *testing.T) {
		f := &fakeFinder{fail: []error{&slack.RateLimitedError{RetryAfter: time.Minute}}}
		ctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		_, err := ResolveChannel(ctx, f, nil, "/mentor", ChannelRef{Name: "general"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want DeadlineExceeded", err)
		}
	})

	t.Run("ErrNoName", func(t *testing.T) {
		if _, err := ResolveChannel(ctx, &fakeFinder{}, nil, "/mentor", ChannelRef{}); ErrorCode(err) != EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestChannelRefString(t *testing.T) {
	if s := (ChannelRef{ID: "C1", Name: "general"}).String(); s != "<#C1>" {
		t.Fatalf("String() = %q", s)
	}
	if s := (ChannelRef{Name: "general"}).String(); s != "#general" {
		t.Fatalf("String() = %q", s)
	}
}
