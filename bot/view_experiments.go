package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// Block and action ids of the experiment note form's one field.
const (
	blockExpNote  = "exp_note"
	actionExpNote = "exp_note"
)

// tryButton is a card's I'll try it, for a prompt with an experiment.
func tryButton(ref promptRef) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionTryIt, ref.value(), plain("I'll try it"))
}

// followUpText is the follow-up's question, also its notification.
func followUpText(c store.Commitment) string {
	when := "Last week"
	if c.Asks > 0 {
		when = "A while ago"
	}
	return fmt.Sprintf("%s you planned to try: %s How did it go?", when, strings.TrimSpace(c.Experiment))
}

// followUpBlocks is the follow-up DM: the question and its three answers.
func followUpBlocks(c store.Commitment) []slack.Block {
	v := expValue(c.Seq)
	tried := slack.NewButtonBlockElement(actionExpTried, v, plain("Tried it"))
	tried.Style = slack.StylePrimary
	return []slack.Block{
		section(escape(followUpText(c))),
		contextLine(fmt.Sprintf("From a `%s` prompt. Only you see this.", c.Theme)),
		slack.NewActionBlock("exp.actions", tried,
			slack.NewButtonBlockElement(actionExpNotYet, v, plain("Not yet")),
			slack.NewButtonBlockElement(actionExpNotForMe, v, plain("Not for me"))),
	}
}

// expNoteModal asks, optionally, what happened.
func expNoteModal(c store.Commitment) slack.ModalViewRequest {
	input := slack.NewPlainTextInputBlockElement(plain("A few words for your journal, if you like."), actionExpNote)
	input.Multiline = true
	input.MaxLength = store.MaxReflectionLen
	field := slack.NewInputBlock(blockExpNote, plain("What happened?"), nil, input)
	field.Optional = true
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackExpNote,
		Title:           plain("What happened?"),
		Submit:          plain("Save to my journal"),
		Close:           plain("Skip"),
		PrivateMetadata: expValue(c.Seq),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(fmt.Sprintf("*%s:* %s", capitalise(outcomeWords(c.Outcome)), escape(strings.TrimSpace(c.Experiment)))),
			field,
		}},
	}
}

// expNoteError shows msg under the note form's field.
func expNoteError(msg string) *viewResponse {
	return &viewResponse{Action: "errors", Errors: map[string]string{blockExpNote: msg}}
}

// outcomeWords says an outcome as the member's answer did.
func outcomeWords(outcome string) string {
	switch outcome {
	case store.OutcomeTried:
		return "tried it"
	case store.OutcomeNotYet:
		return "not tried"
	case store.OutcomeNotForMe:
		return "not for you"
	}
	return "not answered yet"
}

// experimentsLine sums up the member's experiments: "2 of 3 experiments
// tried this quarter", and when the next question comes; for a member
// with none, what they are.
func experimentsLine(p *lang.Printer, cs []store.Commitment, now time.Time, tz string) string {
	if len(cs) == 0 {
		return "*Experiments:* none yet. A card with a *Try this week* line has an *I'll try it* button; a week later I ask how it went."
	}
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	start := time.Date(local.Year(), (local.Month()-1)/3*3+1, 1, 0, 0, 0, 0, loc)
	var planned, tried int
	var next time.Time
	for _, c := range cs {
		if !c.At.Before(start) {
			planned++
			if c.Outcome == store.OutcomeTried {
				tried++
			}
		}
		if c.Waiting() && (next.IsZero() || c.Due.Before(next)) {
			next = c.Due
		}
	}
	line := fmt.Sprintf("*Experiments:* %d of %s tried this quarter", tried, p.N("count_experiment", planned))
	if !next.IsZero() {
		line += "; next question " + localTime(nil, next, tz)
	}
	return line + "."
}
