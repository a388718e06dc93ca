package bot

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// anyTheme is the button value that asks for a prompt of any theme.
const anyTheme = "*"

// MemberStore keeps members' settings and the prompts each was shown, which
// picking a prompt without repeats reads. *store.DB implements it.
//
// Methods taking a member id return store.ErrInvalidID when it is empty or
// holds a NUL byte.
type MemberStore interface {
	// User returns the member's settings, zero-valued (with only the ID
	// set) if they never changed one.
	User(id string) (store.User, error)
	// UpdateUser lets fn change the member's settings in one transaction;
	// nothing is written if fn returns an error, which UpdateUser returns
	// as it is.
	UpdateUser(id string, fn func(*store.User) error) error
	// SetLocale records the member's Slack locale; calls made together
	// share one commit.
	SetLocale(id, locale string) error
	// History returns the member's newest limit entries (all when limit <=
	// 0), oldest first.
	History(userID string, limit int) ([]store.HistoryEntry, error)
	// UserHistory calls fn with User and the member's history in a theme
	// ("" for all), newest first, within their newest limit entries (all
	// when limit <= 0), read together in one transaction and decoded as fn
	// reads them.
	UserHistory(userID string, limit int, fn func(u store.User, history func(theme string) iter.Seq[store.HistoryEntry]) error) error
	// LogHistories appends prompts shown to members to the history log, in
	// one commit. It returns one error per entry, nil for each written:
	// store.ErrInvalidID fails its entry alone, a failed commit fails them
	// all.
	LogHistories(apps []store.HistoryAppend) []error
	// FoldHistoryLog moves the log's entries into the members' histories,
	// where History and UserHistory read them, in one commit, and says how
	// many it dropped instead (damaged or unreadable). An error wrapping
	// store.ErrCorrupt means the log is damaged and lost; any other, that
	// it is as it was.
	FoldHistoryLog() (dropped int, err error)
	// Forget deletes every record of the member (settings, subscription,
	// history, nudges, reflections, wins, experiments, check-ins) and takes
	// their id off the thanks they gave, which stay with their receivers.
	// Forgetting a member the store never saw is not an error.
	Forget(userID string) error
}

func (b *Bot) cmdHelp(_ context.Context, c *Command) (Reply, error) {
	return Reply{Text: c.P.T("help_title", "Cmd", c.Name), Blocks: helpBlocks(c.P, c.Name, b.table.subcommands())}, nil
}

func (b *Bot) cmdThemes(_ context.Context, c *Command) (Reply, error) {
	themes := b.Catalog.Themes() // a copy, ours to change
	for i, t := range themes {
		themes[i] = b.Catalog.ThemeIn(t, c.P.Lang())
	}
	return Reply{Text: c.P.T("prompt_themes_title"), Blocks: themesBlocks(c.P, c.Name, themes)}, nil
}

func (b *Bot) cmdPrompt(ctx context.Context, c *Command) (Reply, error) {
	theme := anyTheme
	switch len(c.Args) {
	case 0:
	case 1:
		t, err := b.resolveTheme(c, c.Args[0])
		if err != nil {
			return Reply{}, err
		}
		theme = t.ID
	default:
		return Reply{}, &Error{Code: EINVALID, Message: c.P.T("prompt_one_theme", "Cmd", c.Name)}
	}
	return b.promptReply(ctx, c, theme, time.Time{})
}

// doubleClick is how close two clicks on one button are one double click:
// no member reads a card and clicks again so fast.
const doubleClick = 3 * time.Second

// anotherPrompt answers the "Another prompt" button in place of the card it
// was clicked in. The theme and slot come from the button; the member from
// Slack. On a nudge (a slot) of a member still subscribed the new card is a
// nudge too: replacing it with a plain card would take away the week's skip
// and pause buttons.
//
// A second click on the same button of the same message within
// doubleClick is a double click: it is answered with nothing, rather than
// with a second card that replaces the first before the member has read it
// and spends a prompt of the cycle. Another card showing the same prompt
// (a small theme's cycle comes round fast) is another button.
func (b *Bot) anotherPrompt(ctx context.Context, c *Command) (Reply, error) {
	if c.MessageTS != "" && !b.clicks.first(c.UserID+"|"+c.MessageTS+"|"+c.Value, b.Now()) {
		return Reply{}, nil
	}
	ref := parsePromptRef(c.Value)
	theme := ref.Theme
	if _, ok := b.Catalog.Theme(theme); !ok {
		theme = anyTheme // retired since the card was sent, or a malformed value
	}
	if !ref.Slot.IsZero() {
		sub, ok, err := b.Schedules.Subscription(c.UserID)
		if err != nil {
			return Reply{}, fmt.Errorf("read subscription of %s: %w", c.UserID, err)
		}
		if ok {
			pick, err := b.pickTheme(c.UserID, theme)
			if err != nil {
				return Reply{}, err
			}
			v := b.cardView(c.P, pick.Prompt, dailyRhythm(sub.Schedule))
			return Reply{Text: v.Prompt.Text, Blocks: b.nudgeCard(v, sub, ref.Slot, pick.Restarted), ReplaceOriginal: true}, nil
		}
	}
	r, err := b.promptReply(ctx, c, theme, ref.Slot)
	r.ReplaceOriginal = true
	return r, err
}

