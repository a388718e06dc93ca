package bot

import (
	"bytes"
	"encoding/json"

	"github.com/slack-go/slack"
)

// plainBlocks returns blocks that encode to the same JSON as blocks but
// without a json.MarshalJSON method anywhere inside them. slack-go's context
// and action blocks hold their elements in types with one, and encoding/json
// re-scans whatever such a method returns; every ack's payload is encoded
// again by socketmode besides. For a prompt card that was most of an ack's
// encoding cost. Each block is compared byte for byte with its original once,
// here, and one that differs in any way is kept as it was.
func plainBlocks(blocks []slack.Block) []slack.Block {
	out := make([]slack.Block, len(blocks))
	for i, bl := range blocks {
		out[i] = plainBlock(bl)
	}
	return out
}

func plainBlock(bl slack.Block) slack.Block {
	var p slack.Block
	switch bl := bl.(type) {
	case *slack.ContextBlock:
		els := make([]*slack.TextBlockObject, 0, len(bl.ContextElements.Elements))
		for _, e := range bl.ContextElements.Elements {
			t, ok := e.(*slack.TextBlockObject)
			if !ok {
				return bl
			}
			els = append(els, t)
		}
		p = plainContext{Type: bl.Type, BlockID: bl.BlockID, Elements: els}
	case *slack.ActionBlock:
		if bl.Elements == nil {
			return bl
		}
		els := make([]plainButton, 0, len(bl.Elements.ElementSet))
		for _, e := range bl.Elements.ElementSet {
			b, ok := e.(*slack.ButtonBlockElement)
			if !ok {
				return bl
			}
			// Fields plainButton lacks make the comparison below fail.
			els = append(els, plainButton{Type: b.Type, Text: b.Text, ActionID: b.ActionID, Value: b.Value, Style: b.Style})
		}
		p = plainActions{Type: bl.Type, BlockID: bl.BlockID, Elements: els}
	default:
		// Sections without an accessory, dividers and headers have no
		// MarshalJSON of their own.
		return bl
	}
	want, err := json.Marshal(bl)
	if err != nil {
		return bl
	}
	got, err := json.Marshal(p)
	if err != nil || !bytes.Equal(got, want) {
		return bl
	}
	return p
}

// plainContext is a slack.ContextBlock of text elements.
type plainContext struct {
	Type     slack.MessageBlockType   `json:"type"`
	BlockID  string                   `json:"block_id,omitempty"`
	Elements []*slack.TextBlockObject `json:"elements"`
}

func (c plainContext) BlockType() slack.MessageBlockType { return c.Type }
func (c plainContext) ID() string                        { return c.BlockID }

// plainActions is a slack.ActionBlock of buttons.
type plainActions struct {
	Type     slack.MessageBlockType `json:"type"`
	BlockID  string                 `json:"block_id,omitempty"`
	Elements []plainButton          `json:"elements"`
}

func (a plainActions) BlockType() slack.MessageBlockType { return a.Type }
func (a plainActions) ID() string                        { return a.BlockID }

// plainButton is the part of a slack.ButtonBlockElement our buttons use, its
// fields in the same order.
type plainButton struct {
	Type     slack.MessageElementType `json:"type,omitempty"`
	Text     *slack.TextBlockObject   `json:"text"`
	ActionID string                   `json:"action_id,omitempty"`
	Value    string                   `json:"value,omitempty"`
	Style    slack.Style              `json:"style,omitempty"`
}
