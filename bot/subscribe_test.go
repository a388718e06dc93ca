package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// promptForTest is the prompt of the nudge cards these tests build.
var promptForTest = prompts.Prompt{ID: "daring-one", Theme: "daring", Text: "First daring question?"}

// The test bot's clock reads Friday 20 November 2026, 16:00 UTC.
var (
	fri27 = time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC) // U1's next slot once subscribed with the defaults
	fri4  = fri27.AddDate(0, 0, 7)
	fri11 = fri27.AddDate(0, 0, 14)
)

// mustDispatch runs a command as U1 and returns its reply's text, failing on
// an error.
func mustDispatch(t *testing.T, b *Bot, text string) string {
	t.Helper()
	r, err := dispatch(t, b, text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return r.Text
}

// mustFail runs a command as U1 and returns the member's error line.
func mustFail(t *testing.T, b *Bot, text string, code string) string {
	t.Helper()
	r, err := dispatch(t, b, text)
	if err == nil {
		t.Fatalf("%s: no error, replied %q", text, r.Text)
	}
	if ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", text, err, code)
	}
	return ErrorMessage(err)
}

func contains(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("%q does not contain %q", got, w)
		}
	}
}

func TestSubscribe(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		b := newTestBot(t)
		got := mustDispatch(t, b, "subscribe")
		contains(t, got, "You are subscribed: weekly on Friday at 16:00 (UTC).", "The next prompt arrives Friday 27 November at 16:00 UTC.", "`/mentor status`")
		if sub := mustSub(t, b, "U1"); !sub.NextDue.Equal(fri27) {
			t.Fatalf("NextDue = %v, want %v", sub.NextDue, fri27)
		}
	})
	// A partial subscribe changes only what it names, and says the whole
	// schedule that results.
	t.Run("Partial", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe daily 09:00 Asia/Tokyo")
		contains(t, mustDispatch(t, b, "subscribe 16:00"), "Your schedule is now: daily at 16:00 (Asia/Tokyo).")
		contains(t, mustDispatch(t, b, "subscribe weekly"), "Your schedule is now: weekly on Friday at 16:00 (Asia/Tokyo).")
		contains(t, mustDispatch(t, b, "subscribe tue"), "weekly on Tuesday at 16:00 (Asia/Tokyo)")
		contains(t, mustDispatch(t, b, "subscribe"), "Your schedule stays: weekly on Tuesday at 16:00 (Asia/Tokyo).")
		if sub := mustSub(t, b, "U1"); sub.Cadence != store.CadenceWeekly || sub.Day != time.Tuesday || sub.TZ != "Asia/Tokyo" || sub.Hour != 16 {
			t.Fatalf("stored %s", sub.Describe())
		}
	})
	t.Run("KeepsFocusPauseAndSkips", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		mustDispatch(t, b, "focus daring")
		mustDispatch(t, b, "skip")
		mustDispatch(t, b, "pause until 2026-12-01")
		got := mustDispatch(t, b, "subscribe 16:00 utc")
		contains(t, got, "Your schedule stays", "paused until Tuesday 1 December")
		// The skip falls inside the pause: kept, but not worth a line.
		if strings.Contains(got, "Skipped") {
			t.Fatalf("a skip inside the pause listed: %q", got)
		}
		sub := mustSub(t, b, "U1")
		if !sub.Skipped(fri27) || !sub.Paused(b.Now()) || len(sub.Focus) != 1 || !sub.NextDue.Equal(fri4) {
			t.Fatalf("after subscribe: %+v", sub)
		}
	})
	// The README's "a skipped prompt stays": skipped, then another time of
	// the same day, the day's prompt is still skipped.
	t.Run("SkipFollowsANewTime", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe weekly fri 16:00")
		mustDispatch(t, b, "skip")
		contains(t, mustDispatch(t, b, "subscribe 17:00"), "The next prompt arrives Friday 20 November at 17:00 UTC", "Skipped: Fri 27 Nov")
		if sub := mustSub(t, b, "U1"); !sub.Skipped(fri27.Add(time.Hour)) {
			t.Fatalf("skips after a new time: %v", sub.Skips)
		}
	})
	t.Run("ZoneAsTyped", func(t *testing.T) {
		b := newTestBot(t)
		contains(t, mustDispatch(t, b, "subscribe 9am new york"), "weekly on Friday at 09:00 (America/New_York)", "`new york` read as America/New_York")
		contains(t, mustDispatch(t, b, "subscribe +02:00"), "(UTC+02:00)", "ignores daylight saving")
	})
	t.Run("ErrAmbiguousZone", func(t *testing.T) {
		b := newTestBot(t)
		contains(t, mustFail(t, b, "subscribe 09:00 IST", EINVALID), "`IST` could be `Asia/Kolkata`, `Europe/Dublin` or `Asia/Jerusalem`", "`/mentor subscribe weekly fri 16:00 Asia/Kolkata`")
		if _, ok, _ := b.Schedules.Subscription("U1"); ok {
			t.Fatal("subscribed despite the error")
		}
	})
}

