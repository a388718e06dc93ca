package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestRedactURLs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`Post "https://hooks.slack.com/commands/T0/123/SECRETabc": EOF`, `Post "https://hooks.slack.com/…": EOF`},
		{`Post "https://files.slack.com/upload/v1/SECRETabc?x=1": timeout`, `Post "https://files.slack.com/…": timeout`},
		{`dial wss://wss-primary.slack.com/link/?ticket=SECRET&app_id=A1 failed`, `dial wss://wss-primary.slack.com/… failed`},
		{`Post "https://slack.com/api/chat.postMessage": EOF`, `Post "https://slack.com/…/chat.postMessage": EOF`},
		{`no url here`, `no url here`},
		{`http://[::1`, `[url]`},
	} {
		if got := RedactURLs(tc.in); got != tc.want {
			t.Errorf("RedactURLs(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if strings.Contains(RedactURLs(tc.in), "SECRET") {
			t.Errorf("RedactURLs(%q) keeps the secret", tc.in)
		}
	}
}

func TestMethodLabel(t *testing.T) {
	for raw, want := range map[string]string{
		"https://slack.com/api/chat.postMessage":        "chat.postMessage",
		"http://127.0.0.1:9/api/conversations.members":  "conversations.members",
		"https://hooks.slack.com/actions/T0/1/SECRETab": "other",
		"https://slack.com/api/admin.users.list":        "other",
	} {
		u, _ := url.Parse(raw)
		if got := MethodLabel(u); got != want {
			t.Errorf("MethodLabel(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestTransient(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"Nil", nil, false},
		{"HTMLBody", json.Unmarshal([]byte("<html>"), new(map[string]any)), true},
		{"CutShort", io.ErrUnexpectedEOF, true},
		{"Empty", io.EOF, true},
		{"NoTS", errNoTS, true},
		{"RateLimited", &slack.RateLimitedError{RetryAfter: time.Second}, true},
		{"ServerError", slack.StatusCodeError{Code: 502}, true},
		{"TooMany", slack.StatusCodeError{Code: 429}, true},
		{"SlackInternal", slack.SlackErrorResponse{Err: "internal_error"}, true},
		{"SlackFatal", fmt.Errorf("post: %w", slack.SlackErrorResponse{Err: "fatal_error"}), true},
		{"Deadline", context.DeadlineExceeded, true},
		{"ChannelNotFound", slack.SlackErrorResponse{Err: "channel_not_found"}, false},
		{"UserDisabled", fmt.Errorf("post: %w", slack.SlackErrorResponse{Err: "user_disabled"}), false},
		{"NotFound", slack.StatusCodeError{Code: 404}, false},
	} {
		if got := transient(tc.err); got != tc.want {
			t.Errorf("%s: transient(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
