package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// Experiments: a card whose prompt has a "Try this week" line offers I'll
// try it; a week later, at the member's nudge time, a DM asks how it went.
// The follow-up is due like a nudge: an index in the store that SendDue
// reads, so it survives restarts and outages; a follow-up Slack cannot take
// stays due, and one found later than Grace moves to the next day at the
// same time rather than arrive at night.

// followUpAfter is how long after the commitment the follow-up comes, and
// how long Not yet waits before asking again.
const followUpAfter = 7 * 24 * time.Hour

// maxAsks is how many times a member is asked about one experiment: once,
// and once more after Not yet.
const maxAsks = 2

// defaultFollowUpHour is the local hour of a follow-up for a member who has
// no schedule to take it from.
const defaultFollowUpHour = 16

// ExperimentStore keeps members' commitments to experiments and the due
// index of their follow-ups. *store.DB implements it.
//
// Every method taking a member id returns store.ErrInvalidID when it is
// empty or holds a NUL byte.
type ExperimentStore interface {
	// AddCommitment writes a commitment and its due-index entry.
	AddCommitment(c store.Commitment) (store.Commitment, error)
	// PutCommitment rewrites a commitment and moves its due-index entry;
	// store.ErrCommitmentNotFound when the member has none of that sequence.
	PutCommitment(c store.Commitment) error
	// Commitments lists the member's newest limit commitments (all when
	// limit <= 0), newest first.
	Commitments(userID string, limit int) ([]store.Commitment, error)
	// Commitment finds the member's commitment by sequence, and whether
	// they have it.
	Commitment(userID string, seq uint64) (store.Commitment, bool, error)
	// FollowUpsDue lists the follow-ups due at or before now, oldest first,
	// at most limit (all when limit <= 0).
	FollowUpsDue(now time.Time, limit int) ([]store.FollowUp, error)
}

// tryIt records that the member will try the card's experiment, once per
// prompt while its follow-up is pending, and says when the bot will ask.
func (b *Bot) tryIt(ctx context.Context, c *Command) (Reply, error) {
	p, ok := b.Catalog.Prompt(parsePromptRef(c.Value).PromptID)
	if ok {
		// The commitment keeps the experiment as the member read it.
		p = b.Catalog.Localize(p, c.P.Lang())
	}
	if !ok || p.Try == "" {
		return Reply{}, &Error{Code: ENOTFOUND, Message: c.P.T("exp_no_experiment", "Cmd", c.Name)}
	}
	due, tz := b.followUpAt(ctx, c.UserID, b.Now())
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	cs, err := b.Experiments.Commitments(c.UserID, 0)
	if err != nil {
		return Reply{}, err
	}
	for _, old := range cs {
		if old.PromptID == p.ID && old.Outcome == "" {
			date := ""
			if old.Waiting() {
				date = c.P.DateTime(zoned(old.Due, tz))
			}
			return textReply(c.P.T("exp_already", "Date", date)), nil
		}
	}
	_, err = b.Experiments.AddCommitment(store.Commitment{UserID: c.UserID, PromptID: p.ID, Theme: p.Theme, Experiment: p.Try, At: b.Now(), Due: due})
	if err != nil {
		return Reply{}, err
	}
	return textReply(c.P.T("exp_noted", "Try", strings.TrimSpace(escape(p.Try)), "Date", c.P.DateTime(zoned(due, tz)))), nil
}

// followUpAt is when a follow-up for something done at from is due: seven
// days later at the member's nudge time, or at 16:00 in their zone when they
// have no schedule, or the first such time after their pause; and the zone
// it is said in.
func (b *Bot) followUpAt(ctx context.Context, userID string, from time.Time) (time.Time, string) {
	hour, minute, tz := b.followUpClock(ctx, userID)
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc, tz = time.UTC, "UTC"
	}
	d := from.Add(followUpAfter).In(loc)
	due := time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, loc)
	// A follow-up waits for a pause to end (followUp): say the day it
	// will really come.
	if sub, ok, err := b.Schedules.Subscription(userID); err == nil && ok {
		due = pastPause(due, sub.PausedUntil, loc)
	}
	return due.UTC(), tz
}

// pastPause moves due on by calendar days in loc, keeping its time of day
// across a clock change, until it is not before a pause's end.
func pastPause(due, pausedUntil time.Time, loc *time.Location) time.Time {
	due = due.In(loc)
	for due.Before(pausedUntil) {
		due = due.AddDate(0, 0, 1)
	}
	return due
}

// followUpClock is the time of day and zone of the member's follow-ups:
// their schedule's, or 16:00 in their Slack zone when they have none.
func (b *Bot) followUpClock(ctx context.Context, userID string) (hour, minute int, tz string) {
	if sub, ok, err := b.Schedules.Subscription(userID); err == nil && ok {
		return sub.Hour, sub.Minute, sub.TZ
	}
	return defaultFollowUpHour, 0, b.memberZone(ctx, userID)
}

