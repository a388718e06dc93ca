package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
)

// memberZone is the member's time zone as Slack knows it (users.info), or
// DefaultTZ when Slack has none or cannot be asked. The answer read for the
// member's language moments ago serves, so a first subscribe asks Slack
// once, not twice.
func (b *Bot) memberZone(ctx context.Context, userID string) string {
	if b.Slack == nil {
		return b.DefaultTZ
	}
	tz, ok := b.langs.recentZone(userID, b.Now())
	if !ok {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		u, err := b.Slack.GetUserInfoContext(ctx, userID)
		if err != nil {
			b.Logger.Warn("users.info failed; using the default time zone", "user", userID, "err", err)
			return b.DefaultTZ
		}
		tz = u.TZ
	}
	return b.zoneOrDefault(tz)
}

// zoneOrDefault is tz, a zone Slack gave, or DefaultTZ when it gave none
// or one this build cannot load.
func (b *Bot) zoneOrDefault(tz string) string {
	if _, err := store.LoadZone(tz); tz == "" || err != nil {
		return b.DefaultTZ
	}
	return tz
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
		return sub, &Error{Code: ENOTFOUND, Message: c.P.T("sched_unsubscribed_nothing", "Date", pastDay(c.P, at, b.DefaultTZ), "Cmd", c.Name)}
	}
	return sub, &Error{Code: ENOTFOUND, Message: c.P.T("sched_not_subscribed", "Cmd", c.Name)}
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
	rule, note, err := parseSchedule(scheduleGrammar{name: c.Name, p: c.P}, c.Args, base)
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
	schedule, next := describeSchedule(c.P, rule), b.nextLine(c.P, sub)
	var text string
	switch {
	case same:
		text = c.P.T("sched_schedule_stays", "Schedule", schedule, "Note", note, "Next", next)
	case had:
		text = c.P.T("sched_schedule_now", "Schedule", schedule, "Note", note, "Next", next)
	default:
		text = c.P.T("sched_subscribed", "Schedule", schedule, "Note", note, "Next", next) + "\n" + c.P.T("sched_first_hints", "Cmd", c.Name)
	}
	return textReply(text), nil
}

// nextLine says when the member's next prompt arrives, and what of their
// schedule's state explains it: a pause, skipped slots.
func (b *Bot) nextLine(p *lang.Printer, sub store.Subscription) string {
	next, skipped, days := localTime(p, sub.NextDue, sub.TZ), "", ""
	if skips := sub.SkipsToShow(b.Now()); len(skips) > 0 {
		skipped = skippedDates(p, skips, sub.TZ)
		long := make([]string, len(skips))
		for i, t := range skips {
			long[i] = p.DayMonth(t.In(zoneOrUTC(sub.TZ)))
		}
		days = strings.Join(long, ", ")
	}
	if sub.Paused(b.Now()) {
		return p.T("sched_next_paused", "Until", localTime(p, sub.PausedUntil, sub.TZ), "Next", next, "Skipped", skipped, "SkippedDays", days)
	}
	return p.T("sched_next", "Next", next, "Skipped", skipped, "SkippedDays", days)
}

// skippedDates lists skipped slots as dates in the zone tz.
func skippedDates(p *lang.Printer, skips []time.Time, tz string) string {
	dates := make([]string, len(skips))
	for i, t := range skips {
		dates[i] = slotDate(p, t, tz)
	}
	return strings.Join(dates, ", ")
}

func (b *Bot) cmdStatus(ctx context.Context, c *Command) (Reply, error) {
	st, _, err := b.memberStatus(c.P, c.UserID)
	if err != nil {
		return Reply{}, err
	}
	if st.Experiments, err = b.expSummary(ctx, c.P, c.UserID); err != nil {
		return Reply{}, err
	}
	st.Name = c.Name
	return Reply{Text: c.P.T("status_title"), Blocks: statusBlocks(c.P, st)}, nil
}

