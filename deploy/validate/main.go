// Command validate checks mentorbot's deployment files without a cluster, so a
// typo in a manifest fails CI instead of a rollout.
//
// It renders each kustomization with the kustomize library (the one inside
// kubectl), decodes every object strictly into its Kubernetes API type
// (unknown, misspelt or duplicated fields fail; so does a kind it does not
// know), and then checks what the API server would not: that selectors
// select something, that probes and monitors name ports that exist, that
// every container is locked down and bounded, and that a CronJob's schedule
// parses. It also checks the example Secret, the image build context, the
// Dockerfile's pinned bases and labels, the compose file and the release
// configuration.
//
// It is its own module so that the Kubernetes libraries stay out of
// mentorbot's dependency graph. Run from the repository root:
//
//	(cd deploy/validate && go run . -root ../..)
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// kustomizations are rendered and checked; the overlay is also held to what
// a real deployment needs (an image of its own).
var kustomizations = []struct {
	dir        string
	needsImage bool
}{
	{"deploy/kubernetes/base", false},
	{"deploy/kubernetes/overlays/example", true},
}

func main() {
	root := flag.String("root", ".", "the repository's root")
	flag.Parse()
	if err := validate(*root); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// validate runs every check and returns all the problems found, one per line.
func validate(root string) error {
	var errs []error
	for _, k := range kustomizations {
		objs, err := render(filepath.Join(root, k.dir))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k.dir, err))
			continue
		}
		for _, p := range checkObjects(objs, k.needsImage) {
			errs = append(errs, fmt.Errorf("%s: %w", k.dir, p))
		}
		fmt.Printf("%s: %d objects\n", k.dir, len(objs))
	}
	errs = append(errs, checkSecretExample(filepath.Join(root, "deploy/kubernetes/secret.example.yaml"))...)
	errs = append(errs, checkDockerignore(root)...)
	errs = append(errs, checkDockerfile(filepath.Join(root, "Dockerfile"))...)
	errs = append(errs, checkCompose(root)...)
	errs = append(errs, checkGoreleaser(root)...)
	return errors.Join(errs...)
}
