package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestTryRefusesArguments: what is not a flag is refused before anything
// starts; `try sam` used to start as ana without a word.
func TestTryRefusesArguments(t *testing.T) {
	for _, args := range [][]string{{"sam"}, {"-as", "lee", "extra"}} {
		var stdout, stderr bytes.Buffer
		err := tryWith(context.Background(), tryOptions{}, args, strings.NewReader(""), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "try takes only flags") {
			t.Errorf("try %v: err = %v, want it refused", args, err)
		}
		if stdout.Len() > 0 {
			t.Errorf("try %v started before refusing:\n%s", args, stdout.String())
		}
	}
}
