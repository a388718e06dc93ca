package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/slack-go/slack"
)

// Every interaction the bot answers is one row of the table that routes
// returns: slash subcommands, buttons, form submissions and message
// shortcuts. A row names its id, what it does, what its payload carries
// (which is also the ownership check that payload must pass before the
// handler runs), and whether it changes the member's Home tab. The views
// build their buttons and forms with the ids below, and the routers
// (Dispatch, serveAction, serveForm, serveShortcut) look them up in the
// table: a button exists in one row, not in four files.

// Action ids of buttons.
const (
	actionAnotherPrompt    = "prompt.another"     // prompt cards and nudges
	actionReflect          = "reflect.open"       // prompt cards and nudges
	actionSkipNext         = "nudge.skip"         // nudges
	actionPauseTwoWeeks    = "nudge.pause"        // nudges
	actionForgetConfirm    = "forget.confirm"     // the forget confirmation
	actionForgetCancel     = "forget.cancel"      // the forget confirmation
	actionHomePrompt       = "home.prompt"        // the Home tab
	actionHomeSettings     = "home.settings"      // the Home tab
	actionHomePause        = "home.pause"         // the Home tab
	actionHomeResume       = "home.resume"        // the Home tab
	actionHomeExport       = "home.export"        // the Home tab
	actionWinDelete        = "win.delete"         // the list of wins
	actionWinDeleteConfirm = "win.delete.confirm" // the question deleteWin asks
	actionWinDeleteKeep    = "win.delete.keep"    // the question deleteWin asks
	actionTryIt            = "try.commit"         // cards of prompts with an experiment
	actionExpTried         = "exp.tried"          // the experiment's follow-up
	actionExpNotYet        = "exp.notyet"         // the experiment's follow-up
	actionExpNotForMe      = "exp.notforme"       // the experiment's follow-up
	actionCheckInOpen      = "checkin.open"       // the Home tab and the monthly nudge
)

// Callback ids of forms (modals) and message shortcuts.
const (
	callbackReflect  = "reflect"  // the reflection form a Reflect button opens
	callbackSettings = "settings" // the schedule form of the Home tab and `subscribe`
	callbackSaveWin  = "save_win" // the "Save as a win" message shortcut (deploy/slack-app-manifest.yaml)
	callbackExpNote  = "exp.note" // "What happened?" after Tried it or Not for me
	callbackCheckIn  = "checkin"  // the check-in form
)

// Command is one interaction as the handlers see it: a slash command, a
// button, a form or a shortcut.
type Command struct {
	UserID      string
	ChannelID   string
	Name        string   // the slash command as typed, e.g. "/mentor"
	Sub         string   // the route's name, as logs and metrics show it; "unknown" for none
	Args        []string // the words after the subcommand
	Quoted      []string // the words of the command typed between quotes
	TriggerID   string
	ResponseURL string
	// Value is what a button's value or a form's metadata carried, set only
	// once the route's ownership check passed, and only for a route that
	// declares it carries something: a handler cannot read an unchecked one.
	Value string
	// Message is the message a shortcut was used on; nil otherwise.
	Message *slack.Message
	// MessageTS is the timestamp of the message a button was clicked in,
	// "" for a button elsewhere (the Home tab).
	MessageTS string
	// Form names a submitted form's view as Slack does, id and hash: the
	// same submission sent twice (the first ack lost) has the same Form.
	Form string
	// Text is what followed the subcommand, as typed, for a route that
	// takes free text (a win, thanks): quotes in it are just quotes.
	Text string
	// P prints the bot's messages in the member's language. runHandler
	// sets it before the handler runs.
	P *lang.Printer
}

// handlerFunc answers a command with a reply, or an error that the adapter
// turns into a member-safe message.
type handlerFunc func(ctx context.Context, c *Command) (Reply, error)

// formValues are a submitted form's inputs: block id, then action id.
type formValues = map[string]map[string]slack.BlockAction

// formFunc validates and saves a form, and returns the ack: errors shown
// under the fields, or the next view.
type formFunc func(c *Command, values formValues) (*viewResponse, error)

// kind is how Slack delivers an interaction, and so which id names it.
type kind uint8

const (
	kindSlash    kind = iota // a slash subcommand: the first word after the command
	kindButton               // block_actions: the button's action_id
	kindForm                 // view_submission: the modal's callback_id
	kindShortcut             // message_action: the shortcut's callback_id
)

var kindNames = [...]string{kindSlash: "subcommand", kindButton: "action", kindForm: "callback", kindShortcut: "shortcut"}

