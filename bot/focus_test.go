package bot

import (
	"slices"
	"strings"
	"testing"
)

func TestFocus(t *testing.T) {
	t.Run("ErrNotSubscribed", func(t *testing.T) {
		b := newTestBot(t)
		_, err := dispatch(t, b, "focus impostor")
		if ErrorCode(err) != ENOTFOUND || !strings.HasPrefix(ErrorMessage(err), "You are not subscribed yet. `/mentor subscribe`") {
			t.Fatalf("err = %v", err)
		}
		if _, ok, _ := b.Schedules.Subscription("U1"); ok {
			t.Fatal("focus subscribed the member")
		}
	})

	b := newTestBot(t)
	if _, err := dispatch(t, b, "subscribe"); err != nil {
		t.Fatal(err)
	}
	// Each step starts from what the one before left.
	for _, tc := range []struct {
		text  string
		reply string // the reply, or the error's message
		focus []string
	}{
		{"focus impostor daring", "Your scheduled prompts now come from `impostor` and `daring`.", []string{"impostor", "daring"}},
		{"focus imp IMPOSTOR impostor", "Your scheduled prompts now come from `impostor`.", []string{"impostor"}},
		{"focus del", "Your scheduled prompts now come from `delegation`.", []string{"delegation"}},
		{"focus", "Which themes? For example `/mentor focus impostor last-mile`, or `/mentor focus all`.", []string{"delegation"}},
		{"focus daring nosuch", "I don't know the theme `nosuch`.", []string{"delegation"}}, // nothing half-applied
		{"focus d", "`d` could be", []string{"delegation"}},
		{"focus ALL", "Your scheduled prompts now come from every theme.", nil},
	} {
		t.Run(tc.text, func(t *testing.T) {
			r, err := dispatch(t, b, tc.text)
			got := r.Text
			if err != nil {
				got = ErrorMessage(err)
				if code := ErrorCode(err); code == EINTERNAL {
					t.Fatalf("err = %v", err)
				}
			}
			if !strings.Contains(got, tc.reply) {
				t.Fatalf("reply %q; want %q", got, tc.reply)
			}
			if sub := mustSub(t, b, "U1"); !slices.Equal(sub.Focus, tc.focus) {
				t.Fatalf("focus %q; want %q", sub.Focus, tc.focus)
			}
		})
	}
}

// Scheduled prompts come only from the focus themes, and from any once the
// focus is cleared.
func TestFocus_ScheduledPromptsFollowIt(t *testing.T) {
	b := newTestBot(t)
	for _, text := range []string{"subscribe", "focus daring"} {
		if _, err := dispatch(t, b, text); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 {
		pick, err := b.pickNudgePrompt(mustSub(t, b, "U1"))
		if err != nil || pick.Prompt.Theme != "daring" {
			t.Fatalf("picked %+v, %v; want a daring prompt", pick.Prompt, err)
		}
	}
	if _, err := dispatch(t, b, "focus all"); err != nil {
		t.Fatal(err)
	}
	themes := map[string]bool{}
	for range 50 {
		pick, err := b.pickNudgePrompt(mustSub(t, b, "U1"))
		if err != nil {
			t.Fatal(err)
		}
		themes[pick.Prompt.Theme] = true
	}
	if len(themes) < 2 {
		t.Fatalf("50 picks after `focus all` came from %v only", themes)
	}
}
