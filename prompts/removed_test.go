package prompts_test

import (
	"testing"

	"github.com/mentorbot/mentorbot/prompts"
)

// removedIDs are the built-in prompts taken out of the catalog (merged into
// another, or dropped). Members' histories and journals still name them, so
// none may come back as another question: a new prompt needs a new id.
var removedIDs = []string{
	"communication-dm-or-thread", "delegation-gather-experts", "delegation-problem-not-solution",
	"empathy-candidate-side", "empathy-error-messages", "empathy-helper-energy",
	"first-principles-need-behind-request", "growth-back-and-forth", "hands-on-keyboard-or-coordination",
	"last-mile-adoption-signal", "quality-speed-flaky-tests", "quality-speed-paired-signals",
	"quality-speed-small-batches", "vision-orphan-problems",
}

func TestBuiltin_RemovedIDsStayRemoved(t *testing.T) {
	c, err := prompts.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range removedIDs {
		if p, ok := c.Prompt(id); ok {
			t.Errorf("%s:%d: %s was removed and must not be reused: give the prompt a new id", p.File, p.Line, id)
		}
	}
}
