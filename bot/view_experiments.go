package bot

import (
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
func tryButton(p *lang.Printer, ref promptRef) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionTryIt, ref.value(), plain(p.T("exp_try_button")))
}

// followUpText is the follow-up's question, also its notification.
func followUpText(p *lang.Printer, c store.Commitment) string {
	return p.T("exp_followup", "Again", c.Asks > 0, "Try", strings.TrimSpace(c.Experiment))
}

// followUpBlocks is the follow-up DM: the question and its three answers.
func followUpBlocks(p *lang.Printer, c store.Commitment) []slack.Block {
	v := expValue(c.Seq)
	tried := slack.NewButtonBlockElement(actionExpTried, v, plain(p.T("exp_tried")))
	tried.Style = slack.StylePrimary
	return []slack.Block{
		section(escape(followUpText(p, c))),
		contextLine(p.T("exp_followup_from", "Theme", c.Theme)),
		slack.NewActionBlock("exp.actions", tried,
			slack.NewButtonBlockElement(actionExpNotYet, v, plain(p.T("exp_not_yet"))),
			slack.NewButtonBlockElement(actionExpNotForMe, v, plain(p.T("exp_not_for_me")))),
	}
}

// expNoteModal asks, optionally, what happened.
func expNoteModal(p *lang.Printer, c store.Commitment) slack.ModalViewRequest {
	input := slack.NewPlainTextInputBlockElement(plain(p.T("exp_note_placeholder")), actionExpNote)
	input.Multiline = true
	input.MaxLength = store.MaxReflectionLen
	field := slack.NewInputBlock(blockExpNote, plain(p.T("exp_note_label")), nil, input)
	field.Optional = true
	head := p.T("exp_note_head", "Outcome", capitalise(outcomeWords(p, c.Outcome)), "Try", escape(strings.TrimSpace(c.Experiment)))
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackExpNote,
		Title:           plain(p.T("exp_note_title")),
		Submit:          plain(p.T("exp_note_submit")),
		Close:           plain(p.T("exp_note_close")),
		PrivateMetadata: expValue(c.Seq),
		Blocks:          slack.Blocks{BlockSet: []slack.Block{section(head), field}},
	}
}

// expNoteError shows msg under the note form's field.
func expNoteError(msg string) *viewResponse {
	return &viewResponse{Action: "errors", Errors: map[string]string{blockExpNote: msg}}
}

// outcomeWords says an outcome as the member's answer did.
func outcomeWords(p *lang.Printer, outcome string) string {
	switch outcome {
	case store.OutcomeTried:
		return p.T("exp_outcome_tried")
	case store.OutcomeNotYet:
		return p.T("exp_outcome_not_yet")
	case store.OutcomeNotForMe:
		return p.T("exp_outcome_not_for_me")
	}
	return p.T("exp_outcome_none")
}

// experimentsLine sums up the member's experiments: "2 of 3 experiments
// tried this quarter", and when the next question comes; for a member
// with none, what they are.
func experimentsLine(p *lang.Printer, cs []store.Commitment, now time.Time, tz string) string {
	if len(cs) == 0 {
		return p.T("exp_none")
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
	when := ""
	if !next.IsZero() {
		when = p.DateTime(next.In(loc))
	}
	return p.N("exp_line", planned, "Tried", tried, "Next", when)
}
