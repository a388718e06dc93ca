package bot

import (
	"context"
	"errors"
	"iter"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

func TestDispatch_Help(t *testing.T) {
	b := newTestBot(t)
	for _, text := range []string{"", "help", "  HELP "} {
		r, err := dispatch(t, b, text)
		if err != nil {
			t.Fatal(err)
		}
		got := blocksText(t, r)
		for _, want := range []string{"/mentor prompt [THEME]", "/mentor themes", "/mentor role"} {
			if !strings.Contains(got, want) {
				t.Fatalf("help for %q lacks %q:\n%s", text, want, got)
			}
		}
	}

}

// A mistyped subcommand gets the one it most likely meant and that one's
// usage, under the command name as typed; a word close to none gets a
// pointer to help. Neither is the whole help.
func TestDispatch_Unknown(t *testing.T) {
	b := newTestBot(t)
	for _, tc := range []struct{ name, text, want string }{
		{"/mentor", "promt", "I don't know `promt`. Did you mean `/mentor prompt`?\n`/mentor prompt [THEME]`  a prompt"},
		{"/mentor", "PROMT impostor", "Did you mean `/mentor prompt`?"},
		{"/coach", "promt", "Did you mean `/coach prompt`?\n`/coach prompt [THEME]`  a prompt to reflect on now; THEME is an id or its first letters. `/coach help` lists everything."},
		{"/mentor", "stauts", "Did you mean `/mentor status`?"},
		{"/mentor", "subcribe daily 08:00", "Did you mean `/mentor subscribe`?\n`/mentor subscribe [weekly|daily|weekdays] [DAY] [HH:MM] [TZ]`"},
		{"/mentor", "unsubcribe", "Did you mean `/mentor unsubscribe`?"},
		{"/mentor", "jounral 5", "Did you mean `/mentor journal`?"},
		{"/mentor", "theme", "Did you mean `/mentor themes`?"},
		{"/mentor", "broadcats #team vision", "Did you mean `/mentor broadcast`?"},
		{"/mentor", "broadcastss", "Did you mean `/mentor broadcasts`?"},
		{"/mentor", "stat", "Did you mean `/mentor status`?"},
		{"/mentor", "broad", "Did you mean `/mentor broadcast`?"},
		{"/mentor", "he", "Did you mean `/mentor help`?"},
		{"/mentor", "daring", "Did you mean `/mentor prompt daring`?\n`/mentor prompt [THEME]`"},
		{"/mentor", "Imp", "Did you mean `/mentor prompt impostor`?"},
		{"/mentor", "dele", "Did you mean `/mentor prompt delegation`?"},
		{"/mentor", "de", "I don't know `de`.\n`/mentor help`"}, // too short to guess a theme from
		{"/mentor", "frobnicate now", "I don't know `frobnicate`.\n`/mentor help` lists everything I can do; `/mentor prompt` gives you something to reflect on now."},
		{"/mentor", "xyz", "I don't know `xyz`.\n`/mentor help`"},
		{"/mentor", "fo", "I don't know `fo`.\n`/mentor help`"}, // focus or forget?
		{"/mentor", "p", "I don't know `p`.\n`/mentor help`"},
		{"/mentor", "<!here>", "I don't know `@here`.\n"}, // as typed; plain text pings nobody
	} {
		t.Run(tc.text, func(t *testing.T) {
			c := &Command{UserID: "U1", ChannelID: "D1", Name: tc.name}
			r, err := b.Dispatch(context.Background(), c, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			got := blocksText(t, r)
			if !strings.Contains(got, tc.want) {
				t.Fatalf("reply:\n%s\nwant it to contain:\n%s", got, tc.want)
			}
			if len(r.Blocks) != 2 || strings.Contains(got, "human side of engineering") {
				t.Fatalf("%d blocks; want one line and a usage line, not the whole help:\n%s", len(r.Blocks), got)
			}
			if c.Sub != "unknown" {
				t.Fatalf("logged as %q; member text must not reach a log label", c.Sub)
			}
		})
	}
}

func TestSlips(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"prompt", "prompt", 0}, {"promt", "prompt", 1}, {"porMpt", "prompt", 2}, {"rpompt", "prompt", 1},
		{"", "skip", 4}, {"skip", "", 4}, {"ca", "abc", 3}, {"été", "ete", 2},
	} {
		if got := slips(tc.a, tc.b); got != tc.want {
			t.Errorf("slips(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestDispatch_Themes(t *testing.T) {
	b := newTestBot(t)
	r, err := dispatch(t, b, "themes")
	if err != nil {
		t.Fatal(err)
	}
	got := blocksText(t, r)
	for _, want := range []string{"`impostor`  *Impostor syndrome* (3 private prompts, 1 team topic)", "`daring`  *Daring* (2 private prompts, 1 team topic)", "`delegation`  *Delegation* (1 team topic)", "Letting experts choose the path."} {
		if !strings.Contains(got, want) {
			t.Fatalf("themes lacks %q:\n%s", want, got)
		}
	}
}

func TestDispatch_Prompt(t *testing.T) {
	t.Run("NoRepeatUntilExhausted", func(t *testing.T) {
		b := newTestBot(t)
		seen := map[string]bool{}
		for i := range 3 {
			r, err := dispatch(t, b, "prompt impostor")
			if err != nil {
				t.Fatal(err)
			}
			if seen[r.Text] {
				t.Fatalf("prompt %d repeats %q before the theme is exhausted", i, r.Text)
			}
			seen[r.Text] = true
		}
		hist, err := b.Members.History("U1", 0)
		if err != nil || len(hist) != 3 {
			t.Fatalf("history = %+v, %v; want 3 entries", hist, err)
		}
		if !hist[0].NewCycle || hist[1].NewCycle || hist[2].NewCycle {
			t.Fatalf("cycle markers = %v %v %v", hist[0].NewCycle, hist[1].NewCycle, hist[2].NewCycle)
		}
		// The theme is exhausted: a fourth asks starts a new cycle, not with
		// the prompt just shown.
		r, err := dispatch(t, b, "prompt impostor")
		if err != nil {
			t.Fatal(err)
		}
		hist, _ = b.Members.History("U1", 0)
		if len(hist) != 4 || !hist[3].NewCycle || hist[3].PromptID == hist[2].PromptID {
			t.Fatalf("new cycle entry = %+v (previous %s)", hist[3], hist[2].PromptID)
		}
		if !seen[r.Text] {
			t.Fatalf("new cycle offered %q, which is not in the theme", r.Text)
		}
	})

	t.Run("Prefix", func(t *testing.T) {
		b := newTestBot(t)
		r, err := dispatch(t, b, "prompt imp")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(blocksText(t, r), "`impostor`") {
			t.Fatalf("prompt imp did not give an impostor prompt:\n%s", blocksText(t, r))
		}
	})

	t.Run("Card", func(t *testing.T) {
		b := newTestBot(t)
		r, err := dispatch(t, b, "prompt daring")
		if err != nil {
			t.Fatal(err)
		}
		got := blocksText(t, r)
		if !strings.Contains(got, "*Daring*") || !strings.Contains(got, "daring question?") || !strings.Contains(got, "Another prompt") {
			t.Fatalf("card:\n%s", got)
		}
	})

	t.Run("DiscussionOnlyTheme", func(t *testing.T) {
		b := newTestBot(t)
		r, err := dispatch(t, b, "prompt delegation")
		if err != nil || !strings.Contains(r.Text, "decide without asking") {
			t.Fatalf("reply = %q, %v", r.Text, err)
		}
	})

	t.Run("ErrUnknownTheme", func(t *testing.T) {
		b := newTestBot(t)
		_, err := dispatch(t, b, "prompt mars")
		if ErrorCode(err) != ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
		msg := ErrorMessage(err)
		for _, id := range []string{"`impostor`", "`daring`", "`delegation`", "`mars`"} {
			if !strings.Contains(msg, id) {
				t.Fatalf("message lacks %s: %q", id, msg)
			}
		}
	})

	t.Run("ErrAmbiguousTheme", func(t *testing.T) {
		b := newTestBot(t)
		_, err := dispatch(t, b, "prompt d")
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "`daring` or `delegation`") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ErrTwoThemes", func(t *testing.T) {
		b := newTestBot(t)
		if _, err := dispatch(t, b, "prompt daring impostor"); ErrorCode(err) != EINVALID {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("HostileThemeIsNotEchoed", func(t *testing.T) {
		b := newTestBot(t)
		_, err := dispatch(t, b, "prompt <!channel>"+strings.Repeat("z", 200))
		msg := ErrorMessage(err)
		if strings.Contains(msg, "<!channel>") || strings.Contains(msg, strings.Repeat("z", 50)) {
			t.Fatalf("message echoes hostile input: %q", msg)
		}
	})
}

func TestDispatch_Role(t *testing.T) {
	b := newTestBot(t)
	if _, err := dispatch(t, b, "role staff"); err != nil {
		t.Fatal(err)
	}
	u, _ := b.Members.User("U1")
	if u.Role != "staff" {
		t.Fatalf("role = %q", u.Role)
	}
	r, _ := dispatch(t, b, "role")
	if !strings.Contains(r.Text, "`staff`") {
		t.Fatalf("role reply = %q", r.Text)
	}
	if _, err := dispatch(t, b, "role wizard"); ErrorCode(err) != EINVALID {
		t.Fatalf("err = %v", err)
	}
	if _, err := dispatch(t, b, "role none"); err != nil {
		t.Fatal(err)
	}
	u, _ = b.Members.User("U1")
	if u.Role != "" {
		t.Fatalf("role after none = %q", u.Role)
	}
}

// A failing store is our error: logged, and the member gets the apology.
func TestDispatch_StoreFailure(t *testing.T) {
	b := newTestBot(t)
	b.Members = failingStore{b.Members}
	_, err := dispatch(t, b, "prompt")
	if err == nil || ErrorCode(err) != EINTERNAL || ErrorMessage(err) != apology {
		t.Fatalf("err = %v (%s)", err, ErrorMessage(err))
	}
}

type failingStore struct{ MemberStore }

var errDisk = errors.New("disk on fire")

func (failingStore) History(string, int) ([]store.HistoryEntry, error) { return nil, errDisk }
func (failingStore) UserHistory(string, int, func(store.User, func(string) iter.Seq[store.HistoryEntry]) error) error {
	return errDisk
}

// `prompt THEME` says when the member's cycle through the theme starts over,
// on that card only.
func TestDispatch_PromptCycleRestart(t *testing.T) {
	b := newTestBot(t)
	const notice = "You have seen every prompt in *Daring*; here they come again, in a new order."
	// daring has two private prompts: the third pick starts over.
	for i, want := range []bool{false, false, true, false} {
		r, err := dispatch(t, b, "prompt daring")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(blocksText(t, r), notice); got != want {
			t.Errorf("pick %d shows the restart notice = %v, want %v", i, got, want)
		}
	}
}

// A command typed as a sentence ends as one: its last word's full stop,
// question or exclamation mark is not part of it; a quoted topic keeps
// its own.
func TestDispatch_SentencePunctuation(t *testing.T) {
	b := newTestBot(t)
	if got := mustDispatch(t, b, "subscribe weekly fri 16:00."); !strings.Contains(got, "weekly on Friday at 16:00") {
		t.Fatalf("subscribe 16:00.: %q", got)
	}
	if r, err := dispatch(t, b, "status?"); err != nil || !strings.Contains(blocksText(t, r), "weekly on Friday at 16:00") {
		t.Fatalf("status?: %v", err)
	}
	if r, err := dispatch(t, b, "prompt impostor."); err != nil || !strings.Contains(blocksText(t, r), "`impostor`") {
		t.Fatalf("prompt impostor.: %v", err)
	}
	lead := newLeadBot(t)
	mustDispatch(t, lead, `broadcast C0TEAM1 every mon 10:00 UTC "what did we ship?"`)
	if bs, _ := lead.Broadcasts.BroadcastsByLead("U1"); len(bs) != 1 || bs[0].Topic != "what did we ship?" {
		t.Fatalf("a quoted topic lost its question mark: %+v", bs)
	}
}
