package bot

import "time"

// Metrics receives what the bot counts, for an operator's dashboard. The
// Prometheus implementation lives in cmd/mentorbot; Bot.Metrics defaults to
// one that discards everything. Implementations must be safe for concurrent
// use and must not block.
type Metrics interface {
	// Command counts one slash command or button by subcommand and outcome
	// ("ok" or an error code) with how long it took.
	Command(sub, outcome string, d time.Duration)
	// Ack observes the time from an envelope's arrival to its ack.
	Ack(d time.Duration)
	// Reconnect counts a Socket Mode (re)connection after the first.
	Reconnect()
	// Nudge counts scheduled deliveries by outcome: "sent", "retried"
	// (Slack unavailable; still due), "skipped" (late or paused) or "failed"
	// (Slack refused it for good, or it could not be read or recorded).
	Nudge(outcome string)
	// Broadcast counts recurring broadcast slots by outcome, with the same
	// meanings; "failed" includes a channel archived or not joined.
	Broadcast(outcome string)
	// RateLimited counts a 429 from a Web API method.
	RateLimited(method string)
	// ReplyDropped counts a reply to a response_url dropped because too
	// many were in flight and waiting.
	ReplyDropped()
}

// nopMetrics discards everything.
type nopMetrics struct{}

func (nopMetrics) Command(string, string, time.Duration) {}
func (nopMetrics) Ack(time.Duration)                     {}
func (nopMetrics) Reconnect()                            {}
func (nopMetrics) Nudge(string)                          {}
func (nopMetrics) Broadcast(string)                      {}
func (nopMetrics) RateLimited(string)                    {}
func (nopMetrics) ReplyDropped()                         {}
