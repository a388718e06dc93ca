package bot

import (
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// The reflection modal's field ids; its callback id is in commands.go.
const (
	blockReflection  = "reflection"
	actionReflection = "text"
	blockRating      = "rating"
	actionRating     = "value"
)

// reflectModal asks for a reflection on v's prompt, in its form: a sentence
// to finish starts the answer with its words; a scale asks for a rating in
// a menu, then what would move it one point higher. The private metadata
// says which prompt and slot it answers, never who: that comes from the
// submission.
func reflectModal(v cardView, ref promptRef) slack.ModalViewRequest {
	p := v.Prompt
	input := slack.NewPlainTextInputBlockElement(plain(v.P.T("prompt_modal_placeholder")), actionReflection)
	input.Multiline = true
	input.MaxLength = store.MaxReflectionLen
	label := v.P.T("prompt_modal_label")
	blocks := cardBlocks(v)
	switch p.Form {
	case prompts.FormFinish:
		label, input.InitialValue = v.P.T("prompt_modal_finish"), finishStem(p)
	case prompts.FormScale:
		label = v.P.T("prompt_modal_higher")
		rating := staticSelect(actionRating, scaleOptions(p), "")
		rating.Placeholder = plain(v.P.T("prompt_modal_choose"))
		blocks = append(blocks, slack.NewInputBlock(blockRating, plain(v.P.T("prompt_modal_rating")), nil, rating))
	}
	reflection := slack.NewInputBlock(blockReflection, plain(label), nil, input)
	reflection.Optional = p.Form == prompts.FormScale // the rating is an answer on its own
	blocks = append(blocks, reflection)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackReflect,
		Title:           plain(v.P.T("prompt_modal_title")),
		Submit:          plain(v.P.T("prompt_modal_submit")),
		Close:           plain(v.P.T("prompt_modal_cancel")),
		PrivateMetadata: ref.value(),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// finishStem is a sentence to finish without its ellipsis, ready for the
// member to go on typing.
func finishStem(p *prompts.Prompt) string {
	s := strings.TrimSpace(p.Text)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "…"), "...")
	return strings.TrimSpace(s) + " "
}

// scaleOptions are a scale's five ratings, the ends labelled.
func scaleOptions(p *prompts.Prompt) [][2]string {
	opts := make([][2]string, 5)
	for i := range opts {
		v := strconv.Itoa(i + 1)
		opts[i] = [2]string{v, v}
	}
	opts[0][1] = clipRunes("1 · "+p.Scale[0], 75) // Slack's option text limit
	opts[4][1] = clipRunes("5 · "+p.Scale[1], 75)
	return opts
}

// clipRunes shortens s to at most n characters.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// savedModal replaces the modal once the reflection is on disk. A prompt's
// follow-up is offered there, while the member is still thinking about it;
// p is the prompt in the member's language, nil for a form of no prompt.
func savedModal(pr *lang.Printer, name string, streak int, scheduled bool, p *prompts.Prompt) *slack.ModalViewRequest {
	text := pr.T("prompt_saved", "Cmd", name)
	if scheduled && streak > 1 {
		text += "\n" + pr.N("prompt_saved_streak", streak)
	}
	blocks := []slack.Block{section(text)}
	if p != nil && p.Followup != "" {
		blocks = append(blocks, section(pr.T("prompt_saved_further", "Followup", escape(p.Followup))),
			contextLine(pr.T("prompt_saved_later")))
	}
	return &slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plain(pr.T("prompt_saved_title")),
		Close:  plain(pr.T("prompt_saved_done")),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}
