package bot

import (
	"context"
	"errors"
	"net"
	"net/url"

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