// pickTheme picks a reflection prompt of theme (anyTheme for any) for the
// member and records it.
func (b *Bot) pickTheme(userID, theme string) (prompts.Pick, error) {
	opts := prompts.PickOptions{Audience: prompts.AudiencePrivate}
	if theme != anyTheme {
		opts.Theme = theme
	}
	pick, err := b.pickFor(userID, opts)
	if errors.Is(err, prompts.ErrNoPrompts) && opts.Audience != "" {
		// A theme an operator added with team prompts only.
		opts.Audience = ""
		pick, err = b.pickFor(userID, opts)
	}
	return pick, err
}

// promptReply picks a reflection prompt for the member and renders it. slot
// is the scheduled nudge a reflection on it answers, zero for none.
func (b *Bot) promptReply(ctx context.Context, c *Command, theme string, slot time.Time) (Reply, error) {
	pick, err := b.pickTheme(c.UserID, theme)
	if err != nil {
		return Reply{}, err
	}
	v := b.cardView(c.P, pick.Prompt, b.daily(c.UserID))
	var (
		card    []slack.Block
		actions slack.Block
	)
	if pick.Restarted || !slot.IsZero() {
		// A cycle's notice, or a nudge's slot in the buttons: built afresh.
		bs := promptBlocks(v, cycleCard(v, pick.Restarted), theme, slot)
		card, actions = bs[:len(bs)-1], bs[len(bs)-1]
	} else {
		card, actions = b.cards.get(cardKey{promptID: pick.Prompt.ID, lang: c.P.Lang(), askedTheme: theme, daily: v.Daily}, func() ([]slack.Block, slack.Block) {
			bs := promptBlocks(v, cardBlocks(v), theme, slot)
			return bs[:len(bs)-1], bs[len(bs)-1]
		})
	}
	blocks := slices.Clone(card) // a cached card is shared
	if !inChannel(c.ChannelID) {
		blocks = append(blocks, b.evidence(c.P, c.UserID, pick.Prompt)...)
	}
	return Reply{Text: v.Prompt.Text, Blocks: append(blocks, actions)}, nil
}

// inChannel reports whether a conversation is a channel, public or private,
// rather than a DM (or the Home tab, which has none): a member's wins are
// never shown there, even in a reply only they see.
func inChannel(id string) bool {
	return strings.HasPrefix(id, "C") || strings.HasPrefix(id, "G")
}

// pickFor chooses a prompt the member has not seen in the current cycle and
// records it. The member's lock is held from reading the history until the
// new entry is queued, so two quick commands never pick the same prompt; the
// entry reaches the disk after the reply goes out, with other members'
// entries in one commit (historyWriter), and until then the member's next
// pick reads it from memory.
func (b *Bot) pickFor(userID string, opts prompts.PickOptions) (prompts.Pick, error) {
	unlock := b.locks.lock(userID)
	defer unlock()
	pick, err := b.choosePrompt(userID, opts, nil)
	if err != nil {
		return prompts.Pick{}, err
	}
	b.queueHistory(userID, store.HistoryEntry{PromptID: pick.Prompt.ID, Theme: pick.Prompt.Theme, At: b.Now(), NewCycle: pick.NewCycle})
	return pick, nil
}

// choosePrompt picks for the member by their role and history, the entries
// still on their way to the disk included. With themes given, the theme is
// one of them, chosen at random; a theme no longer in the catalog is ignored.
// The caller holds the member's lock.
func (b *Bot) choosePrompt(userID string, opts prompts.PickOptions, themes []string) (prompts.Pick, error) {
	pending := b.pendingHistory(userID)
	var (
		pick    prompts.Pick
		pickErr error
	)
	err := b.Members.UserHistory(userID, historyWindow, func(u store.User, saved func(theme string) iter.Seq[store.HistoryEntry]) error {
		opts.Role = u.Role
		var live []string
		for _, id := range themes {
			if _, ok := b.Catalog.Theme(id); ok {
				live = append(live, id)
			}
		}
		b.withRand(func(r *rand.Rand) {
			if len(live) > 0 {
				opts.Theme = live[r.IntN(len(live))]
			}
			pick, pickErr = b.Catalog.PickBack(shownBack(pending, saved), opts, r)
		})
		return nil
	})
	if err != nil {
		return prompts.Pick{}, fmt.Errorf("read user %s and history: %w", userID, err)
	}
	return pick, pickErr
}

