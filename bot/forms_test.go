package bot

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/slack-go/slack"
)

var (
	scalePrompt  = &prompts.Prompt{ID: "x-scale", Theme: "x", Text: "How at ease are you?", Form: prompts.FormScale, Scale: [2]string{"anxious", "at ease"}}
	finishPrompt = &prompts.Prompt{ID: "x-finish", Theme: "x", Text: "The part of my job I over-explain is…", Form: prompts.FormFinish,
		Followup: "Who would notice if you stopped?"}
)

// form is a submission of the reflect modal.
func form(rating, text string) formValues {
	v := formValues{blockReflection: {actionReflection: {Value: text}}}
	if rating != "" {
		v[blockRating] = map[string]slack.BlockAction{actionRating: {SelectedOption: slack.OptionBlockObject{Value: rating}}}
	}
	return v
}

func TestReflectModal_Forms(t *testing.T) {
	t.Run("Scale", func(t *testing.T) {
		m := reflectModal(cardView{Prompt: scalePrompt}, promptRef{PromptID: "x-scale"})
		var sel *slack.SelectBlockElement
		var text *slack.InputBlock
		for _, bl := range m.Blocks.BlockSet {
			if in, ok := bl.(*slack.InputBlock); ok {
				switch in.BlockID {
				case blockRating:
					sel, _ = in.Element.(*slack.SelectBlockElement)
				case blockReflection:
					text = in
				}
			}
		}
		if sel == nil || len(sel.Options) != 5 || sel.Options[0].Text.Text != "1 · anxious" || sel.Options[4].Text.Text != "5 · at ease" || sel.Options[2].Value != "3" {
			t.Fatalf("rating select %+v, want 1 · anxious … 5 · at ease", sel)
		}
		if text == nil || !text.Optional || text.Label.Text != "What would move it one point higher?" {
			t.Fatalf("text input %+v, want optional, asking what would move it higher", text)
		}
	})
	t.Run("Finish", func(t *testing.T) {
		m := reflectModal(cardView{Prompt: finishPrompt}, promptRef{PromptID: "x-finish"})
		in := m.Blocks.BlockSet[len(m.Blocks.BlockSet)-1].(*slack.InputBlock)
		el := in.Element.(*slack.PlainTextInputBlockElement)
		if in.Optional || in.Label.Text != "Finish the sentence" || el.InitialValue != "The part of my job I over-explain is " {
			t.Fatalf("input %q, initial %q", in.Label.Text, el.InitialValue)
		}
	})
}

func TestReflectionText(t *testing.T) {
	for _, tt := range []struct {
		name   string
		p      *prompts.Prompt
		values formValues
		want   string // the entry, or the field error
		field  string // "" when saved
	}{
		{"ScaleWithWords", scalePrompt, form("3", " More tests on the migration. "), "3 of 5 (1: anxious, 5: at ease)\nOne point higher: More tests on the migration.", ""},
		{"ScaleAlone", scalePrompt, form("5", ""), "5 of 5 (1: anxious, 5: at ease)", ""},
		{"ErrScaleNoRating", scalePrompt, form("", "words"), "Choose a number from 1 to 5.", blockRating},
		{"ErrScaleForgedRating", scalePrompt, form("9", "words"), "Choose a number from 1 to 5.", blockRating},
		{"Finish", finishPrompt, form("", "The part of my job I over-explain is the roadmap."), "The part of my job I over-explain is the roadmap.", ""},
		{"ErrFinishUntouched", finishPrompt, form("", "The part of my job I over-explain is "), "Write a few words first", blockReflection},
		{"ErrEmpty", nil, form("", "  "), "Write a few words first", blockReflection},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, bad := reflectionText(nil, tt.p, tt.values)
			switch {
			case tt.field == "" && (bad != nil || got != tt.want):
				t.Fatalf("got %q, %+v; want %q saved", got, bad, tt.want)
			case tt.field != "" && (bad == nil || !strings.Contains(bad.Errors[tt.field], tt.want)):
				t.Fatalf("got %q, %+v; want %q under %s", got, bad, tt.want, tt.field)
			}
		})
	}
}

// A prompt's follow-up is offered once the reflection is saved, and asked
// under the earlier answer when the prompt comes back.
func TestFollowup(t *testing.T) {
	got := blocksText(t, Reply{Blocks: savedModal(nil, "/mentor", 0, false, finishPrompt).Blocks.BlockSet})
	if !strings.Contains(got, "*Go one step further:* Who would notice if you stopped?") {
		t.Fatalf("saved view:\n%s", got)
	}
	if got := blocksText(t, Reply{Blocks: savedModal(nil, "/mentor", 0, false, scalePrompt).Blocks.BlockSet}); strings.Contains(got, "one step further") {
		t.Fatalf("saved view offers a follow-up the prompt does not have:\n%s", got)
	}
	if got := thenAndNowQuestion(cardView{Prompt: finishPrompt}); got != "*One step further:* Who would notice if you stopped?" {
		t.Errorf("then and now asks %q", got)
	}
	if got := thenAndNowQuestion(cardView{Prompt: scalePrompt}); got != "What would you say today?" {
		t.Errorf("then and now without a follow-up asks %q", got)
	}
}
