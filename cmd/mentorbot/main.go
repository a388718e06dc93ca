// Command mentorbot is a self-hosted Slack bot that keeps engineers and their
// leads reflecting on the human side of the craft. See the README.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // the distroless image has no zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "mentorbot:", err)
		}
		os.Exit(1)
	}
}

// run is the whole program; main only wires it to the process. It reads the
// environment only through getenv, so a test passes its own variables and
// runs in parallel with the others.
func run(ctx context.Context, args []string, getenv envFunc, stdin io.Reader, stdout, stderr io.Writer) error {
	sub := "serve"
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "serve":
		return serve(ctx, args, getenv, stderr)
	case "try":
		return try(ctx, args, getenv, stdin, stdout, stderr)
	case "prompts":
		return promptsCmd(args, getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, args, getenv, stdout)
	case "check":
		return checkCmd(args, getenv, stdout)
	case "health":
		return healthCmd(ctx, args, getenv, stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", sub)
	}
}

const usage = `Usage: mentorbot [command]

Commands:
  serve                  run the bot (the default); configured by environment variables
  try [-db FILE] [-as NAME]
                         chat with the bot against a local Slack in this terminal; no tokens needed
  prompts lint [DIR]     check the built-in prompt catalog, or a directory of prompt files
  prompts list [--theme T] [--json]
                         print the catalog
  backup FILE            copy MENTOR_DB_PATH to the new FILE; the bot must be stopped
                         (a running bot serves GET /backup when MENTOR_BACKUP_TOKEN is set)
  check [FILE]           check every page of a database file and name each damaged one;
                         exit 1 if any (default: MENTOR_DB_PATH)
  health [URL]           exit 0 if the running bot's /healthz answers 200 within 2 s
                         (default: MENTOR_HTTP_ADDR's port on 127.0.0.1)
  help                   this text

Environment (serve): SLACK_BOT_TOKEN, SLACK_APP_TOKEN (required), SLACK_API_URL, MENTOR_DB_PATH,
MENTOR_COMMAND, MENTOR_LEADS, MENTOR_LEAD_GROUP, MENTOR_HTTP_ADDR, MENTOR_PROMPTS_DIR,
MENTOR_DEFAULT_TZ, MENTOR_BACKUP_TOKEN. See the README for what each does.
`
