package bot

import (
	"fmt"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

const (
	// homeReflections is how many of the member's newest reflections Home shows.
	homeReflections = 3
	// homeBroadcasts is how many of a lead's broadcasts Home lists; the
	// broadcasts command lists them all.
	homeBroadcasts = 20
)

// home is what a member's Home tab shows, as plain data.
type home struct {
	status                         // schedule, pause, focus, role, streak
	Notice      string             // the outcome of the button just clicked, or ""
	Reflections []store.Reflection // newest first, at most homeReflections
	Wins        []store.Win        // newest first, at most homeWins
	WinCount    int                // how many wins the member has
	CheckIns    []store.CheckIn    // newest first, at most trendLen
	TZ          string             // the zone reflection dates are shown in
	Lead        bool               // a lead sees their broadcasts
	Broadcasts  []store.Broadcast  // the lead's recurring broadcasts
}

// homeBlocks renders the Home tab: the member's settings with the buttons to
// change them, their last reflections, their wins and, for a lead, their
// broadcasts.
func homeBlocks(p *lang.Printer, h home) []slack.Block {
	blocks := []slack.Block{slack.NewHeaderBlock(plain(p.T("home_title")))}
	if h.Notice != "" {
		blocks = append(blocks, section(shorten(h.Notice, sectionLimit)))
	}
	blocks = append(blocks, homeSettingsBlocks(p, h.status)...)
	blocks = append(blocks, homeButtons(p, h.Subscribed, h.PausedUntil != ""), slack.NewDividerBlock())
	blocks = append(blocks, homeJournalBlocks(p, h.Name, h.Reflections, h.TZ)...)
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, homeWinsBlocks(p, h.Name, h.Wins, h.WinCount, h.TZ)...)
	if h.Experiments != "" {
		blocks = append(blocks, slack.NewDividerBlock(), section(h.Experiments))
	}
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, checkInTrendBlocks(p, h.Name, h.CheckIns, h.TZ)...)
	blocks = append(blocks, slack.NewActionBlock("home.checkin", checkInButton(p)))
	if h.Lead {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, homeBroadcastBlocks(p, h.Name, h.Broadcasts)...)
	}
	return blocks
}

// homeSettingsBlocks is the schedule part: what status shows, without the
// command hints (the buttons below do that job).
func homeSettingsBlocks(p *lang.Printer, st status) []slack.Block {
	if !st.Subscribed {
		text := p.T("home_not_subscribed")
		if st.Unsubscribed != "" {
			text = p.T("home_unsubscribed", "Date", st.Unsubscribed)
		}
		return []slack.Block{
			section(text),
			contextLine(p.T("status_role_line", "Role", roleText(p, st.Role))),
		}
	}
	return []slack.Block{section(statusLines(p, st))}
}

// homeButtons offers Pause only to a subscriber who is not paused, and
// Resume only to one who is.
func homeButtons(p *lang.Printer, subscribed, paused bool) slack.Block {
	get := slack.NewButtonBlockElement(actionHomePrompt, "prompt", plain(p.T("home_button_prompt")))
	get.Style = slack.StylePrimary
	els := []slack.BlockElement{get, slack.NewButtonBlockElement(actionHomeSettings, "settings", plain(p.T("home_button_settings")))}
	switch {
	case subscribed && paused:
		els = append(els, slack.NewButtonBlockElement(actionHomeResume, "resume", plain(p.T("home_button_resume"))))
	case subscribed:
		els = append(els, slack.NewButtonBlockElement(actionHomePause, "pause", plain(p.T("home_button_pause"))))
	}
	els = append(els, slack.NewButtonBlockElement(actionHomeExport, "export", plain(p.T("home_button_export"))))
	return slack.NewActionBlock("home.actions", els...)
}

// homeJournalBlocks shows the member's newest reflections, shortened.
func homeJournalBlocks(p *lang.Printer, name string, rs []store.Reflection, tz string) []slack.Block {
	if len(rs) == 0 {
		return []slack.Block{section(p.T("home_journal_empty"))}
	}
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	blocks := []slack.Block{section(p.T("home_journal_title"))}
	for _, r := range rs[:min(len(rs), homeReflections)] {
		blocks = append(blocks,
			contextLine(fmt.Sprintf("%s  ·  `%s`", p.ShortDateYear(r.At.In(loc)), r.Theme)),
			section(quoteLines(escape(shorten(r.Prompt, 200)))+"\n"+escape(shorten(r.Text, 400))),
		)
	}
	return append(blocks, contextLine(p.T("home_journal_footer", "Cmd", name)))
}

// homeBroadcastBlocks lists a lead's first broadcasts, as `broadcasts` does.
func homeBroadcastBlocks(p *lang.Printer, name string, bs []store.Broadcast) []slack.Block {
	blocks := broadcastsBlocks(p, name, bs[:min(len(bs), homeBroadcasts)])
	if n := len(bs) - homeBroadcasts; n > 0 {
		blocks = append(blocks, contextLine(p.N("home_broadcasts_more", n, "Cmd", name)))
	}
	return blocks
}