// memberStatus gathers what /mentor status and the Home tab show, and the
// zone the member's dates are shown in, written by p.
func (b *Bot) memberStatus(p *lang.Printer, userID string) (status, string, error) {
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
			st.Unsubscribed = pastDay(p, at, b.DefaultTZ)
		}
		return st, b.DefaultTZ, nil
	}
	nudges, err := b.Schedules.Nudges(userID, 200)
	if err != nil {
		return status{}, "", fmt.Errorf("read nudges of %s: %w", userID, err)
	}
	st.Schedule, st.Next, st.Focus, st.Streak = describeSchedule(p, sub.Schedule), localTime(p, sub.NextDue, sub.TZ), sub.Focus, streak(nudges)
	st.FocusTitles = b.themeTitles(p, sub.Focus)
	if sub.Paused(b.Now()) {
		st.PausedUntil = localTime(p, sub.PausedUntil, sub.TZ)
	}
	if skips := sub.SkipsToShow(b.Now()); len(skips) > 0 {
		st.Skipped = skippedDates(p, skips, sub.TZ)
	}
	return st, sub.TZ, nil
}

func (b *Bot) cmdPause(_ context.Context, c *Command) (Reply, error) {
	sub, err := b.updateSubscription(c, func(s *store.Subscription) error { return b.pause(c, s, c.Args) })
	if err != nil {
		return Reply{}, err
	}
	return textReply(c.P.T("sched_paused", "Until", localTime(c.P, sub.PausedUntil, sub.TZ), "Next", localTime(c.P, sub.NextDue, sub.TZ), "Cmd", c.Name)), nil
}

func (b *Bot) cmdResume(_ context.Context, c *Command) (Reply, error) {
	if len(c.Args) > 0 {
		return Reply{}, &Error{Code: EINVALID, Message: c.P.T("sched_resume_args", "Cmd", c.Name)}
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
		return textReply(c.P.T("sched_not_paused", "Next", b.nextLine(c.P, sub))), nil
	}
	return textReply(c.P.T("sched_resumed", "Next", b.nextLine(c.P, sub))), nil
}

func (b *Bot) cmdSkip(_ context.Context, c *Command) (Reply, error) {
	if len(c.Args) > 0 {
		return Reply{}, &Error{Code: EINVALID, Message: c.P.T("sched_skip_args", "Cmd", c.Name)}
	}
	return b.skipSlot(c, time.Time{})
}

// skipButton answers a nudge's Skip button: its route checked that the
// nudge is the member's.
func (b *Bot) skipButton(_ context.Context, c *Command) (Reply, error) {
	return b.skipFromCard(c, c.Value)
}

// pauseTwoWeeks answers the Pause two weeks buttons of nudges and Home. A
// member paused for longer keeps their pause: the button of a nudge sent
// before they typed `pause until` is still on screen, and pressing it
// would quietly bring their prompts back weeks early.
func (b *Bot) pauseTwoWeeks(_ context.Context, c *Command) (Reply, error) {
	longer := false
	sub, err := b.updateSubscription(c, func(s *store.Subscription) error {
		now := b.Now()
		if longer = s.PausedUntil.After(now.AddDate(0, 0, 14)); longer {
			return nil // read and kept under the member's lock
		}
		return b.pause(c, s, []string{"2w"})
	})
	if err != nil {
		return Reply{}, err
	}
	if longer {
		return textReply(c.P.T("sched_paused_longer", "Until", localTime(c.P, sub.PausedUntil, sub.TZ), "Cmd", c.Name)), nil
	}
	return textReply(c.P.T("sched_paused", "Until", localTime(c.P, sub.PausedUntil, sub.TZ), "Next", localTime(c.P, sub.NextDue, sub.TZ), "Cmd", c.Name)), nil
}

