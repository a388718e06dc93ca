package bot

import (
	"context"

	"github.com/mentorbot/mentorbot/bot/lang"
)

// builtinLang is the message catalog built into the binary; New uses it and
// serve replaces it with one that includes the operator's files.
var builtinLang = func() *lang.Catalog {
	c, err := lang.Builtin()
	if err != nil {
		panic("built-in messages: " + err.Error()) // TestParity keeps this from shipping
	}
	return c
}()

// printerFor returns the printer of a member's language.
func (b *Bot) printerFor(ctx context.Context, userID string) *lang.Printer {
	return b.Lang.Printer(lang.Default)
}
