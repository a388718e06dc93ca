package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// Set at release time, for builds whose module information does not say
// (a tarball, a Docker build without .git):
//
//	go build -ldflags "-X main.version=1.2.0 -X main.commit=$(git rev-parse HEAD) -X main.date=$(date -u +%FT%TZ)"
//
// .goreleaser.yaml and the Dockerfile do. They are the program's only
// variables set from outside; everything else reads buildInfo.
var (
	version string
	commit  string
	date    string
)

// buildInfo says which build is running: in `mentorbot version`, the
// start-up log line and the mentorbot_build_info metric.
type buildInfo struct {
	Version   string // a release (v1.2.0), or "devel"
	Commit    string // the VCS revision, "-dirty" when built with local changes; "unknown" without VCS data
	Date      string // the commit's time, or the release build's
	GoVersion string
}

// readBuildInfo combines what the Go toolchain recorded in the binary (the
// module version for `go install …@v1.2.0`, the VCS revision and time for a
// build in a checkout) with the -ldflags values, which win when set.
func readBuildInfo() buildInfo {
	bi := buildInfo{Version: "devel", Commit: "unknown", Date: "unknown", GoVersion: "unknown"}
	if info, ok := debug.ReadBuildInfo(); ok {
		bi.GoVersion = info.GoVersion
		if v := info.Main.Version; v != "" && v != "(devel)" {
			bi.Version = v
		}
		var dirty bool
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				bi.Commit = s.Value
			case "vcs.time":
				bi.Date = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && bi.Commit != "unknown" {
			bi.Commit += "-dirty"
		}
	}
	for _, o := range []struct {
		dst *string
		v   string
	}{{&bi.Version, version}, {&bi.Commit, commit}, {&bi.Date, date}} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	return bi
}

// String is the one line `mentorbot version` prints.
func (bi buildInfo) String() string {
	return fmt.Sprintf("mentorbot %s (commit %s, built %s, %s)", bi.Version, bi.Commit, bi.Date, bi.GoVersion)
}

// versionCmd prints the build.
func versionCmd(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("version takes no arguments (got %s)", strings.Join(args, " "))
	}
	fmt.Fprintln(stdout, readBuildInfo())
	return nil
}
