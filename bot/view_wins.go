package bot

import (
	"fmt"
	"strings"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

const (
	// homeWins is how many of the member's newest wins Home shows.
	homeWins = 3
	// winsBudget is how many characters of wins one list shows at most; a
	// list still too large for a reply shows less of each (winsBlocks).
	winsBudget = 10000
	// maxMessageBlocks is how many blocks Slack takes in one message.
	maxMessageBlocks = 50
)

// winsEmpty says what wins are for, the first time there are none.
func winsEmpty(name string) string {
	return fmt.Sprintf("*Your wins* are empty. They are evidence for the days doubt shows up: `%s win TEXT` keeps one, and *Save as a win* in any message's ⋯ menu keeps a message. Only you see them.", name)
}

// winsBlocks lists wins newest first, each dated, with who thanked for it or
// where it was saved from, and a Delete button that asks before it deletes.
// notice ("" for none) goes on top. Fifty wins of 1,000 characters would
// not fit in one reply, so the wins share a budget of characters, and the
// budget shrinks until the reply fits a response_url.
func winsBlocks(name string, ws []store.Win, total int, tz, notice string) []slack.Block {
	per := min(store.MaxWinLen, winsBudget/max(len(ws), 1))
	for {
		blocks := winsListBlocks(name, ws, total, tz, notice, per)
		if per <= 50 || fits(message{Text: "Your wins", Blocks: blocks}) {
			return blocks
		}
		per = per * 2 / 3
	}
}

// winsListBlocks is winsBlocks with each win's text cut to per characters.
func winsListBlocks(name string, ws []store.Win, total int, tz, notice string, per int) []slack.Block {
	var head []string
	if notice != "" {
		head = append(head, notice)
	}
	if len(ws) == 0 {
		return []slack.Block{section(strings.Join(append(head, winsEmpty(name)), "\n"))}
	}
	head = append(head, fmt.Sprintf("*Your wins* (%s)", plural(total, "win")))
	footer := "Only you can see these."
	if total > len(ws) {
		footer = fmt.Sprintf("Only you can see these. The %d newest of %d: `%s wins %d` shows up to %d, `%s export` has every one.", len(ws), total, name, winsMax, winsMax, name)
	}
	blocks := []slack.Block{section(strings.Join(head, "\n"))}
	for _, w := range ws {
		// Slack's confirm dialog on each button would take 200 bytes a win.
		del := slack.NewButtonBlockElement(actionWinDelete, winValue(w.Seq, len(ws)), plain("Delete"))
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(winLine(w, tz, per)), nil, slack.NewAccessory(del)))
	}
	blocks = append(blocks, contextLine(footer))
	if len(blocks) > maxMessageBlocks {
		// Fifty wins and the two lines around them: the head and the
		// footer share the first and last win's block instead.
		first, last := blocks[1].(*slack.SectionBlock), blocks[len(blocks)-2].(*slack.SectionBlock)
		first.Text = mrkdwn(strings.Join(head, "\n") + "\n" + first.Text.Text)
		last.Text = mrkdwn(last.Text.Text + "\n_" + footer + "_")
		blocks = blocks[1 : len(blocks)-1]
	}
	return blocks
}

// winLine is one win: its date and origin, then its text, cut to n characters.
func winLine(w store.Win, tz string, n int) string {
	meta := localDate(w.At, tz)
	switch {
	case w.From != "":
		meta += fmt.Sprintf("  ·  thanks from <@%s>", w.From)
	case w.Author != "" && w.Channel != "":
		meta += fmt.Sprintf("  ·  <@%s> in <#%s>", w.Author, w.Channel)
	}
	if w.Permalink != "" {
		meta += fmt.Sprintf("  ·  <%s|message>", w.Permalink)
	}
	return "_" + meta + "_\n" + shorten(w.Text, n)
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

// homeWinsBlocks shows how many wins the member has and the newest three.
func homeWinsBlocks(name string, ws []store.Win, total int, tz string) []slack.Block {
	if total == 0 {
		return []slack.Block{section(winsEmpty(name))}
	}
	blocks := []slack.Block{section(fmt.Sprintf("*Your wins* (%s)", plural(total, "win")))}
	for _, w := range ws[:min(len(ws), homeWins)] {
		blocks = append(blocks, section(winLine(w, tz, 300)))
	}
	return append(blocks, contextLine(fmt.Sprintf("Only you can see these. `%s wins` lists them with a Delete button each.", name)))
}
