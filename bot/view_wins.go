package bot

import (
	"fmt"
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
func winsEmpty(name string) string {
	return fmt.Sprintf("*Your wins* are empty. They are evidence for the days doubt shows up: `%s win TEXT` keeps one, and *Save as a win* in any message's ⋯ menu keeps a message. Only you see them.", name)
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
		return []slack.Block{section(strings.Join(append(head, winsEmpty(name)), "\n"))}
	}
	head = append(head, fmt.Sprintf("*Your wins* (%s)", p.N("count_win", total)))
	share := (replyBudget-winsOverhead)/len(ws) - winOverhead
	blocks := []slack.Block{section(strings.Join(head, "\n"))}
	anyCut := false
	for _, w := range ws {
		meta := winMeta(w, tz, true)
		if share-encodedLen(meta) < minWinBytes {
			meta = winMeta(w, tz, false)
		}
		text, cut := fitText(w.Text, store.MaxWinLen, max(share-encodedLen(meta), minWinBytes))
		anyCut = anyCut || cut
		del := slack.NewButtonBlockElement(actionWinDelete, winValue(w.Seq, len(ws)), plain("Delete"))
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(meta+"\n"+text), nil, slack.NewAccessory(del)))
	}
	footer := "Only you can see these."
	if total > len(ws) {
		footer += fmt.Sprintf(" The %d newest of %d: `%s wins %d` shows up to %d.", len(ws), total, name, winsMax, winsMax)
	}
	if anyCut || total > len(ws) {
		footer += fmt.Sprintf(" `%s export` has every word of every win.", name)
	}
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
// A win always keeps minWinBytes of its text.
const (
	winsOverhead = 700
	winOverhead  = 200
	minWinBytes  = 40
)

// winMeta is a win's date and origin, as one italic line; withLink adds
// the link to a saved message.
func winMeta(w store.Win, tz string, withLink bool) string {
	meta := localDate(w.At, tz)
	switch {
	case w.From != "":
		meta += fmt.Sprintf("  ·  thanks from <@%s>", w.From)
	case w.Author != "" && strings.HasPrefix(w.Channel, "D"):
		// Slack has no #name for a DM: <#D…> would show as a raw id.
		meta += fmt.Sprintf("  ·  <@%s> in a direct message", w.Author)
	case w.Author != "" && w.Channel != "":
		meta += fmt.Sprintf("  ·  <@%s> in <#%s>", w.Author, w.Channel)
	}
	if withLink && w.Permalink != "" {
		meta += fmt.Sprintf("  ·  <%s|message>", w.Permalink)
	}
	return "_" + meta + "_"
}

// winLine is one win: its date and origin, then its text, cut to n characters.
func winLine(w store.Win, tz string, n int) string {
	text, _ := fitText(w.Text, n, 4*n)
	return winMeta(w, tz, true) + "\n" + text
}

// deleteWinBlocks asks before a win is deleted, in place of the list.
func deleteWinBlocks(w store.Win, tz string, shown int) []slack.Block {
	yes := slack.NewButtonBlockElement(actionWinDeleteConfirm, winValue(w.Seq, shown), plain("Delete"))
	yes.Style = slack.StyleDanger
	no := slack.NewButtonBlockElement(actionWinDeleteKeep, "keep", plain("Keep it"))
	return []slack.Block{
		section("Delete this win for good?\n" + winLine(w, tz, store.MaxWinLen)),
		slack.NewActionBlock("win.delete.actions", yes, no),
	}
}

// evidenceBlocks shows a win under an impostor prompt's card.
func evidenceBlocks(w store.Win, tz string) []slack.Block {
	kept := "Evidence you kept on " + localDay(w.At, tz)
	if w.From != "" {
		kept += fmt.Sprintf(", thanks from <@%s>", w.From)
	}
	text, _ := fitText(w.Text, store.MaxWinLen, 4*store.MaxWinLen)
	return []slack.Block{slack.NewDividerBlock(), section("*" + kept + ":*\n" + quoteLines(text))}
}

// homeWinsBlocks shows how many wins the member has and the newest three.
func homeWinsBlocks(p *lang.Printer, name string, ws []store.Win, total int, tz string) []slack.Block {
	if total == 0 {
		return []slack.Block{section(winsEmpty(name))}
	}
	blocks := []slack.Block{section(fmt.Sprintf("*Your wins* (%s)", p.N("count_win", total)))}
	for _, w := range ws[:min(len(ws), homeWins)] {
		blocks = append(blocks, section(winLine(w, tz, 300)))
	}
	return append(blocks, contextLine(fmt.Sprintf("Only you can see these. `%s wins` lists them with a Delete button each.", name)))
}

// localDay is the day an instant falls on in the member's zone, as a person
// says it: "3 March".
func localDay(t time.Time, tz string) string {
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2 January")
}
