package bot

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

const (
	journalDefault = 5
	journalMax     = 20
)

// JournalStore keeps members' reflections. *store.DB implements it.
//
// Every method returns store.ErrInvalidID when the member id is empty or
// holds a NUL byte.
type JournalStore interface {
	// AddReflection writes a reflection durably and returns it as stored;
	// when it answers one of the member's nudges, that nudge is marked
	// reflected in the same transaction.
	AddReflection(r store.Reflection) (store.Reflection, error)
	// Reflections lists the member's newest limit reflections (all when
	// limit <= 0), newest first.
	Reflections(userID string, limit int) ([]store.Reflection, error)
	// LastReflectionOn finds the member's newest reflection on a prompt,
	// and whether there is one.
	LastReflectionOn(userID, promptID string) (store.Reflection, bool, error)
}

// countArg reads the optional count of a listing command (`journal 10`,
// `wins 20`): def when there is none, at most max; false for anything but
// one whole number of 1 or more.
func countArg(args []string, def, max int) (int, bool) {
	if len(args) == 0 {
		return def, true
	}
	v, err := strconv.Atoi(args[0])
	if err != nil || v < 1 || len(args) > 1 {
		return 0, false
	}
	return min(v, max), true
}

func (b *Bot) cmdJournal(ctx context.Context, c *Command) (Reply, error) {
	n, ok := countArg(c.Args, journalDefault, journalMax)
	if !ok {
		return Reply{}, &Error{Code: EINVALID, Message: c.P.T("journal_usage", "Max", journalMax, "Cmd", c.Name)}
	}
	// Read one more than shown to know whether there are more.
	rs, err := b.Journal.Reflections(c.UserID, n+1)
	if err != nil {
		return Reply{}, fmt.Errorf("read journal of %s: %w", c.UserID, err)
	}
	more := len(rs) > n
	if more {
		rs = rs[:n]
	}
	// Times in the zone the member lives in: their schedule's, else the
	// one Slack has for them, as status and Home say the next question.
	var tz string
	if sub, ok, err := b.Schedules.Subscription(c.UserID); err == nil && ok {
		tz = sub.TZ
	} else {
		tz = b.memberZone(ctx, c.UserID)
	}
	blocks := journalBlocks(c.P, c.Name, rs, more, tz)
	// Experiments' notes are entries above; their tally goes under them.
	cs, err := b.Experiments.Commitments(c.UserID, 0)
	if err != nil {
		return Reply{}, err
	}
	if len(cs) > 0 {
		blocks = append(blocks, contextLine(experimentsLine(c.P, cs, b.Now(), tz)))
	}
	return Reply{Text: c.P.T("journal_title"), Blocks: blocks}, nil
}

// cmdForget asks before deleting: the warning names every kind of record,
// and a lead's recurring broadcasts, which go too.
func (b *Bot) cmdForget(_ context.Context, c *Command) (Reply, error) {
	text := c.P.T("journal_forget", "Cmd", c.Name)
	bs, err := b.Broadcasts.BroadcastsByLead(c.UserID)
	if err != nil {
		return Reply{}, fmt.Errorf("forget %s: read broadcasts: %w", c.UserID, err)
	}
	if len(bs) > 0 {
		text += " " + c.P.T("journal_forget_broadcasts")
	}
	now := b.Now()
	confirm := slack.NewButtonBlockElement(actionForgetConfirm, forgetValue(actionForgetConfirm, c.UserID, now), plain(c.P.T("journal_forget_button")))
	confirm.Style = slack.StyleDanger
	confirm.Confirm = slack.NewConfirmationBlockObject(plain(c.P.T("journal_forget_confirm_title")), plain(c.P.T("journal_forget_confirm_text")),
		plain(c.P.T("journal_forget_confirm_yes")), plain(c.P.T("journal_forget_confirm_no")))
	cancel := slack.NewButtonBlockElement(actionForgetCancel, forgetValue(actionForgetCancel, c.UserID, now), plain(c.P.T("journal_forget_keep")))
	return Reply{Text: text, Blocks: []slack.Block{section(text), slack.NewActionBlock("forget.actions", confirm, cancel)}}, nil
}

