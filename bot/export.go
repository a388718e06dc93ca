package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// /mentor export: every record the bot keeps about the member, as one
// Markdown file in their language, sent to their DM. Dates are ISO (UTC),
// the same in every language and easy to sort.

func (b *Bot) cmdExport(ctx context.Context, c *Command) (Reply, error) {
	doc, err := b.exportMarkdown(c.P, c.UserID, b.memberName(ctx, c.UserID))
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
		Filename: "mentorbot-" + b.Now().Format("2006-01-02") + ".md", Title: c.P.T("journal_export_title"),
	})
	if err != nil {
		return Reply{}, fmt.Errorf("upload export for %s: %w", c.UserID, err)
	}
	return textReply(c.P.T("journal_export_sent")), nil
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

// exported is everything exportMarkdown writes, read before it writes.
type exported struct {
	user       store.User
	sub        store.Subscription
	subscribed bool
	hist       []store.HistoryEntry
	refl       []store.Reflection
	wins       []store.Win
	exps       []store.Commitment
	checkIns   []store.CheckIn
}

// exportMarkdown gathers every record of the member into one document in
// p's language, headed by their name when known (name may be "").
func (b *Bot) exportMarkdown(p *lang.Printer, userID, name string) (string, error) {
	d, err := b.exportData(userID)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", userID, err)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s\n\n%s\n\n", p.T("journal_md_heading", "Who", cmp.Or(name, userID)), p.T("journal_md_exported", "At", b.Now().UTC().Format(time.RFC3339)))
	writeSettings(&sb, p, userID, d)
	fmt.Fprintf(&sb, "\n%s\n", p.T("journal_md_reflections", "N", len(d.refl)))
	for i := len(d.refl) - 1; i >= 0; i-- {
		r := d.refl[i]
		fmt.Fprintf(&sb, "\n### %s · %s\n\n> %s\n\n%s\n", r.At.UTC().Format("2006-01-02 15:04 MST"), r.Theme, strings.ReplaceAll(r.Prompt, "\n", "\n> "), r.Text)
	}
	writeWins(&sb, p, d.wins)
	writeExperiments(&sb, p, d.exps)
	writeCheckIns(&sb, p, d.checkIns)
	fmt.Fprintf(&sb, "\n%s\n\n", p.T("journal_md_prompts", "N", len(d.hist)))
	for _, h := range d.hist {
		fmt.Fprintf(&sb, "- %s %s (%s)\n", h.At.UTC().Format("2006-01-02"), h.PromptID, h.Theme)
	}
	return sb.String(), nil
}

// exportData reads every record of the member.
func (b *Bot) exportData(userID string) (exported, error) {
	var d exported
	var err error
	if d.user, err = b.Members.User(userID); err != nil {
		return d, err
	}
	if d.sub, d.subscribed, err = b.Schedules.Subscription(userID); err != nil {
		return d, err
	}
	pending := b.pendingHistory(userID) // before the store: see pendingHistory
	if d.hist, err = b.Members.History(userID, 0); err != nil {
		return d, err
	}
	d.hist = append(d.hist, unsavedHistory(d.hist, pending)...)
	if d.refl, err = b.Journal.Reflections(userID, 0); err != nil {
		return d, err
	}
	if d.wins, _, err = b.Wins.Wins(userID, 0); err != nil {
		return d, err
	}
	if d.exps, err = b.Experiments.Commitments(userID, 0); err != nil {
		return d, err
	}
	d.checkIns, err = b.CheckIns.CheckIns(userID, 0)
	return d, err
}

// writeSettings adds the member's settings and schedule to an export.
func writeSettings(sb *strings.Builder, p *lang.Printer, userID string, d exported) {
	role := d.user.Role
	if role == "" {
		role = p.T("journal_md_no_role")
	}
	fmt.Fprintf(sb, "%s\n\n%s\n%s\n", p.T("journal_md_settings"), p.T("journal_md_user", "ID", userID), p.T("journal_md_role", "Role", role))
	if !d.subscribed {
		fmt.Fprintf(sb, "%s\n", p.T("journal_md_not_subscribed"))
		return
	}
	sub := d.sub
	themes := p.T("journal_md_every_theme") // no focus: as status and Home say it
	if len(sub.Focus) > 0 {
		themes = strings.Join(sub.Focus, ", ")
	}
	fmt.Fprintf(sb, "%s\n%s\n%s\n", p.T("journal_md_schedule", "Schedule", describeSchedule(p, sub.Schedule)),
		p.T("journal_md_next", "Next", localTime(p, sub.NextDue, sub.TZ)), p.T("journal_md_themes", "Themes", themes))
	if !sub.PausedUntil.IsZero() {
		fmt.Fprintf(sb, "%s\n", p.T("journal_md_paused", "Date", localTime(p, sub.PausedUntil, sub.TZ)))
	}
	if len(sub.Skips) > 0 {
		fmt.Fprintf(sb, "%s\n", p.T("journal_md_skipped", "Dates", skippedDates(p, sub.Skips, sub.TZ)))
	}
}

// writeWins adds the member's wins to an export, oldest first.
func writeWins(sb *strings.Builder, p *lang.Printer, ws []store.Win) {
	fmt.Fprintf(sb, "\n%s\n", p.T("journal_md_wins", "N", len(ws)))
	for i := len(ws) - 1; i >= 0; i-- {
		w := ws[i]
		fmt.Fprintf(sb, "\n### %s", w.At.UTC().Format("2006-01-02 15:04 MST"))
		switch {
		case w.From != "":
			fmt.Fprintf(sb, " · %s", p.T("journal_md_thanks", "From", w.From))
		case w.Author != "":
			fmt.Fprintf(sb, " · %s", p.T("journal_md_message", "Author", w.Author, "Channel", w.Channel))
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
func writeExperiments(sb *strings.Builder, p *lang.Printer, cs []store.Commitment) {
	fmt.Fprintf(sb, "\n%s\n", p.T("journal_md_experiments", "N", len(cs)))
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		fmt.Fprintf(sb, "\n### %s · %s · %s\n\n%s\n", c.At.UTC().Format("2006-01-02"), c.PromptID, outcomeWords(p, c.Outcome), c.Experiment)
		if c.Waiting() {
			fmt.Fprintf(sb, "\n%s\n", p.T("journal_md_ask", "Date", c.Due.UTC().Format("2006-01-02 15:04 MST")))
		}
		if c.Note != "" {
			fmt.Fprintf(sb, "\n%s\n", c.Note)
		}
	}
}

// writeCheckIns adds the member's check-ins to an export, oldest first,
// each statement with its score.
func writeCheckIns(sb *strings.Builder, p *lang.Printer, cs []store.CheckIn) {
	fmt.Fprintf(sb, "\n%s\n", p.T("journal_md_checkins", "N", len(cs)))
	for i := len(cs) - 1; i >= 0; i-- {
		fmt.Fprintf(sb, "\n### %s\n\n", cs[i].At.UTC().Format("2006-01-02 15:04 MST"))
		for j, s := range cs[i].Scores {
			if j < len(statements) {
				fmt.Fprintf(sb, "- %d/5 %s\n", s, statementText(p, j))
			}
		}
		if cs[i].Note != "" {
			fmt.Fprintf(sb, "\n%s\n", cs[i].Note)
		}
	}
}