// sendFollowUps sends every follow-up due at now, one at a time: there are
// few, and each member's lock keeps them apart from the member's clicks.
func (b *Bot) sendFollowUps(ctx context.Context, now time.Time) (SendReport, error) {
	due, err := b.Experiments.FollowUpsDue(now, dueBatch)
	if err != nil {
		return SendReport{}, fmt.Errorf("read follow-ups due: %w", err)
	}
	var rep SendReport
	for _, f := range due {
		if ctx.Err() != nil {
			break
		}
		rep.count(b.followUp(ctx, f, now))
	}
	return rep, nil
}

// followUp sends one follow-up and says how it went, as deliver does for
// a nudge. It is recorded as asked once Slack took it: a crash in between
// can send it twice, never lose it.
func (b *Bot) followUp(ctx context.Context, f store.FollowUp, now time.Time) string {
	unlock := b.locks.lock(f.UserID)
	defer unlock()
	c, ok, err := b.Experiments.Commitment(f.UserID, f.Seq)
	switch {
	case err != nil:
		b.Logger.Error("follow-up: read commitment", "user", f.UserID, "seq", f.Seq, "err", err)
		return "failed"
	case !ok || !c.Waiting() || !c.Due.Equal(f.Due):
		return "" // answered or moved since the index was read
	}
	if now.Sub(c.Due) > b.Grace {
		for !c.Due.After(now) {
			c.Due = c.Due.Add(24 * time.Hour) // the same time, the next day
		}
		return b.recordFollowUp(c, "skipped")
	}
	if sub, ok, err := b.Schedules.Subscription(c.UserID); err == nil && ok && sub.Paused(now) {
		// A member who asked for a break is not asked how an experiment
		// went meanwhile: the question waits for the pause to end, at
		// its time of day.
		c.Due = pastPause(c.Due, sub.PausedUntil, zoneOrUTC(sub.TZ)).UTC()
		return b.recordFollowUp(c, "skipped")
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	p := b.scheduledPrinter(c.UserID)
	shown := c
	shown.Experiment = b.experimentIn(p.Lang(), c)
	if shown.Asks == 0 && now.Sub(c.At) > followUpAfter+24*time.Hour {
		shown.Asks = 1 // held by a pause: "A while ago", not "Last week"
	}
	text := followUpText(p, shown)
	_, _, err = b.post(pctx, c.UserID, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(followUpBlocks(p, shown)...))
	if err != nil && transient(err) {
		b.Logger.Warn("follow-up: Slack unavailable; still due", "user", c.UserID, "err", redact(err))
		return "retried"
	}
	if err != nil {
		b.Logger.Error("follow-up: Slack refused it; not asked again", "user", c.UserID, "err", redact(err))
	}
	c.Due, c.Asks = time.Time{}, c.Asks+1
	if out := b.recordFollowUp(c, "sent"); out != "sent" || err == nil {
		return out
	}
	return "failed"
}

// experimentIn is c's experiment in language l: a member who planned it in
// French and reads English since is asked about it in English. Only when
// the words kept are the prompt's experiment in one of the catalog's
// languages: an experiment the catalog has rewritten since is asked about
// in the words the member planned.
func (b *Bot) experimentIn(l string, c store.Commitment) string {
	pr, ok := b.Catalog.Prompt(c.PromptID)
	if !ok {
		return c.Experiment
	}
	for _, other := range b.Catalog.Languages() {
		if b.Catalog.Localize(pr, other).Try == c.Experiment {
			if t := b.Catalog.Localize(pr, l).Try; t != "" {
				return t
			}
		}
	}
	return c.Experiment
}

// recordFollowUp writes c and returns outcome, or "failed" when it could
// not be written.
func (b *Bot) recordFollowUp(c store.Commitment, outcome string) string {
	if err := b.Experiments.PutCommitment(c); err != nil {
		b.Logger.Error("follow-up: record", "user", c.UserID, "seq", c.Seq, "err", err)
		return "failed"
	}
	return outcome
}

// expValue is what the follow-up's buttons and note form carry: the
// commitment's sequence. Whose it is comes from Slack's user.
func expValue(seq uint64) string { return strconv.FormatUint(seq, 10) }

// checkExp says why a value is not one of the member's commitments ("" when
// it is).
func (b *Bot) checkExp(userID, value string) (string, error) {
	seq, err := strconv.ParseUint(value, 10, 64)
	if err != nil || seq == 0 {
		return "malformed value", nil
	}
	_, ok, err := b.Experiments.Commitment(userID, seq)
	switch {
	case err != nil:
		return "", err
	case !ok:
		return "not one of the member's experiments", nil
	}
	return "", nil
}

// answerable reads the commitment a follow-up button names (its route checked
// it is the member's) and refuses one not waiting for an answer.
func (b *Bot) answerable(c *Command) (store.Commitment, error) {
	seq, _ := strconv.ParseUint(c.Value, 10, 64)
	cm, _, err := b.Experiments.Commitment(c.UserID, seq)
	switch {
	case err != nil:
		return cm, err
	case cm.Outcome != "":
		return cm, &Error{Code: EINVALID, Message: c.P.T("exp_answered_already", "Outcome", outcomeWords(c.P, cm.Outcome))}
	case !cm.Asked():
		return cm, &Error{Code: EINVALID, Message: c.P.T("exp_not_asked")}
	}
	return cm, nil
}

// expTried and expNotForMe record the answer, then offer the optional note.
func (b *Bot) expTried(ctx context.Context, c *Command) (Reply, error) {
	return b.expAnswer(ctx, c, store.OutcomeTried)
}

func (b *Bot) expNotForMe(ctx context.Context, c *Command) (Reply, error) {
	return b.expAnswer(ctx, c, store.OutcomeNotForMe)
}

func (b *Bot) expAnswer(ctx context.Context, c *Command, outcome string) (Reply, error) {
	unlock := b.locks.lock(c.UserID)
	cm, err := b.answerable(c)
	if err == nil {
		cm.Outcome, cm.AnsweredAt = outcome, b.Now()
		err = b.Experiments.PutCommitment(cm)
	}
	unlock()
	if err != nil {
		return Reply{}, err
	}
	octx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, err = b.Slack.OpenViewContext(octx, c.TriggerID, expNoteModal(c.P, cm))
	if err != nil {
		b.Logger.Warn("experiment note form not opened", "user", c.UserID, "err", redact(err))
	}
	r := textReply(c.P.T("exp_answer_noted", "Outcome", outcomeWords(c.P, outcome), "NotForMe", outcome == store.OutcomeNotForMe,
		"Try", escape(strings.TrimSpace(cm.Experiment)), "Form", err == nil))
	r.ReplaceOriginal = true
	return r, nil
}

// expNotYet asks again a week later, once; the second Not yet is the answer.
func (b *Bot) expNotYet(ctx context.Context, c *Command) (Reply, error) {
	due, tz := b.followUpAt(ctx, c.UserID, b.Now())
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	cm, err := b.answerable(c)
	if err != nil {
		return Reply{}, err
	}
	text := c.P.T("exp_not_tried_final")
	if cm.Asks < maxAsks {
		cm.Due = due
		text = c.P.T("exp_ask_again", "Date", c.P.DateTime(zoned(due, tz)))
	} else {
		cm.Outcome, cm.AnsweredAt = store.OutcomeNotYet, b.Now()
	}
	if err := b.Experiments.PutCommitment(cm); err != nil {
		return Reply{}, err
	}
	r := textReply(text)
	r.ReplaceOriginal = true
	return r, nil
}

// submitExpNote saves what happened to the journal, beside the outcome.
// An empty form closes: the note is optional. A second submission of the
// same form keeps the first words.
func (b *Bot) submitExpNote(c *Command, values formValues) (*viewResponse, error) {
	text := strings.TrimSpace(values[blockExpNote][actionExpNote].Value)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return &viewResponse{Action: "clear"}, nil
	case n > store.MaxReflectionLen:
		return expNoteError(c.P.T("exp_note_too_long", "Len", c.P.Number(n), "Max", c.P.Number(store.MaxReflectionLen))), nil
	}
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	seq, _ := strconv.ParseUint(c.Value, 10, 64)
	cm, _, err := b.Experiments.Commitment(c.UserID, seq)
	if err != nil {
		return nil, err
	}
	if cm.Outcome == "" {
		return expNoteError(c.P.T("exp_note_answer_first")), nil
	}
	if cm.Note == "" {
		if _, err := b.Journal.AddReflection(expReflection(c.P, cm, text, b.Now())); err != nil {
			return nil, err
		}
		cm.Note = text
		if err := b.Experiments.PutCommitment(cm); err != nil {
			return nil, err
		}
	}
	return &viewResponse{Action: "update", View: savedModal(c.P, c.Name, 0, false, nil)}, nil
}