func TestSkip(t *testing.T) {
	// `skip` twice: the same slot, once.
	t.Run("Idempotent", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		contains(t, mustDispatch(t, b, "skip"), "Skipped the prompt of Friday 27 November at 16:00 UTC.", "The next prompt arrives Friday 4 December")
		contains(t, mustDispatch(t, b, "skip"), "The prompt of Friday 27 November at 16:00 UTC is already skipped.", "The next prompt arrives Friday 4 December")
		if sub := mustSub(t, b, "U1"); !sub.NextDue.Equal(fri4) {
			t.Fatalf("NextDue = %v after two skips, want %v", sub.NextDue, fri4)
		}
		ns, _ := b.Schedules.Nudges("U1", 0)
		if len(ns) != 1 || ns[0].Status != store.NudgeSkipped || ns[0].Reason != "skip" || !ns[0].Slot.Equal(fri27) {
			t.Fatalf("nudge records %+v, want one skip of %v", ns, fri27)
		}
	})
	// A nudge card's button skips the slot it names, however often it is
	// pressed, and `skip` for the same slot then changes nothing.
	t.Run("CardDoubleClick", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		sub := mustSub(t, b, "U1")
		card := fri27.AddDate(0, 0, -7) // the card sent last Friday; its button names 27 November
		value := skipValue(t, nudgeBlocks(cardView{Prompt: &promptForTest}, nil, card, sub.Schedule, nil))
		c := &Command{UserID: "U1", Name: "/mentor"}
		for i := range 3 {
			r, err := b.skipFromCard(c, value)
			if err != nil {
				t.Fatal(err)
			}
			want := "Skipped the prompt of Friday 27 November"
			if i > 0 {
				want = "already skipped"
			}
			contains(t, r.Text, want)
		}
		contains(t, mustDispatch(t, b, "skip"), "already skipped")
		if sub := mustSub(t, b, "U1"); !sub.NextDue.Equal(fri4) || len(sub.Skips) != 1 {
			t.Fatalf("after three clicks and a skip: NextDue %v, skips %v", sub.NextDue, sub.Skips)
		}
	})
	// A card sent before buttons named their slot skips the one after the
	// card's.
	t.Run("OldCard", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		old := promptRef{PromptID: "daring-one", Theme: "daring", Slot: fri27.AddDate(0, 0, -7)}
		r, err := b.skipFromCard(&Command{UserID: "U1", Name: "/mentor"}, old.value())
		if err != nil {
			t.Fatal(err)
		}
		contains(t, r.Text, "Skipped the prompt of Friday 27 November")
	})
	t.Run("ScheduleChanged", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		value := skipValue(t, nudgeBlocks(cardView{Prompt: &promptForTest}, nil, fri27.AddDate(0, 0, -7), mustSub(t, b, "U1").Schedule, nil))
		mustDispatch(t, b, "subscribe 09:00")
		r, err := b.skipFromCard(&Command{UserID: "U1", Name: "/mentor"}, value)
		if err != nil {
			t.Fatal(err)
		}
		contains(t, r.Text, "Your schedule changed since this card", "skipped nothing")
		if sub := mustSub(t, b, "U1"); len(sub.Skips) != 0 {
			t.Fatalf("skips %v", sub.Skips)
		}
	})
	// skip, pause, resume: the skipped week stays skipped.
	// A skipped slot that has passed is no longer listed, though the record
	// keeps it until the schedule next advances.
	t.Run("PassedSkipNotListed", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe weekdays 08:00 UTC")
		mustDispatch(t, b, "skip") // Mon 23 Nov
		st, err := dispatch(t, b, "status")
		if err != nil {
			t.Fatal(err)
		}
		contains(t, blocksText(t, st), "*Skipped:* Mon 23 Nov")
		later := time.Date(2026, 11, 23, 11, 15, 0, 0, time.UTC) // the skipped slot has passed
		b.Now = func() time.Time { return later }
		if st, err = dispatch(t, b, "status"); err != nil {
			t.Fatal(err)
		}
		if got := blocksText(t, st); strings.Contains(got, "Skipped") {
			t.Fatalf("status lists a skip that has passed: %q", got)
		}
	})
	t.Run("PauseResumeKeepsSkip", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		mustDispatch(t, b, "skip")
		contains(t, mustDispatch(t, b, "pause 2w"), "The next prompt arrives Friday 4 December")
		st, err := dispatch(t, b, "status")
		if err != nil {
			t.Fatal(err)
		}
		if got := blocksText(t, st); strings.Contains(got, "Skipped") {
			t.Fatalf("status lists a skip inside the pause: %q", got)
		}
		contains(t, mustDispatch(t, b, "resume"), "Welcome back. The next prompt arrives Friday 4 December", "Skipped: Fri 27 Nov")
	})
	t.Run("ErrArgs", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		contains(t, mustFail(t, b, "skip 2", EINVALID), "`/mentor skip`")
	})
	t.Run("ErrNotSubscribed", func(t *testing.T) {
		b := newTestBot(t)
		contains(t, mustFail(t, b, "skip", ENOTFOUND), "You are not subscribed yet. `/mentor subscribe`")
	})
}

