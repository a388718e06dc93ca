package bot

import (
	"runtime"
	"testing"
)

// Idle is false from the moment work starts until it ends, writes it left
// behind included, and true again after.
func TestIdle(t *testing.T) {
	b := &Bot{}
	if !b.Idle() {
		t.Fatal("a bot with no work is not idle")
	}
	release, started := make(chan struct{}), make(chan struct{})
	b.goWork(func() {
		b.inflight.Add(1) // a write the handler leaves behind
		close(started)
		<-release
	})
	<-started
	if b.Idle() {
		t.Fatal("idle while a handler runs")
	}
	close(release)
	for b.inflight.n.Load() != 1 {
		runtime.Gosched() // until the handler returns
	}
	if b.Idle() {
		t.Fatal("idle while a write the handler left behind is pending")
	}
	b.inflight.Done()
	b.inflight.Wait()
	if !b.Idle() {
		t.Fatal("not idle once every piece of work is done")
	}
}
