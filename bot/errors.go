package bot

import (
	"errors"
	"fmt"

	"github.com/mentorbot/mentorbot/bot/lang"
)

// Error codes. A code says what kind of failure it is; the message says, in
// words a member can act on, what to do about it.
const (
	EINVALID   = "invalid"   // the member typed something we cannot use
	ENOTFOUND  = "notfound"  // the thing they named does not exist
	EFORBIDDEN = "forbidden" // not theirs to do (broadcasting when not a lead)
	EINTERNAL  = "internal"  // our fault; never shown beyond the apology
)

// Error is the one error type whose message may be shown to a member. Every
// other error is logged and answered with apology.
type Error struct {
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted, member-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the member-safe message of err: the *Error's own
// message, or the apology for anything else.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return apology
}

// apology is all a member ever sees of an error that is ours, in English.
const apology = "Sorry, something went wrong on our side. It has been logged; please try again in a minute."

// localError is ErrorMessage in p's language. An *Error's message is
// already in the member's language: the handler that made it printed it
// with the Command's printer.
func localError(p *lang.Printer, err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	if p == nil {
		return apology
	}
	return p.T("apology")
}