// pause pauses s for the length or until the date args say, in s's zone.
func (b *Bot) pause(c *Command, s *store.Subscription, args []string) error {
	loc, err := store.LoadZone(s.TZ)
	if err != nil {
		return fmt.Errorf("zone of %s: %w", c.UserID, err)
	}
	until, err := ParsePause(c.P, c.Name, args, b.Now(), loc)
	if err != nil {
		return err
	}
	s.Pause(until, b.Now())
	return nil
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
	when := localTime(c.P, slot, sub.TZ)
	switch err := sub.Skip(slot, now); {
	case errors.Is(err, store.ErrAlreadySkipped):
		return textReply(c.P.T("sched_skip_already", "When", when, "Next", b.nextLine(c.P, sub))), nil
	case errors.Is(err, store.ErrNotSlot):
		return textReply(c.P.T("sched_skip_not_slot", "When", when, "Next", b.nextLine(c.P, sub), "Cmd", c.Name)), nil
	case errors.Is(err, store.ErrSlotPassed):
		return textReply(c.P.T("sched_skip_passed", "When", when, "Next", b.nextLine(c.P, sub))), nil
	case err != nil:
		return Reply{}, fmt.Errorf("skip for %s: %w", c.UserID, err)
	}
	n := store.Nudge{UserID: c.UserID, Slot: slot, Status: store.NudgeSkipped, Reason: "skip", At: now}
	if err := b.Schedules.FinishNudge(n, sub, nil); err != nil {
		return Reply{}, fmt.Errorf("skip for %s: %w", c.UserID, err)
	}
	return textReply(c.P.T("sched_skip_done", "When", when, "Next", b.nextLine(c.P, sub))), nil
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
	return textReply(c.P.T("sched_unsubscribed", "Cmd", c.Name)), nil
}

func (b *Bot) cmdFocus(_ context.Context, c *Command) (Reply, error) {
	if len(c.Args) == 0 {
		return Reply{}, &Error{Code: EINVALID, Message: c.P.T("sched_focus_which", "Cmd", c.Name)}
	}
	var focus []string
	if len(c.Args) != 1 || !strings.EqualFold(c.Args[0], "all") {
		for _, arg := range c.Args {
			t, err := b.resolveTheme(c, arg)
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
		return textReply(c.P.T("sched_focus_all")), nil
	}
	return textReply(c.P.N("sched_focus_set", len(focus), "Themes", codeList(c.P, focus), "Titles", b.themeTitles(c.P, focus))), nil
}

// themeTitles names themes for prose in p's language, each by the title a
// member reads and the id they type: "Syndrome de l'imposteur (`impostor`)
// et Vision technique (`vision`)". A theme no longer in the catalog, or
// with no title in p's language, shows its id alone.
func (b *Bot) themeTitles(p *lang.Printer, ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "`" + id + "`"
		if b.Catalog == nil {
			continue
		}
		// A theme with no title in p's language keeps its id: an English
		// title inside French prose reads worse than the word one types.
		if t, ok := b.Catalog.Theme(id); ok {
			if tt := b.Catalog.ThemeIn(t, p.Lang()); tt != t || p.Lang() == lang.Default {
				parts[i] = p.T("sched_theme_titled", "Title", tt.Title, "ID", id)
			}
		}
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return p.T("list_and", "Head", strings.Join(parts[:len(parts)-1], ", "), "Last", parts[len(parts)-1])
}

// zoneOrUTC is the member's zone tz, or UTC when it cannot be loaded: a
// date shown in the wrong zone beats no date.
func zoneOrUTC(tz string) *time.Location {
	loc, err := store.LoadZone(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}

// localTime shows an instant in the member's zone and language: "Friday 27
// November at 16:00 CET", "vendredi 27 novembre à 16 h (CET)".
func localTime(p *lang.Printer, t time.Time, tz string) string {
	if t.IsZero() {
		return p.T("sched_never")
	}
	return p.DateTime(t.In(zoneOrUTC(tz)))
}

// slotDate is a slot's day in the member's zone, short enough for a
// button: "Fri 11 Dec", "ven. 11 déc.".
func slotDate(p *lang.Printer, t time.Time, tz string) string {
	return p.ShortDate(t.In(zoneOrUTC(tz)))
}

// pastDay is the day of a past event, such as an unsubscribe, in the zone
// tz: "Fri 4 Dec 2026", "4 décembre 2026".
func pastDay(p *lang.Printer, t time.Time, tz string) string {
	t = t.In(zoneOrUTC(tz))
	return p.T("sched_past_day", "Short", p.ShortDateYear(t), "Long", p.LongDate(t))
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
