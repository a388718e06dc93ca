package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// tryMember is what one member of the session has seen and can act on.
type tryMember struct {
	slacksim.User
	loc  *time.Location
	lead bool // made a lead with :lead

	// msgs is the latest version of every message the member can see, by
	// channel/ts; shown marks those printed to them; unread are the keys
	// that arrived or changed while someone else was typing, in order.
	msgs   map[string]slacksim.Message
	shown  map[string]bool
	unread []string
	files  []string // ids of files the bot sent them, in order

	// last is the newest message shown to them that others can see too,
	// which :shortcut acts on: Slack offers no shortcuts on ephemeral replies.
	last string
	// target is what :click N presses: the last message with buttons, the
	// Home tab or a form.
	target clickTarget
	// numbered are the keys of the messages shown to them with buttons, in
	// the order first shown: message M is numbered[M-1], its header says
	// ":click M.N", and :click M.N presses its button N after newer ones
	// came. A replaced message keeps its number.
	numbered []string
	// onHome is set while the member looks at their Home tab; homeHash is
	// the version they saw last, and homeText how it read.
	onHome   bool
	homeHash string
	homeText string
	// form is the modal the member saw last, to tell when it changes.
	form formSeen
}

type targetKind int

const (
	noTarget targetKind = iota
	messageTarget
	homeTarget
	formTarget
)

type clickTarget struct {
	kind targetKind
	key  string // the message's channel/ts, or the form's view id
}

// formSeen is a modal as last shown: it is shown again when any changes.
type formSeen struct{ id, hash, errors string }

func newMember(u slacksim.User) *tryMember {
	loc, err := time.LoadLocation(u.TZ)
	if err != nil {
		loc = time.UTC
	}
	return &tryMember{User: u, loc: loc, msgs: map[string]slacksim.Message{}, shown: map[string]bool{}}
}

// when formats a session time in the member's zone: "Fri 9 Jan 16:00", or
// with the year and zone when long.
func (m *tryMember) when(t time.Time, long bool) string {
	if long {
		return t.In(m.loc).Format("Monday 2 January 2006 15:04 MST")
	}
	return t.In(m.loc).Format("Mon 2 Jan 15:04")
}

func msgKey(m slacksim.Message) string { return m.Channel + "/" + m.TS }

// route hands a message to every member who sees it: printed for the one
// typing, kept for the others until they come back. It reports whether it
// printed anything.
func (s *session) route(m slacksim.Message) bool {
	key := msgKey(m)
	printed := false
	for _, u := range simMembers {
		mb := s.members[u.ID]
		if !s.sim.SeenBy(u.ID, m) {
			continue
		}
		_, known := mb.msgs[key]
		mb.msgs[key] = m
		if !known {
			mb.files = append(mb.files, m.FileIDs...)
		}
		if mb == s.me {
			printed = s.show(mb, key) || printed
		} else if !slices.Contains(mb.unread, key) {
			mb.unread = append(mb.unread, key)
		}
	}
	if !s.keys[key] {
		s.keys[key] = true
		s.arrived++
	}
	return printed
}

// show prints the latest version of a message to the member, marked
// replaced or deleted when they saw an earlier one, and makes its buttons
// the ones :click presses. It reports whether it printed anything.
func (s *session) show(mb *tryMember, key string) bool {
	m := mb.msgs[key]
	seen := mb.shown[key]
	if m.Deleted && !seen {
		return false // came and went unseen
	}
	mb.shown[key] = true
	if !m.Deleted && !m.Ephemeral {
		mb.last = key
	}
	author := "mentorbot"
	if w, ok := s.members[m.User]; ok && m.Source == "member" {
		author = w.Name // posted with :say
	}
	head := []string{author, mb.when(s.msgTime(m), false)}
	if m.Channel == tryChannel {
		head = append(head, "#team")
	}
	if m.Ephemeral {
		head = append(head, "only visible to you")
	}
	if seen {
		head = append(head, "replaced")
	}
	if m.Deleted {
		fmt.Fprintf(s.out, "\n%s\n", s.dim(fmt.Sprintf("(mentorbot deleted its message of %s)", mb.when(s.msgTime(m), false))))
		return true
	}
	text, buttons := s.render.Message(m.Text, m.Blocks)
	if len(buttons) > 0 {
		head = append(head, fmt.Sprintf(":click %d.N", mb.number(key)))
	}
	fmt.Fprintf(s.out, "\n%s\n", s.dim("── "+strings.Join(head, " · ")))
	if text = strings.TrimRight(text, "\n"); text != "" {
		fmt.Fprintln(s.out, text)
	}
	for _, id := range m.FileIDs {
		fmt.Fprintln(s.out, s.fileLine(mb, id))
	}
	// A replacement without buttons stays the target: :click then says the
	// buttons are gone rather than pressing an older message's.
	if len(buttons) > 0 {
		mb.target = clickTarget{kind: messageTarget, key: key}
	}
	return true
}

// number is the number of the message key among those shown to the member
// with buttons, given the next one the first time.
func (mb *tryMember) number(key string) int {
	if i := slices.Index(mb.numbered, key); i >= 0 {
		return i + 1
	}
	mb.numbered = append(mb.numbered, key)
	return len(mb.numbered)
}

// msgTime is the session time a message was sent at: its ts is Slack's
// real clock, shifted as the session's clock was then.
func (s *session) msgTime(m slacksim.Message) time.Time {
	t, ok := tsTime(m.TS)
	if !ok {
		return s.clock.Now()
	}
	return s.clock.at(t)
}

// showUnread prints what arrived for the member while they were away.
func (s *session) showUnread() {
	mb := s.me
	var keys []string
	for _, k := range mb.unread {
		if m := mb.msgs[k]; !m.Deleted || mb.shown[k] {
			keys = append(keys, k)
		}
	}
	mb.unread = nil
	switch len(keys) {
	case 0:
		fmt.Fprintln(s.out, "No new messages.")
		return
	case 1:
		fmt.Fprintln(s.out, "1 new message while you were away:")
	default:
		fmt.Fprintf(s.out, "%d new messages while you were away:\n", len(keys))
	}
	for _, k := range keys {
		s.show(mb, k)
	}
}

// dim greys out the session's own remarks when colour is on.
func (s *session) dim(text string) string {
	if !s.render.Color {
		return text
	}
	return "\x1b[2m" + text + "\x1b[0m"
}
