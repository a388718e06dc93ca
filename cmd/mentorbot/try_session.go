package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// session is one terminal conversation with the bot, as any of the
// members in turn. Only loop's goroutine touches it.
type session struct {
	sim    *slacksim.Server
	app    *app
	clock  *sessionClock
	out    io.Writer
	cmd    string
	render slacksim.Renderer
	msgs   <-chan slacksim.Message

	members map[string]*tryMember // by user id
	me      *tryMember            // who is typing
	// keys are the messages the session has seen, by channel/ts; arrived
	// counts them (replacements share their original's key), for :advance
	// to tell how many came on the way.
	keys    map[string]bool
	arrived int
	// quiet: see tryOptions.quiet.
	quiet time.Duration
}

// newTrySession starts a session as first, reading the bot's messages from
// msgs (a Subscribe channel of sim).
func newTrySession(sim *slacksim.Server, a *app, clk *sessionClock, out io.Writer, msgs <-chan slacksim.Message, color bool, cmd string, first slacksim.User) *session {
	s := &session{sim: sim, app: a, clock: clk, out: out, cmd: cmd, render: sim.Renderer(color), msgs: msgs,
		members: make(map[string]*tryMember, len(simMembers)), keys: map[string]bool{}, quiet: 300 * time.Millisecond}
	for _, u := range simMembers {
		s.members[u.ID] = newMember(u)
	}
	s.me = s.members[first.ID]
	// The local Slack keeps a group's members, not its handle; this one is
	// the leads' group a newcomer is told to join.
	s.render.GroupName = func(id string) (string, bool) { return "leads", id == tryLeadGroup }
	return s
}

// colonCommand is one of the session's own commands.
type colonCommand struct {
	name, args, help string
	run              func(s *session, ctx context.Context, arg string) (quit bool)
}

// colonCommands are listed by :help in this order. They are set in init
// because :help reads the list, which would make its initialiser a cycle.
var colonCommands []colonCommand

func init() {
	colonCommands = []colonCommand{
		{"click", "N | M.N", "press button N of the last message (or Home tab, or form) that has buttons; M.N presses button N of an earlier message, M as its header numbers it", (*session).click},
		{"write", "TEXT", "type TEXT into the open form's text box and submit it", (*session).write},
		{"submit", "[FIELD=VALUE …]", "submit the open form, changing some fields (:help lists them); quote values with spaces", (*session).submit},
		{"cancel", "", "close the open form without submitting it", (*session).cancel},
		{"home", "", "show your Home tab (it shows again when it changes, until you type a command)", (*session).home},
		{"files", "", "list the files the bot sent you", (*session).files},
		{"open", "N", "print file N of :files", (*session).open},
		{"say", "[#team] TEXT", "post TEXT as yourself in our DM (or in #team), as the message box does; :shortcut then acts on it", (*session).say},
		{"shortcut", "ID", "run the app's message shortcut ID on the last message shown to you, as its ⋯ menu does", (*session).shortcut},
		{"advance", "D", "move time forward (30m, 6h, 1d, 7d, 2w), delivering what falls due on the way", (*session).advance},
		{"time", "", "the session's time, in your time zone", (*session).showTime},
		{"user", "NAME", "become another member; what arrived for them meanwhile is shown", (*session).switchUser},
		{"users", "", "the members of this session", (*session).users},
		{"lead", "", "make yourself a lead (leads can /mentor broadcast #team …); lee is one already", (*session).lead},
		{"help", "", "this list, and the open form's fields", (*session).help},
		{"quit", "", "leave (end of input works too)", func(*session, context.Context, string) bool { return true }},
	}
}

