package main

import (
	"net/http"
	"time"

	"github.com/slack-go/slack"
)

// appClock is the time the app runs on, when not the wall clock: the bot's
// Now and the waits between slack-go's retries. The end-to-end fault tests
// give the app and the local Slack (slacksim.Clock) one clock that runs
// faster than the wall clock, so that a minute of 429s with Retry-After: 1
// is replayed in seconds with the same proportions.
type appClock interface {
	Now() time.Time
	// After receives once d of the clock's time has passed.
	After(d time.Duration) <-chan time.Time
}

// retryConfig is slack-go's retry policy: 429s (honouring Retry-After), 5xx
// and dropped connections are retried a few times. With a clock, the waits
// are on it; with none (production), slack-go waits on its own timer.
func retryConfig(clk appClock) slack.RetryConfig {
	cfg := slack.DefaultRetryConfig()
	cfg.Handlers = append(slack.AllBuiltinRetryHandlers(cfg), slack.NewServerErrorRetryHandler(cfg))
	if clk != nil {
		for i, h := range cfg.Handlers {
			cfg.Handlers[i] = clockedRetry{next: h, clock: clk}
		}
	}
	return cfg
}

// clockedRetry waits out the wait a slack-go retry handler asks for on the
// app's clock, then tells slack-go to wait no more. The request's context
// still cuts the wait short; the retry then fails at once with its error.
type clockedRetry struct {
	next  slack.RetryHandler
	clock appClock
}

// ShouldRetry implements slack.RetryHandler.
func (h clockedRetry) ShouldRetry(st *slack.RetryState, req *http.Request, resp *http.Response, err error) (bool, time.Duration) {
	retry, wait := h.next.ShouldRetry(st, req, resp, err)
	if !retry || wait <= 0 {
		return retry, wait
	}
	select {
	case <-h.clock.After(wait):
	case <-req.Context().Done():
	}
	return true, 0
}
