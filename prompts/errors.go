package prompts

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrUnknownTheme means no theme has the given id, nor starts with the given
// prefix. ResolveTheme and Pick return it inside a *ThemeError.
var ErrUnknownTheme = errors.New("unknown theme")

// ErrAmbiguousTheme means more than one theme starts with the given prefix.
// ResolveTheme returns it inside a *ThemeError that lists the candidates.
var ErrAmbiguousTheme = errors.New("ambiguous theme")

// ErrNoPrompts means the pool to pick from is empty: the theme has no live
// prompt of the requested kind, or no theme has one. Pick returns it wrapped
// with the theme and kind.
var ErrNoPrompts = errors.New("no prompts")

// ThemeError is a theme argument that names no single theme. Its message is
// safe to show a user as is.
type ThemeError struct {
	Arg        string   // the argument as given
	Candidates []string // for ErrAmbiguousTheme, the ids it could mean, in catalog order
	Err        error    // ErrUnknownTheme or ErrAmbiguousTheme
}

// Error describes the argument and, when ambiguous, what it could mean.
func (e *ThemeError) Error() string {
	if len(e.Candidates) > 0 {
		return fmt.Sprintf("%v %q: could be %s", e.Err, e.Arg, strings.Join(e.Candidates, ", "))
	}
	return fmt.Sprintf("%v %q", e.Err, e.Arg)
}

// Unwrap returns ErrUnknownTheme or ErrAmbiguousTheme, for errors.Is.
func (e *ThemeError) Unwrap() error { return e.Err }

// Problem is one thing wrong in a prompt file, at a line a person can go to.
type Problem struct {
	File string // as given to Load or WithOverlay, joined with the file name
	Line int    // 1-based; 0 when the problem is about the file or directory as a whole
	Msg  string
	// Warning marks what the bot accepts but the author should change, such
	// as the first edition's fields. Only other problems stop a load.
	Warning bool
}

// String formats the problem as "file:line: msg", the form editors and CI
// logs turn into links.
func (p Problem) String() string {
	msg := p.Msg
	if p.Warning {
		msg = "warning: " + msg
	}
	if p.Line <= 0 {
		return p.File + ": " + msg
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ": " + msg
}

// Problems is every problem found in a set of prompt files, in file and line
// order. Load, Builtin and WithOverlay return it as their error when the
// files are invalid; use errors.As to get the list.
type Problems []Problem

// Errors returns the problems that are not warnings: those that stop a
// load.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Error lists the problems one per line.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}
