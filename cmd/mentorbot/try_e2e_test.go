package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// readmeSession is the example try session in README.md: the first code
// block after "Try it" whose lines start with a member's prompt. The test
// reads it from the README so the two cannot drift apart.
func readmeSession(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "## Try it")
	if !ok {
		t.Fatal(`README.md has no "## Try it" section`)
	}
	for {
		var block string
		_, rest, ok = strings.Cut(rest, "```") // an opening fence, maybe with a language
		if ok {
			_, rest, ok = strings.Cut(rest, "\n")
		}
		if ok {
			block, rest, ok = strings.Cut(rest, "```")
		}
		if !ok {
			t.Fatal("README.md's Try it section has no example session")
		}
		if strings.HasPrefix(block, "ana> ") {
			return block
		}
	}
}

// runTry pipes input into a try session that starts at start, without
// colour and with the same prompts every run, and returns what it printed.
func runTry(t *testing.T, start time.Time, input string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out, errs bytes.Buffer
	off := false
	// A fixed seed: the catalog has prompts whose form asks for a scale
	// as well as words, and a session that met one at random failed now
	// and then.
	err := tryWith(ctx, tryOptions{start: start, color: &off, seed: 1, quiet: 100 * time.Millisecond}, args, strings.NewReader(input), &out, &errs)
	if err != nil {
		t.Fatalf("try: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errs.String())
	}
	if errs.Len() > 0 {
		t.Errorf("the bot logged:\n%s", errs.String())
	}
	return out.String()
}

// inOrder checks that transcript holds every one of want, in that order.
func inOrder(t *testing.T, transcript string, want ...string) {
	t.Helper()
	rest := transcript
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("transcript lacks %q after what came before it:\n%s", w, transcript)
		}
		rest = rest[i+len(w):]
	}
}

// TestTryReadmeSession pastes the README's example session into try, as a
// newcomer would, and checks the transcript: every line is understood,
// every surface shows as Slack shows it.
func TestTryReadmeSession(t *testing.T) {
	t.Parallel()
	// A Tuesday morning in Paris: the Friday 16:00 nudge is due once in 7d.
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := runTry(t, start, readmeSession(t))

	for _, bad := range []string{
		"No session command", "Type a slash command", "Nothing to click", "Give a", "(click failed", "(submit failed",
		"(the scheduler failed", "(could not", "(cannot", "No form is open", "did not respond",
		"<@", "<#", "&lt;", "&amp;", "<static_select", "<timepicker", "Slack would not send",
	} {
		if strings.Contains(out, bad) {
			t.Errorf("transcript shows %q:\n%s", bad, out)
		}
	}
	inOrder(t, out,
		"Starting a local Slack and the bot…",
		"You are ana.",
		// /mentor themes: an ephemeral reply, stamped in Paris time.
		"── mentorbot · Tue 1 Dec 09:00 · only visible to you\nTHEMES",
		// /mentor prompt daring, then :click 2 replaces the card.
		"[1 Reflect] [2 Another prompt]",
		"only visible to you · replaced",
		"[1 Reflect] [2 Another prompt]",
		// :advance 7d: the nudge comes at its own time, Friday 16:00.
		"── mentorbot · Fri 4 Dec 16:00 · :click 2.N\n",
		"[1 Reflect]",
		"Sent on the way: 1.",
		// :click 1 opens Reflect; :write saves it; the form says so.
		"── a form opened (only you see it)\nReflect",
		"Your reflection: [",
		"── the form now shows",
		"Saved to your journal",
		// /mentor journal.
		"I kept quiet in the design review.",
		// :say, then Save as a win on it.
		"── ana · ",
		"shipped the migration\n",
		"Saved to your wins, where only you can see it.",
		// :home, as published.
		"── your Home tab\n",
		"[1 Get a prompt]",
		// /mentor subscribe: the form shows the values it holds.
		"How often: [Every week ▾]",
		"Day (optional): [Friday ▾]",
		"Time: [16:00 ▾]",
		"Time zone: [Europe/Paris]",
		// :submit time=09:30 keeps the rest.
		"weekly on Friday at 09:30 (Europe/Paris)",
		// /mentor export and :open 1.
		"[file: ",
		":open 1 prints it",
		"# mentorbot: everything kept about ana", // the name Slack shows, not U0ANA
		// :lead, then a broadcast in #team with names, not ids.
		"ana is a lead now",
		"· #team\nDiscussion topic",
		"Asked for by @ana",
		// :user sam: what came for sam meanwhile.
		"You are sam now (America/New_York",
		"1 new message while you were away:",
		"· #team\nDiscussion topic",
		// :help lists the session's commands.
		":cancel",
		":lead",
	)
	// Each thing shows once: no stale form under a later command.
	for text, want := range map[string]int{"Sent on the way": 1, "Saved to your journal": 1, "Settings saved": 1, "── your Home tab": 1} {
		if n := strings.Count(out, text); n != want {
			t.Errorf("%q shows %d times, want %d", text, n, want)
		}
	}
}

