package bot

import (
	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// journalBlocks lists reflections newest first, each with its date, theme and
// prompt. The entries share the reply's bytes equally, counted after
// escaping and as the ack encodes them (3,000 Japanese characters take 9 KB,
// a "<" nine bytes), so twenty entries still fit in one reply; a longer
// entry is cut with "…" and the footer points to `export`, which has every
// word.
func journalBlocks(p *lang.Printer, name string, rs []store.Reflection, more bool, tz string) []slack.Block {
	if len(rs) == 0 {
		return []slack.Block{section(p.T("journal_empty", "Cmd", name))}
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain(p.T("journal_title")))}
	per := (replyBudget-journalOverhead)/len(rs) - entryOverhead
	anyCut := false
	for _, r := range rs {
		prompt, _ := fitText(escape(r.Prompt), 300, per/3)
		prompt = quoteLines(prompt) + "\n"
		text, cut := fitText(escape(r.Text), maxSectionChars-textChars(prompt), per-encodedLen(prompt))
		anyCut = anyCut || cut
		blocks = append(blocks,
			contextLine(p.ShortDateYear(inZone(r.At, tz))+"  ·  `"+r.Theme+"`"),
			section(prompt+text),
		)
	}
	var footer string
	switch {
	case more && len(rs) >= journalMax:
		// They already see as many as one reply shows.
		footer = p.T("journal_footer_export", "Cmd", name, "Cut", anyCut)
	case more:
		footer = p.T("journal_footer_more", "Cmd", name, "Max", journalMax, "Cut", anyCut)
	default:
		footer = p.T("journal_footer", "Cmd", name, "Cut", anyCut)
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