// skipValue is the value of the skip button among blocks.
func skipValue(t *testing.T, blocks []slack.Block) string {
	t.Helper()
	for _, bl := range blocks {
		if a, ok := bl.(*slack.ActionBlock); ok {
			for _, el := range a.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == actionSkipNext {
					return btn.Value
				}
			}
		}
	}
	t.Fatal("no skip button")
	return ""
}

func TestPauseResume(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		contains(t, mustDispatch(t, b, "pause 2w"), "Paused until Friday 4 December at 16:00 UTC. The next prompt arrives Friday 4 December", "`/mentor resume`")
		contains(t, mustDispatch(t, b, "resume"), "Welcome back. The next prompt arrives Friday 27 November")
	})
	// A nudge's Pause two weeks, pressed after a longer pause was typed,
	// keeps the longer pause; after a shorter one, it pauses two weeks.
	t.Run("ButtonKeepsALongerPause", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe daily 09:00")
		mustDispatch(t, b, "pause until 2027-01-20")
		before := mustSub(t, b, "U1").PausedUntil
		r, err := b.pauseTwoWeeks(t.Context(), &Command{UserID: "U1", Name: "/mentor", P: en})
		if err != nil {
			t.Fatal(err)
		}
		contains(t, r.Text, "You are paused until Wednesday 20 January at 00:00 UTC already", "so I kept that")
		if after := mustSub(t, b, "U1").PausedUntil; !after.Equal(before) {
			t.Fatalf("pause moved from %v to %v", before, after)
		}
		mustDispatch(t, b, "pause 3d")
		r, err = b.pauseTwoWeeks(t.Context(), &Command{UserID: "U1", Name: "/mentor", P: en})
		if err != nil {
			t.Fatal(err)
		}
		contains(t, r.Text, "Paused until Friday 4 December")
	})
	t.Run("ResumeNotPaused", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		got := mustDispatch(t, b, "resume")
		contains(t, got, "You are not paused. The next prompt arrives Friday 27 November")
		if strings.Contains(got, "Welcome back") {
			t.Fatalf("resume without a pause: %q", got)
		}
	})
	t.Run("ErrPause", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		contains(t, mustFail(t, b, "pause", EINVALID), "For how long? For example `/mentor pause 2w`")
		contains(t, mustFail(t, b, "pause two weeks", EINVALID), "I don't understand `weeks`")
		if sub := mustSub(t, b, "U1"); sub.Paused(b.Now()) {
			t.Fatal("paused despite the errors")
		}
	})
}

