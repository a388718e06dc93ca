package bot

import (
	"context"
	"strings"
)

// Command is one slash command invocation, as the handlers see it.
type Command struct {
	UserID      string
	ChannelID   string
	Name        string   // the slash command as typed, e.g. "/mentor"
	Sub         string   // the subcommand, lowercased; "" for none
	Args        []string // the words after the subcommand
	TriggerID   string
	ResponseURL string
}

// handlerFunc answers a command with a reply, or an error that the adapter
// turns into a member-safe message.
type handlerFunc func(ctx context.Context, c *Command) (Reply, error)

// route is one subcommand: its name, its arguments as help shows them, what it
// does in a few words, and the handler.
type route struct {
	name    string
	args    string
	summary string
	handle  handlerFunc
}

// routes is every subcommand at a glance, in the order help lists them.
// Handlers live in handlers.go.
func (b *Bot) routes() []route {
	return []route{
		{"prompt", "[THEME]", "a prompt to reflect on now; THEME is an id or its first letters", b.cmdPrompt},
		{"themes", "", "every theme, with how many prompts it has", b.cmdThemes},
		{"role", "[ic|staff|manager|lead|none]", "prefer prompts written for your role", b.cmdRole},
		{"subscribe", "[weekly|daily|weekdays] [DAY] [HH:MM] [TZ]", "a prompt in a DM at your local time; default weekly fri 16:00", b.cmdSubscribe},
		{"status", "", "your schedule, next prompt, pause, themes, role and streak", b.cmdStatus},
		{"pause", "DURATION | until YYYY-MM-DD", "a break from scheduled prompts, e.g. `pause 2w`", b.cmdPause},
		{"resume", "", "end a pause", b.cmdResume},
		{"skip", "", "skip the next scheduled prompt only", b.cmdSkip},
		{"focus", "THEME… | all", "scheduled prompts from these themes only", b.cmdFocus},
		{"unsubscribe", "", "no more scheduled prompts", b.cmdUnsubscribe},
		{"journal", "[N]", "your last N reflections, only for you", b.cmdJournal},
		{"export", "", "all your data, as a file in a DM", b.cmdExport},
		{"forget", "", "delete all your data, after a confirmation", b.cmdForget},
		{"broadcast", "#CHANNEL [every DAY HH:MM [TZ]] THEME|\"topic\"", "leads: a discussion topic in a channel, now or weekly", b.cmdBroadcast},
		{"broadcasts", "", "leads: your weekly broadcasts; `broadcast cancel ID` stops one", b.cmdBroadcasts},
		{"help", "", "this help", b.cmdHelp},
	}
}

// Dispatch parses the text of a slash command and runs its handler. An empty
// or unknown subcommand gets the help.
func (b *Bot) Dispatch(ctx context.Context, c *Command, text string) (Reply, error) {
	words, err := tokenize(text)
	if err != nil {
		return Reply{}, err
	}
	if len(words) == 0 {
		return b.cmdHelp(ctx, c)
	}
	c.Sub, c.Args = strings.ToLower(words[0]), words[1:]
	for _, r := range b.routeList {
		if r.name == c.Sub {
			return r.handle(ctx, c)
		}
	}
	reply, err := b.cmdHelp(ctx, c)
	reply.Blocks = append(unknownBlocks(c.Sub), reply.Blocks...)
	// Logs and metrics label by subcommand; keep member text out of them.
	c.Sub = "unknown"
	return reply, err
}
