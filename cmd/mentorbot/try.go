package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// simMembers are the members a try session can be.
var simMembers = []slacksim.User{
	{ID: "U0ANA", Name: "ana", RealName: "Ana (engineering manager)", TZ: "Europe/Paris"},
	{ID: "U0SAM", Name: "sam", RealName: "Sam (staff engineer)", TZ: "America/New_York"},
	{ID: "U0LEE", Name: "lee", RealName: "Lee (team lead)", TZ: "Asia/Tokyo"},
}

// try runs the real bot against a local Slack and lets a person type what a
// member would. Nothing is faked but the network: the bot connects over a
// real WebSocket and keeps its state in a real bbolt file.
func try(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("try", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "keep the bot's database in this file (default: a temporary one, removed on exit)")
	verbose := fs.Bool("v", false, "show the bot's log lines")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "mentorbot-try-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "mentorbot.db")
	}
	sim := slacksim.New(slacksim.Options{})
	defer sim.Close()
	for _, u := range simMembers {
		sim.AddUser(u)
	}

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	opts := sim.Options()
	cfg := Config{BotToken: opts.BotToken, AppToken: opts.AppToken, APIURL: sim.APIURL(), DBPath: *dbPath, Command: "/mentor", HTTPAddr: "127.0.0.1:0", DefaultTZ: "UTC"}
	a, err := newApp(cfg, newLogger(stderr, level), nil)
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()
	if err := waitConnected(ctx, sim, done); err != nil {
		return err
	}

	msgs, unsubscribe := sim.Subscribe()
	defer unsubscribe()
	s := &session{sim: sim, out: stdout, user: simMembers[0], msgs: msgs, cmd: cfg.Command}
	fmt.Fprintf(stdout, "mentorbot is connected to a local Slack. You are %s. Type %s help, or :help for this session's commands.\n", s.user.Name, cfg.Command)
	s.loop(ctx, stdin)
	stop()
	return <-done
}

// waitConnected waits for the bot's socket, or for the bot to fail first.
func waitConnected(ctx context.Context, sim *slacksim.Server, done <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	connected := make(chan error, 1)
	go func() { connected <- sim.WaitConnected(ctx, 1) }()
	select {
	case err := <-done:
		return fmt.Errorf("the bot stopped before connecting: %w", err)
	case err := <-connected:
		return err
	}
}

// session is one terminal conversation with the bot.
type session struct {
	sim     *slacksim.Server
	out     io.Writer
	cmd     string
	user    slacksim.User
	msgs    <-chan slacksim.Message
	last    slacksim.Message // the newest message shown that had buttons
	buttons []slacksim.Button
}

// loop reads lines until :quit, end of input or ctx ends. Messages the bot
// sends on its own (late replies, DMs) are printed as they arrive.
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
	s.prompt()
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-s.msgs:
			if s.show(m) {
				s.prompt()
			}
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(s.out)
				return
			}
			if quit := s.handle(ctx, strings.TrimSpace(line)); quit {
				return
			}
			s.settle()
			s.prompt()
		}
	}
}

func (s *session) prompt() { fmt.Fprintf(s.out, "%s> ", s.user.Name) }

// settle prints what the bot sends in answer to a line before the next prompt.
func (s *session) settle() {
	idle := time.NewTimer(300 * time.Millisecond)
	defer idle.Stop()
	for {
		select {
		case m := <-s.msgs:
			s.show(m)
			idle.Reset(150 * time.Millisecond)
		case <-idle.C:
			return
		}
	}
}

// handle runs one line; it reports whether the session should end.
func (s *session) handle(ctx context.Context, line string) bool {
	switch {
	case line == "":
	case line == ":quit" || line == ":q" || line == ":exit":
		return true
	case line == ":help":
		s.help()
	case line == ":users":
		for _, u := range simMembers {
			fmt.Fprintf(s.out, "  %-4s %s, %s\n", u.Name, u.RealName, u.TZ)
		}
	case strings.HasPrefix(line, ":user"):
		s.switchUser(strings.TrimSpace(strings.TrimPrefix(line, ":user")))
	case strings.HasPrefix(line, ":click"):
		s.click(ctx, strings.TrimSpace(strings.TrimPrefix(line, ":click")))
	case strings.HasPrefix(line, "/"):
		s.slash(ctx, line)
	default:
		fmt.Fprintf(s.out, "Type a slash command such as %s help, or :help.\n", s.cmd)
	}
	return false
}

func (s *session) help() {
	fmt.Fprintf(s.out, `Type what a member types in Slack: %[1]s help, %[1]s themes, %[1]s prompt daring.
  :click N     press button N of the last message that had buttons
  :user NAME   become another member (:users lists them)
  :quit        leave (end of input works too)
`, s.cmd)
}

func (s *session) switchUser(name string) {
	for _, u := range simMembers {
		if u.Name == name {
			s.user, s.last, s.buttons = u, slacksim.Message{}, nil
			fmt.Fprintf(s.out, "You are %s now (%s).\n", u.Name, u.TZ)
			return
		}
	}
	fmt.Fprintln(s.out, "No such member; :users lists them.")
}

func (s *session) slash(ctx context.Context, line string) {
	name, text, _ := strings.Cut(line, " ")
	_, err := s.sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: s.user.ID, Command: name, Text: text})
	if errors.Is(err, slacksim.ErrNoAck) {
		fmt.Fprintln(s.out, "(Slack would show: the app did not respond in time)")
	} else if err != nil {
		fmt.Fprintln(s.out, "(could not deliver the command:", err, ")")
	}
}

func (s *session) click(ctx context.Context, arg string) {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 || n > len(s.buttons) {
		fmt.Fprintf(s.out, "Give a button number from the last message, 1 to %d.\n", len(s.buttons))
		return
	}
	b := s.buttons[n-1]
	var clickErr error
	if s.last.TS == "" {
		clickErr = errors.New("that message cannot be clicked")
	} else {
		_, clickErr = s.sim.Click(ctx, s.user.ID, s.last, b.ActionID)
	}
	if clickErr != nil {
		fmt.Fprintln(s.out, "(click failed:", clickErr, ")")
	}
}

// show prints a message if the current member can see it, and reports
// whether it printed anything.
func (s *session) show(m slacksim.Message) bool {
	visible := (m.Ephemeral && m.VisibleTo == s.user.ID) || (!m.Ephemeral && m.Channel == "D"+s.user.ID)
	if !visible || m.Deleted {
		return false
	}
	text, buttons := slacksim.Render(m.Text, m.Blocks)
	fmt.Fprintf(s.out, "\n%s\n", strings.TrimRight(text, "\n"))
	if len(buttons) > 0 {
		s.last, s.buttons = m, buttons
	}
	return true
}
