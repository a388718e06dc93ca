package bot

import (
	"context"
	"errors"
	"net/http"
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
	GetPermalinkContext(ctx context.Context, params *slack.PermalinkParameters) (string, error)
}

// transient reports whether a failed Web API call may succeed later. Only
// Slack's own refusal is permanent: an ok:false answer with an error code
// Slack gives the same way every time (channel_not_found, user_not_found,
// …), or a 4xx status. Everything else is worth another try: a 429, a 5xx,
// Slack's own transient codes (internal_error, …), the network, a timeout,
// and any answer that is not a well-formed Slack reply at all, such as a
// proxy's HTML page with a 200 or JSON cut short.
func transient(err error) bool {
	if err == nil {
		return false
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return transientCodes[se.Err]
	}
	if se, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return se.Code >= 500 || se.Code == http.StatusTooManyRequests || se.Code == http.StatusRequestTimeout
	}
	return true
}

// transientCodes are the ok:false error codes Slack documents as passing:
// its own trouble, a rate limit, a workspace being migrated.
var transientCodes = map[string]bool{
	"internal_error": true, "fatal_error": true, "service_unavailable": true,
	"request_timeout": true, "ratelimited": true, "rate_limited": true,
	"team_added_to_org": true,
}

// errNoTS is a chat.postMessage answer that said neither ok:false nor which
// message it posted ({} from a proxy, say): the post is treated as not
// made, and transient.
var errNoTS = errors.New("chat.postMessage: the answer named no message")

// webAPIMethods are the Web API methods the bot calls. They are the only
// names a URL may be reduced to in a metric label or a log line: any other
// URL (a response_url, a file upload URL) carries a secret in its path.
var webAPIMethods = map[string]bool{
	"apps.connections.open": true, "auth.test": true,
	"chat.getPermalink": true, "chat.postMessage": true, "conversations.list": true, "conversations.members": true,
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

// post is chat.postMessage for a message whose delivery is recorded (a
// nudge, a broadcast): an answer that names no message is errNoTS, so the
// post counts as not made and is tried again.
func (b *Bot) post(ctx context.Context, channel string, opts ...slack.MsgOption) (string, string, error) {
	ch, ts, err := b.Slack.PostMessageContext(ctx, channel, opts...)
	if err == nil && ts == "" {
		err = errNoTS
	}
	return ch, ts, err
}
