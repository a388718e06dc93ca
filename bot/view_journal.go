package bot

import (
	"fmt"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// journalBlocks lists reflections newest first, each with its date, theme and
// prompt. The entries share the reply's bytes equally, counted after
// escaping and as the ack encodes them (3,000 Japanese characters take 9 KB,
// a "<" nine bytes), so twenty entries still fit in one reply; a longer
// entry is cut with "…" and the footer points to `export`, which has every
// word.
func journalBlocks(name string, rs []store.Reflection, more bool, tz string) []slack.Block {
	if len(rs) == 0 {
		return []slack.Block{section(fmt.Sprintf("Your journal is empty. `%s prompt` gives you something to reflect on; press *Reflect* under it.", name))}
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Your journal"))}
	per := (replyBudget-journalOverhead)/len(rs) - entryOverhead
	anyCut := false
	for _, r := range rs {
		prompt, _ := fitText(escape(r.Prompt), 300, per/3)
		prompt = quoteLines(prompt) + "\n"
		text, cut := fitText(escape(r.Text), maxSectionChars-textChars(prompt), per-encodedLen(prompt))
		anyCut = anyCut || cut
		blocks = append(blocks,
			contextLine(fmt.Sprintf("%s  ·  `%s`", localDate(r.At, tz), r.Theme)),
			section(prompt+text),
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
	if anyCut {
		footer += fmt.Sprintf(" An entry ending in … is cut short: `%s export` has every word.", name)
	}
	return append(blocks, contextLine(footer))
}

// What a journal reply spends around its entries' words, at most: the
// header, the footer and the reply's own fields; and each entry's date line
// and the JSON of its two blocks.
const (
	journalOverhead = 600
	entryOverhead   = 300
)

// localDate shows the day an instant falls on in the member's zone.
func localDate(t time.Time, tz string) string {
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 2006")
}
