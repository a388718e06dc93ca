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
// Markdown file in their language, sent to their DM. The member reads it:
// dates are spelled in their language and time zone (their schedule's, else
// the one Slack has for them, else UTC), each with the zone's name; the
// file's name carries the ISO day it was made, for sorting.

func (b *Bot) cmdExport(ctx context.Context, c *Command) (Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// The DM is opened while the document is written: on a slow Slack the
	// member would otherwise wait for users.info (their name) and then for
	// conversations.open, one after the other.
	type opened struct {
		dm  *slack.Channel
		err error
	}
	dmc := make(chan opened, 1)
	go func() {
		dm, _, _, err := b.Slack.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{c.UserID}})
		dmc <- opened{dm, err}
	}()
	name, tz := b.memberProfile(ctx, c.UserID)
	doc, err := b.exportMarkdown(c.P, c.UserID, name, b.zoneOrDefault(tz)) // as the journal's memberZone
	if err != nil {
		cancel()
		<-dmc // nothing of the handler outlives it
		return Reply{}, err
	}
	o := <-dmc
	if o.err != nil {
		return Reply{}, fmt.Errorf("open DM with %s: %w", c.UserID, o.err)
	}
	_, err = b.Slack.UploadFileContext(ctx, slack.UploadFileParameters{
		Channel: o.dm.ID, Content: doc, FileSize: len(doc),
		Filename: "mentorbot-" + b.Now().Format("2006-01-02") + ".md", Title: c.P.T("journal_export_title"),
	})
	if err != nil {
		return Reply{}, fmt.Errorf("upload export for %s: %w", c.UserID, err)
	}
	return textReply(c.P.T("journal_export_sent")), nil
}

// memberProfile is how Slack shows the member (display name, else real
// name, else handle) and the time zone it has for them, each "" when Slack
// has none or cannot be asked: the export is still worth sending with the
// id alone, in UTC.
func (b *Bot) memberProfile(ctx context.Context, userID string) (name, tz string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u, err := b.Slack.GetUserInfoContext(ctx, userID)
	if err != nil {
		b.Logger.Warn("users.info failed; the export names the member by id", "user", userID, "err", err)
		return "", ""
	}
	for _, n := range []string{u.Profile.DisplayName, u.RealName, u.Name} {
		if n = strings.TrimSpace(n); n != "" {
			return n, u.TZ
		}
	}
	return "", u.TZ
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
	monthly    bool              // the check-in comes with the month's first prompt
	broadcasts []store.Broadcast // a lead's recurring broadcasts
}

// exportMarkdown gathers every record of the member into one document in
// p's language, headed by their name when known (name may be ""). Its
// times are in their schedule's zone, else in tz (the zone Slack has for
// them; "" for UTC).
func (b *Bot) exportMarkdown(p *lang.Printer, userID, name, tz string) (string, error) {
	d, err := b.exportData(userID)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", userID, err)
	}
	if d.subscribed {
		tz = d.sub.TZ
	}
	w := exportWriter{p: p, loc: zoneOrUTC(tz), theme: func(id string) string { return b.themeTitle(p, id) }}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s\n\n%s\n\n", p.T("journal_md_heading", "Who", cmp.Or(name, userID)), p.T("journal_md_exported", "At", w.when(b.Now())))
	w.settings(&sb, userID, d, b.exportLanguage(p, d.user))
	fmt.Fprintf(&sb, "\n%s\n", p.T("journal_md_reflections", "N", len(d.refl)))
	for i := len(d.refl) - 1; i >= 0; i-- {
		r := d.refl[i]
		fmt.Fprintf(&sb, "\n### %s · %s\n\n> %s\n\n%s\n", w.when(r.At), w.theme(r.Theme), strings.ReplaceAll(r.Prompt, "\n", "\n> "), r.Text)
	}
	w.wins(&sb, d.wins)
	w.experiments(&sb, d.exps)
	w.checkIns(&sb, d.checkIns)
	w.broadcasts(&sb, d.broadcasts)
	fmt.Fprintf(&sb, "\n%s\n\n", p.T("journal_md_prompts", "N", len(d.hist)))
	for _, h := range d.hist {
		fmt.Fprintf(&sb, "- %s · %s (%s)\n", w.day(h.At), h.PromptID, w.theme(h.Theme))
	}
	return sb.String(), nil
}

// exportWriter spells an export's dates and themes for the member who
// reads it.
type exportWriter struct {
	p     *lang.Printer
	loc   *time.Location
	theme func(id string) string // a theme's title in p's language
}

// when is an instant in the member's zone: "20 November 2026, 17:00 CET",
// "20 novembre 2026 à 17 h (CET)".
func (w exportWriter) when(t time.Time) string {
	t = t.In(w.loc)
	zone, _ := t.Zone()
	return w.p.T("journal_md_when", "Date", w.p.LongDate(t), "Time", w.p.Clock(t), "Zone", zone)
}

// day is the day an instant falls on in the member's zone: "20 November 2026".
func (w exportWriter) day(t time.Time) string { return w.p.LongDate(t.In(w.loc)) }

// themeTitle is a theme's title in p's language, or its id when the
// catalog no longer has it (history outlives retired themes).
func (b *Bot) themeTitle(p *lang.Printer, id string) string {
	t, ok := b.Catalog.Theme(id)
	if !ok {
		return id
	}
	return b.Catalog.ThemeIn(t, p.Lang()).Title
}

