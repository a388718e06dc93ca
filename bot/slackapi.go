package bot

import (
	"context"
	"errors"
	"net"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
)

// Slack is the part of the Web API the bot calls. *slack.Client implements it.
type Slack interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	PublishViewContext(ctx context.Context, request slack.PublishViewContextRequest) (*slack.ViewResponse, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error)
}

// transient reports whether a failed Web API call may succeed later: Slack
// rate-limited us, had a server error, or could not be reached. Anything else
// (channel_not_found, user_not_found, …) will fail the same way again.
func transient(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return true
	}
	if se, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return se.Code >= 500 || se.Code == 429
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	if _, ok := errors.AsType[*url.Error](err); ok {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// webAPIMethods are the Web API methods the bot calls. They are the only
// names a URL may be reduced to in a metric label or a log line: any other
// URL (a response_url, a file upload URL) carries a secret in its path.
var webAPIMethods = map[string]bool{
	"apps.connections.open": true, "auth.test": true,
	"chat.postMessage": true, "conversations.list": true, "conversations.members": true,
	"conversations.open": true, "files.completeUploadExternal": true,
	"files.getUploadURLExternal": true, "usergroups.users.list": true,
	"users.info": true, "views.open": true, "views.publish": true,
}

// MethodLabel names what u calls, for a metric label: the Web API method
// when it is one the bot uses, and "other" for any other URL, so the label
// set stays fixed and no secret in a path becomes a label.
func MethodLabel(u *url.URL) string {
	if m := path.Base(u.Path); webAPIMethods[m] {
		return m
	}
	return "other"
}

// urlRE finds URLs in a log line's text: net/http and slack-go put the URL
// of a failed request into the error.
var urlRE = regexp.MustCompile(`(?i)\b(?:https?|wss?)://[^\s"'<>]+`)

// RedactURLs returns s with every URL cut to its scheme and host, plus the
// Web API method when the URL calls one the bot uses: a response_url's path,
// a file upload URL's and a socket URL's ticket are secrets.
func RedactURLs(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlRE.ReplaceAllStringFunc(s, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return "[url]"
		}
		out := u.Scheme + "://" + u.Host + "/…"
		if m := MethodLabel(u); m != "other" {
			out += "/" + m
		}
		return out
	})
}

// redactedError is an error whose message has its URLs redacted; errors.Is
// and errors.As still see the original.
type redactedError struct{ err error }

func (e redactedError) Error() string { return RedactURLs(e.err.Error()) }
func (e redactedError) Unwrap() error { return e.err }

// redact is err as it may be logged: no URL in it carries a secret.
func redact(err error) error {
	if err == nil {
		return nil
	}
	return redactedError{err}
}
