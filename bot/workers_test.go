package bot

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Work done one after another reuses one worker.
func TestGoWork_ReusesAnIdleWorker(t *testing.T) {
	b := newTestBot(t)
	var ran atomic.Int32
	for range 50 {
		b.goWork(func() { ran.Add(1) })
		waitFor(t, func() bool { _, idle := b.pool.counts(); return idle == 1 })
	}
	if ran.Load() != 50 {
		t.Fatalf("%d of 50 ran", ran.Load())
	}
	if running, _ := b.pool.counts(); running != 1 {
		t.Fatalf("%d workers for work done one at a time, want 1", running)
	}
}

// Nothing waits behind work that blocks: each gets a worker of its own, and
// shutdown's wait covers them all.
func TestGoWork_NeverQueuesBehindSlowWork(t *testing.T) {
	b := newTestBot(t)
	release := make(chan struct{})
	var started sync.WaitGroup
	started.Add(10)
	for range 10 {
		b.goWork(func() {
			started.Done()
			<-release
		})
	}
	started.Wait() // would hang if any waited for another to finish
	if running, idle := b.pool.counts(); running != 10 || idle != 0 {
		t.Fatalf("%d workers, %d idle, for 10 blocked handlers", running, idle)
	}
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
		t.Fatal("in-flight work counted done while it still runs")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	<-done
}

// Idle workers end after workerIdle.
func TestGoWork_IdleWorkersEnd(t *testing.T) {
	b := newTestBot(t)
	b.workerIdle = 10 * time.Millisecond
	for range 5 {
		b.goWork(func() { time.Sleep(5 * time.Millisecond) })
	}
	b.inflight.Wait()
	waitFor(t, func() bool { running, _ := b.pool.counts(); return running == 0 })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
	}
}

// A worker whose idle time runs out just as it is handed work stays for
// that work: leave reports it is no longer idle.
func TestWorkers_LeaveAfterTake(t *testing.T) {
	var p workers
	p.running = 2
	a, b := make(chan func(), 1), make(chan func(), 1)
	p.park(a)
	p.park(b)
	if got := p.take(); got != b {
		t.Fatal("take did not hand out the latest idle worker")
	}
	if p.leave(b) {
		t.Fatal("a worker already handed work was let leave")
	}
	if !p.leave(a) {
		t.Fatal("an idle worker was not let leave")
	}
	if running, idle := p.counts(); running != 1 || idle != 0 {
		t.Fatalf("%d running, %d idle; want 1, 0", running, idle)
	}
	if p.take() != nil {
		t.Fatal("take handed out a worker that left")
	}
}