func (k kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// carries is what a button's value or a form's metadata holds besides who
// acted (which always comes from Slack's user, never from a payload). Each
// kind of payload has exactly one ownership check (checkPayload), so
// declaring what a route carries declares who may use it.
type carries uint8

const (
	// carriesNothing: the route reads no value; its handler sees Value "".
	carriesNothing carries = iota
	// carriesPrompt: a promptRef. A slot in it must be one of the member's
	// own nudges, posted where the click came from; a card asked for has
	// none, and its prompt is the catalog's, anyone's to read.
	carriesPrompt
	// carriesSlot: a promptRef that must name one of the member's nudges.
	carriesSlot
	// carriesOffer: forgetValue(id, member, when), a confirmation offered to the
	// member who clicks it and to nobody else.
	carriesOffer
	// carriesWin: winValue, naming one of the member's own wins by its
	// sequence; a win of anyone else's is not found under the member.
	carriesWin
	// carriesExp: expValue, naming one of the member's own commitments to
	// an experiment by its sequence.
	carriesExp
	carriesKinds // how many there are; not a kind of payload
)

// route is one interaction.
type route struct {
	kind kind
	id   string // the subcommand, action_id or callback_id
	name string // what logs and metrics call it; id when empty
	// args and summary say how to use it and what it does. For a
	// subcommand they are ids of messages (help.*.toml), since help shows
	// them in the member's language: help_args_ID ("" for none) and
	// help_sub_ID. For the rest they are a note for readers of this table.
	args    string
	summary string
	carries carries // what its payload holds, and so its ownership check
	home    bool    // a success changes what the member's Home tab shows
	// text: a subcommand that takes free text, in Command.Text, and whose
	// Args are split at spaces only: an unpaired quote is part of the text.
	text   bool
	handle handlerFunc
	submit formFunc                       // forms only
	fail   func(msg string) *viewResponse // forms only: our error, shown in the form
}

// logName is what logs and metrics call the route.
func (r *route) logName() string {
	if r.name != "" {
		return r.name
	}
	return r.id
}

// routes is every interaction at a glance. Subcommands come in the order
// help lists them, and what help says of each is in help.*.toml under the
// ids their rows name; handlers live in handlers*.go, home.go and settings.go.
// Home's buttons do not refresh Home: they publish it themselves, with their
// outcome on top (answerHome).
func (b *Bot) routes() []route {
	return []route{
		{kind: kindSlash, id: "prompt", args: "help_args_prompt", summary: "help_sub_prompt", handle: b.cmdPrompt},
		{kind: kindSlash, id: "themes", summary: "help_sub_themes", handle: b.cmdThemes},
		{kind: kindSlash, id: "role", args: "help_args_role", summary: "help_sub_role", home: true, handle: b.cmdRole},
		{kind: kindSlash, id: "subscribe", args: "help_args_subscribe", summary: "help_sub_subscribe", home: true, handle: b.cmdSubscribe},
		{kind: kindSlash, id: "status", summary: "help_sub_status", handle: b.cmdStatus},
		{kind: kindSlash, id: "pause", args: "help_args_pause", summary: "help_sub_pause", home: true, handle: b.cmdPause},
		{kind: kindSlash, id: "resume", summary: "help_sub_resume", home: true, handle: b.cmdResume},
		{kind: kindSlash, id: "skip", summary: "help_sub_skip", home: true, handle: b.cmdSkip},
		{kind: kindSlash, id: "focus", args: "help_args_focus", summary: "help_sub_focus", home: true, handle: b.cmdFocus},
		{kind: kindSlash, id: "unsubscribe", summary: "help_sub_unsubscribe", home: true, handle: b.cmdUnsubscribe},
		{kind: kindSlash, id: "journal", args: "help_args_journal", summary: "help_sub_journal", handle: b.cmdJournal},
		{kind: kindSlash, id: "win", args: "help_args_win", summary: "help_sub_win", home: true, text: true, handle: b.cmdWin},
		{kind: kindSlash, id: "wins", args: "help_args_wins", summary: "help_sub_wins", handle: b.cmdWins},
		{kind: kindSlash, id: "thanks", args: "help_args_thanks", summary: "help_sub_thanks", text: true, handle: b.cmdThanks},
		{kind: kindSlash, id: "check-in", args: "help_args_checkin", summary: "help_sub_checkin", handle: b.cmdCheckIn},
		{kind: kindSlash, id: "export", summary: "help_sub_export", handle: b.cmdExport},
		{kind: kindSlash, id: "forget", summary: "help_sub_forget", handle: b.cmdForget},
		{kind: kindSlash, id: "broadcast", args: "help_args_broadcast", summary: "help_sub_broadcast", home: true, handle: b.cmdBroadcast},
		{kind: kindSlash, id: "broadcasts", summary: "help_sub_broadcasts", handle: b.cmdBroadcasts},
		{kind: kindSlash, id: "language", args: "help_args_language", summary: "help_sub_language", home: true, handle: b.cmdLanguage},
		{kind: kindSlash, id: "help", summary: "help_sub_help", handle: b.cmdHelp},

		{kind: kindButton, id: actionAnotherPrompt, summary: "another prompt in place of the card", carries: carriesPrompt, handle: b.anotherPrompt},
		{kind: kindButton, id: actionReflect, summary: "open the reflection form for the card's prompt", carries: carriesPrompt, handle: b.openReflect},
		{kind: kindButton, id: actionSkipNext, summary: "skip the scheduled prompt the button names, once", carries: carriesSlot, home: true, handle: b.skipButton},
		{kind: kindButton, id: actionPauseTwoWeeks, summary: "pause scheduled prompts for two weeks", carries: carriesSlot, home: true, handle: b.pauseTwoWeeks},
		{kind: kindButton, id: actionForgetConfirm, summary: "delete all the member's data", carries: carriesOffer, home: true, handle: b.forget},
		{kind: kindButton, id: actionForgetCancel, summary: "keep the data after all", carries: carriesOffer, handle: b.keepData},
		{kind: kindButton, id: actionHomePrompt, summary: "a prompt card in a DM", handle: b.dmPrompt},
		{kind: kindButton, id: actionHomeSettings, summary: "open the schedule form", handle: b.homeSettings},
		{kind: kindButton, id: actionHomePause, summary: "pause scheduled prompts for two weeks", handle: b.pauseTwoWeeks},
		{kind: kindButton, id: actionHomeResume, summary: "end a pause", handle: b.cmdResume},
		{kind: kindButton, id: actionHomeExport, summary: "all the member's data, as a file in a DM", handle: b.cmdExport},
		{kind: kindButton, id: actionWinDelete, summary: "ask before deleting one of the member's wins", carries: carriesWin, handle: b.askDeleteWin},
		{kind: kindButton, id: actionWinDeleteConfirm, summary: "delete one of the member's wins", carries: carriesWin, home: true, handle: b.deleteWin},
		{kind: kindButton, id: actionTryIt, summary: "plan to try the card's experiment; asked about a week later", carries: carriesPrompt, home: true, handle: b.tryIt},
		{kind: kindButton, id: actionExpTried, summary: "the experiment was tried; offers the note form", carries: carriesExp, home: true, handle: b.expTried},
		{kind: kindButton, id: actionExpNotYet, summary: "not tried yet; asked once more a week later", carries: carriesExp, home: true, handle: b.expNotYet},
		{kind: kindButton, id: actionExpNotForMe, summary: "the experiment is not for the member; offers the note form", carries: carriesExp, home: true, handle: b.expNotForMe},
		{kind: kindButton, id: actionCheckInOpen, summary: "open the check-in form", handle: b.openCheckInButton},
		{kind: kindButton, id: actionWinDeleteKeep, summary: "keep the win after all, and list the wins again", handle: b.keepWin},

		{kind: kindForm, id: callbackReflect, name: "reflect.save", summary: "save a reflection to the journal", carries: carriesPrompt, home: true, submit: b.submitReflection, fail: fieldError},
		{kind: kindForm, id: callbackExpNote, name: "exp.note.save", summary: "save what happened with an experiment to the journal", carries: carriesExp, submit: b.submitExpNote, fail: expNoteError},
		{kind: kindForm, id: callbackCheckIn, name: "checkin.save", summary: "save a check-in and show the trend", home: true, submit: b.submitCheckIn, fail: checkInFail},
		{kind: kindForm, id: callbackSettings, name: "settings.save", summary: "save the schedule, focus and role", home: true, submit: b.submitSettings, fail: settingsError},

		// Message shortcuts: their handler reads Command.Message.
		{kind: kindShortcut, id: callbackSaveWin, name: "win.save", summary: "save a message to the member's wins", home: true, handle: b.saveWin},
	}
}

// table indexes the routes for the routers.
type table struct {
	routes []route
	byID   map[kind]map[string]*route
	byName map[string]*route
}

// newTable checks routes and indexes them. Every mistake it finds is a
// programming error, named in the error: an id or log name used twice, a
// route without a handler, a slash subcommand that claims to carry a value
// (it has only words), or a payload kind with no ownership check.
func newTable(routes []route) (*table, error) {
	t := &table{routes: routes, byID: map[kind]map[string]*route{}, byName: map[string]*route{}}
	var errs []error
	for i := range t.routes {
		r := &t.routes[i]
		if err := r.valid(); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", r.kind, r.id, err))
			continue
		}
		if t.byID[r.kind] == nil {
			t.byID[r.kind] = map[string]*route{}
		}
		if _, dup := t.byID[r.kind][r.id]; dup {
			errs = append(errs, fmt.Errorf("%s %q: declared twice", r.kind, r.id))
			continue
		}
		if _, dup := t.byName[r.logName()]; dup {
			errs = append(errs, fmt.Errorf("%s %q: log name %q used twice", r.kind, r.id, r.logName()))
			continue
		}
		t.byID[r.kind][r.id], t.byName[r.logName()] = r, r
	}
	return t, errors.Join(errs...)
}

