package bot

import (
	"fmt"
	"strconv"
	"strings"

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

// reflectModal asks for a reflection on p, in the prompt's form: a sentence
// to finish starts the answer with its words; a scale asks for a rating in
// a menu, then what would move it one point higher. The private metadata
// says which prompt and slot it answers, never who: that comes from the
// submission.
func reflectModal(t *prompts.Theme, p *prompts.Prompt, ref promptRef) slack.ModalViewRequest {
	input := slack.NewPlainTextInputBlockElement(plain("Write as much or as little as you like. Only you will read it."), actionReflection)
	input.Multiline = true
	input.MaxLength = store.MaxReflectionLen
	label := "Your reflection"
	var blocks []slack.Block
	switch p.Form {
	case prompts.FormFinish:
		label, input.InitialValue = "Finish the sentence", finishStem(p)
		blocks = cardBlocks(t, p)
	case prompts.FormScale:
		label = "What would move it one point higher?"
		blocks = append(cardBlocks(t, p), slack.NewInputBlock(blockRating, plain("From 1 to 5"), nil, staticSelect(actionRating, scaleOptions(p), "")))
	default:
		blocks = cardBlocks(t, p)
	}
	reflection := slack.NewInputBlock(blockReflection, plain(label), nil, input)
	reflection.Optional = p.Form == prompts.FormScale // the rating is an answer on its own
	blocks = append(blocks, reflection)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackReflect,
		Title:           plain("Reflect"),
		Submit:          plain("Save to my journal"),
		Close:           plain("Cancel"),
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
// follow-up is offered there, while the member is still thinking about it.
func savedModal(name string, streak int, scheduled bool, p *prompts.Prompt) *slack.ModalViewRequest {
	text := fmt.Sprintf("Saved to your journal. Only you can read it: `%s journal`.", name)
	if scheduled && streak > 1 {
		text += fmt.Sprintf("\nThat is %d scheduled prompts in a row with a reflection.", streak)
	}
	blocks := []slack.Block{section(text)}
	if p != nil && p.Followup != "" {
		blocks = append(blocks, section("*Go one step further:* "+escape(p.Followup)),
			contextLine("No need to answer now: it comes back under your answer when this prompt does."))
	}
	return &slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plain("Saved"),
		Close:  plain("Done"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}