// TestTryMembersAndReplacements: messages wait in each member's inbox, a
// replaced message loses its buttons, Home shows again when it changes,
// and the session's own errors say what to do.
func TestTryMembersAndReplacements(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) // a Tuesday
	out := runTry(t, start, `
:click 9
:shortcut
:shortcut save_win
/mentor forget
:click 2
:click 1
:user sam
/mentor subscribe daily 09:00
:user ana
/mentor subscribe weekdays 08:30
:advance 2d
/mentor subscribe
:user sam
:user ana
:cancel
:user sam
:user sam
:home
:click 3
:cancel
:write hello
:open 1
:frob
hello there
:user bob
click 2
mentor help
/mentr help
:USER ana
`)
	inOrder(t, out,
		"ana> :click 9\nNothing to click: no message shown to you has buttons yet.",
		"ana> :shortcut\nGive the shortcut's callback id",
		"ana> :shortcut save_win\nNo message to run a shortcut on yet",
		// Keep my data replaces the confirmation; its buttons are gone.
		"[1 Delete everything] [2 Keep my data]",
		"only visible to you · replaced\nNothing was deleted.",
		"ana> :click 1\nNothing to click: the bot replaced the last message that had buttons, and it has none now.",
		// sam's answer is shown to sam, not ana.
		"sam> /mentor subscribe daily 09:00",
		"You are ana now (Europe/Paris",
		"No new messages.",
		// Two days: ana gets Wednesday's and Thursday's, sam his two, each
		// stamped in the member's own zone.
		"── mentorbot · Wed 2 Dec 08:30 · :click 2.N\n",
		"── mentorbot · Thu 3 Dec 08:30 · :click 3.N\n",
		"Sent on the way: 4 (2 to you; :user NAME shows the others theirs).",
		"ana> /mentor subscribe\n",
		"── a form opened",
		"You are sam now (America/New_York",
		"2 new messages while you were away:",
		"── mentorbot · Tue 1 Dec 09:00 · :click 1.N\n", // 09:00 in New York is after 08:00 UTC
		"── mentorbot · Wed 2 Dec 09:00 · :click 2.N\n",
		// Back to ana: her form is where she left it.
		"You are ana now",
		`Your form "Settings" is still open`,
		"ana> :cancel\nForm closed; nothing was sent.",
		"sam> :user sam\nYou are sam already.",
		// Home, then its third button: the tab shows again, updated.
		"── your Home tab\n",
		"[3 Pause two weeks]",
		"── your Home tab (updated)\n",
		"sam> :cancel\nNo form is open.",
		"sam> :write hello\nNo form is open.",
		"sam> :open 1\nNo files yet",
		"sam> :frob\nNo session command :frob.",
		"sam> hello there\nType a slash command such as /mentor help",
		`sam> :user bob`+"\n"+`No member "bob"`,
		"sam> click 2\nSession commands start with a colon: :click 2.",
		"sam> mentor help\nSlash commands start with a slash: /mentor help",
		"sam> /mentr help\n(Slack would show: /mentr is not a valid command.",
		"sam> :USER ana\nYou are ana now",
	)
}

// TestTryFlags: -as starts as another member; an unknown one is refused
// before anything starts.
func TestTryFlags(t *testing.T) {
	t.Parallel()
	out := runTry(t, time.Time{}, ":lead\n", "-as", "lee")
	inOrder(t, out, "You are lee.", "lee> :lead\nlee is a lead already.")

	var stdout, stderr bytes.Buffer
	err := tryWith(context.Background(), tryOptions{}, []string{"-as", "bob"}, strings.NewReader(""), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), `no member "bob"`) {
		t.Errorf("try -as bob: %v", err)
	}
	if strings.Contains(stdout.String(), "Starting") {
		t.Errorf("started before refusing the flag:\n%s", stdout.String())
	}
	stdout.Reset()
	err = tryWith(context.Background(), tryOptions{}, []string{"-locale", "fr FR!"}, strings.NewReader(""), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), `-locale "fr FR!" is not a Slack locale`) || stdout.Len() > 0 {
		t.Errorf("try -locale 'fr FR!': %v, printed %q", err, stdout.String())
	}
}

// TestTryLocale: -locale fr-FR gives the members a French Slack, and the
// bot speaks French to them.
func TestTryLocale(t *testing.T) {
	t.Parallel()
	out := runTry(t, time.Time{}, "/mentor status\n/mentor language\n", "-locale", "fr-FR")
	inOrder(t, out, "ana> /mentor status", "Tu n'as pas d'abonnement.",
		"ana> /mentor language", "Je te parle en français, la langue de ton Slack (fr-FR).")
}

