package bot

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
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

func (b *Bot) cmdJournal(_ context.Context, c *Command) (Reply, error) {
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
	tz := b.DefaultTZ
	if sub, ok, err := b.Schedules.Subscription(c.UserID); err == nil && ok {
		tz = sub.TZ
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

func (b *Bot) cmdExport(ctx context.Context, c *Command) (Reply, error) {
	doc, err := b.exportMarkdown(c.UserID, b.memberName(ctx, c.UserID))
	if err != nil {
		return Reply{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	dm, _, _, err := b.Slack.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{c.UserID}})
	if err != nil {
		return Reply{}, fmt.Errorf("open DM with %s: %w", c.UserID, err)
	}
	_, err = b.Slack.UploadFileContext(ctx, slack.UploadFileParameters{
		Channel: dm.ID, Content: doc, FileSize: len(doc),
		Filename: "mentorbot-" + b.Now().Format("2006-01-02") + ".md", Title: "Everything mentorbot keeps about you",
	})
	if err != nil {
		return Reply{}, fmt.Errorf("upload export for %s: %w", c.UserID, err)
	}
	return textReply("I sent you a Markdown file in our DM with your settings, your schedule, the prompts you were shown, your reflections and your wins."), nil
}

// memberName is how Slack shows the member (display name, else real name,
// else handle), or "" when Slack has none or cannot be asked: the export is
// still worth sending with the id alone.
func (b *Bot) memberName(ctx context.Context, userID string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u, err := b.Slack.GetUserInfoContext(ctx, userID)
	if err != nil {
		b.Logger.Warn("users.info failed; the export names the member by id", "user", userID, "err", err)
		return ""
	}
	for _, n := range []string{u.Profile.DisplayName, u.RealName, u.Name} {
		if n = strings.TrimSpace(n); n != "" {
			return n
		}
	}
	return ""
}

// exportMarkdown gathers every record of the member into one document,
// headed by their name when known (name may be "").
func (b *Bot) exportMarkdown(userID, name string) (string, error) {
	u, err := b.Members.User(userID)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", userID, err)
	}
	sub, subscribed, err := b.Schedules.Subscription(userID)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", userID, err)
	}
	pending := b.pendingHistory(userID) // before the store: see pendingHistory
	hist, err := b.Members.History(userID, 0)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", userID, err)
	}
	hist = append(hist, unsavedHistory(hist, pending)...)
	refl, err := b.Journal.Reflections(userID, 0)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", userID, err)
	}
	wins, _, err := b.Wins.Wins(userID, 0)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", userID, err)
	}
	exps, err := b.Experiments.Commitments(userID, 0)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", userID, err)
	}
	checkIns, err := b.CheckIns.CheckIns(userID, 0)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", userID, err)
	}
	who := cmp.Or(name, userID)
	var sb strings.Builder
	fmt.Fprintf(&sb, "# mentorbot: everything kept about %s\n\nExported %s.\n\n## Settings\n\n", who, b.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&sb, "- Slack user id: %s\n", userID)
	fmt.Fprintf(&sb, "- Role: %s\n", orNone(u.Role))
	if subscribed {
		themes := "every theme" // no focus: as status and Home say it
		if len(sub.Focus) > 0 {
			themes = strings.Join(sub.Focus, ", ")
		}
		fmt.Fprintf(&sb, "- Schedule: %s\n- Next prompt: %s\n- Themes: %s\n", sub.Describe(), localTime(nil, sub.NextDue, sub.TZ), themes)
		if !sub.PausedUntil.IsZero() {
			fmt.Fprintf(&sb, "- Paused until: %s\n", localTime(nil, sub.PausedUntil, sub.TZ))
		}
		if len(sub.Skips) > 0 {
			fmt.Fprintf(&sb, "- Skipped: %s\n", skippedDates(nil, sub.Skips, sub.TZ))
		}
	} else {
		sb.WriteString("- Not subscribed\n")
	}
	fmt.Fprintf(&sb, "\n## Reflections (%d)\n", len(refl))
	for i := len(refl) - 1; i >= 0; i-- {
		r := refl[i]
		fmt.Fprintf(&sb, "\n### %s · %s\n\n> %s\n\n%s\n", r.At.UTC().Format("2006-01-02 15:04 MST"), r.Theme, strings.ReplaceAll(r.Prompt, "\n", "\n> "), r.Text)
	}
	writeWins(&sb, wins)
	writeExperiments(&sb, exps)
	writeCheckIns(&sb, checkIns)
	fmt.Fprintf(&sb, "\n## Prompts shown (%d)\n\n", len(hist))
	for _, h := range hist {
		fmt.Fprintf(&sb, "- %s %s (%s)\n", h.At.UTC().Format("2006-01-02"), h.PromptID, h.Theme)
	}
	return sb.String(), nil
}

