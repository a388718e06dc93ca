package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The repository's own files pass.
func TestRepository(t *testing.T) {
	if err := validate("../.."); err != nil {
		t.Fatal(err)
	}
}

// Each kind of typo that CI must catch is refused by decode.
func TestDecodeRefuses(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"UnknownField": {`apiVersion: v1
kind: Service
metadata: {name: s}
spec: {clusterIp: None}`, "unknown field"},
		"MiscasedField": {`apiVersion: v1
kind: Service
metadata: {name: s}
spec: {ClusterIP: None}`, "unknown field"},
		"DuplicateKey": {`apiVersion: v1
kind: Service
metadata: {name: s}
spec: {clusterIP: None, clusterIP: None}`, "already set"},
		"UnknownKind": {`apiVersion: apps/v1
kind: StatefulSets
metadata: {name: s}`, "unexpected kind"},
		"BadQuantity": {`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: p}
spec: {resources: {requests: {storage: 1GB}}}`, "quantities must match"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := decode([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("decode: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// A base whose labels, ports or schedule disagree fails the checks that
// strict decoding cannot make.
func TestCheckObjectsRefuses(t *testing.T) {
	base := readBase(t)
	for name, tc := range map[string]struct{ file, old, new, want string }{
		"ServiceSelectorTypo": {"service.yaml", "app.kubernetes.io/name: mentorbot\n  ports", "app.kubernetes.io/name: mentorbott\n  ports", "Service mentorbot: its selector matches no pod"},
		"PolicyPeerTypo":      {"networkpolicy.yaml", "name: mentorbot-backup\n        - namespaceSelector", "name: mentorbot-bakup\n        - namespaceSelector", "a peer's podSelector matches no pod"},
		"ProbePortTypo":       {"statefulset.yaml", "path: /readyz\n              port: http", "path: /readyz\n              port: htp", "readinessProbe names port \"htp\""},
		"TwoReplicas":         {"statefulset.yaml", "replicas: 1", "replicas: 2", "replicas must be 1"},
		"BadSchedule":         {"backup-cronjob.yaml", `"17 3 * * *"`, `"17 25 * * *"`, "schedule"},
		"NoMemoryLimit":       {"statefulset.yaml", "limits:\n              memory: 128Mi", "limits: {}\n              #", "no memory limit"},
		"WritableRoot":        {"backup-cronjob.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem"},
		"SelectorNotTemplate": {"statefulset.yaml", "  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: mentorbot", "  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: other", "selector does not match"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for f, b := range base {
				if f == tc.file {
					if !strings.Contains(b, tc.old) {
						t.Fatalf("%s no longer contains %q: update the test", f, tc.old)
					}
					b = strings.Replace(b, tc.old, tc.new, 1)
				}
				if err := os.WriteFile(filepath.Join(dir, f), []byte(b), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			objs, err := render(dir)
			if err != nil {
				t.Fatal(err)
			}
			errs := checkObjects(objs, false)
			for _, e := range errs {
				if strings.Contains(e.Error(), tc.want) {
					return
				}
			}
			t.Fatalf("checkObjects: %v, want an error containing %q", errs, tc.want)
		})
	}
}

// The overlay must give the image a registry and a tag.
func TestCheckObjectsWantsImageInOverlay(t *testing.T) {
	objs, err := render("../kubernetes/base")
	if err != nil {
		t.Fatal(err)
	}
	errs := checkObjects(objs, true)
	if len(errs) == 0 || !strings.Contains(errs[0].Error(), "needs a registry and a tag") {
		t.Fatalf("checkObjects(base, needsImage): %v", errs)
	}
}

// A backup token left in the example Secret is refused.
func TestSecretExampleRefusesToken(t *testing.T) {
	b, err := os.ReadFile("../kubernetes/secret.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "# MENTOR_BACKUP_TOKEN:", "MENTOR_BACKUP_TOKEN:", 1)
	p := filepath.Join(t.TempDir(), "secret.yaml")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if errs := checkSecretExample(p); len(errs) != 1 || !strings.Contains(errs[0].Error(), "commented out") {
		t.Fatalf("checkSecretExample: %v", errs)
	}
}

// A .dockerignore that lets the env file in is refused.
func TestDockerignoreRefusesEnvFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("*.db\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	errs := checkDockerignore(dir)
	var found bool
	for _, e := range errs {
		found = found || strings.Contains(e.Error(), "deploy/mentorbot.env is in the build context")
	}
	if !found {
		t.Fatalf("checkDockerignore: %v", errs)
	}
}

func readBase(t *testing.T) map[string]string {
	t.Helper()
	entries, err := os.ReadDir("../kubernetes/base")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("../kubernetes/base", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

// A base image by tag alone, or missing labels, fails.
func TestDockerfileRefuses(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ old, new, want string }{
		"UnpinnedArg":  {"ARG GO_IMAGE=golang:1.26@sha256:", "ARG GO_IMAGE=golang:1.26 #", "not pinned by digest"},
		"UnpinnedFrom": {"FROM ${RUNTIME_IMAGE}", "FROM gcr.io/distroless/static-debian12:nonroot", "not pinned by digest"},
		"NoLicence":    {"org.opencontainers.image.licenses=", "org.opencontainers.image.licence=", "licenses label"},
		"NoCrossBuild": {"--platform=$BUILDPLATFORM ", "", "cross-compile"},
	} {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(string(b), tc.old) {
				t.Fatalf("the Dockerfile no longer contains %q: update the test", tc.old)
			}
			p := filepath.Join(t.TempDir(), "Dockerfile")
			if err := os.WriteFile(p, []byte(strings.Replace(string(b), tc.old, tc.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			errs := checkDockerfile(p)
			if len(errs) == 0 || !strings.Contains(errors.Join(errs...).Error(), tc.want) {
				t.Fatalf("checkDockerfile: %v, want %q", errs, tc.want)
			}
		})
	}
}

// Compose without log rotation, or publishing the port beyond loopback, fails.
func TestComposeRefuses(t *testing.T) {
	b, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ old, new, want string }{
		"NoRotation": {`max-size: "10m"`, `compress: "true"`, "not rotated"},
		"PublicPort": {`"127.0.0.1:8080:8080"`, `"8080:8080"`, "beyond loopback"},
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			os.MkdirAll(filepath.Join(root, "deploy"), 0o755)
			os.WriteFile(filepath.Join(root, "deploy/mentorbot.env.example"), nil, 0o644)
			if err := os.WriteFile(filepath.Join(root, "deploy/docker-compose.yml"), []byte(strings.Replace(string(b), tc.old, tc.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			errs := checkCompose(root)
			if len(errs) == 0 || !strings.Contains(errors.Join(errs...).Error(), tc.want) {
				t.Fatalf("checkCompose: %v, want %q", errs, tc.want)
			}
		})
	}
}