// valid checks one route on its own.
func (r *route) valid() error {
	switch {
	case r.id == "" || r.summary == "":
		return errors.New("needs an id and a summary")
	case r.kind > kindShortcut:
		return errors.New("unknown kind")
	case r.carries >= carriesKinds:
		return errors.New("carries a payload no check knows")
	case r.name == "unknown":
		return errors.New(`"unknown" is the log name of what no route matched`)
	case r.text && r.kind != kindSlash:
		return errors.New("only a subcommand takes free text")
	case r.kind == kindSlash && (!strings.HasPrefix(r.summary, "help_sub_") || r.args != "" && !strings.HasPrefix(r.args, "help_args_")):
		return errors.New("a subcommand's summary and args are ids of help messages (help_sub_ID, help_args_ID)")
	case r.kind == kindSlash && r.carries != carriesNothing:
		return errors.New("a subcommand carries only the words typed")
	case r.kind == kindShortcut && r.carries != carriesNothing:
		return errors.New("a shortcut carries the message, which Slack showed the member")
	case r.kind == kindForm && (r.submit == nil || r.fail == nil || r.handle != nil):
		return errors.New("a form needs submit and fail, and no handle")
	case r.kind != kindForm && (r.handle == nil || r.submit != nil || r.fail != nil):
		return errors.New("needs handle, and no submit or fail")
	}
	return nil
}