// writeWins adds the member's wins to an export, oldest first.
func writeWins(sb *strings.Builder, ws []store.Win) {
	fmt.Fprintf(sb, "\n## Wins (%d)\n", len(ws))
	for i := len(ws) - 1; i >= 0; i-- {
		w := ws[i]
		fmt.Fprintf(sb, "\n### %s", w.At.UTC().Format("2006-01-02 15:04 MST"))
		switch {
		case w.From != "":
			fmt.Fprintf(sb, " · thanks from %s", w.From)
		case w.Author != "":
			fmt.Fprintf(sb, " · a message of %s in %s", w.Author, w.Channel)
		}
		// Win texts come from slash commands and messages, in Slack's
		// wire escapes; the file is read outside Slack.
		fmt.Fprintf(sb, "\n\n%s\n", plainWords(w.Text))
		if w.Permalink != "" {
			fmt.Fprintf(sb, "\n%s\n", w.Permalink)
		}
	}
}

// writeExperiments adds the member's experiments to an export, oldest first.
func writeExperiments(sb *strings.Builder, cs []store.Commitment) {
	fmt.Fprintf(sb, "\n## Experiments (%d)\n", len(cs))
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		fmt.Fprintf(sb, "\n### %s · %s · %s\n\n%s\n", c.At.UTC().Format("2006-01-02"), c.PromptID, outcomeWords(nil, c.Outcome), c.Experiment)
		if c.Waiting() {
			fmt.Fprintf(sb, "\nAsk: %s\n", c.Due.UTC().Format("2006-01-02 15:04 MST"))
		}
		if c.Note != "" {
			fmt.Fprintf(sb, "\n%s\n", c.Note)
		}
	}
}

// writeCheckIns adds the member's check-ins to an export, oldest first,
// each statement with its score.
func writeCheckIns(sb *strings.Builder, cs []store.CheckIn) {
	fmt.Fprintf(sb, "\n## Check-ins (%d)\n", len(cs))
	for i := len(cs) - 1; i >= 0; i-- {
		fmt.Fprintf(sb, "\n### %s\n\n", cs[i].At.UTC().Format("2006-01-02 15:04 MST"))
		for j, s := range cs[i].Scores {
			if j < len(statements) {
				fmt.Fprintf(sb, "- %d/5 %s\n", s, statementText(nil, j))
			}
		}
		if cs[i].Note != "" {
			fmt.Fprintf(sb, "\n%s\n", cs[i].Note)
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
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
	confirm := slack.NewButtonBlockElement(actionForgetConfirm, forgetValue(actionForgetConfirm, c.UserID), plain(c.P.T("journal_forget_button")))
	confirm.Style = slack.StyleDanger
	confirm.Confirm = slack.NewConfirmationBlockObject(plain(c.P.T("journal_forget_confirm_title")), plain(c.P.T("journal_forget_confirm_text")),
		plain(c.P.T("journal_forget_confirm_yes")), plain(c.P.T("journal_forget_confirm_no")))
	cancel := slack.NewButtonBlockElement(actionForgetCancel, forgetValue(actionForgetCancel, c.UserID), plain(c.P.T("journal_forget_keep")))
	return Reply{Text: text, Blocks: []slack.Block{section(text), slack.NewActionBlock("forget.actions", confirm, cancel)}}, nil
}

// forget deletes the clicking member's data. The member is the one Slack
// says clicked; the button names whom it was offered to only so that its
// route's check can refuse anyone else's click.
func (b *Bot) forget(_ context.Context, c *Command) (Reply, error) {
	unlock := b.locks.lock(c.UserID)
	defer unlock()
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
	if err := b.Members.Forget(c.UserID); err != nil {
		return Reply{}, fmt.Errorf("forget %s: %w", c.UserID, err)
	}
	r := textReply(c.P.T("journal_forgotten"))
	r.ReplaceOriginal = true
	return r, nil
}

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
