package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"
)

// What checkDockerfile and checkCompose hold the container files to. There
// is no Docker daemon in CI, so these read the files rather than build them.

var (
	argRE    = regexp.MustCompile(`^ARG\s+(.+)$`)
	fromRE   = regexp.MustCompile(`^FROM\s+(?:--platform=\S+\s+)?(\S+)`)
	varRE    = regexp.MustCompile(`\$\{(\w+)\}`)
	digestRE = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)
)

// ociLabels are the labels a registry and a scanner read.
var ociLabels = []string{
	"org.opencontainers.image.source", "org.opencontainers.image.version",
	"org.opencontainers.image.revision", "org.opencontainers.image.licenses",
}

// checkDockerfile wants every base image pinned by digest (after the
// Dockerfile's own ARG defaults), the OCI labels, and a cross-compiling build
// stage so that a multi-arch build runs nothing under emulation.
func checkDockerfile(path string) []error {
	b, err := os.ReadFile(path)
	if err != nil {
		return []error{err}
	}
	args := map[string]string{}
	var errs []error
	var froms int
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := argRE.FindStringSubmatch(line); m != nil {
			for _, kv := range strings.Fields(m[1]) {
				k, v, _ := strings.Cut(kv, "=")
				args[k] = strings.Trim(v, `"`)
			}
		}
		if m := fromRE.FindStringSubmatch(line); m != nil {
			froms++
			image := varRE.ReplaceAllStringFunc(m[1], func(v string) string { return args[varRE.FindStringSubmatch(v)[1]] })
			if !digestRE.MatchString(image) {
				errs = append(errs, fmt.Errorf("Dockerfile: %q is not pinned by digest (@sha256:…)", image))
			}
		}
	}
	if froms == 0 {
		errs = append(errs, fmt.Errorf("Dockerfile: no FROM"))
	}
	text := string(b)
	for _, l := range ociLabels {
		if !strings.Contains(text, l+"=") {
			errs = append(errs, fmt.Errorf("Dockerfile: no %s label", l))
		}
	}
	if !strings.Contains(text, "--platform=$BUILDPLATFORM") || !strings.Contains(text, "GOARCH=$TARGETARCH") {
		errs = append(errs, fmt.Errorf("Dockerfile: the build stage must run on $BUILDPLATFORM and cross-compile for $TARGETARCH"))
	}
	return errs
}

// compose is the part of deploy/docker-compose.yml checkCompose reads.
type compose struct {
	Services map[string]struct {
		EnvFile string   `json:"env_file"`
		Ports   []string `json:"ports"`
		Logging struct {
			Driver  string            `json:"driver"`
			Options map[string]string `json:"options"`
		} `json:"logging"`
	} `json:"services"`
}

// checkCompose wants rotated logs, the env file the example documents, and
// the operator's port on loopback only.
func checkCompose(root string) []error {
	path := filepath.Join(root, "deploy/docker-compose.yml")
	b, err := os.ReadFile(path)
	if err != nil {
		return []error{err}
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		return []error{fmt.Errorf("%s: %w", path, err)}
	}
	s, ok := c.Services["mentorbot"]
	if !ok {
		return []error{fmt.Errorf("%s: no mentorbot service", path)}
	}
	var errs []error
	if s.Logging.Options["max-size"] == "" || s.Logging.Options["max-file"] == "" {
		errs = append(errs, fmt.Errorf("%s: logs are not rotated (logging.options max-size and max-file)", path))
	}
	if s.EnvFile != "mentorbot.env" {
		errs = append(errs, fmt.Errorf("%s: env_file is %q, want mentorbot.env (documented by mentorbot.env.example)", path, s.EnvFile))
	}
	if _, err := os.Stat(filepath.Join(root, "deploy/mentorbot.env.example")); err != nil {
		errs = append(errs, err)
	}
	for _, p := range s.Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			errs = append(errs, fmt.Errorf("%s: port %q is published beyond loopback", path, p))
		}
	}
	return errs
}

// checkGoreleaser wants the release's -X flags to name the variables
// cmd/mentorbot/version.go declares, or a release would report "devel", and
// checksums and an SBOM produced.
func checkGoreleaser(root string) []error {
	b, err := os.ReadFile(filepath.Join(root, ".goreleaser.yaml"))
	if err != nil {
		return []error{err}
	}
	var cfg struct {
		Builds []struct {
			Main    string   `json:"main"`
			Ldflags []string `json:"ldflags"`
		} `json:"builds"`
		Checksum map[string]any   `json:"checksum"`
		Sboms    []map[string]any `json:"sboms"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		return []error{fmt.Errorf(".goreleaser.yaml: %w", err)}
	}
	src, err := os.ReadFile(filepath.Join(root, "cmd/mentorbot/version.go"))
	if err != nil {
		return []error{err}
	}
	var errs []error
	if len(cfg.Builds) == 0 || cfg.Checksum == nil || len(cfg.Sboms) == 0 {
		errs = append(errs, fmt.Errorf(".goreleaser.yaml: wants builds, checksum and sboms"))
	}
	for _, bld := range cfg.Builds {
		flags := strings.Join(bld.Ldflags, " ")
		for _, v := range []string{"version", "commit", "date"} {
			if !strings.Contains(flags, "-X main."+v+"=") {
				errs = append(errs, fmt.Errorf(".goreleaser.yaml: ldflags do not set main.%s", v))
			}
			if !regexp.MustCompile(`(?m)^\s+` + v + `\s+string`).Match(src) {
				errs = append(errs, fmt.Errorf("cmd/mentorbot/version.go: no variable %s for -X main.%s", v, v))
			}
		}
		if bld.Main != "./cmd/mentorbot" {
			errs = append(errs, fmt.Errorf(".goreleaser.yaml: main is %q, want ./cmd/mentorbot", bld.Main))
		}
	}
	return errs
}
