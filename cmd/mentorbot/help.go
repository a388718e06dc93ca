package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// The program's help: `mentorbot -h` for the commands and every variable
// with its default, `mentorbot SUB --help` (or `mentorbot help SUB`) for one
// command. Help goes to stdout and exits 0; a usage mistake goes to stderr
// and exits 1.

const commandsUsage = `Usage: mentorbot [command] [--help]

Commands:
  serve                  run the bot (the default); configured by environment variables
  try [flags]            chat with the bot against a local Slack in this terminal; no tokens needed
  prompts lint [DIR]     check the built-in prompt catalog, or a directory of prompt files
  prompts list [--theme T] [--lang L] [--json] [--dir DIR]
                         print the catalog
  backup FILE            copy MENTOR_DB_PATH to the new FILE; the bot must be stopped
  backup -from URL [-keep N] DIR
                         pull a running bot's /backup into DIR, check it, keep the newest N
  check [FILE]           check every page of a database file and name each damaged one;
                         exit 1 if any (default: MENTOR_DB_PATH)
  compact FILE NEWFILE   write a compacted copy of a database file, every page filled
  health [URL]           exit 0 if the running bot's /healthz answers 200 within 2 s
  version                the version, commit and build date
  help [COMMAND]         this text, or one command's

`

// subcommandUsage is each command's own help. try's flags are its own
// flag set's, printed after its text.
var subcommandUsage = map[string]string{
	"serve": `Usage: mentorbot serve

Runs the bot against Slack until SIGINT or SIGTERM, then finishes the replies
in flight and closes the database (exit 0). It takes no arguments: every
setting is an environment variable. A missing or malformed one stops it at
once with a message that names the variable, never its value.

`,
	"try": `Usage: mentorbot try [flags]

Starts a local Slack and the real bot connected to it, and lets you type as a
member would (/mentor prompt, :click 1, :advance 7d, :help). No tokens, no
network; nothing reaches a real workspace.

MENTOR_PROMPTS_DIR is read as serve reads it, with the same checks: its
prompt files and message files (NAME.LANG.toml) are laid over the built-in
ones, so "try -locale de-DE" shows a language you added before you deploy
it. No other environment variable is read.

Flags:
`,
	"prompts": `Usage: mentorbot prompts lint [DIR]
       mentorbot prompts list [--theme T] [--lang L] [--json] [--dir DIR]

lint checks the built-in catalog or, with DIR, a directory laid over it:
prompt files (*.md, and LANG/*.md for each other language) and message files
(NAME.LANG.toml), with the very checks serve runs at start. It prints every
problem as file:line: what is wrong, and exits 1 when there is a problem, or
when DIR holds no prompt file and no message file.
list prints the catalog (with MENTOR_PROMPTS_DIR or --dir laid over it, loaded
as serve loads it), as text or JSON, in English or with --lang as a member of
another language reads it (fr, or one the directory adds, even with message
files alone): a prompt without text in that language is shown in English, as
the bot shows it. The file format: docs/prompt-format.md.
`,
	"check": `Usage: mentorbot check [FILE]

Verifies a database file (default: MENTOR_DB_PATH): its header, then every
page. Prints "FILE: ok" and exits 0, or names each damaged page by number
(and the bucket it belongs to) and exits 1: restore the last backup
(docs/operations.md). It only reads the file, and no damage can crash it; run
it on a backup, or on the live file while the bot is stopped.
`,
	"backup": `Usage: mentorbot backup FILE
       mentorbot backup -from URL [-keep N] DIR

The first form copies MENTOR_DB_PATH, which no process may hold (stop the bot
first), to the new FILE; it never overwrites one.

The second pulls a running bot's GET /backup (URL is the bot's base, such as
http://mentorbot:8080), sending MENTOR_BACKUP_TOKEN as the bearer. The copy is
written to DIR/mentorbot-STAMP.db, checked like ` + "`mentorbot check`" + `, and
kept only if it passes; then all but the newest N copies (7 by default; 0
keeps all) are deleted. Files of other names in DIR are never touched.
`,
	"compact": `Usage: mentorbot compact FILE NEWFILE

Writes a compacted copy of the database FILE to NEWFILE, which must not
exist: every page filled, about two thirds of the live file's size (bbolt
never gives freed pages back, and splits pages half full). FILE is checked
page by page first, like ` + "`mentorbot check`" + `, and the copy after. No
process may hold FILE: compact a backup, then stop the bot, put NEWFILE in
MENTOR_DB_PATH's place, and start it (docs/operations.md).
`,
	"health": `Usage: mentorbot health [URL]

GETs the running bot's /healthz (default: 127.0.0.1 on MENTOR_HTTP_ADDR's
port; URL may be a host:port) and exits 0 if it answers 200 within 2 s: the
container's HEALTHCHECK, since the image has no shell or curl.
`,
	"version": `Usage: mentorbot version

Prints the version, the commit and the build date, as the start-up log line
and the mentorbot_build_info metric carry them.
`,
}

func isHelpArg(a string) bool {
	return a == "-h" || a == "-help" || a == "--help" || a == "help"
}

// writeUsage is `mentorbot -h`: the commands, then every variable.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, commandsUsage)
	writeEnvTable(w)
}

// writeEnvTable lists every variable with its default, from envVars.
func writeEnvTable(w io.Writer) {
	fmt.Fprintln(w, "Environment (serve reads all of them; other commands only those they name):")
	for _, v := range envVars {
		def := v.def
		switch {
		case strings.HasPrefix(v.help, "required"):
			def = "(required)"
		case def == "":
			def = "(empty)"
		}
		fmt.Fprintf(w, "  %-20s %-23s %s\n", v.key, def, strings.TrimPrefix(v.help, "required: "))
	}
}

// subcommandHelp prints one command's help to stdout.
func subcommandHelp(ctx context.Context, sub string, stdout, stderr io.Writer) error {
	text, ok := subcommandUsage[sub]
	if !ok {
		writeUsage(stderr)
		return fmt.Errorf("unknown command %q", sub)
	}
	fmt.Fprint(stdout, text)
	switch sub {
	case "serve":
		fmt.Fprintln(stdout)
		writeEnvTable(stdout)
	case "try":
		// try's flag set describes its own flags: asked for help, it prints
		// them (to what it takes as stderr) and returns before starting.
		var flags strings.Builder
		if err := try(ctx, []string{"-h"}, mapEnvNone, nil, io.Discard, &flags); err != nil && !errors.Is(err, flag.ErrHelp) {
			return err
		}
		_, defaults, _ := strings.Cut(flags.String(), "\n") // past flag's own "Usage of try:"
		fmt.Fprint(stdout, defaults)
	}
	return nil
}

// mapEnvNone is an empty environment, for asking try for its flags.
func mapEnvNone(string) (string, bool) { return "", false }
