package bot

import (
	"strings"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/slack-go/slack"
)

// status is what /mentor status shows, as plain data: dates and schedules
// arrive already written in the member's language.
type status struct {
	Name       string // the slash command
	Subscribed bool
	// Unsubscribed is the date a member not subscribed unsubscribed, or ""
	// if they never subscribed.
	Unsubscribed string
	Schedule     string
	Next         string
	PausedUntil  string
	Skipped      string // the dates of skipped slots, or ""
	Focus        []string
	// FocusTitles names Focus for prose in the member's language, titles
	// with their ids (themeTitles); "" shows the ids alone.
	FocusTitles string
	Role        string
	Streak      int
	// Experiments sums up the member's experiments in one line
	// (experimentsLine); "" shows nothing.
	Experiments string
}

func statusBlocks(p *lang.Printer, st status) []slack.Block {
	blocks := statusSettingsBlocks(p, st)
	if st.Experiments != "" {
		blocks = append(blocks, section(st.Experiments))
	}
	return blocks
}

// statusSettingsBlocks is the schedule part of status.
func statusSettingsBlocks(p *lang.Printer, st status) []slack.Block {
	if !st.Subscribed {
		text := p.T("status_not_subscribed", "Cmd", st.Name)
		if st.Unsubscribed != "" {
			text = p.T("status_unsubscribed", "Date", st.Unsubscribed, "Cmd", st.Name)
		}
		return []slack.Block{
			section(text),
			contextLine(p.T("status_role_line", "Role", roleText(p, st.Role))),
		}
	}
	return []slack.Block{
		section(statusLines(p, st)),
		contextLine(p.T("status_hints", "Cmd", st.Name)),
	}
}

// statusLines is a subscriber's settings, one per line, as /mentor status
// and the Home tab both show them.
func statusLines(p *lang.Printer, st status) string {
	focus := p.T("status_every_theme")
	if len(st.Focus) > 0 {
		focus = codeList(p, st.Focus)
	}
	lines := []string{p.T("status_schedule", "Schedule", st.Schedule), p.T("status_next", "Next", st.Next)}
	if st.PausedUntil != "" {
		lines = append(lines, p.T("status_paused_until", "Date", st.PausedUntil))
	}
	if st.Skipped != "" {
		lines = append(lines, p.T("status_skipped", "Dates", st.Skipped))
	}
	lines = append(lines,
		p.T("status_themes", "Themes", focus, "Titles", st.FocusTitles),
		p.T("status_role", "Role", roleText(p, st.Role)),
		p.N("status_streak", st.Streak),
	)
	return strings.Join(lines, "\n")
}

func roleText(p *lang.Printer, role string) string {
	if role == "" {
		return p.T("status_role_unset")
	}
	return "`" + role + "`"
}
