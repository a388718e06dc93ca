package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// `mentorbot version` names the Go toolchain and, without release flags, a
// development build.
func TestVersionCommand(t *testing.T) {
	t.Parallel()
	out, err := runOps(nil, "version")
	if err != nil || !strings.HasPrefix(out, "mentorbot ") || !strings.Contains(out, runtime.Version()) {
		t.Fatalf("version = %q, %v", out, err)
	}
}

// A release build's -ldflags -X values are what version prints, as
// .goreleaser.yaml and the Dockerfile set them.
func TestVersionLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "mentorbot")
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X main.version=v9.8.7 -X main.commit=0123abc -X main.date=2026-12-01T10:00:00Z", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "mentorbot v9.8.7 (commit 0123abc, built 2026-12-01T10:00:00Z, " + runtime.Version() + ")\n"
	if string(out) != want {
		t.Fatalf("version = %q, want %q", out, want)
	}
}