// loop reads lines until :quit, end of input or ctx ends. Messages the bot
// sends on its own (nudges, late replies) are printed as they arrive.
func (s *session) loop(ctx context.Context, stdin io.Reader) {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	// Piped input is not echoed by a terminal: print it after the prompt,
	// so the transcript reads as a session.
	echo := !isTerminal(stdin)
	poll := time.NewTicker(250 * time.Millisecond)
	defer poll.Stop()
	s.prompt()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-s.msgs:
			if !ok {
				s.msgs = nil // Slack is closing; a nil channel never fires
			} else if s.route(m) {
				s.prompt()
			}
		case <-poll.C:
			if s.pollViews() {
				s.prompt()
			}
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(s.out)
				return
			}
			if echo {
				fmt.Fprintln(s.out, strings.TrimSpace(stripPrompt(line)))
			}
			if quit := s.handle(ctx, line); quit {
				return
			}
			s.settle()
			s.prompt()
		}
	}
}

func (s *session) prompt() { fmt.Fprintf(s.out, "%s> ", s.me.Name) }

// settle prints what the bot sends in answer to a line before the next
// prompt: messages, a form it opened, the Home tab it refreshed. It waits
// until the bot has finished with the line (Idle: every answer posted) and
// nothing more came for s.quiet (300ms), and at most 30s. A quiet spell alone was a
// guess a busy machine outran: a Home tab refreshed 400ms after a click
// printed after the next prompt.
func (s *session) settle() {
	quiet := s.quiet
	deadline := time.Now().Add(30 * time.Second)
	idle := time.Now().Add(quiet)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(idle) && time.Now().Before(deadline) {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				s.msgs = nil
			} else if s.route(m) {
				idle = time.Now().Add(quiet)
			}
		case <-tick.C:
			if s.pollViews() || !s.app.bot.Idle() {
				idle = time.Now().Add(quiet)
			}
		}
	}
}

// drain routes the messages already sent, without waiting for more.
// SendDue returns after Slack took its posts, so they are all here.
func (s *session) drain() {
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				return
			}
			s.route(m)
		default:
			return
		}
	}
}

// handle runs one line; it reports whether the session should end.
func (s *session) handle(ctx context.Context, line string) bool {
	line = strings.TrimSpace(stripPrompt(stripComment(line)))
	switch {
	case line == "":
		return false
	case strings.HasPrefix(line, "/"):
		s.me.onHome = false // the message box is not on the Home tab
		s.slash(ctx, line)
		return false
	case strings.HasPrefix(line, ":"):
		name, arg := splitColon(line[1:])
		if c, ok := colonCommandNamed(name); ok {
			return c.run(s, ctx, arg)
		}
		fmt.Fprintf(s.out, "No session command :%s. :help lists them.\n", name)
	default:
		// A tired hand drops the slash or the colon: say what was meant.
		first, _ := splitColon(line)
		if _, ok := colonCommandNamed(first); ok {
			fmt.Fprintf(s.out, "Session commands start with a colon: :%s. (:help lists them.)\n", line)
		} else if strings.HasPrefix(line, strings.TrimPrefix(s.cmd, "/")+" ") || line == strings.TrimPrefix(s.cmd, "/") {
			fmt.Fprintf(s.out, "Slash commands start with a slash: /%s\n", line)
		} else {
			fmt.Fprintf(s.out, "Type a slash command such as %s help, or :help for this session's commands.\n", s.cmd)
		}
	}
	return false
}

// splitColon splits a session command into its lower-cased name and its
// argument; "click2" is "click" and "2".
func splitColon(s string) (name, arg string) {
	name, arg, _ = strings.Cut(s, " ")
	if i := strings.IndexAny(name, "0123456789"); i > 0 {
		name, arg = name[:i], name[i:]+" "+arg
	}
	return strings.ToLower(name), strings.TrimSpace(arg)
}

// colonCommandNamed finds a session command by name or alias.
func colonCommandNamed(name string) (colonCommand, bool) {
	switch name {
	case "q", "exit":
		name = "quit"
	}
	for _, c := range colonCommands {
		if c.name == name {
			return c, true
		}
	}
	return colonCommand{}, false
}