// expReflection is the journal entry of an experiment's note: the
// experiment where the prompt goes, the outcome before the words, in the
// language of the member who wrote them.
func expReflection(p *lang.Printer, cm store.Commitment, note string, at time.Time) store.Reflection {
	return store.Reflection{UserID: cm.UserID, PromptID: cm.PromptID, Theme: cm.Theme,
		Prompt: p.T("exp_journal_prompt", "Try", cm.Experiment),
		Text:   p.T("exp_journal_text", "Outcome", capitalise(outcomeWords(p, cm.Outcome)), "Note", note), At: at}
}

// capitalise puts s's first letter in upper case: "essayé" → "Essayé".
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// expSummary is the member's experiments in one line, as status and Home
// show them: how many of this quarter's were tried, and when the next
// question comes, in the zone it was set in (followUpClock): a member with
// no schedule reads it in their Slack zone, not the workspace's default.
func (b *Bot) expSummary(ctx context.Context, p *lang.Printer, userID string) (string, error) {
	cs, err := b.Experiments.Commitments(userID, 0)
	if err != nil {
		return "", err
	}
	tz := b.DefaultTZ
	if slices.ContainsFunc(cs, store.Commitment.Waiting) {
		_, _, tz = b.followUpClock(ctx, userID)
	} else if sub, ok, err := b.Schedules.Subscription(userID); err == nil && ok {
		tz = sub.TZ
	}
	return experimentsLine(p, cs, b.Now(), tz), nil
}
