package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// memberZone is the member's time zone as Slack knows it (users.info), or
// DefaultTZ when Slack has none or cannot be asked.
func (b *Bot) memberZone(ctx context.Context, userID string) string {
	if b.Slack == nil {
		return b.DefaultTZ
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	u, err := b.Slack.GetUserInfoContext(ctx, userID)
	if err != nil || u.TZ == "" {
		if err != nil {
			b.Logger.Warn("users.info failed; using the default time zone", "user", userID, "err", err)
		}
		return b.DefaultTZ
	}
	if _, err := store.LoadZone(u.TZ); err != nil {
		return b.DefaultTZ
	}
	return u.TZ
}

// subscription reads the member's schedule, or an ENOTFOUND *Error telling
// them how to subscribe (again, when they unsubscribed).
func (b *Bot) subscription(c *Command) (store.Subscription, error) {
	sub, ok, err := b.Schedules.Subscription(c.UserID)
	if err != nil {
		return sub, fmt.Errorf("read subscription of %s: %w", c.UserID, err)
	}
	if ok {
		return sub, nil
	}
	at, was, err := b.Schedules.Unsubscribed(c.UserID)
	if err != nil {
		return sub, fmt.Errorf("read unsubscribe of %s: %w", c.UserID, err)
	}
	if was {
		return sub, Errorf(ENOTFOUND, "You unsubscribed on %s, so there is nothing to change. `%s subscribe` starts your prompts again.", localDate(at, b.DefaultTZ), c.Name)
	}
	return sub, Errorf(ENOTFOUND, "You are not subscribed yet. `%s subscribe` sends you a prompt every Friday at 16:00 your time.", c.Name)
}

// updateSubscription changes the member's schedule under their lock, so a
// nudge being sent at the same moment sees either the old or the new one.
func (b *Bot) updateSubscription(c *Command, fn func(*store.Subscription) error) (store.Subscription, error) {
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	sub, err := b.subscription(c)
	if err != nil {
		return sub, err
	}
	if err := fn(&sub); err != nil {
		return sub, err
	}
	if err := b.Schedules.PutSubscription(sub); err != nil {
		return sub, fmt.Errorf("write subscription of %s: %w", c.UserID, err)
	}
	return sub, nil
}

// cmdSubscribe subscribes the member, or changes what they name of their
// schedule and keeps the rest: its pause and skips too.
func (b *Bot) cmdSubscribe(ctx context.Context, c *Command) (Reply, error) {
	if r, ok := b.subscribeForm(ctx, c); ok {
		return r, nil
	}
	// Slack is asked for a new member's zone before the lock is taken: a
	// slow users.info must not hold up their nudge.
	_, had, err := b.Schedules.Subscription(c.UserID)
	if err != nil {
		return Reply{}, fmt.Errorf("read subscription of %s: %w", c.UserID, err)
	}
	base := store.Schedule{}
	if !had {
		base = defaultSchedule(b.memberZone(ctx, c.UserID))
	}
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	sub, had, err := b.Schedules.Subscription(c.UserID)
	if err != nil {
		return Reply{}, fmt.Errorf("read subscription of %s: %w", c.UserID, err)
	}
	now := b.Now()
	if had {
		base = sub.Schedule
	} else if base.TZ == "" {
		base = defaultSchedule(b.DefaultTZ) // subscribed and unsubscribed meanwhile
	}
	rule, note, err := parseSchedule(scheduleGrammar{name: c.Name}, c.Args, base)
	if err != nil {
		return Reply{}, err
	}
	if !had {
		sub = store.Subscription{UserID: c.UserID, Created: now}
	}
	same := had && sub.SameRule(rule)
	sub.Reschedule(rule, now)
	if err := b.Schedules.PutSubscription(sub); err != nil {
		return Reply{}, fmt.Errorf("subscribe %s: %w", c.UserID, err)
	}
	verb := "You are subscribed"
	switch {
	case same:
		verb = "Your schedule stays"
	case had:
		verb = "Your schedule is now"
	}
	text := fmt.Sprintf("%s: %s.", verb, rule.Describe())
	if note != "" {
		text += " (" + note + ".)"
	}
	text += " " + b.nextLine(sub)
	if !had {
		text += fmt.Sprintf("\n`%s status` shows your schedule, `%s pause 2w` gives you a break, `%s unsubscribe` stops it.", c.Name, c.Name, c.Name)
	}
	return textReply(text), nil
}

// nextLine says when the member's next prompt arrives, and what of their
// schedule's state explains it: a pause, skipped slots.
func (b *Bot) nextLine(sub store.Subscription) string {
	text := fmt.Sprintf("The next prompt arrives %s.", localTime(sub.NextDue, sub.TZ))
	if sub.Paused(b.Now()) {
		text = fmt.Sprintf("You are paused until %s: the next prompt arrives %s.", localTime(sub.PausedUntil, sub.TZ), localTime(sub.NextDue, sub.TZ))
	}
	if skips := sub.SkipsToShow(b.Now()); len(skips) > 0 {
		text += " Skipped: " + skippedDates(skips, sub.TZ) + "."
	}
	return text
}

// skippedDates lists skipped slots as dates in the zone tz.
func skippedDates(skips []time.Time, tz string) string {
	dates := make([]string, len(skips))
	for i, t := range skips {
		dates[i] = slotDate(t, tz)
	}
	return strings.Join(dates, ", ")
}

func (b *Bot) cmdStatus(_ context.Context, c *Command) (Reply, error) {
	st, tz, err := b.memberStatus(c.UserID)
	if err != nil {
		return Reply{}, err
	}
	if st.Experiments, err = b.expSummary(c.UserID, tz); err != nil {
		return Reply{}, err
	}
	st.Name = c.Name
	return Reply{Text: "Your mentorbot settings", Blocks: statusBlocks(c.P, st)}, nil
}

// memberStatus gathers what /mentor status and the Home tab show, and the
// zone the member's dates are shown in.
func (b *Bot) memberStatus(userID string) (status, string, error) {
	u, err := b.Members.User(userID)
	if err != nil {
		return status{}, "", fmt.Errorf("read user %s: %w", userID, err)
	}
	sub, ok, err := b.Schedules.Subscription(userID)
	if err != nil {
		return status{}, "", fmt.Errorf("read subscription of %s: %w", userID, err)
	}
	st := status{Name: b.Command, Role: u.Role, Subscribed: ok}
	if !ok {
		at, was, err := b.Schedules.Unsubscribed(userID)
		if err != nil {
			return status{}, "", fmt.Errorf("read unsubscribe of %s: %w", userID, err)
		}
		if was {
			st.Unsubscribed = localDate(at, b.DefaultTZ)
		}
		return st, b.DefaultTZ, nil
	}
	nudges, err := b.Schedules.Nudges(userID, 200)
	if err != nil {
		return status{}, "", fmt.Errorf("read nudges of %s: %w", userID, err)
	}
	st.Schedule, st.Next, st.Focus, st.Streak = sub.Describe(), localTime(sub.NextDue, sub.TZ), sub.Focus, streak(nudges)
	if sub.Paused(b.Now()) {
		st.PausedUntil = localTime(sub.PausedUntil, sub.TZ)
	}
	if skips := sub.SkipsToShow(b.Now()); len(skips) > 0 {
		st.Skipped = skippedDates(skips, sub.TZ)
	}
	return st, sub.TZ, nil
}

func (b *Bot) cmdPause(_ context.Context, c *Command) (Reply, error) {
	sub, err := b.updateSubscription(c, func(s *store.Subscription) error {
		loc, err := store.LoadZone(s.TZ)
		if err != nil {
			return fmt.Errorf("zone of %s: %w", c.UserID, err)
		}
		until, err := ParsePause(c.Name, c.Args, b.Now(), loc)
		if err != nil {
			return err
		}
		s.Pause(until, b.Now())
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	return textReply(fmt.Sprintf("Paused until %s. The next prompt arrives %s; `%s resume` brings it back sooner.",
		localTime(sub.PausedUntil, sub.TZ), localTime(sub.NextDue, sub.TZ), c.Name)), nil
}

func (b *Bot) cmdResume(_ context.Context, c *Command) (Reply, error) {
	if len(c.Args) > 0 {
		return Reply{}, Errorf(EINVALID, "`resume` takes nothing after it: `%s resume`.", c.Name)
	}
	var resumed bool
	sub, err := b.updateSubscription(c, func(s *store.Subscription) error {
		resumed = s.Resume(b.Now())
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	if !resumed {
		return textReply("You are not paused. " + b.nextLine(sub)), nil
	}
	return textReply("Welcome back. " + b.nextLine(sub)), nil
}

func (b *Bot) cmdSkip(_ context.Context, c *Command) (Reply, error) {
	if len(c.Args) > 0 {
		return Reply{}, Errorf(EINVALID, "`skip` skips the next prompt only and takes nothing after it: `%s skip`. For longer, `%s pause 2w`.", c.Name, c.Name)
	}
	return b.skipSlot(c, time.Time{})
}

// skipButton answers a nudge's Skip button: its route checked that the
// nudge is the member's.
func (b *Bot) skipButton(_ context.Context, c *Command) (Reply, error) {
	return b.skipFromCard(c, c.Value)
}

// pauseTwoWeeks answers the Pause two weeks buttons of nudges and Home.
func (b *Bot) pauseTwoWeeks(ctx context.Context, c *Command) (Reply, error) {
	c.Args = []string{"2w"}
	return b.cmdPause(ctx, c)
}

// skipSlot skips one slot of the member's schedule, or the next one when
// slot is zero: it is recorded as skipped at their request (which keeps
// their streak). Skipping a slot again changes nothing and says so.
func (b *Bot) skipSlot(c *Command, slot time.Time) (Reply, error) {
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	sub, err := b.subscription(c)
	if err != nil {
		return Reply{}, err
	}
	now := b.Now()
	if slot.IsZero() {
		if slot, err = sub.NextSlot(now); err != nil {
			return Reply{}, fmt.Errorf("next slot of %s: %w", c.UserID, err)
		}
	}
	when := localTime(slot, sub.TZ)
	switch err := sub.Skip(slot, now); {
	case errors.Is(err, store.ErrAlreadySkipped):
		return textReply(fmt.Sprintf("The prompt of %s is already skipped. %s", when, b.nextLine(sub))), nil
	case errors.Is(err, store.ErrNotSlot):
		return textReply(fmt.Sprintf("Your schedule changed since this card: %s is no longer one of your prompts, so I skipped nothing. %s `%s skip` skips that one.",
			when, b.nextLine(sub), c.Name)), nil
	case errors.Is(err, store.ErrSlotPassed):
		return textReply(fmt.Sprintf("The prompt of %s has already come, so I skipped nothing. %s", when, b.nextLine(sub))), nil
	case err != nil:
		return Reply{}, fmt.Errorf("skip for %s: %w", c.UserID, err)
	}
	n := store.Nudge{UserID: c.UserID, Slot: slot, Status: store.NudgeSkipped, Reason: "skip", At: now}
	if err := b.Schedules.FinishNudge(n, sub, nil); err != nil {
		return Reply{}, fmt.Errorf("skip for %s: %w", c.UserID, err)
	}
	return textReply(fmt.Sprintf("Skipped the prompt of %s. %s", when, b.nextLine(sub))), nil
}

// skipFromCard is a nudge's skip button: it skips the slot the button
// names. A card sent before buttons named it skips the slot after the
// card's, as the member's schedule has it now. checkAction has made sure the
// card's slot is one of the member's nudges.
func (b *Bot) skipFromCard(c *Command, value string) (Reply, error) {
	ref := parsePromptRef(value)
	if !ref.Skip.IsZero() {
		return b.skipSlot(c, ref.Skip)
	}
	sub, err := b.subscription(c)
	if err != nil {
		return Reply{}, err
	}
	next, err := sub.SlotAfter(ref.Slot)
	if err != nil {
		return Reply{}, fmt.Errorf("slot after %v for %s: %w", ref.Slot, c.UserID, err)
	}
	return b.skipSlot(c, next)
}

func (b *Bot) cmdUnsubscribe(_ context.Context, c *Command) (Reply, error) {
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	if _, err := b.subscription(c); err != nil {
		return Reply{}, err
	}
	if err := b.Schedules.EndSubscription(c.UserID, b.Now()); err != nil {
		return Reply{}, fmt.Errorf("unsubscribe %s: %w", c.UserID, err)
	}
	return textReply(fmt.Sprintf("Unsubscribed: no more scheduled prompts. Your journal stays yours (`%s journal`); `%s subscribe` starts again, `%s forget` deletes everything.", c.Name, c.Name, c.Name)), nil
}

func (b *Bot) cmdFocus(_ context.Context, c *Command) (Reply, error) {
	if len(c.Args) == 0 {
		return Reply{}, Errorf(EINVALID, "Which themes? For example `%s focus impostor last-mile`, or `%s focus all`.", c.Name, c.Name)
	}
	var focus []string
	if len(c.Args) != 1 || !strings.EqualFold(c.Args[0], "all") {
		for _, arg := range c.Args {
			t, err := b.resolveTheme(c.Name, arg)
			if err != nil {
				return Reply{}, err
			}
			if !slices.Contains(focus, t.ID) {
				focus = append(focus, t.ID)
			}
		}
	}
	if _, err := b.updateSubscription(c, func(s *store.Subscription) error { s.Focus = focus; return nil }); err != nil {
		return Reply{}, err
	}
	if len(focus) == 0 {
		return textReply("Your scheduled prompts now come from every theme."), nil
	}
	return textReply("Your scheduled prompts now come from " + codeList(c.P, focus) + "."), nil
}

// localTime shows an instant in the member's zone: "Friday 27 November at
// 16:00 CET".
func localTime(t time.Time, tz string) string {
	if t.IsZero() {
		return "never"
	}
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Monday 2 January at 15:04 MST")
}

// slotDate is a slot's day in the member's zone, short enough for a
// button: "Fri 11 Dec".
func slotDate(t time.Time, tz string) string {
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan")
}

// streak counts consecutive scheduled periods with a reflection, newest
// first. The newest nudge, still open, does not break it; a slot skipped at
// the member's request, while paused, or because we were down is neutral.
func streak(nudges []store.Nudge) int {
	n := 0
	for i, x := range nudges {
		switch {
		case x.Reflected:
			n++
		case x.Status != store.NudgeSent || i == 0:
			continue
		default:
			return n
		}
	}
	return n
}
