package bot

import (
	"fmt"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// The reflection modal's field ids; its callback id is in commands.go.
const (
	blockReflection  = "reflection"
	actionReflection = "text"
)

// reflectModal asks for a reflection on p. The private metadata says which
// prompt and slot it answers, never who: that comes from the submission.
func reflectModal(t *prompts.Theme, p *prompts.Prompt, ref promptRef) slack.ModalViewRequest {
	input := slack.NewPlainTextInputBlockElement(plain("Write as much or as little as you like. Only you will read it."), actionReflection)
	input.Multiline = true
	input.MaxLength = store.MaxReflectionLen
	blocks := append(cardBlocks(t, p), slack.NewInputBlock(blockReflection, plain("Your reflection"), nil, input))
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

// savedModal replaces the modal once the reflection is on disk.
func savedModal(name string, streak int, scheduled bool) *slack.ModalViewRequest {
	text := fmt.Sprintf("Saved to your journal. Only you can read it: `%s journal`.", name)
	if scheduled && streak > 1 {
		text += fmt.Sprintf("\nThat is %d scheduled prompts in a row with a reflection.", streak)
	}
	return &slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plain("Saved"),
		Close:  plain("Done"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(text)}},
	}
}
