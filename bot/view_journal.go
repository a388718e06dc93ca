package bot

import (
	"fmt"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// journalBlocks lists reflections newest first, each with its date, theme and
// prompt. Long texts are shortened so the whole reply stays far below
// Slack's limits; `export` has every word.
func journalBlocks(name string, rs []store.Reflection, more bool, tz string) []slack.Block {
	if len(rs) == 0 {
		return []slack.Block{section(fmt.Sprintf("Your journal is empty. `%s prompt` gives you something to reflect on; press *Reflect* under it.", name))}
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Your journal"))}
	// Share a budget of characters between the entries, so twenty of them
	// still fit in one reply (Slack drops acks of 20 KB or more).
	per := journalBudget / len(rs)
	promptLen := min(300, per/4)
	for _, r := range rs {
		blocks = append(blocks,
			contextLine(fmt.Sprintf("%s  ·  `%s`", localDate(r.At, tz), r.Theme)),
			section(quoteLines(escape(shorten(r.Prompt, promptLen)))+"\n"+escape(shorten(r.Text, min(2000, per-promptLen)))),
		)
	}
	footer := "Only you can see this."
	switch {
	case more && len(rs) >= journalMax:
		// They already see as many as one reply shows.
		footer = fmt.Sprintf("Only you can see this. Older entries: `%s export` has all of them.", name)
	case more:
		footer = fmt.Sprintf("Only you can see this. Older entries: `%s journal %d`, or `%s export` for all of them.", name, journalMax, name)
	}
	return append(blocks, contextLine(footer))
}

// journalBudget is how many characters of prompts and answers one journal
// reply shows at most.
const journalBudget = 10000

// localDate shows the day an instant falls on in the member's zone.
func localDate(t time.Time, tz string) string {
	loc, err := loadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 2006")
}