func TestUnsubscribe(t *testing.T) {
	b := newTestBot(t)
	mustDispatch(t, b, "subscribe")
	contains(t, mustDispatch(t, b, "unsubscribe"), "Unsubscribed", "`/mentor subscribe` starts again")
	if _, ok, _ := b.Schedules.Subscription("U1"); ok {
		t.Fatal("still subscribed")
	}
	r, err := dispatch(t, b, "status")
	if err != nil {
		t.Fatal(err)
	}
	status := blocksText(t, r)
	contains(t, status, "You unsubscribed on Fri 20 Nov 2026", "`/mentor subscribe` starts them again")
	if strings.Contains(status, "not subscribed") {
		t.Fatalf("status after unsubscribe: %q", status)
	}
	contains(t, mustFail(t, b, "pause 2w", ENOTFOUND), "You unsubscribed on Fri 20 Nov 2026")
	contains(t, mustFail(t, b, "unsubscribe", ENOTFOUND), "You unsubscribed")
	// Subscribing again starts afresh.
	contains(t, mustDispatch(t, b, "subscribe"), "You are subscribed")
	if _, was, _ := b.Schedules.Unsubscribed("U1"); was {
		t.Fatal("the unsubscribe is still recorded")
	}
}

// TestNudgeWording: the card names its period by cadence, and its skip
// button the slot it skips.
func TestNudgeWording(t *testing.T) {
	fri := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC) // 16:00 in Paris
	for _, tc := range []struct {
		cadence, period, button string
	}{
		{store.CadenceWeekly, "Your reflection prompt for this week.", "Skip next week (Fri 27 Nov)"},
		{store.CadenceDaily, "Your reflection prompt for today.", "Skip tomorrow (Sat 21 Nov)"},
		{store.CadenceWeekdays, "Your reflection prompt for today.", "Skip the next one (Mon 23 Nov)"},
	} {
		t.Run(tc.cadence, func(t *testing.T) {
			sched := rule(tc.cadence, time.Friday, 16, 0, "Europe/Paris")
			got := blocksText(t, Reply{Blocks: nudgeBlocks(cardView{Prompt: &promptForTest}, nil, fri, sched, nil)})
			contains(t, got, tc.period, tc.button)
			if ref := parsePromptRef(skipValue(t, nudgeBlocks(cardView{Prompt: &promptForTest}, nil, fri, sched, nil))); !ref.Slot.Equal(fri) || ref.Skip.IsZero() {
				t.Fatalf("skip value %+v", ref)
			}
		})
	}
}