// mustTable is newTable for the bot's own routes, which are fixed at
// compile time: a mistake in them is caught by any test that makes a Bot.
func mustTable(routes []route) *table {
	t, err := newTable(routes)
	if err != nil {
		panic("bot: interaction table: " + err.Error())
	}
	return t
}

// lookup finds the route of kind k with id.
func (t *table) lookup(k kind, id string) (*route, bool) {
	r, ok := t.byID[k][id]
	return r, ok
}

// subcommands lists the slash subcommands in the order help shows them.
func (t *table) subcommands() []*route {
	var rs []*route
	for i := range t.routes {
		if t.routes[i].kind == kindSlash {
			rs = append(rs, &t.routes[i])
		}
	}
	return rs
}

// refreshesHome reports whether the interaction logged as name can change
// the member's Home tab.
func (t *table) refreshesHome(name string) bool {
	r, ok := t.byName[name]
	return ok && r.home
}

// Dispatch parses the text of a slash command and runs its handler. An empty
// subcommand gets the help; an unknown one, the closest subcommand and its
// usage (unknownReply).
func (b *Bot) Dispatch(ctx context.Context, c *Command, text string) (Reply, error) {
	if r, rest, ok := b.freeText(text); ok {
		c.Sub, c.Args, c.Text = r.id, strings.Fields(rest), rest
		return r.handle(ctx, c)
	}
	words, quoted, err := tokenizeQuoted(c.P, text)
	if err != nil {
		return Reply{}, err
	}
	c.Quoted = quoted
	// A command typed as a sentence ends as one: "subscribe 16:00.",
	// "prompt impostor.", "status?". Words between quotes keep theirs.
	if n := len(words); n > 0 && !slices.Contains(quoted, words[n-1]) {
		if w := strings.TrimRight(words[n-1], ".!?,;"); w != "" {
			words[n-1] = w
		}
	}
	if len(words) == 0 {
		return b.cmdHelp(ctx, c)
	}
	c.Sub, c.Args = strings.ToLower(words[0]), words[1:]
	if r, ok := b.table.lookup(kindSlash, c.Sub); ok {
		return r.handle(ctx, c)
	}
	reply := b.unknown(c.P, c.Name, c.Sub)
	// Logs and metrics label by subcommand; keep member text out of them.
	c.Sub = "unknown"
	return reply, nil
}