// forget deletes the clicking member's data. The member is the one Slack
// says clicked; the button names whom it was offered to only so that its
// route's check can refuse anyone else's click.
func (b *Bot) forget(_ context.Context, c *Command) (Reply, error) {
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	// A confirmation stays in the member's Slack after it was used, or
	// beside a newer one: clicked later it would delete what they kept
	// since. It holds for forgetOfferTTL, and not past a forget done since.
	_, offered, _ := forgetOffer(actionForgetConfirm, c.Value)
	last, _ := b.forgotten.Load(c.UserID)
	if offered.IsZero() || b.Now().Sub(offered) > forgetOfferTTL || last != nil && !offered.After(last.(time.Time)) {
		r := textReply(c.P.T("journal_forget_stale", "Cmd", c.Name))
		r.ReplaceOriginal = true
		return r, nil
	}
	// A lead's broadcasts name them in every post: they go too.
	bs, err := b.Broadcasts.BroadcastsByLead(c.UserID)
	if err != nil {
		return Reply{}, fmt.Errorf("forget %s: %w", c.UserID, err)
	}
	for _, bc := range bs {
		if err := b.Broadcasts.DeleteBroadcast(bc.ID); err != nil {
			return Reply{}, fmt.Errorf("forget %s: %w", c.UserID, err)
		}
	}
	b.waitHistory(c.UserID)
	// Wait for the locale writes in flight: one read just before and
	// stored just after the deletion would outlive the member's data.
	b.langs.writing.Lock()
	b.langs.writing.Unlock()
	u, err := b.Members.User(c.UserID) // the Slack locale, for forgetLanguage
	if err != nil {
		return Reply{}, fmt.Errorf("forget %s: %w", c.UserID, err)
	}
	if err := b.Members.Forget(c.UserID); err != nil {
		return Reply{}, fmt.Errorf("forget %s: %w", c.UserID, err)
	}
	b.forgetLanguage(c.UserID, u.Locale)
	b.forgotten.Store(c.UserID, b.Now())
	r := textReply(c.P.T("journal_forgotten"))
	r.ReplaceOriginal = true
	return r, nil
}

// forgetOfferTTL is how long a forget confirmation can be used: long
// enough to read the warning and export first, short enough that an old
// one scrolled back to does not delete a year kept since.
const forgetOfferTTL = time.Hour

// keepData answers "Keep my data" in place of the confirmation.
func (b *Bot) keepData(_ context.Context, c *Command) (Reply, error) {
	r := textReply(c.P.T("journal_kept"))
	r.ReplaceOriginal = true
	return r, nil
}

// reflectionFor checks a reflection before it is saved: the prompt must
// exist and the slot must be one of the member's own nudges, or it is saved
// as a reflection on a prompt asked for. The entry keeps the prompt's words
// in the member's language, as they read them when they answered.
func (b *Bot) reflectionFor(pr *lang.Printer, userID string, ref promptRef, text string) (store.Reflection, error) {
	p, ok := b.Catalog.Prompt(ref.PromptID)
	if !ok {
		return store.Reflection{}, &Error{Code: ENOTFOUND, Message: pr.T("prompt_gone_unsaved")}
	}
	shown := b.Catalog.Localize(p, pr.Lang()).Text
	r := store.Reflection{UserID: userID, PromptID: p.ID, Theme: p.Theme, Prompt: shown, Text: text, At: b.Now()}
	if ref.Slot.IsZero() {
		return r, nil
	}
	ns, err := b.Schedules.Nudges(userID, 100)
	if err != nil {
		return r, fmt.Errorf("read nudges of %s: %w", userID, err)
	}
	for _, n := range ns {
		if n.Slot.Equal(ref.Slot) && n.Status == store.NudgeSent {
			r.Slot = ref.Slot
			break
		}
	}
	return r, nil
}
