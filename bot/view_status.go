package bot

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// status is what /mentor status shows, as plain data.
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
	Role         string
	Streak       int
	// Experiments sums up the member's experiments in one line
	// (experimentsLine); "" shows nothing.
	Experiments string
}

func statusBlocks(st status) []slack.Block {
	blocks := statusSettingsBlocks(st)
	if st.Experiments != "" {
		blocks = append(blocks, section(st.Experiments))
	}
	return blocks
}

// statusSettingsBlocks is the schedule part of status.
func statusSettingsBlocks(st status) []slack.Block {
	if !st.Subscribed {
		text := fmt.Sprintf("You are not subscribed. `%s subscribe` sends you a reflection prompt every Friday at 16:00 your time; `%s help` shows the other schedules.", st.Name, st.Name)
		if st.Unsubscribed != "" {
			text = fmt.Sprintf("You unsubscribed on %s: no scheduled prompts. `%s subscribe` starts them again, every Friday at 16:00 your time, or `%s subscribe daily 09:00` for another schedule.", st.Unsubscribed, st.Name, st.Name)
		}
		return []slack.Block{
			section(text),
			contextLine("Role: " + roleText(st.Role)),
		}
	}
	return []slack.Block{
		section(statusLines(st)),
		contextLine(fmt.Sprintf("`%s pause 2w` · `%s skip` · `%s focus THEME…` · `%s subscribe daily 09:00` · `%s unsubscribe`", st.Name, st.Name, st.Name, st.Name, st.Name)),
	}
}

// statusLines is a subscriber's settings, one per line, as /mentor status
// and the Home tab both show them.
func statusLines(st status) string {
	focus := "every theme"
	if len(st.Focus) > 0 {
		focus = codeList(st.Focus)
	}
	lines := []string{"*Schedule:* " + st.Schedule, "*Next prompt:* " + st.Next}
	if st.PausedUntil != "" {
		lines = append(lines, "*Paused until:* "+st.PausedUntil)
	}
	if st.Skipped != "" {
		lines = append(lines, "*Skipped:* "+st.Skipped)
	}
	lines = append(lines,
		"*Themes:* "+focus,
		"*Role:* "+roleText(st.Role),
		fmt.Sprintf("*Streak:* %s in a row with a reflection", plural(st.Streak, "prompt")),
	)
	return strings.Join(lines, "\n")
}

func roleText(role string) string {
	if role == "" {
		return "not set (prompts for everyone)"
	}
	return "`" + role + "`"
}