// A double click on Another prompt replaces the card once: the second
// click is answered with nothing and spends no prompt of the cycle. A click
// on the same button later, or on another card showing the same prompt, is
// a new one.
func TestAnotherPromptDoubleClick(t *testing.T) {
	b := newTestBot(t)
	now := b.Now()
	b.Now = func() time.Time { return now }
	ref := promptRef{PromptID: "daring-one", Theme: "daring"}
	c := func() *Command {
		return &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", Value: ref.value(), MessageTS: "1700000000.000100"}
	}
	first, err := b.anotherPrompt(t.Context(), c())
	if err != nil || len(first.Blocks) == 0 {
		t.Fatalf("first click: %+v, %v", first, err)
	}
	second, err := b.anotherPrompt(t.Context(), c())
	if err != nil || len(second.Blocks) != 0 || second.Text != "" {
		t.Fatalf("second click within %v answered %+v, %v; want nothing", doubleClick, second, err)
	}
	b.inflight.Wait()
	if h, _ := b.Members.History("U1", 0); len(h) != 1 {
		t.Fatalf("%d prompts recorded for a double click, want 1", len(h))
	}
	// Another member's click on a card of the same prompt is theirs, and
	// so is a click on another card of the member's showing it.
	other := c()
	other.UserID = "U2"
	if r, err := b.anotherPrompt(t.Context(), other); err != nil || len(r.Blocks) == 0 {
		t.Fatalf("another member's click: %+v, %v", r, err)
	}
	card := c()
	card.MessageTS = "1700000000.000200"
	if r, err := b.anotherPrompt(t.Context(), card); err != nil || len(r.Blocks) == 0 {
		t.Fatalf("a click on another card of the same prompt: %+v, %v", r, err)
	}
	now = now.Add(doubleClick + time.Second)
	if r, err := b.anotherPrompt(t.Context(), c()); err != nil || len(r.Blocks) == 0 {
		t.Fatalf("a click %v later: %+v, %v", doubleClick+time.Second, r, err)
	}
}

// TestAnotherPromptOnNudge: Another prompt on a nudge keeps the card a
// nudge (its line for the week, its skip and pause buttons, its slot); on a
// prompt asked for, or once the member unsubscribed, it is a plain card.
func TestAnotherPromptOnNudge(t *testing.T) {
	click := func(t *testing.T, b *Bot, ref promptRef) string {
		t.Helper()
		r, err := b.anotherPrompt(t.Context(), &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", Value: ref.value()})
		if err != nil {
			t.Fatal(err)
		}
		if !r.ReplaceOriginal {
			t.Fatal("the card is not replaced")
		}
		return blocksText(t, r)
	}
	nudge := promptRef{PromptID: "daring-one", Theme: "daring", Slot: fri27}
	t.Run("Nudge", func(t *testing.T) {
		b := newTestBot(t)
		now := b.Now()
		b.Now = func() time.Time { return now }
		mustDispatch(t, b, "subscribe")
		for range 2 { // twice: the second card is still a nudge
			got := click(t, b, nudge)
			contains(t, got, "Your reflection prompt for this week", "Skip next week (Fri 4 Dec)", "Pause two weeks", "Another prompt")
			now = now.Add(doubleClick + time.Second) // a click on the new card, not a double click
		}
		r, err := b.anotherPrompt(t.Context(), &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", Value: nudge.value()})
		if err != nil {
			t.Fatal(err)
		}
		if ref := parsePromptRef(skipValue(t, r.Blocks)); !ref.Slot.Equal(fri27) || !ref.Skip.Equal(fri27.AddDate(0, 0, 7)) {
			t.Fatalf("skip button carries %+v, want slot %v skipping the next", ref, fri27)
		}
	})
	t.Run("AskedFor", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		got := click(t, b, promptRef{PromptID: "daring-one", Theme: "daring"})
		if strings.Contains(got, "Skip") || strings.Contains(got, "for this week") {
			t.Fatalf("a prompt asked for became a nudge: %q", got)
		}
	})
	t.Run("Unsubscribed", func(t *testing.T) {
		b := newTestBot(t)
		mustDispatch(t, b, "subscribe")
		mustDispatch(t, b, "unsubscribe")
		got := click(t, b, nudge)
		if strings.Contains(got, "Skip") || strings.Contains(got, "Pause two weeks") {
			t.Fatalf("skip or pause offered after unsubscribing: %q", got)
		}
	})
}
