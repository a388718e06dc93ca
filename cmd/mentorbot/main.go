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
		if errors.Is(err, flag.ErrHelp) {
			return // a flag set printed the help that was asked for
		}
		fmt.Fprintln(os.Stderr, "mentorbot:", err)
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
	if !isHelpArg(sub) && (len(args) > 0 && isHelpArg(args[0]) || sub == "prompts" && len(args) > 1 && isHelpArg(args[1])) {
		return subcommandHelp(ctx, sub, stdout, stderr)
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
	case "compact":
		return compactCmd(args, stdout)
	case "health":
		return healthCmd(ctx, args, getenv, stdout)
	case "version", "-version", "--version":
		return versionCmd(args, stdout)
	case "help", "-h", "-help", "--help":
		if len(args) == 1 && !isHelpArg(args[0]) { // mentorbot help SUB
			return subcommandHelp(ctx, args[0], stdout, stderr)
		}
		writeUsage(stdout)
		return nil
	default:
		writeUsage(stderr)
		return fmt.Errorf("unknown command %q", sub)
	}
}