// shownBack is what the picker reads of a member's history in a theme,
// newest first: the entries still on their way to the disk, then those on
// it. An entry committed between reading pending and opening the store's
// transaction is read twice, which tells the picker nothing new: the newer
// copy is met first, and seen prompts are a set.
func shownBack(pending []store.HistoryEntry, saved func(theme string) iter.Seq[store.HistoryEntry]) func(theme string) iter.Seq[prompts.Shown] {
	return func(theme string) iter.Seq[prompts.Shown] {
		return func(yield func(prompts.Shown) bool) {
			for i := len(pending) - 1; i >= 0; i-- {
				if pending[i].Theme == theme && !yield(shown(pending[i])) {
					return
				}
			}
			for e := range saved(theme) {
				if !yield(shown(e)) {
					return
				}
			}
		}
	}
}

// resolveTheme finds the theme a member named by id or unique prefix, and
// says in their language what is wrong with a name it cannot resolve.
func (b *Bot) resolveTheme(c *Command, arg string) (*prompts.Theme, error) {
	t, err := b.Catalog.ResolveTheme(arg)
	if err == nil {
		return t, nil
	}
	if errors.Is(err, prompts.ErrUnknownTheme) {
		if t := b.themeByTitle(c.P.Lang(), arg); t != nil {
			return t, nil
		}
	}
	var te *prompts.ThemeError
	switch {
	case errors.As(err, &te) && errors.Is(err, prompts.ErrAmbiguousTheme):
		return nil, &Error{Code: EINVALID, Message: c.P.T("prompt_theme_ambiguous", "Arg", clip(arg), "Themes", orList(c.P, te.Candidates))}
	case errors.Is(err, prompts.ErrUnknownTheme):
		ids := make([]string, 0, len(b.Catalog.Themes()))
		for _, t := range b.Catalog.Themes() {
			ids = append(ids, t.ID)
		}
		return nil, &Error{Code: ENOTFOUND, Message: c.P.T("prompt_theme_unknown", "Arg", clip(arg), "Themes", orList(c.P, ids), "Cmd", c.Name)}
	default:
		return nil, err
	}
}

// themeByTitle finds the one theme whose title in language l has a word
// that arg, folded (case and accents), is, or starts: a French member
// types `prompt empathie`, `oser` or `imposteur` from the title they read
// in /mentor themes, not the English id. Words of fewer than four letters
// ("les", "the") and the glue words of titles ("dans", "and") name none,
// nor does a word of several titles: `broadcast #team les` must not post
// a theme nobody named.
func (b *Bot) themeByTitle(l, arg string) *prompts.Theme {
	key := foldWord(arg)
	if utf8.RuneCountInString(key) < 4 || titleGlue[key] {
		return nil
	}
	var found *prompts.Theme
	for _, t := range b.Catalog.Themes() {
		title := foldWord(b.Catalog.ThemeIn(t, l).Title)
		words := strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) })
		if !slices.ContainsFunc(words, func(w string) bool {
			return utf8.RuneCountInString(w) >= 4 && !titleGlue[w] && strings.HasPrefix(w, key)
		}) {
			continue
		}
		if found != nil && found.ID != t.ID {
			return nil
		}
		found = t
	}
	return found
}

// titleGlue are words of four letters or more that join a title's words
// and name no theme.
var titleGlue = map[string]bool{"dans": true, "avec": true, "pour": true, "from": true, "with": true, "back": true}

var roles = []string{"ic", "staff", "manager", "lead"}

func (b *Bot) cmdRole(_ context.Context, c *Command) (Reply, error) {
	if len(c.Args) == 0 {
		u, err := b.Members.User(c.UserID)
		if err != nil {
			return Reply{}, fmt.Errorf("read user %s: %w", c.UserID, err)
		}
		if u.Role == "" {
			return textReply(c.P.T("sched_role_unset", "Cmd", c.Name, "Roles", codeList(c.P, roles))), nil
		}
		return textReply(c.P.T("sched_role_is", "Role", u.Role, "Cmd", c.Name)), nil
	}
	role := strings.ToLower(c.Args[0])
	if role == "none" || role == "all" || foldWord(role) == "aucun" { // "Aucun", as the settings form says
		role = ""
	} else if len(c.Args) > 1 || !slices.Contains(roles, role) {
		return Reply{}, Errorf(EINVALID, "%s", c.P.T("sched_role_bad", "Roles", codeList(c.P, roles), "Cmd", c.Name))
	}
	err := b.Members.UpdateUser(c.UserID, func(u *store.User) error { u.Role = role; return nil })
	if err != nil {
		return Reply{}, fmt.Errorf("set role of %s: %w", c.UserID, err)
	}
	if role == "" {
		return textReply(c.P.T("sched_role_cleared")), nil
	}
	return textReply(c.P.T("sched_role_set", "Role", role)), nil
}
