package main

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sessionClock is the real time shifted by an offset: where the session
// started, plus whatever :advance added. It remembers each shift, so a
// message stamped by Slack's real clock can be told at what session time it
// was sent, even when it is read after a later shift.
type sessionClock struct {
	mu     sync.Mutex
	shifts []shift // in real-time order; never empty
}

type shift struct {
	from   time.Time // real time the offset took effect
	offset time.Duration
}

// newSessionClock starts at start, or now when start is zero.
func newSessionClock(start time.Time) *sessionClock {
	now := time.Now()
	var off time.Duration
	if !start.IsZero() {
		off = start.Sub(now)
	}
	return &sessionClock{shifts: []shift{{from: now, offset: off}}}
}

// Now is the session's time.
func (c *sessionClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.shifts[len(c.shifts)-1].offset)
}

// advance moves the session's time on by d and returns the new time.
func (c *sessionClock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	off := c.shifts[len(c.shifts)-1].offset + d
	c.shifts = append(c.shifts, shift{from: now, offset: off})
	return now.Add(off)
}

// at is the session time of the real instant t.
func (c *sessionClock) at(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.shifts) - 1; i > 0; i-- {
		if !t.Before(c.shifts[i].from) {
			return t.Add(c.shifts[i].offset)
		}
	}
	return t.Add(c.shifts[0].offset)
}

// tsTime reads a Slack ts ("1700000000.000123") as a real instant.
func tsTime(ts string) (time.Time, bool) {
	sec, micro, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	us, _ := strconv.ParseInt(micro, 10, 64)
	return time.Unix(s, us*1000), true
}

// parseAdvance reads Go durations plus days (d) and weeks (w).
func parseAdvance(arg string) (time.Duration, error) {
	mult := time.Duration(0)
	switch {
	case strings.HasSuffix(arg, "d"):
		mult = 24 * time.Hour
	case strings.HasSuffix(arg, "w"):
		mult = 7 * 24 * time.Hour
	}
	if mult > 0 {
		n, err := strconv.Atoi(strings.TrimRight(arg, "dw"))
		if err != nil || n <= 0 || n > 520 {
			return 0, errors.New("bad duration")
		}
		return time.Duration(n) * mult, nil
	}
	d, err := time.ParseDuration(arg)
	if err != nil || d <= 0 {
		return 0, errors.New("bad duration")
	}
	return d, nil
}
