package main

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// testParallel is how many of this package's tests run at once unless
// -parallel says otherwise. Its end-to-end tests spend much of their time
// waiting on sockets, timers, fsyncs and child processes rather than on the
// CPU: at Go's default of GOMAXPROCS (2 on a 2-core machine) a test that
// waits out Slack's 5 s answers holds one of the two places with the CPU
// idle. On the 2-core machine with -race the package took 62 s with 4, 51 s
// with 6 and 45 s with 8 (load average 4 to 5). The tests that hold the bot
// to Slack's real 3 s ack deadline are the risk of more:
// TestE2E_FaultSlowSlack once missed it with 8 when the load average was
// near 20, before the suite's CPU time was cut by a quarter; its acks came
// at 2.5 s with 8 at a load of 5.
const testParallel = 8

// TestMain runs the tests, testParallel at once by default, then removes the
// binary the crash tests built and the database they copied.
func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		flag.Set("test.parallel", strconv.Itoa(max(testParallel, runtime.GOMAXPROCS(0))))
	}
	code := m.Run()
	buildOnce.Do(func() {}) // waits for a build still running
	seedOnce.Do(func() {})
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	if seedFile != "" {
		os.RemoveAll(filepath.Dir(seedFile))
	}
	os.Exit(code)
}