// freeText finds the route of a subcommand that takes free text, and the
// text after it, trimmed; tokenize would read its quotes as a topic's.
func (b *Bot) freeText(text string) (*route, string, bool) {
	if utf8.RuneCountInString(text) > MaxCommandLen {
		return nil, "", false // tokenize says it is too long
	}
	text = strings.TrimSpace(text)
	sub, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		sub, rest = text[:i], text[i:]
	}
	r, ok := b.table.lookup(kindSlash, strings.ToLower(sub))
	if !ok || !r.text {
		return nil, "", false
	}
	return r, strings.TrimSpace(rest), true
}

// unknown answers a subcommand nobody has with the one the member most
// likely meant: a mistyped subcommand (closest), or a theme typed without
// `prompt` before it (`/mentor daring`, `/mentor imp`).
func (b *Bot) unknown(p *lang.Printer, name, sub string) Reply {
	if r := b.table.closest(sub); r != nil {
		return unknownReply(p, name, sub, r.id, r)
	}
	if utf8.RuneCountInString(sub) >= 3 {
		if t, err := b.Catalog.ResolveTheme(sub); err == nil {
			if r, ok := b.table.lookup(kindSlash, "prompt"); ok {
				return unknownReply(p, name, sub, r.id+" "+t.ID, r)
			}
		}
	}
	return unknownReply(p, name, sub, "", nil)
}

// closest is the subcommand a mistyped word most likely meant, nil when none
// is close: the one the fewest typing slips away (`promt`, `jounral`), or
// else the one the word begins (`stat` for status; `broad` for broadcast,
// which broadcasts begins with too). A slip is a letter added, dropped,
// changed, or two neighbours swapped; a short word may be one slip away, a
// longer one two, so `xyz` suggests nothing and `fo` (focus or forget?)
// neither. Ties go to the subcommand help lists first.
func (t *table) closest(word string) *route {
	if id, ok := frenchWords[word]; ok {
		if r, ok := t.lookup(kindSlash, id); ok {
			return r
		}
	}
	var best, begun *route
	bestDist, ambiguous := maxSlips(word)+1, false
	for _, r := range t.subcommands() {
		if d := slips(word, r.id); d < bestDist {
			best, bestDist = r, d
		}
		if utf8.RuneCountInString(word) < 2 || !strings.HasPrefix(r.id, word) {
			continue
		}
		switch {
		case begun == nil || strings.HasPrefix(begun.id, r.id):
			begun = r // the shorter of broadcast and broadcasts
		case !strings.HasPrefix(r.id, begun.id):
			ambiguous = true
		}
	}
	if best == nil && !ambiguous {
		return begun
	}
	return best
}

// frenchWords are the words a French-speaking member types first for a
// subcommand, which are too far from its English name for slips to find
// (aide is not a typo of help). They are suggestions, never run: the
// subcommands themselves stay one name each.
var frenchWords = map[string]string{
	"aide": "help", "abonner": "subscribe", "abonnement": "subscribe", "inscrire": "subscribe",
	"désabonner": "unsubscribe", "desabonner": "unsubscribe", "désinscrire": "unsubscribe",
	"oublier": "forget", "effacer": "forget", "supprimer": "forget",
	"exporter": "export", "merci": "thanks", "remercier": "thanks",
	"réussite": "win", "reussite": "win", "victoire": "win", "réussites": "wins", "reussites": "wins",
	"question": "prompt", "thèmes": "themes",
	"reprendre": "resume", "sauter": "skip", "passer": "skip", "rôle": "role",
	"langue": "language", "statut": "status", "état": "status", "etat": "status",
	"diffuser": "broadcast", "diffusion": "broadcast", "diffusions": "broadcasts",
}

// maxSlips is how many slips a typed word of that length may hold and still
// be read as a subcommand.
func maxSlips(word string) int {
	if n := utf8.RuneCountInString(word); n <= 4 {
		return 1
	}
	return 2
}

// slips is the optimal string alignment distance between a and b: how many
// letters added, dropped, changed or neighbours swapped turn a into b.
func slips(a, b string) int {
	s, t := []rune(a), []rune(b)
	// Three rows of the usual table: two back (for swaps), previous, current.
	prev2, prev, cur := make([]int, len(t)+1), make([]int, len(t)+1), make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}
