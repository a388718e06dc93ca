package bot

import (
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

const (
	// homeWins is how many of the member's newest wins Home shows.
	homeWins = 3
)

// winsEmpty says what wins are for, the first time there are none.
func winsEmpty(p *lang.Printer, name string) string {
	return p.T("wins_empty", "Cmd", name)
}

// winsBlocks lists wins newest first, each dated, with who thanked for it or
// where it was saved from, and a Delete button that asks before it deletes.
// notice ("" for none) goes on top. The wins share the reply's bytes
// equally, as the journal's entries do (view_journal.go): fifty wins of
// 1,000 characters would not fit in one reply, so each shows its start,
// cut with "…", and a list that long leaves out the links to saved messages.
func winsBlocks(p *lang.Printer, name string, ws []store.Win, total int, tz, notice string) []slack.Block {
	var head []string
	if notice != "" {
		head = append(head, notice)
	}
	if len(ws) == 0 {
		return []slack.Block{section(strings.Join(append(head, winsEmpty(p, name)), "\n"))}
	}
	head = append(head, p.N("wins_head", total))
	share := (replyBudget-winsOverhead)/len(ws) - winOverhead
	blocks := []slack.Block{section(strings.Join(head, "\n"))}
	anyCut := false
	for _, w := range ws {
		meta := winMeta(p, w, tz, true)
		if share-encodedLen(meta) < minWinBytes {
			meta = winMeta(p, w, tz, false)
		}
		text, cut := fitText(w.Text, store.MaxWinLen, max(share-encodedLen(meta), minWinBytes))
		anyCut = anyCut || cut
		del := slack.NewButtonBlockElement(actionWinDelete, winValue(w.Seq, len(ws)), plain(p.T("wins_delete")))
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(meta+"\n"+text), nil, slack.NewAccessory(del)))
	}
	more := total > len(ws)
	footer := p.T("wins_footer", "More", more, "Shown", len(ws), "Total", p.Number(total), "Cmd", name, "Max", winsMax, "Export", anyCut || more)
	blocks = append(blocks, contextLine(footer))
	if len(blocks) > maxBlocks {
		// Fifty wins and the two lines around them: the head and the
		// footer share the first and last win's block instead.
		first, last := blocks[1].(*slack.SectionBlock), blocks[len(blocks)-2].(*slack.SectionBlock)
		first.Text = mrkdwn(strings.Join(head, "\n") + "\n" + first.Text.Text)
		last.Text = mrkdwn(last.Text.Text + "\n_" + footer + "_")
		blocks = blocks[1 : len(blocks)-1]
	}
	return blocks
}

// What a list of wins spends around their words, at most: the head, the
// footer and the reply's own fields; and each win's section and button.
// A win always keeps minWinBytes of its text: few enough that fifty wins
// fit with the longer dates and labels of French (TestWinsBlocks_FrenchFits).
const (
	winsOverhead = 700
	winOverhead  = 200
	minWinBytes  = 30
)

// winMeta is a win's date and origin, as one italic line; withLink adds
// the link to a saved message.
func winMeta(p *lang.Printer, w store.Win, tz string, withLink bool) string {
	parts := []string{p.ShortDateYear(zoned(w.At, tz))}
	switch {
	case w.From != "":
		parts = append(parts, p.T("wins_from_thanks", "From", w.From))
	case w.FromGone:
		parts = append(parts, p.T("wins_from_thanks_gone"))
	case w.Author != "" && strings.HasPrefix(w.Channel, "D"):
		// Slack has no #name for a DM: <#D…> would show as a raw id.
		parts = append(parts, p.T("wins_from_dm", "Author", w.Author))
	case w.Author != "" && w.Channel != "":
		parts = append(parts, p.T("wins_from_channel", "Author", w.Author, "Channel", w.Channel))
	}
	if withLink && w.Permalink != "" {
		parts = append(parts, p.T("wins_link", "Link", w.Permalink))
	}
	return "_" + strings.Join(parts, "  ·  ") + "_"
}

// winLine is one win: its date and origin, then its text, cut to n characters.
func winLine(p *lang.Printer, w store.Win, tz string, n int) string {
	text, _ := fitText(w.Text, n, 4*n)
	return winMeta(p, w, tz, true) + "\n" + text
}

// deleteWinBlocks asks before a win is deleted, in place of the list.
func deleteWinBlocks(p *lang.Printer, w store.Win, tz string, shown int) []slack.Block {
	yes := slack.NewButtonBlockElement(actionWinDeleteConfirm, winValue(w.Seq, shown), plain(p.T("wins_delete")))
	yes.Style = slack.StyleDanger
	no := slack.NewButtonBlockElement(actionWinDeleteKeep, "keep", plain(p.T("wins_keep")))
	return []slack.Block{
		section(p.T("wins_delete_question") + "\n" + winLine(p, w, tz, store.MaxWinLen)),
		slack.NewActionBlock("win.delete.actions", yes, no),
	}
}

// evidenceBlocks shows a win under an impostor prompt's card.
func evidenceBlocks(p *lang.Printer, w store.Win, tz string) []slack.Block {
	kept := p.T("wins_evidence", "Date", p.DayMonth(zoned(w.At, tz)), "From", w.From, "Gone", w.FromGone)
	text, _ := fitText(w.Text, store.MaxWinLen, 4*store.MaxWinLen)
	return []slack.Block{slack.NewDividerBlock(), section(kept + "\n" + quoteLines(text))}
}

// homeWinsBlocks shows how many wins the member has and the newest three.
func homeWinsBlocks(p *lang.Printer, name string, ws []store.Win, total int, tz string) []slack.Block {
	if total == 0 {
		return []slack.Block{section(winsEmpty(p, name))}
	}
	blocks := []slack.Block{section(p.N("wins_head", total))}
	for _, w := range ws[:min(len(ws), homeWins)] {
		blocks = append(blocks, section(winLine(p, w, tz, 300)))
	}
	return append(blocks, contextLine(p.T("wins_home_footer", "Cmd", name)))
}

// zoned is t in the member's zone tz (UTC when tz does not load), ready
// for the printer's dates.
func zoned(t time.Time, tz string) time.Time {
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc)
}
