package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// blockReflectionID is the input block of the Reflect form, which :write fills.
const blockReflectionID = "reflection"

// tryChannel is the #team channel every member of a try session is in.
const tryChannel = "C0TEAM"

// simMembers are the members a try session can be; lee is a lead.
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
	ids := make([]string, len(simMembers))
	for i, u := range simMembers {
		sim.AddUser(u)
		ids[i] = u.ID
	}
	sim.AddChannel(slacksim.Channel{ID: tryChannel, Name: "team", Members: ids, BotIsMember: true})

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	opts := sim.Options()
	cfg := Config{BotToken: opts.BotToken, AppToken: opts.AppToken, APIURL: sim.APIURL(), DBPath: *dbPath, Command: "/mentor",
		HTTPAddr: "127.0.0.1:0", DefaultTZ: "UTC", Grace: 6 * time.Hour, Leads: []string{"U0LEE"}}
	a, err := newApp(cfg, newLogger(stderr, level), nil)
	if err != nil {
		return err
	}
	// The session's clock runs with the real one, plus whatever :advance added.
	clk := &offsetClock{}
	a.bot.Now = clk.Now
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()
	if err := waitConnected(ctx, sim, done); err != nil {
		return err
	}

	msgs, unsubscribe := sim.Subscribe()
	defer unsubscribe()
	s := &session{sim: sim, out: stdout, user: simMembers[0], msgs: msgs, cmd: cfg.Command, app: a, clock: clk}
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
	app     *app
	clock   *offsetClock
	modal   string // the id of the modal shown last, for :write
}

// offsetClock is the real time shifted by what :advance added.
type offsetClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *offsetClock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
	return c.Now()
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
		s.showModal()
	case strings.HasPrefix(line, ":write"):
		s.write(ctx, strings.TrimSpace(strings.TrimPrefix(line, ":write")))
	case strings.HasPrefix(line, ":advance"):
		s.advance(ctx, strings.TrimSpace(strings.TrimPrefix(line, ":advance")))
	case line == ":time":
		fmt.Fprintf(s.out, "It is %s for %s.\n", s.localNow(), s.user.Name)
	case strings.HasPrefix(line, "/"):
		s.slash(ctx, line)
		s.showModal()
	case strings.HasPrefix(line, ":submit"):
		s.submit(ctx, strings.TrimSpace(strings.TrimPrefix(line, ":submit")))
	default:
		fmt.Fprintf(s.out, "Type a slash command such as %s help, or :help.\n", s.cmd)
	}
	return false
}

