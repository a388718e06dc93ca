package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"golang.org/x/text/language"
)

// tryChannel is the #team channel every member of a try session is in.
const tryChannel = "C0TEAM"

// tryLeadGroup is the user group of leads in a try session; :lead adds the
// current member to it, as an admin would in Slack.
const tryLeadGroup = "S0LEADS"

// simBots are the bot users a try session's members can mention but not
// be: the app's own, as the local Slack names it, and Slackbot.
var simBots = []slacksim.User{{ID: tryBotUserID, Name: "mentorbot"}, {ID: slacksim.SlackbotID, Name: "slackbot"}}

// tryBotUserID is the app's bot user in a try session.
const tryBotUserID = "U0BOT"

// simMembers are the members a try session can be; lee is a lead.
var simMembers = []slacksim.User{
	{ID: "U0ANA", Name: "ana", RealName: "Ana (engineering manager)", TZ: "Europe/Paris"},
	{ID: "U0SAM", Name: "sam", RealName: "Sam (staff engineer)", TZ: "America/New_York"},
	{ID: "U0LEE", Name: "lee", RealName: "Lee (team lead)", TZ: "Asia/Tokyo"},
}

// tryOptions are what tests set on a try session beyond its flags.
type tryOptions struct {
	// getenv reads NO_COLOR and TERM; nil reads nothing.
	getenv envFunc
	// start is the session's time when it begins; zero means now.
	start time.Time
	// color forces colour on or off; nil decides from stdout and NO_COLOR.
	color *bool
	// seed, when not 0, seeds the bot's choice of prompts, so a test sees
	// the same prompts on every run; 0 picks at random as the bot does.
	seed uint64
	// quiet is how long a line's answer must have been still before the
	// next prompt; zero means 300ms. Tests shorten it: the bot's Idle
	// already says when a line's work is done.
	quiet time.Duration
}

// try runs the real bot against a local Slack and lets a person type what a
// member would. Nothing is faked but the network: the bot connects over a
// real WebSocket and keeps its state in a real bbolt file.
func try(ctx context.Context, args []string, getenv envFunc, stdin io.Reader, stdout, stderr io.Writer) error {
	return tryWith(ctx, tryOptions{getenv: getenv}, args, stdin, stdout, stderr)
}

func tryWith(ctx context.Context, o tryOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("try", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "keep the bot's database in this file (default: a temporary one, removed on exit)")
	verbose := fs.Bool("v", false, "show the bot's log lines")
	as := fs.String("as", simMembers[0].Name, "start as this member (ana, sam or lee)")
	locale := fs.String("locale", "en-US", "the members' Slack language, such as fr-FR: the bot speaks theirs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// "try sam" or "try -db x.db -as" read as meant would be a guess;
		// ignoring them left the member wondering why nothing changed.
		return fmt.Errorf("try takes only flags (-as NAME, -db FILE, -locale LOCALE, -v), not %q; mentorbot try --help lists them", strings.Join(fs.Args(), " "))
	}
	if _, err := language.Parse(*locale); err != nil {
		return fmt.Errorf("-locale %q is not a Slack locale; write one such as fr-FR or en-US", *locale)
	}
	// MENTOR_PROMPTS_DIR is read as serve reads it, and checked the same
	// way, so an operator sees a language or prompt they added before
	// deploying it.
	var promptsDir string
	if o.getenv != nil {
		promptsDir, _ = o.getenv("MENTOR_PROMPTS_DIR")
	}
	if p := dirProblem(promptsDir); p != "" {
		return fmt.Errorf("MENTOR_PROMPTS_DIR %s", p)
	}
	first, ok := memberNamed(*as)
	if !ok {
		return fmt.Errorf("no member %q in a try session; there are ana, sam and lee", *as)
	}
	// Say so before anything slow, so the first seconds are not silent.
	fmt.Fprintln(stdout, "Starting a local Slack and the bot…")
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "mentorbot-try-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "mentorbot.db")
	}
	sim := startTrySlack(*locale)
	defer sim.Close()

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	opts := sim.Options()
	cfg := Config{BotToken: opts.BotToken, AppToken: opts.AppToken, APIURL: sim.APIURL(), DBPath: *dbPath, Command: "/mentor",
		HTTPAddr: "127.0.0.1:0", DefaultTZ: "UTC", Grace: 6 * time.Hour, LeadGroup: tryLeadGroup, PromptsDir: promptsDir}
	var rnd *rand.Rand
	if o.seed != 0 {
		rnd = rand.New(rand.NewPCG(o.seed, o.seed))
	}
	a, err := newApp(cfg, newLogger(stderr, level, "auto"), rnd, nil)
	if err != nil {
		return err
	}
	// The session's clock runs with the real one, plus whatever :advance added.
	clk := newSessionClock(o.start)
	a.bot.Now = clk.Now
	a.bot.Leads.Now = clk.Now
	// The group is asked on every check (a local call here), so :lead
	// takes effect at once rather than after the usual five minutes.
	a.bot.Leads.TTL = time.Nanosecond
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()
	if err := waitConnected(ctx, sim, done); err != nil {
		return err
	}

	msgs, unsubscribe := sim.Subscribe()
	defer unsubscribe()
	color := colorFor(isTerminal(stdout), o.getenv)
	if o.color != nil {
		color = *o.color
	}
	s := newTrySession(sim, a, clk, stdout, msgs, color, cfg.Command, first)
	if o.quiet > 0 {
		s.quiet = o.quiet
	}
	fmt.Fprintf(stdout, "mentorbot is connected to a local Slack. You are %s. Type %s help, or :help for this session's commands.\n", s.me.Name, cfg.Command)
	s.loop(ctx, stdin)
	stop()
	return <-done
}

// startTrySlack starts the local Slack with the session's members, whose
// Slack language is locale, #team and the leads' group (lee).
func startTrySlack(locale string) *slacksim.Server {
	// A long session must not grow without bound; 10,000 of each record is
	// far more than a person types.
	sim := slacksim.New(slacksim.Options{History: 10000, Locale: locale, BotUserID: tryBotUserID})
	ids := make([]string, len(simMembers))
	for i, u := range simMembers {
		sim.AddUser(u)
		ids[i] = u.ID
	}
	sim.AddChannel(slacksim.Channel{ID: tryChannel, Name: "team", Members: ids, BotIsMember: true})
	sim.AddUserGroup(tryLeadGroup, "U0LEE")
	return sim
}

// memberNamed finds a member by name in any case: a tired hand types
// ":user Sam".
func memberNamed(name string) (slacksim.User, bool) {
	for _, u := range simMembers {
		if strings.EqualFold(u.Name, name) {
			return u, true
		}
	}
	return slacksim.User{}, false
}

// colorFor says whether to colour the output: only on a terminal, and
// only when NO_COLOR (https://no-color.org) is unset or empty and TERM is
// not "dumb".
func colorFor(terminal bool, getenv envFunc) bool {
	if !terminal {
		return false
	}
	if getenv == nil {
		return true
	}
	noColor, _ := getenv("NO_COLOR")
	term, _ := getenv("TERM")
	return noColor == "" && term != "dumb"
}

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	fi, err := file.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
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