// stripPrompt drops a member's prompt ("ana> ") from the start of a line,
// so a session copied with its prompts, like the README's, runs as pasted.
func stripPrompt(line string) string {
	line = strings.TrimLeft(line, " \t")
	for _, u := range simMembers {
		if rest, ok := strings.CutPrefix(line, u.Name+">"); ok {
			return rest
		}
	}
	return line
}

// stripComment cuts a line at its comment, so lines pasted from the README
// run as they are. A comment starts at a # that stands alone: at the start
// of the line or after a space or tab, and followed by a space, a tab or the
// end of the line. Inside double quotes it is text. So "#team" in
// "/mentor broadcast #team vision" is a channel, not a comment.
func stripComment(line string) string {
	quoted := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			quoted = !quoted
		case c == '#' && !quoted &&
			(i == 0 || line[i-1] == ' ' || line[i-1] == '\t') &&
			(i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t'):
			return line[:i]
		}
	}
	return line
}

func (s *session) help(context.Context, string) bool {
	fmt.Fprintf(s.out, "Type what a member types in Slack: %[1]s help, %[1]s themes, %[1]s prompt daring.\n", s.cmd)
	for _, c := range colonCommands {
		usage := ":" + c.name
		if c.args != "" {
			usage += " " + c.args
		}
		fmt.Fprintf(s.out, "  %-24s %s\n", usage, c.help)
	}
	fmt.Fprintln(s.out, "A # alone (after a space, before a space) starts a comment; #team is a channel.")
	s.formHelp()
	return false
}

func (s *session) users(context.Context, string) bool {
	for _, u := range simMembers {
		mark := ""
		if u.ID == s.me.ID {
			mark = " (you)"
		}
		fmt.Fprintf(s.out, "  %-4s %s, %s%s\n", u.Name, u.RealName, u.TZ, mark)
	}
	return false
}

func (s *session) showTime(context.Context, string) bool {
	fmt.Fprintf(s.out, "It is %s for %s.\n", s.me.when(s.clock.Now(), true), s.me.Name)
	return false
}

// lead makes the current member a lead, as an admin adding them to the
// leads' user group would.
func (s *session) lead(context.Context, string) bool {
	leads := []string{}
	for _, u := range simMembers {
		if u.ID == "U0LEE" || s.members[u.ID].lead || u.ID == s.me.ID {
			leads = append(leads, u.ID)
		}
	}
	if s.me.lead || s.me.ID == "U0LEE" {
		fmt.Fprintf(s.out, "%s is a lead already.\n", s.me.Name)
		return false
	}
	s.me.lead = true
	s.sim.AddUserGroup(tryLeadGroup, leads...)
	fmt.Fprintf(s.out, "%s is a lead now (in the leads' user group): try %s broadcast #team last-mile\n", s.me.Name, s.cmd)
	return false
}

func (s *session) switchUser(_ context.Context, name string) bool {
	u, ok := memberNamed(strings.TrimPrefix(name, "@"))
	switch {
	case name == "":
		fmt.Fprintln(s.out, "Give a member's name: :user ana, :user sam or :user lee.")
		return false
	case !ok:
		fmt.Fprintf(s.out, "No member %q; they are ana, sam and lee.\n", name)
		return false
	case u.ID == s.me.ID:
		fmt.Fprintf(s.out, "You are %s already.\n", u.Name)
		return false
	}
	s.me = s.members[u.ID]
	s.me.onHome = false
	fmt.Fprintf(s.out, "You are %s now (%s, %s).\n", u.Name, u.TZ, s.me.when(s.clock.Now(), false))
	s.showUnread()
	if v, ok := s.topForm(); ok && v.ID == s.me.form.id {
		title, _, _ := formOf(v.JSON)
		fmt.Fprintf(s.out, "Your form %q is still open: :help lists its fields, :cancel closes it.\n", title)
	}
	return false
}
