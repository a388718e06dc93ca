package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// Ids of the check-in form's fields.
const (
	actionCheckInScore = "score"
	blockCheckInNote   = "ci_note"
	actionCheckInNote  = "note"
)

func checkInBlock(i int) string { return "ci" + strconv.Itoa(i+1) }

// scoreWords label the scale.
var scoreWords = [...]string{"1 · not at all", "2 · a little", "3 · somewhat", "4 · mostly", "5 · fully"}

// checkInModal is the form: the five statements and an optional note.
func checkInModal() slack.ModalViewRequest {
	blocks := []slack.Block{section("How true is each of these for you right now? Only you will see the answers and their trend.")}
	for i, st := range statements {
		var opts []*slack.OptionBlockObject
		for v, w := range scoreWords {
			opts = append(opts, slack.NewOptionBlockObject(strconv.Itoa(v+1), plain(w), nil))
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("1 to 5"), actionCheckInScore, opts...)
		blocks = append(blocks, slack.NewInputBlock(checkInBlock(i), plain(st.Text), nil, sel))
	}
	note := slack.NewPlainTextInputBlockElement(plain("Anything you want to remember about this month."), actionCheckInNote)
	note.Multiline = true
	note.MaxLength = store.MaxReflectionLen
	noteBlock := slack.NewInputBlock(blockCheckInNote, plain("A note, if you like"), nil, note)
	noteBlock.Optional = true
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackCheckIn, Title: plain("Check-in"),
		Submit: plain("Save"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: append(blocks, noteBlock)},
	}
}

// checkInInvite is what the first nudge of a month adds for a member who
// opted in to the monthly check-in.
func checkInInvite() []slack.Block {
	return []slack.Block{
		slack.NewDividerBlock(),
		section("A new month: two minutes for your check-in? Only you see the answers."),
		slack.NewActionBlock("checkin.actions", slack.NewButtonBlockElement(actionCheckInOpen, "checkin", plain("Check in"))),
	}
}

// checkInSavedModal thanks the member and shows the trend.
func checkInSavedModal(name string, cs []store.CheckIn, tz string) *slack.ModalViewRequest {
	blocks := append([]slack.Block{section("Saved. Only you can see this.")}, checkInTrendBlocks(nil, name, cs, tz)...)
	return &slack.ModalViewRequest{Type: slack.VTModal, Title: plain("Check-in"), Close: plain("Done"),
		Blocks: slack.Blocks{BlockSet: blocks}}
}

// sparks draw a score from 1 to 5.
var sparks = [...]string{"▁", "▃", "▅", "▆", "▇"}

// checkInTrendBlocks shows the newest trendLen check-ins (cs, newest
// first) per statement as a sparkline, with their dates, and one gentle
// line for the first statement that dropped by two points or more since
// the check-in before.
func checkInTrendBlocks(p *lang.Printer, name string, cs []store.CheckIn, tz string) []slack.Block {
	if len(cs) == 0 {
		return []slack.Block{section(fmt.Sprintf("*Check-ins:* five statements, 1 to 5, on how at home you feel in your work; only you see the trend. `%s check-in` opens one.", name))}
	}
	cs = cs[:min(len(cs), trendLen)]
	var lines []string
	for i, st := range statements {
		var spark strings.Builder
		for j := len(cs) - 1; j >= 0; j-- {
			if i < len(cs[j].Scores) && cs[j].Scores[i] >= 1 && cs[j].Scores[i] <= 5 {
				spark.WriteString(sparks[cs[j].Scores[i]-1])
			}
		}
		lines = append(lines, fmt.Sprintf("`%s` %s", spark.String(), st.Text))
	}
	dates := (*lang.Printer)(nil).DayMonth(zoned(cs[0].At, tz))
	if len(cs) > 1 {
		dates = (*lang.Printer)(nil).DayMonth(zoned(cs[len(cs)-1].At, tz)) + " to " + dates
	}
	blocks := []slack.Block{
		section("*Your check-ins*\n" + strings.Join(lines, "\n")),
		contextLine(fmt.Sprintf("%s, %s.", p.N("count_checkin", len(cs)), dates)),
	}
	if line := dropLine(name, cs); line != "" {
		blocks = append(blocks, section(line))
	}
	return blocks
}

// dropLine is one gentle line about the first statement whose score fell by
// two points or more since the check-in before; "" when none did.
func dropLine(name string, cs []store.CheckIn) string {
	if len(cs) < 2 {
		return ""
	}
	now, before := cs[0].Scores, cs[1].Scores
	for i, st := range statements {
		if i < len(now) && i < len(before) && before[i]-now[i] >= 2 {
			return fmt.Sprintf("“%s” went from %d to %d since last time. That happens; if you want to look at it, `%s prompt %s` has questions for it.", st.Text, before[i], now[i], name, st.Theme)
		}
	}
	return ""
}
