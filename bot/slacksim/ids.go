package slacksim

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Ids only need to be unique and look like Slack's; they are not secrets, so
// math/rand is enough.

func randHex(n int) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(n)
	for range n {
		b.WriteByte(digits[rand.IntN(16)])
	}
	return b.String()
}

func randUpper(n int) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	var b strings.Builder
	b.Grow(n)
	for range n {
		b.WriteByte(digits[rand.IntN(len(digits))])
	}
	return b.String()
}

// newUUID returns a random RFC 4122 version 4 style id, as Slack's envelope ids are.
func newUUID() string {
	h := randHex(32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// newTriggerID mimics Slack's "13345224609.738474920.8088930838d88f008e0".
func newTriggerID() string {
	return fmt.Sprintf("%d.%d.%s", rand.Int64N(9e10)+1e10, rand.Int64N(9e8)+1e8, randHex(21))
}

// tsClock hands out message timestamps: "seconds.micros", strictly increasing
// so that two messages never share a ts, as in a Slack channel.
type tsClock struct {
	mu   sync.Mutex
	last int64 // microseconds
}

func (c *tsClock) next() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now().UnixMicro()
	if now <= c.last {
		now = c.last + 1
	}
	c.last = now
	return fmt.Sprintf("%d.%06d", now/1e6, now%1e6)
}

// notifier wakes every waiter when something changes: waiters take the
// current channel, and a change closes it and makes a new one.
type notifier struct{ ch chan struct{} }

func (n *notifier) wait() <-chan struct{} {
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

func (n *notifier) broadcast() {
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}