// BenchmarkTryStart: how long try takes from its call to the session's
// first prompt (the local Slack up, the database open, the bot connected),
// reported as ms-to-prompt; ns/op also counts the shutdown after an empty
// input.
//
//	go test -run '^$' -bench TryStart -benchtime 10x ./cmd/mentorbot
func BenchmarkTryStart(b *testing.B) {
	var toPrompt time.Duration
	off := false
	for b.Loop() {
		start := time.Now()
		pr, pw := io.Pipe()
		w := &firstWrite{marker: "ana> ", at: make(chan time.Time, 1)}
		done := make(chan error, 1)
		go func() {
			done <- tryWith(context.Background(), tryOptions{color: &off}, []string{"-db", filepath.Join(b.TempDir(), "db")}, pr, w, io.Discard)
		}()
		toPrompt += (<-w.at).Sub(start)
		pw.Close()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(toPrompt.Milliseconds())/float64(b.N), "ms-to-prompt")
}

// firstWrite notes when marker is first written.
type firstWrite struct {
	mu     sync.Mutex
	buf    strings.Builder
	marker string
	at     chan time.Time
	seen   bool
}

func (w *firstWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.seen && strings.Contains(w.buf.String(), w.marker) {
		w.seen = true
		w.at <- time.Now()
	}
	return len(p), nil
}

// TestTrySaySaveWin: :say posts as the member, in our DM or in #team, and
// Save as a win then keeps that message, its author and where it was said;
// another member can save it too. :say without text says what to type.
func TestTrySaySaveWin(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := runTry(t, start, `
:say
:say #team
:say shipped the migration & more
:shortcut save_win
/mentor wins
:say #team  pairing with @sam paid off
:user sam
:shortcut save_win
/mentor wins
`)
	for _, bad := range []string{"(could not post", "(shortcut failed", "<#D", "<@", "&amp;", "did not respond"} {
		if strings.Contains(out, bad) {
			t.Errorf("transcript shows %q:\n%s", bad, out)
		}
	}
	inOrder(t, out,
		"ana> :say\nGive the message's text: :say shipped the migration",
		"ana> :say #team\nGive the message's text",
		"ana> :say shipped the migration & more\n",
		"── ana · Tue 1 Dec 09:00\nshipped the migration & more\n",
		"ana> :shortcut save_win\n",
		"Saved to your wins, where only you can see it. You have 1 win now",
		"ana> /mentor wins\n",
		"@ana in a direct message",
		"shipped the migration & more",
		"ana> :say #team  pairing with @sam paid off\n",
		"── ana · Tue 1 Dec 09:00 · #team\npairing with @sam paid off\n",
		"You are sam now",
		"sam> :shortcut save_win\n",
		"Saved to your wins, where only you can see it. You have 1 win now",
		"sam> /mentor wins\n",
		"@ana in #team",
		"pairing with @sam paid off",
	)
}

// TestTryClickEarlierMessage: :click M.N presses a button of an earlier
// message, numbered in its header, after a newer one with buttons came;
// :click N still presses the newest. Numbers are each member's own, and a
// replaced message keeps its number.
func TestTryClickEarlierMessage(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := runTry(t, start, `
/mentor forget
/mentor prompt daring
:click 1.2
:click 1.1
:click 3.1
:click x.1
:click 2.9
:click 2
:user sam
:click 1.1
`)
	inOrder(t, out,
		"── mentorbot · Tue 1 Dec 09:00 · only visible to you · :click 1.N\n", "[1 Delete everything] [2 Keep my data]",
		"── mentorbot · Tue 1 Dec 09:00 · only visible to you · :click 2.N\n", "[1 Reflect] [2 Another prompt]",
		// Keep my data, pressed on the confirmation behind the card.
		"ana> :click 1.2\n", "only visible to you · replaced\nNothing was deleted.",
		"ana> :click 1.1\nNothing to click: the bot replaced message 1, and it has no buttons now.",
		"ana> :click 3.1\nGive a message number from 1 to 2, as its header shows (:click 2.N), then the button's.",
		"ana> :click x.1\nGive a message number from 1 to 2",
		"ana> :click 2.9\nGive a button number of message 2: 1 Reflect, 2 Another prompt",
		// The newest card, not the confirmation: Another prompt replaces it.
		"ana> :click 2\n", "only visible to you · replaced · :click 2.N\n",
		"sam> :click 1.1\nNothing to click: no message shown to you has buttons yet.",
	)
	if strings.Contains(out, "Everything I kept about you is deleted") {
		t.Errorf("a click meant for Keep my data deleted the data:\n%s", out)
	}
}

// TestTryThanksBot: a mention of the app's bot or of Slackbot typed in try
// reaches the bot as Slack sends it, and thanking either is refused as it
// would be in a workspace, where users.info describes both.
func TestTryThanksBot(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := runTry(t, start, `
/mentor thanks @mentorbot for the prompts
/mentor thanks @Slackbot for the reminders
/mentor thanks @sam for the review
`)
	inOrder(t, out,
		"ana> /mentor thanks @mentorbot for the prompts\n",
		"Bots keep no wins; thank the person behind it instead.",
		"ana> /mentor thanks @Slackbot for the reminders\n",
		"Bots keep no wins; thank the person behind it instead.",
		"ana> /mentor thanks @sam for the review\n",
		"Sent. @sam has your thanks",
	)
}
