package prompts

import (
	"cmp"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
)

// Shown is one entry of a member's (or a channel's) history: a prompt that
// was shown, oldest first in a slice.
type Shown struct {
	ID    string // the prompt id
	Theme string // the theme it was picked from
	// NewCycle marks the first prompt of a new cycle through the theme: the
	// picker stops reading history there. Store Pick.NewCycle in it.
	NewCycle bool
}

// PickOptions narrows what Pick may choose.
type PickOptions struct {
	// Theme is the exact id of the theme to pick from (use ResolveTheme on a
	// member's argument first). Empty means any theme: a theme is chosen
	// uniformly among those with a prompt in the pool, then a prompt in it.
	Theme string
	// Audience, if set, restricts the pool to prompts of that audience:
	// AudiencePrivate for a member, AudienceTeam for a channel.
	Audience string
	// Role, if set, is preferred: among the unseen prompts, those For(Role)
	// are chosen first, then the others, before any repeat.
	Role string
	// RoleOnly restricts the pool to prompts For(Role) instead of
	// preferring them; with Role empty, to prompts ForEveryone. A lead's
	// broadcast uses it, so a channel of engineers never gets a question
	// written for managers.
	RoleOnly bool
}

// InPool reports whether p belongs to the pool opt describes: the prompts
// Pick chooses among, before history is considered.
func (opt PickOptions) InPool(p *Prompt) bool {
	if !p.Is(opt.Audience) {
		return false
	}
	switch {
	case !opt.RoleOnly:
		return true
	case opt.Role == "":
		return p.ForEveryone()
	}
	return p.For(opt.Role)
}

// Pick is the prompt chosen and whether it starts a new cycle through its
// theme.
type Pick struct {
	Prompt *Prompt
	// NewCycle is true for the first prompt ever picked from the theme, and
	// when every prompt of the pool has been shown and the theme starts over.
	// Record it in Shown.NewCycle.
	NewCycle bool
	// Restarted is true when NewCycle is because every prompt of the pool
	// has been shown: the member has seen them all and should be told once
	// that they come round again.
	Restarted bool
}

// Pick chooses a prompt that history has not shown in the theme's current
// cycle, so a member sees every prompt of a theme once before any repeats.
//
// The pool is the theme's live prompts that opt admits (InPool). The current cycle of the
// theme is the entries of history for that theme since, and including, the
// newest one with NewCycle set, or all of them if none is set. The unseen
// prompts are the pool minus the current cycle's ids; ids no longer in the
// pool (retired, moved, of another audience or role) are ignored. When none is unseen
// a new cycle starts: the whole pool is unseen again, except that the prompt
// shown last in the theme is not chosen first again when the pool has more
// than one prompt, so the new cycle also starts in a new order. Among the
// unseen prompts, those For(opt.Role) are preferred; the choice among them is
// uniform, drawn from rnd (nil means math/rand/v2's global source). The same
// catalog, history, options and rnd state give the same pick.
//
// History is read backwards from the newest entry and only up to the theme's
// cycle marker, so a pick costs the number of entries since the cycle began,
// not the length of the history. It does not allocate unless the theme has
// more than 256 prompts.
//
// Returns a *ThemeError wrapping ErrUnknownTheme when opt.Theme is not a
// theme, and an error wrapping ErrNoPrompts when the pool is empty.
func (c *Catalog) Pick(history []Shown, opt PickOptions, rnd *rand.Rand) (Pick, error) {
	var cr cycleReader
	if err := c.startCycle(&cr, opt, rnd); err != nil {
		return Pick{}, err
	}
	for i := len(history) - 1; i >= 0 && cr.read(history[i]); i-- {
	}
	return c.finishPick(&cr, opt, rnd)
}

// PickBack is Pick with the history given newest entry first, as a
// sequence it stops reading at the theme's cycle marker: a store can walk
// its cursor back and decode only the entries of the current cycle.
// history(theme) yields the entries of that theme; it may yield others too
// (they are passed over), but a store can pass over them more cheaply.
func (c *Catalog) PickBack(history func(theme string) iter.Seq[Shown], opt PickOptions, rnd *rand.Rand) (Pick, error) {
	var cr cycleReader
	if err := c.startCycle(&cr, opt, rnd); err != nil {
		return Pick{}, err
	}
	for e := range history(cr.id) {
		if !cr.read(e) {
			break
		}
	}
	return c.finishPick(&cr, opt, rnd)
}

// cycleReader marks in seen the positions of a theme's prompts shown in its
// current cycle, reading history an entry at a time, newest first. It keeps
// the id shown last in the theme, and whether the theme appears in history
// at all. Pick and PickBack each drive it with a loop of their own, so a
// pick from a slice does not allocate.
type cycleReader struct {
	c     *Catalog
	ti    int       // the theme's index
	id    string    // and its id
	buf   [4]uint64 // the seen bits: enough for 256 prompts in a theme
	big   []uint64  // or these, for a theme with more
	last  string
	shown bool
}

