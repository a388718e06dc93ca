package bot

import (
	"fmt"

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
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Your reflection practice"))}
	if h.Notice != "" {
		blocks = append(blocks, section(shorten(h.Notice, sectionLimit)))
	}
	blocks = append(blocks, homeSettingsBlocks(p, h.status)...)
	blocks = append(blocks, homeButtons(h.Subscribed, h.PausedUntil != ""), slack.NewDividerBlock())
	blocks = append(blocks, homeJournalBlocks(h.Name, h.Reflections, h.TZ)...)
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
		text := "You are not subscribed to reflection prompts. *Settings* sets up one in a DM at your own local time: every week, every weekday or every day."
		if st.Unsubscribed != "" {
			text = "You unsubscribed on " + st.Unsubscribed + ". *Settings* starts your prompts again, in a DM at your own local time: every week, every weekday or every day."
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
func homeButtons(subscribed, paused bool) slack.Block {
	get := slack.NewButtonBlockElement(actionHomePrompt, "prompt", plain("Get a prompt"))
	get.Style = slack.StylePrimary
	els := []slack.BlockElement{get, slack.NewButtonBlockElement(actionHomeSettings, "settings", plain("Settings"))}
	switch {
	case subscribed && paused:
		els = append(els, slack.NewButtonBlockElement(actionHomeResume, "resume", plain("Resume")))
	case subscribed:
		els = append(els, slack.NewButtonBlockElement(actionHomePause, "pause", plain("Pause two weeks")))
	}
	els = append(els, slack.NewButtonBlockElement(actionHomeExport, "export", plain("Export my data")))
	return slack.NewActionBlock("home.actions", els...)
}

// homeJournalBlocks shows the member's newest reflections, shortened.
func homeJournalBlocks(name string, rs []store.Reflection, tz string) []slack.Block {
	if len(rs) == 0 {
		return []slack.Block{section("*Your journal* is empty. *Get a prompt*, then press *Reflect* under it: only you will read what you write.")}
	}
	blocks := []slack.Block{section("*Your last reflections*")}
	for _, r := range rs[:min(len(rs), homeReflections)] {
		blocks = append(blocks,
			contextLine(fmt.Sprintf("%s  ·  `%s`", localDate(r.At, tz), r.Theme)),
			section(quoteLines(escape(shorten(r.Prompt, 200)))+"\n"+escape(shorten(r.Text, 400))),
		)
	}
	return append(blocks, contextLine(fmt.Sprintf("Only you can see this. `%s journal 20` shows more; *Export my data* has every word.", name)))
}

// homeBroadcastBlocks lists a lead's first broadcasts, as `broadcasts` does.
func homeBroadcastBlocks(p *lang.Printer, name string, bs []store.Broadcast) []slack.Block {
	blocks := broadcastsBlocks(p, name, bs[:min(len(bs), homeBroadcasts)])
	if n := len(bs) - homeBroadcasts; n > 0 {
		blocks = append(blocks, contextLine(fmt.Sprintf("And %s more: `%s broadcasts` lists them all.", p.N("count_broadcast", n), name)))
	}
	return blocks
}
