// Package bot is everything of mentorbot that faces Slack: the Socket Mode
// loop, the interaction table and its routers, the handlers, the Block Kit
// views, the scheduler of nudges and broadcasts, and who is a lead.
//
// # Interactions
//
// Every slash subcommand, button, form (modal submission) and message
// shortcut is one row of the table in commands.go: its id, what it does,
// what its payload carries, and whether it changes the member's Home tab.
// Views build buttons and forms with the id constants declared there, and
// the routers look rows up: Dispatch for subcommands (slash.go adapts it to
// a Socket Mode ack), serveAction, serveForm and serveShortcut for the rest
// (interactive.go). To add a button: declare its action id in commands.go,
// use it in the view, and add a row with its handler. To add a subcommand:
// add its row, with help_sub_ID (and help_args_ID when it takes arguments)
// as its summary and args, and those messages to help.*.toml in every
// language; help lists it from there, and newTable refuses prose in its
// place.
//
// Who acted always comes from Slack's payload, never from a button's value
// or a form's metadata. What a payload carries, declared on its row (a
// prompt reference, a slot of the member's own nudges, a confirmation offered
// to the member), is checked before the handler runs, and reaches it only in
// Command.Value once the check passed; a row that declares nothing gets no
// value. A payload that fails its check changes nothing, is answered with
// one line and logged. newTable refuses a row whose payload no check knows.
//
// # Handlers and views
//
// Handlers are methods returning a Reply and an error: an *Error carries a
// code and a message the member may read (errors.go), anything else is
// logged and the member gets an apology. Views are functions of plain data,
// one file per surface (view_*.go); their rendered output is kept as golden
// files under testdata (go test -update rewrites them).
//
// # Languages
//
// Every text a member reads comes from the message catalog (package lang)
// through a *lang.Printer: Command.P in a handler, printerFor for a Home
// publish, scheduledPrinter for a nudge or a follow-up (which never asks
// Slack: a member with no locale known yet, after an upgrade, gets English
// until their next command). A member's language is their choice (`language`, the
// settings form) or else their Slack locale, kept in memory and on their
// record, and re-read from users.info at most once a day, on a command of
// theirs (language.go). A prompt and its theme
// are shown in that language too, through Catalog.Localize and ThemeIn
// (cardView, view_prompt.go); a journal entry keeps the prompt's words as
// the member read them.
//
// # State and time
//
// The bot reads and writes through seven small interfaces declared beside
// their use, MemberStore, ScheduleStore, JournalStore, BroadcastStore,
// WinStore, ExperimentStore and CheckInStore, each method naming the
// sentinel errors it returns; *store.DB implements all seven (Store). Time comes from Bot.Now, and the scheduler is
// SendDue(ctx, now), so tests drive both.
package bot
