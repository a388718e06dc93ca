package slacksim

import "time"

// Clock is the time the simulator's faults run on: the window of During, the
// Delay of a Fault, the refill of the rate limiter (Options.RateLimit) and the
// time a Call is recorded at. A test gives the Server and the bot one Clock,
// so an outage "for a minute" lasts a minute of the test's time, which may
// pass in a few seconds of the wall clock's.
//
// Slack's own deadlines stay on the wall clock: the ack deadline
// (Options.AckTimeout) and Ack.Latency, the expiry of trigger_ids, response
// URLs and connection tickets, pings and the disconnect grace. The bot meets
// them with its real timers, which a faster clock would make it miss.
type Clock interface {
	// Now is the clock's current time.
	Now() time.Time
	// After sends the clock's time on the channel once d of it has passed.
	After(d time.Duration) <-chan time.Time
}

// wallClock is the real time, Options.Clock's default.
type wallClock struct{}

func (wallClock) Now() time.Time                         { return time.Now() }
func (wallClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// now is the time on the Server's clock.
func (s *Server) now() time.Time { return s.opts.Clock.Now() }
