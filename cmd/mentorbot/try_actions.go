package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// slash types a slash command in the member's DM with the bot. Slack
// itself answers a command no app registered; the app never hears of it.
func (s *session) slash(ctx context.Context, line string) {
	name, text, _ := strings.Cut(line, " ")
	if name != s.cmd {
		fmt.Fprintf(s.out, "(Slack would show: %s is not a valid command. This app's command is %s.)\n", name, s.cmd)
		return
	}
	text = slackEscape(strings.TrimSpace(text), map[string]string{tryChannel: "team"})
	_, err := s.sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: s.me.ID, Command: name, Text: text})
	if errors.Is(err, slacksim.ErrNoAck) {
		fmt.Fprintln(s.out, "(Slack would show: the app did not respond in time)")
	} else if err != nil {
		fmt.Fprintln(s.out, "(could not deliver the command:", err, ")")
	}
}

// click presses button N of what the member saw last with buttons, or,
// given M.N, button N of message M, as its header numbers it.
func (s *session) click(ctx context.Context, arg string) bool {
	if m, n, ok := strings.Cut(arg, "."); ok {
		return s.clickMessage(ctx, m, n)
	}
	mb := s.me
	buttons, what := s.targetButtons()
	if len(buttons) == 0 {
		fmt.Fprintf(s.out, "Nothing to click: %s. :home shows the Home tab's buttons.\n", what)
		return false
	}
	b, ok := s.button(buttons, arg, what)
	if !ok {
		return false
	}
	var err error
	switch mb.target.kind {
	case messageTarget:
		_, err = s.sim.Click(ctx, mb.ID, mb.msgs[mb.target.key], b.ActionID)
	case homeTarget:
		_, err = s.sim.ClickHome(ctx, mb.ID, b.ActionID)
	case formTarget:
		_, err = s.sim.ClickView(ctx, mb.ID, mb.target.key, b.ActionID)
	}
	s.clicked(err)
	return false
}

// clickMessage presses button n of message m, an earlier one included: the
// nudge's skip button after a newer card came.
func (s *session) clickMessage(ctx context.Context, m, n string) bool {
	mb := s.me
	if len(mb.numbered) == 0 {
		fmt.Fprintln(s.out, "Nothing to click: no message shown to you has buttons yet.")
		return false
	}
	i, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(m, "#")))
	if err != nil || i < 1 || i > len(mb.numbered) {
		fmt.Fprintf(s.out, "Give a message number from 1 to %d, as its header shows (:click %d.N), then the button's.\n", len(mb.numbered), len(mb.numbered))
		return false
	}
	msg, what := mb.msgs[mb.numbered[i-1]], fmt.Sprintf("message %d", i)
	if msg.Deleted {
		fmt.Fprintf(s.out, "Nothing to click: the bot deleted %s.\n", what)
		return false
	}
	_, buttons := s.render.Message(msg.Text, msg.Blocks)
	if len(buttons) == 0 {
		fmt.Fprintf(s.out, "Nothing to click: the bot replaced %s, and it has no buttons now.\n", what)
		return false
	}
	b, ok := s.button(buttons, n, what)
	if ok {
		_, err = s.sim.Click(ctx, mb.ID, msg, b.ActionID)
		s.clicked(err)
	}
	return false
}

// button is button arg ("2", "#2") of buttons, or false after saying which
// numbers what has.
func (s *session) button(buttons []slacksim.Button, arg, what string) (slacksim.Button, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(arg, "#")))
	if err != nil || n < 1 || n > len(buttons) {
		names := make([]string, len(buttons))
		for i, b := range buttons {
			names[i] = fmt.Sprintf("%d %s", b.N, b.Text)
		}
		fmt.Fprintf(s.out, "Give a button number of %s: %s.\n", what, strings.Join(names, ", "))
		return slacksim.Button{}, false
	}
	return buttons[n-1], true
}

// clicked says what went wrong with a click, if anything: the bot's
// answer, when there is one, arrives as messages.
func (s *session) clicked(err error) {
	if errors.Is(err, slacksim.ErrNoAck) {
		fmt.Fprintln(s.out, "(Slack would show: the app did not respond in time)")
	} else if err != nil {
		fmt.Fprintln(s.out, "(click failed:", err, ")")
	}
}

// shortcut runs one of the app's message shortcuts on the last message
// shown to the member that is not ephemeral.
func (s *session) shortcut(ctx context.Context, id string) bool {
	m, ok := s.me.msgs[s.me.last]
	switch {
	case id == "" || strings.ContainsAny(id, " \t"):
		fmt.Fprintf(s.out, "Give the shortcut's callback id: %s.\n", shortcutList())
		return false
	case tryShortcuts[strings.ToLower(id)] == "":
		// Slack's ⋯ menu offers only the shortcuts the manifest declares;
		// the app never hears of another.
		fmt.Fprintf(s.out, "The app has no shortcut %q; its ⋯ menu offers %s.\n", id, shortcutList())
		return false
	case !ok || m.Deleted:
		fmt.Fprintln(s.out, "No message to run a shortcut on yet: replies only you see have none, as in Slack.")
		return false
	}
	if _, err := s.sim.MessageShortcut(ctx, s.me.ID, m, strings.ToLower(id)); errors.Is(err, slacksim.ErrNoAck) {
		fmt.Fprintln(s.out, "(Slack would show: the app did not respond in time)")
	} else if err != nil {
		fmt.Fprintln(s.out, "(shortcut failed:", err, ")")
	}
	return false
}