// startCycle chooses the theme and readies cr to read history for it.
func (c *Catalog) startCycle(cr *cycleReader, opt PickOptions, rnd *rand.Rand) error {
	ti, err := c.pickTheme(opt, rnd)
	if err != nil {
		return err
	}
	*cr = cycleReader{c: c, ti: ti, id: c.themes[ti].ID}
	if n := (len(c.themes[ti].Prompts) + 63) / 64; n > len(cr.buf) {
		cr.big = make([]uint64, n)
	}
	return nil
}

// seen is the bit set of positions shown in the cycle. (Keeping a slice of
// buf in cr itself would move cr to the heap.)
func (cr *cycleReader) seen() []uint64 {
	if cr.big != nil {
		return cr.big
	}
	return cr.buf[:]
}

// read takes in the next older entry; false means the current cycle's
// start is reached and no older entry matters.
func (cr *cycleReader) read(e Shown) bool {
	if e.Theme != cr.id {
		return true
	}
	if !cr.shown {
		cr.last, cr.shown = e.ID, true
	}
	if r, ok := cr.c.prompts[e.ID]; ok && r.theme == cr.ti {
		set(cr.seen(), r.pos)
	}
	return !e.NewCycle
}

// finishPick chooses among the prompts cr has not seen in the cycle, or
// starts a new one.
func (c *Catalog) finishPick(cr *cycleReader, opt PickOptions, rnd *rand.Rand) (Pick, error) {
	t, seen := c.themes[cr.ti], cr.seen()
	unseen, pool := count(t, opt, seen)
	if pool == 0 {
		return Pick{}, fmt.Errorf("pick from theme %s, %s: %w", t.ID, opt, ErrNoPrompts)
	}
	newCycle, restarted := !cr.shown, false
	if unseen == 0 {
		newCycle, restarted = true, true
		clear(seen)
		if pool > 1 {
			if r, ok := c.prompts[cr.last]; ok && r.theme == cr.ti {
				set(seen, r.pos)
			}
		}
	}
	return Pick{Prompt: choose(t, opt, seen, rnd), NewCycle: newCycle, Restarted: restarted}, nil
}

// pickTheme returns the index of the theme opt names or, for any theme, of
// one chosen uniformly among those with a prompt in opt's pool.
func (c *Catalog) pickTheme(opt PickOptions, rnd *rand.Rand) (int, error) {
	if opt.Theme != "" {
		i, ok := c.byID[opt.Theme]
		if !ok {
			return 0, &ThemeError{Arg: opt.Theme, Err: ErrUnknownTheme}
		}
		return i, nil
	}
	n := 0
	for _, t := range c.themes {
		if inPool(t, opt) {
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("pick from any theme, %s: %w", opt, ErrNoPrompts)
	}
	k := intN(rnd, n)
	for i, t := range c.themes {
		if inPool(t, opt) {
			if k == 0 {
				return i, nil
			}
			k--
		}
	}
	panic("unreachable")
}

// count returns how many prompts of opt's pool in t are unseen, and how
// many there are in all.
func count(t *Theme, opt PickOptions, seen []uint64) (unseen, pool int) {
	for j, p := range t.Prompts {
		if opt.InPool(p) {
			pool++
			if !isSet(seen, j) {
				unseen++
			}
		}
	}
	return unseen, pool
}

// choose picks uniformly among the unseen prompts of opt's pool in t, among
// those For(opt.Role) if there are any. There must be at least one unseen.
func choose(t *Theme, opt PickOptions, seen []uint64, rnd *rand.Rand) *Prompt {
	var all, forRole int
	for j, p := range t.Prompts {
		if opt.InPool(p) && !isSet(seen, j) {
			all++
			if p.For(opt.Role) {
				forRole++
			}
		}
	}
	byRole, n := forRole > 0, all
	if byRole {
		n = forRole
	}
	k := intN(rnd, n)
	for j, p := range t.Prompts {
		if !opt.InPool(p) || isSet(seen, j) || (byRole && !p.For(opt.Role)) {
			continue
		}
		if k == 0 {
			return p
		}
		k--
	}
	panic("unreachable")
}

// inPool reports whether t has a live prompt in opt's pool.
func inPool(t *Theme, opt PickOptions) bool {
	return slices.ContainsFunc(t.Prompts, opt.InPool)
}

// String describes the pool for error messages: "audience team, role
// manager only".
func (opt PickOptions) String() string {
	s := "audience " + cmp.Or(opt.Audience, "any")
	switch {
	case opt.RoleOnly && opt.Role == "":
		s += ", prompts for everyone"
	case opt.RoleOnly:
		s += ", role " + opt.Role + " only"
	}
	return s
}

func intN(rnd *rand.Rand, n int) int {
	if rnd == nil {
		return rand.IntN(n)
	}
	return rnd.IntN(n)
}

func set(bits []uint64, i int)        { bits[i/64] |= 1 << (i % 64) }
func isSet(bits []uint64, i int) bool { return bits[i/64]&(1<<(i%64)) != 0 }