// exportLanguage is the export's line saying which language the member is
// spoken to in and why (their choice, or Slack's locale), with the locale
// Slack last gave, as the bot keeps it.
func (b *Bot) exportLanguage(p *lang.Printer, u store.User) string {
	if u.Lang != "" && b.Lang.Speaks(u.Lang) {
		return p.T("journal_md_lang_choice", "Name", b.Lang.Printer(u.Lang).Name(), "Locale", u.Locale)
	}
	return p.T("journal_md_lang_slack", "Name", b.Lang.Printer(b.Lang.Match(u.Locale)).Name(), "Locale", u.Locale)
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
	if d.checkIns, err = b.CheckIns.CheckIns(userID, 0); err != nil {
		return d, err
	}
	if d.monthly, err = b.CheckIns.CheckInMonthly(userID); err != nil {
		return d, err
	}
	d.broadcasts, err = b.Broadcasts.BroadcastsByLead(userID)
	return d, err
}

// settings adds every setting kept for the member to an export: language
// (the line language), role, monthly check-in, and their schedule.
func (w exportWriter) settings(sb *strings.Builder, userID string, d exported, language string) {
	p := w.p
	role := d.user.Role
	if role == "" {
		role = p.T("journal_md_no_role")
	}
	fmt.Fprintf(sb, "%s\n\n%s\n%s\n%s\n%s\n", p.T("journal_md_settings"), p.T("journal_md_user", "ID", userID),
		language, p.T("journal_md_role", "Role", role), p.T("journal_md_monthly", "On", d.monthly))
	if !d.subscribed {
		fmt.Fprintf(sb, "%s\n", p.T("journal_md_not_subscribed"))
		return
	}
	sub := d.sub
	themes := p.T("journal_md_every_theme") // no focus: as status and Home say it
	if len(sub.Focus) > 0 {
		titles := make([]string, len(sub.Focus))
		for i, id := range sub.Focus {
			titles[i] = p.T("journal_md_theme", "Title", w.theme(id), "ID", id)
		}
		themes = strings.Join(titles, ", ")
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

// wins adds the member's wins to an export, oldest first.
func (w exportWriter) wins(sb *strings.Builder, ws []store.Win) {
	p := w.p
	fmt.Fprintf(sb, "\n%s\n", p.T("journal_md_wins", "N", len(ws)))
	for i := len(ws) - 1; i >= 0; i-- {
		win := ws[i]
		fmt.Fprintf(sb, "\n### %s", w.when(win.At))
		switch {
		case win.From != "":
			fmt.Fprintf(sb, " · %s", p.T("journal_md_thanks", "From", win.From))
		case win.FromGone:
			fmt.Fprintf(sb, " · %s", p.T("journal_md_thanks_gone"))
		case win.Author != "":
			fmt.Fprintf(sb, " · %s", p.T("journal_md_message", "Author", win.Author, "Channel", win.Channel))
		}
		// Win texts come from slash commands and messages, in Slack's
		// wire escapes; the file is read outside Slack.
		fmt.Fprintf(sb, "\n\n%s\n", plainWords(win.Text))
		if win.Permalink != "" {
			fmt.Fprintf(sb, "\n%s\n", win.Permalink)
		}
	}
}

// experiments adds the member's experiments to an export, oldest first.
func (w exportWriter) experiments(sb *strings.Builder, cs []store.Commitment) {
	p := w.p
	fmt.Fprintf(sb, "\n%s\n", p.T("journal_md_experiments", "N", len(cs)))
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		fmt.Fprintf(sb, "\n### %s · %s · %s\n\n%s\n", w.day(c.At), c.PromptID, outcomeWords(p, c.Outcome), c.Experiment)
		if c.Waiting() {
			fmt.Fprintf(sb, "\n%s\n", p.T("journal_md_ask", "Date", w.when(c.Due)))
		}
		if c.Note != "" {
			fmt.Fprintf(sb, "\n%s\n", c.Note)
		}
	}
}

// broadcasts adds a lead's recurring broadcasts to an export, when they
// have any: where, what (a topic of their own in full), when and in which
// language each posts. forget deletes them, so they are the member's too.
func (w exportWriter) broadcasts(sb *strings.Builder, bs []store.Broadcast) {
	if len(bs) == 0 {
		return
	}
	p := w.p
	fmt.Fprintf(sb, "\n%s\n\n", p.T("journal_md_broadcasts", "N", len(bs)))
	for _, bc := range bs {
		what := broadcastWhat(p, bc)
		if bc.Theme == "" {
			what = p.T("bcast_what_topic", "Words", bc.Topic)
		}
		where := bc.Channel
		if bc.ChannelName != "" {
			where = "#" + bc.ChannelName
		}
		fmt.Fprintf(sb, "- `%s` · %s · %s · %s · %s\n", bc.ID, where, what, broadcastWhen(p, bc.Schedule), broadcastLangName(p, bc.Lang))
	}
}

// checkIns adds the member's check-ins to an export, oldest first, each
// statement with its score.
func (w exportWriter) checkIns(sb *strings.Builder, cs []store.CheckIn) {
	p := w.p
	fmt.Fprintf(sb, "\n%s\n", p.T("journal_md_checkins", "N", len(cs)))
	for i := len(cs) - 1; i >= 0; i-- {
		fmt.Fprintf(sb, "\n### %s\n\n", w.when(cs[i].At))
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
