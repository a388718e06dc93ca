package bot

import (
	"context"
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
	if _, err := loadZone(u.TZ); err != nil {
		return b.DefaultTZ
	}
	return u.TZ
}

// subscription reads the member's schedule, or an ENOTFOUND *Error telling
// them how to subscribe.
func (b *Bot) subscription(c *Command) (store.Subscription, error) {
	sub, ok, err := b.Schedules.Subscription(c.UserID)
	if err != nil {
		return sub, fmt.Errorf("read subscription of %s: %w", c.UserID, err)
	}
	if !ok {
		return sub, Errorf(ENOTFOUND, "You are not subscribed yet. `%s subscribe` sends you a prompt every Friday at 16:00 your time.", c.Name)
	}
	return sub, nil
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

func (b *Bot) cmdSubscribe(ctx context.Context, c *Command) (Reply, error) {
	if r, ok := b.subscribeForm(ctx, c); ok {
		return r, nil
	}
	sched, err := ParseSchedule(c.Args, b.memberZone(ctx, c.UserID))
	if err != nil {
		return Reply{}, err
	}
	now := b.Now()
	next, err := sched.Next(now)
	if err != nil {
		return Reply{}, fmt.Errorf("schedule %v: %w", sched, err)
	}
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	old, had, err := b.Schedules.Subscription(c.UserID)
	if err != nil {
		return Reply{}, fmt.Errorf("read subscription of %s: %w", c.UserID, err)
	}
	sub := store.Subscription{UserID: c.UserID, Cadence: sched.Cadence, Day: sched.Day, Hour: sched.Hour, Minute: sched.Minute,
		TZ: sched.TZ, Focus: old.Focus, NextDue: next, Created: now}
	if had {
		sub.Created = old.Created
	}
	if err := b.Schedules.PutSubscription(sub); err != nil {
		return Reply{}, fmt.Errorf("subscribe %s: %w", c.UserID, err)
	}
	verb := "You are subscribed"
	if had {
		verb = "Your schedule is now"
	}
	return textReply(fmt.Sprintf("%s: %s. The next prompt arrives %s.\n`%s status` shows your schedule, `%s pause 2w` gives you a break, `%s unsubscribe` stops it.",
		verb, sched, localTime(next, sched.TZ), c.Name, c.Name, c.Name)), nil
}

func (b *Bot) cmdStatus(_ context.Context, c *Command) (Reply, error) {
	st, _, err := b.memberStatus(c.UserID)
	if err != nil {
		return Reply{}, err
	}
	st.Name = c.Name
	return Reply{Text: "Your mentorbot settings", Blocks: statusBlocks(st)}, nil
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
		return st, b.DefaultTZ, nil
	}
	nudges, err := b.Schedules.Nudges(userID, 200)
	if err != nil {
		return status{}, "", fmt.Errorf("read nudges of %s: %w", userID, err)
	}
	st.Schedule, st.Next, st.Focus, st.Streak = scheduleOf(sub).String(), localTime(sub.NextDue, sub.TZ), sub.Focus, streak(nudges)
	if sub.PausedUntil.After(b.Now()) {
		st.PausedUntil = localTime(sub.PausedUntil, sub.TZ)
	}
	return st, sub.TZ, nil
}

func (b *Bot) cmdPause(_ context.Context, c *Command) (Reply, error) {
	sub, err := b.updateSubscription(c, func(s *store.Subscription) error {
		loc, err := loadZone(s.TZ)
		if err != nil {
			return fmt.Errorf("zone of %s: %w", c.UserID, err)
		}
		until, err := ParsePause(c.Args, b.Now(), loc)
		if err != nil {
			return err
		}
		s.PausedUntil = until
		// The first slot after the pause; nothing is due, or recorded, before.
		s.NextDue = nextAfter(scheduleOf(*s), until.Add(-time.Second), b.Now())
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
	sub, err := b.updateSubscription(c, func(s *store.Subscription) error {
		s.PausedUntil = time.Time{}
		s.NextDue = nextAfter(scheduleOf(*s), b.Now(), b.Now())
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	return textReply(fmt.Sprintf("Welcome back. The next prompt arrives %s.", localTime(sub.NextDue, sub.TZ))), nil
}

func (b *Bot) cmdSkip(_ context.Context, c *Command) (Reply, error) {
	if len(c.Args) > 0 {
		return Reply{}, Errorf(EINVALID, "`skip` skips the next prompt only and takes nothing after it: `%s skip`. For longer, `%s pause 2w`.", c.Name, c.Name)
	}
	return b.skipNext(c)
}

// skipButton answers a nudge's Skip button: its route checked that the
// nudge is the member's.
func (b *Bot) skipButton(_ context.Context, c *Command) (Reply, error) { return b.skipNext(c) }

// pauseTwoWeeks answers the Pause two weeks buttons of nudges and Home.
func (b *Bot) pauseTwoWeeks(ctx context.Context, c *Command) (Reply, error) {
	c.Args = []string{"2w"}
	return b.cmdPause(ctx, c)
}

// skipNext skips the member's next slot: it is recorded as skipped at their
// request (which keeps their streak) and the one after is scheduled.
func (b *Bot) skipNext(c *Command) (Reply, error) {
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	sub, err := b.subscription(c)
	if err != nil {
		return Reply{}, err
	}
	skipped := sub.NextDue
	n := store.Nudge{UserID: c.UserID, Slot: skipped, Status: store.NudgeSkipped, Reason: "skip", At: b.Now()}
	sub.NextDue = nextAfter(scheduleOf(sub), skipped, b.Now())
	if err := b.Schedules.FinishNudge(n, sub, nil); err != nil {
		return Reply{}, fmt.Errorf("skip for %s: %w", c.UserID, err)
	}
	return textReply(fmt.Sprintf("Skipped the prompt of %s. The next one arrives %s.", localTime(skipped, sub.TZ), localTime(sub.NextDue, sub.TZ))), nil
}

func (b *Bot) cmdUnsubscribe(_ context.Context, c *Command) (Reply, error) {
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	if _, err := b.subscription(c); err != nil {
		return Reply{}, err
	}
	if err := b.Schedules.DeleteSubscription(c.UserID); err != nil {
		return Reply{}, fmt.Errorf("unsubscribe %s: %w", c.UserID, err)
	}
	return textReply(fmt.Sprintf("Unsubscribed: no more scheduled prompts. Your journal stays yours (`%s journal`); `%s forget` deletes everything.", c.Name, c.Name)), nil
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
	return textReply("Your scheduled prompts now come from " + codeList(focus) + "."), nil
}

// localTime shows an instant in the member's zone: "Friday 27 November at
// 16:00 CET".
func localTime(t time.Time, tz string) string {
	if t.IsZero() {
		return "never"
	}
	loc, err := loadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Monday 2 January at 15:04 MST")
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
