package bot

import (
	"time"

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

// scoreWord labels score v, 1 to 5, on the form's scale.
func scoreWord(p *lang.Printer, v int) string {
	switch v {
	case 1:
		return p.T("checkin_score_1")
	case 2:
		return p.T("checkin_score_2")
	case 3:
		return p.T("checkin_score_3")
	case 4:
		return p.T("checkin_score_4")
	}
	return p.T("checkin_score_5")
}

// checkInModal is the form: the five statements and an optional note.
func checkInModal(p *lang.Printer) slack.ModalViewRequest {
	blocks := []slack.Block{section(p.T("checkin_intro"))}
	for i := range statements {
		var opts []*slack.OptionBlockObject
		for v := 1; v <= 5; v++ {
			opts = append(opts, slack.NewOptionBlockObject(strconv.Itoa(v), plain(scoreWord(p, v)), nil))
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(p.T("checkin_scale_placeholder")), actionCheckInScore, opts...)
		blocks = append(blocks, slack.NewInputBlock(checkInBlock(i), plain(statementText(p, i)), nil, sel))
	}
	note := slack.NewPlainTextInputBlockElement(plain(p.T("checkin_note_placeholder")), actionCheckInNote)
	note.Multiline = true
	note.MaxLength = store.MaxReflectionLen
	noteBlock := slack.NewInputBlock(blockCheckInNote, plain(p.T("checkin_note_label")), nil, note)
	noteBlock.Optional = true
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackCheckIn, Title: plain(p.T("checkin_title")),
		Submit: plain(p.T("checkin_save")), Close: plain(p.T("checkin_cancel")),
		Blocks: slack.Blocks{BlockSet: append(blocks, noteBlock)},
	}
}

// checkInButton opens the check-in form, from Home or a nudge.
func checkInButton(p *lang.Printer) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionCheckInOpen, "checkin", plain(p.T("checkin_button")))
}

// checkInInvite is what the first nudge of a month adds for a member who
// opted in to the monthly check-in.
func checkInInvite(p *lang.Printer) []slack.Block {
	return []slack.Block{
		slack.NewDividerBlock(),
		section(p.T("checkin_invite")),
		slack.NewActionBlock("checkin.actions", checkInButton(p)),
	}
}

// checkInSavedModal thanks the member and shows the trend.
func checkInSavedModal(p *lang.Printer, name string, cs []store.CheckIn, tz string) *slack.ModalViewRequest {
	blocks := append([]slack.Block{section(p.T("checkin_saved"))}, checkInTrendBlocks(p, name, cs, tz)...)
	return &slack.ModalViewRequest{Type: slack.VTModal, Title: plain(p.T("checkin_title")), Close: plain(p.T("checkin_done")),
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
		return []slack.Block{section(p.T("checkin_none", "Cmd", name))}
	}
	cs = cs[:min(len(cs), trendLen)]
	var lines []string
	for i := range statements {
		var spark strings.Builder
		for j := len(cs) - 1; j >= 0; j-- {
			if i < len(cs[j].Scores) && cs[j].Scores[i] >= 1 && cs[j].Scores[i] <= 5 {
				spark.WriteString(sparks[cs[j].Scores[i]-1])
			}
		}
		lines = append(lines, "`"+spark.String()+"` "+statementText(p, i))
	}
	// From is left out when every check-in was on one day: "le 1er
	// décembre", not "du 1er décembre au 1er décembre"; years are named when
	// the check-ins span more than one.
	first, last := zoned(cs[len(cs)-1].At, tz), zoned(cs[0].At, tz)
	from, to := p.DayMonth(first), p.DayMonth(last)
	switch {
	case first.Format(time.DateOnly) == last.Format(time.DateOnly):
		from = ""
	case first.Year() != last.Year(): // a day and month could read as the same day
		from, to = p.LongDate(first), p.LongDate(last)
	}
	blocks := []slack.Block{
		section(p.T("checkin_trend_head") + "\n" + strings.Join(lines, "\n")),
		contextLine(p.N("checkin_legend", len(cs), "From", from, "To", to)),
	}
	if line := dropLine(p, name, cs); line != "" {
		blocks = append(blocks, section(line))
	}
	return blocks
}

// dropLine is one gentle line about the first statement whose score fell by
// two points or more since the check-in before; "" when none did.
func dropLine(p *lang.Printer, name string, cs []store.CheckIn) string {
	if len(cs) < 2 {
		return ""
	}
	now, before := cs[0].Scores, cs[1].Scores
	for i, st := range statements {
		if i < len(now) && i < len(before) && before[i]-now[i] >= 2 {
			return p.T("checkin_drop", "Statement", statementText(p, i), "Before", before[i], "Now", now[i], "Cmd", name, "Theme", st.Theme)
		}
	}
	return ""
}