func (s *session) help() {
	fmt.Fprintf(s.out, `Type what a member types in Slack: %[1]s help, %[1]s themes, %[1]s prompt daring.
  :click N     press button N of the last message that had buttons
  :write TEXT  type TEXT into the open form (the Reflect modal) and submit it
  :submit [field=value …]
               submit the open settings form, changing some fields, e.g.
               :submit cadence=daily time=09:30 tz=America/New_York role=staff focus=impostor,vision
  :advance D   move time forward (30m, 6h, 1d, 7d, 2w) and deliver what falls due
  :time        the simulated time, in your time zone
  :user NAME   become another member (:users lists them; lee is a lead and can
               /mentor broadcast #team last-mile)
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
	visible := (m.Ephemeral && m.VisibleTo == s.user.ID) || (!m.Ephemeral && (m.Channel == "D"+s.user.ID || m.Channel == tryChannel))
	if !visible || m.Deleted {
		return false
	}
	text, buttons := slacksim.Render(m.Text, m.Blocks)
	where := ""
	if m.Channel == tryChannel {
		where = "[#team] "
	}
	fmt.Fprintf(s.out, "\n%s%s\n", where, strings.TrimRight(text, "\n"))
	if len(buttons) > 0 {
		s.last, s.buttons = m, buttons
	}
	return true
}

// showModal prints the modal a click opened, if any.
func (s *session) showModal() {
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		views := s.sim.OpenViews(s.user.ID)
		if len(views) == 0 || views[len(views)-1].ID == s.modal {
			continue
		}
		v := views[len(views)-1]
		s.modal = v.ID
		var body struct {
			Blocks json.RawMessage `json:"blocks"`
		}
		_ = json.Unmarshal(v.JSON, &body)
		text, _ := slacksim.Render("", body.Blocks)
		hint := "(:write YOUR TEXT submits it)"
		if block, _ := firstInput(v.JSON); block != blockReflectionID {
			hint = "(:submit keeps these values; :submit time=09:30 tz=Europe/Paris changes some)"
		}
		fmt.Fprintf(s.out, "\n[form] %s\n%s\n", strings.TrimRight(text, "\n"), hint)
		return
	}
}

// write fills the open modal's text input and submits it.
func (s *session) write(ctx context.Context, text string) {
	views := s.sim.OpenViews(s.user.ID)
	if len(views) == 0 {
		fmt.Fprintln(s.out, "No form is open. Click Reflect under a prompt first.")
		return
	}
	v := views[len(views)-1]
	block, action := firstInput(v.JSON)
	ack, err := s.sim.SubmitView(ctx, s.user.ID, v.ID, map[string]map[string]string{block: {action: text}})
	s.showFormAnswer(ack, err)
}

// submit sends the open form with some fields changed; the others keep the
// values the form was opened with.
func (s *session) submit(ctx context.Context, arg string) {
	views := s.sim.OpenViews(s.user.ID)
	if len(views) == 0 {
		fmt.Fprintln(s.out, "No form is open. /mentor subscribe opens the settings form.")
		return
	}
	v := views[len(views)-1]
	inputs, err := s.sim.FormInputs(s.user.ID, v.ID)
	if err != nil {
		fmt.Fprintln(s.out, "(cannot read the form:", err, ")")
		return
	}
	changes := map[string]map[string]slacksim.Input{}
	for _, kv := range strings.Fields(arg) {
		field, val, _ := strings.Cut(kv, "=")
		acts, ok := inputs[field]
		if !ok {
			fmt.Fprintf(s.out, "The form has no field %q; it has %s.\n", field, strings.Join(slices.Sorted(maps.Keys(inputs)), ", "))
			return
		}
		changes[field] = map[string]slacksim.Input{}
		for action, in := range acts {
			switch field {
			case "focus":
				in.Options = strings.Split(val, ",")
			case "time":
				in.Time = val
			case "cadence", "day", "role":
				in.Option = val
			default:
				in.Text = val
			}
			changes[field][action] = in
		}
	}
	ack, err := s.sim.SubmitForm(ctx, s.user.ID, v.ID, changes)
	s.showFormAnswer(ack, err)
}

// showFormAnswer prints what the app answered a form with: field errors or
// the view that replaced it.
func (s *session) showFormAnswer(ack *slacksim.Ack, err error) {
	if err != nil {
		fmt.Fprintln(s.out, "(submit failed:", err, ")")
		return
	}
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
		View   struct {
			Blocks json.RawMessage `json:"blocks"`
		} `json:"view"`
	}
	_ = json.Unmarshal(ack.Payload, &resp)
	switch resp.Action {
	case "errors":
		for field, msg := range resp.Errors {
			fmt.Fprintf(s.out, "[form] %s: %s\n", field, msg)
		}
	case "update":
		out, _ := slacksim.Render("", resp.View.Blocks)
		fmt.Fprintf(s.out, "\n[form] %s\n", strings.TrimRight(out, "\n"))
	}
}

// firstInput finds the block and action ids of a view's first input.
func firstInput(view json.RawMessage) (block, action string) {
	var v struct {
		Blocks []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
			Element struct {
				ActionID string `json:"action_id"`
			} `json:"element"`
		} `json:"blocks"`
	}
	_ = json.Unmarshal(view, &v)
	for _, b := range v.Blocks {
		if b.Type == "input" {
			return b.BlockID, b.Element.ActionID
		}
	}
	return "", ""
}

// advance moves the session's clock forward, stopping at every nudge that
// falls due on the way, as the tick would have, so a week of nudges arrives
// on time rather than as one late batch.
func (s *session) advance(ctx context.Context, arg string) {
	d, err := parseAdvance(arg)
	if err != nil {
		fmt.Fprintln(s.out, "Give a duration such as 30m, 6h, 1d, 7d or 2w.")
		return
	}
	target := s.clock.Now().Add(d)
	var total bot.SendReport
	for range 10000 {
		now := s.nextDue(target)
		s.clock.advance(now.Sub(s.clock.Now()))
		rep, err := s.app.bot.SendDue(ctx, now)
		if err != nil {
			fmt.Fprintln(s.out, "(scheduler failed:", err, ")")
			return
		}
		total.Sent, total.Skipped = total.Sent+rep.Sent, total.Skipped+rep.Skipped
		if !now.Before(target) {
			break
		}
	}
	fmt.Fprintf(s.out, "It is now %s for %s. Sent on the way: %d.\n", s.localNow(), s.user.Name, total.Sent)
}

// nextDue is the earliest nudge or broadcast due after the session's now and
// by target, or target.
func (s *session) nextDue(target time.Time) time.Time {
	next, now := target, s.clock.Now()
	if due, err := s.app.db.DueBefore(target, 1); err == nil && len(due) == 1 && due[0].At.After(now) {
		next = due[0].At
	}
	if bs, err := s.app.db.BroadcastsDue(target, 1); err == nil && len(bs) == 1 && bs[0].NextDue.After(now) && bs[0].NextDue.Before(next) {
		next = bs[0].NextDue
	}
	return next
}

// parseAdvance reads Go durations plus days (d) and weeks (w).
func parseAdvance(arg string) (time.Duration, error) {
	mult := time.Duration(0)
	switch {
	case strings.HasSuffix(arg, "d"):
		mult = 24 * time.Hour
	case strings.HasSuffix(arg, "w"):
		mult = 7 * 24 * time.Hour
	}
	if mult > 0 {
		n, err := strconv.Atoi(strings.TrimRight(arg, "dw"))
		if err != nil || n <= 0 || n > 520 {
			return 0, errors.New("bad duration")
		}
		return time.Duration(n) * mult, nil
	}
	d, err := time.ParseDuration(arg)
	if err != nil || d <= 0 {
		return 0, errors.New("bad duration")
	}
	return d, nil
}

func (s *session) localNow() string {
	loc, err := time.LoadLocation(s.user.TZ)
	if err != nil {
		loc = time.UTC
	}
	return s.clock.Now().In(loc).Format("Monday 2 January 15:04 MST")
}
