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
// -parallel says otherwise. Its end-to-end tests spend most of their time
// waiting on sockets, timers and fsyncs rather than on the CPU: at Go's
// default of GOMAXPROCS (2 on a 2-core machine) a test that waits out Slack's
// 5 s answers holds one of the two places for 16 s with the CPU idle. More
// than 4 starves the tests that hold the bot to Slack's real 3 s ack deadline
// (TestE2E_FaultSlowSlack missed it with 8 on a loaded 2-core machine).
const testParallel = 4

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
