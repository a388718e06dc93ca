package main

import (
	"bufio"
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

// -h lists every variable loadConfig reads, each with its default.
func TestHelpListsEveryVariable(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"help", "help"}, {"-h", "--help"}} {
		arg := strings.Join(args, " ")
		var out, errOut bytes.Buffer
		if err := run(t.Context(), args, mapEnv(nil), nil, &out, &errOut); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		for _, v := range envVars {
			want := v.def
			if want == "" {
				want = "(empty)"
			}
			if strings.HasPrefix(v.help, "required") {
				want = "(required)"
			}
			line := lineWith(out.String(), "  "+v.key+" ")
			if line == "" || !strings.Contains(line, " "+want+" ") {
				t.Errorf("%s: the line for %s is %q, want its default %q", arg, v.key, line, want)
			}
		}
	}
}

// loadConfig reads exactly the documented variables: one it reads but -h
// does not list, or one listed that it ignores, fails here.
func TestLoadConfigReadsEnvVars(t *testing.T) {
	t.Parallel()
	var read []string
	env := mapEnv(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
	if _, err := loadConfig(func(k string) (string, bool) { read = append(read, k); return env(k) }); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, v := range envVars {
		documented = append(documented, v.key)
	}
	slices.Sort(read)
	slices.Sort(documented)
	if !slices.Equal(slices.Compact(read), documented) {
		t.Fatalf("loadConfig reads %v\nenvVars documents %v", read, documented)
	}
}

// Every command answers --help with its own usage on stdout and exit 0,
// without reading its configuration (serve --help needs no tokens).
func TestSubcommandHelp(t *testing.T) {
	t.Parallel()
	for _, sub := range []string{"serve", "try", "prompts", "check", "backup", "health", "version"} {
		for _, args := range [][]string{{sub, "--help"}, {sub, "-h"}, {"help", sub}} {
			var out, errOut bytes.Buffer
			if err := run(t.Context(), args, mapEnv(nil), nil, &out, &errOut); err != nil {
				t.Errorf("%q: %v", args, err)
				continue
			}
			if !strings.HasPrefix(out.String(), "Usage: mentorbot "+sub) || errOut.Len() != 0 {
				t.Errorf("%q: stdout %q, stderr %q", args, out.String(), errOut.String())
			}
		}
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"prompts", "lint", "--help"}, mapEnv(nil), nil, &out, &out); err != nil || !strings.Contains(out.String(), "no prompt file") {
		t.Errorf("prompts lint --help: %v, %q", err, out.String())
	}
	if err := run(t.Context(), []string{"try", "--help"}, mapEnv(nil), nil, &out, &out); err != nil || !strings.Contains(out.String(), "-db string") {
		t.Errorf("try --help lacks its flags: %v, %q", err, out.String())
	}
	if err := run(t.Context(), []string{"help", "nonsense"}, mapEnv(nil), nil, &out, &out); err == nil {
		t.Error("help nonsense: no error")
	}
}

// As a process: help exits 0, a mistake exits 1, and serve --help starts
// nothing even with no token set.
func TestHelpExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-h"}, 0}, {[]string{"serve", "--help"}, 0}, {[]string{"try", "-db", "x.db", "-h"}, 0},
		{[]string{"version"}, 0}, {[]string{"frobnicate"}, 1}, {[]string{"version", "extra"}, 1},
	} {
		if code, _, stderr := runMain(t, nil, tc.args...); code != tc.code {
			t.Errorf("%q: exit %d, want %d (stderr %q)", tc.args, code, tc.code, stderr)
		}
	}
}

// deploy/mentorbot.env.example lists every variable with its default, so an
// operator can copy it and change what they need.
func TestEnvExampleListsEveryVariable(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../deploy/mentorbot.env.example")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		line = strings.TrimSpace(strings.TrimPrefix(line, "#")) // commented-out defaults count
		if k, v, ok := strings.Cut(line, "="); ok && !strings.Contains(k, " ") {
			got[k] = v
		}
	}
	for _, v := range envVars {
		val, ok := got[v.key]
		switch {
		case !ok:
			t.Errorf("%s is not in the example", v.key)
		case !strings.HasPrefix(v.help, "required") && val != v.def:
			t.Errorf("%s=%q in the example, but its default is %q", v.key, val, v.def)
		}
		delete(got, v.key)
	}
	for k := range got {
		t.Errorf("the example sets %s, which the program does not read", k)
	}
}

func lineWith(text, prefix string) string {
	for l := range strings.Lines(text) {
		if strings.HasPrefix(l, prefix) {
			return strings.TrimRight(l, "\n")
		}
	}
	return ""
}