// say posts text as the member, as typing in Slack's message box does, so
// that :shortcut has a message of their own to act on. It goes where the
// session's slash commands are typed, the member's DM with the bot, or to
// #team when the text starts with it. The bot hears nothing of it: it
// subscribes to no message events.
func (s *session) say(_ context.Context, arg string) bool {
	channel, text := "D"+s.me.ID, arg
	if rest, ok := strings.CutPrefix(arg, "#team"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
		channel, text = tryChannel, strings.TrimSpace(rest)
	}
	if text == "" {
		fmt.Fprintln(s.out, "Give the message's text: :say shipped the migration, or :say #team shipped the migration.")
		return false
	}
	if _, err := s.sim.Post(s.me.ID, channel, slackEscape(text, map[string]string{tryChannel: "team"})); err != nil {
		fmt.Fprintln(s.out, "(could not post the message:", err, ")")
	}
	return false
}

// tryShortcuts are the message shortcuts deploy/slack-app-manifest.yaml
// declares, by callback id, with the name Slack's ⋯ menu shows.
var tryShortcuts = map[string]string{"save_win": "Save as a win"}

// shortcutList names every shortcut as :shortcut takes it, in id order.
func shortcutList() string {
	ids := make([]string, 0, len(tryShortcuts))
	for id := range tryShortcuts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for i, id := range ids {
		ids[i] = fmt.Sprintf(":shortcut %s (%s)", id, tryShortcuts[id])
	}
	return strings.Join(ids, ", ")
}

// targetButtons are the buttons :click may press now, as the target shows
// them at this moment, and a description of the target.
func (s *session) targetButtons() ([]slacksim.Button, string) {
	mb := s.me
	switch mb.target.kind {
	case messageTarget:
		m := mb.msgs[mb.target.key]
		if m.Deleted {
			return nil, "the bot deleted the last message that had buttons"
		}
		_, buttons := s.render.Message(m.Text, m.Blocks)
		if len(buttons) == 0 {
			return nil, "the bot replaced the last message that had buttons, and it has none now"
		}
		return buttons, "the last message with buttons"
	case homeTarget:
		raw := s.sim.HomeView(mb.ID)
		if raw == nil {
			return nil, "your Home tab is empty"
		}
		_, buttons := s.render.View(raw, nil)
		return buttons, "your Home tab"
	case formTarget:
		for _, v := range s.sim.OpenViews(mb.ID) {
			if v.ID == mb.target.key {
				_, buttons := s.render.View(v.JSON, nil)
				return buttons, "the open form"
			}
		}
		return nil, "the form with buttons is closed"
	}
	return nil, "no message shown to you has buttons yet"
}

// advance moves the session's clock forward, stopping at every nudge,
// broadcast and follow-up that falls due on the way, as the tick would have, so a week of
// nudges arrives each at its time rather than as one late batch.
func (s *session) advance(ctx context.Context, arg string) bool {
	d, err := parseAdvance(arg)
	if err != nil {
		fmt.Fprintln(s.out, "Give a duration such as 30m, 6h, 1d, 7d or 2w.")
		return false
	}
	target := s.clock.Now().Add(d)
	before := s.arrived
	mine := len(s.me.shown)
	for range 10000 {
		now := s.nextDue(target)
		s.clock.advance(now.Sub(s.clock.Now()))
		if _, err := s.app.bot.SendDue(ctx, now); err != nil {
			fmt.Fprintln(s.out, "(the scheduler failed:", err, ")")
			return false
		}
		s.drain()
		if !now.Before(target) {
			break
		}
	}
	sent, toMe := s.arrived-before, len(s.me.shown)-mine
	line := fmt.Sprintf("It is now %s for %s. Sent on the way: %d", s.me.when(s.clock.Now(), true), s.me.Name, sent)
	if sent > toMe {
		line += fmt.Sprintf(" (%d to you; :user NAME shows the others theirs)", toMe)
	}
	fmt.Fprintln(s.out, line+".")
	return false
}

// nextDue is the earliest nudge, broadcast or experiment follow-up due
// after the session's now and by target, or target.
func (s *session) nextDue(target time.Time) time.Time {
	next, now := target, s.clock.Now()
	if due, err := s.app.db.DueBefore(target, 1); err == nil && len(due) == 1 && due[0].At.After(now) {
		next = due[0].At
	}
	if bs, err := s.app.db.BroadcastsDue(target, 1); err == nil && len(bs) == 1 && bs[0].NextDue.After(now) && bs[0].NextDue.Before(next) {
		next = bs[0].NextDue
	}
	// An experiment's follow-up too: reached only at the end of a long
	// :advance, it was past the grace window and moved to the next day,
	// so the promised "how did it go?" never came.
	if fs, err := s.app.db.FollowUpsDue(target, 1); err == nil && len(fs) == 1 && fs[0].Due.After(now) && fs[0].Due.Before(next) {
		next = fs[0].Due
	}
	return next
}
