package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// Wins: a member's private evidence file. A member keeps a win with `win`,
// saves a message with the save_win shortcut, or is given one with
// `thanks`; only they can list, export or delete it. Prompt cards of the
// impostor theme show one of them (view_prompt.go).

const (
	winsDefault = 10
	winsMax     = 50
)

// WinStore keeps members' wins. *store.DB implements it.
//
// Every method returns store.ErrInvalidID when a member id is empty or
// holds a NUL byte.
type WinStore interface {
	// AddWin writes a win durably and returns it with its sequence.
	AddWin(w store.Win) (store.Win, error)
	// Wins lists the member's newest limit wins (all when limit <= 0),
	// newest first, and says how many they have in all.
	Wins(userID string, limit int) ([]store.Win, int, error)
	// Win finds the member's win by its sequence, and whether they have it.
	Win(userID string, seq uint64) (store.Win, bool, error)
	// DeleteWin deletes the member's win; store.ErrWinNotFound when they
	// have none of that sequence (deleted already, or someone else's).
	DeleteWin(userID string, seq uint64) error
	// NextWinToShow picks the member's win to show under a prompt card, a
	// different one each call while they have several; false for none.
	NextWinToShow(userID string) (store.Win, bool, error)
}

// cmdWin keeps a win the member typed.
func (b *Bot) cmdWin(_ context.Context, c *Command) (Reply, error) {
	text, err := winText(c.P, c.Name, c.Text)
	if err != nil {
		return Reply{}, err
	}
	if _, err := b.Wins.AddWin(store.Win{UserID: c.UserID, Text: text, At: b.Now()}); err != nil {
		return Reply{}, err
	}
	_, total, err := b.Wins.Wins(c.UserID, 1)
	if err != nil {
		return Reply{}, err
	}
	return textReply(c.P.N("wins_kept", total, "Cmd", c.Name)), nil
}

// evidence is a win of the member's to show under a card of the impostor
// theme, a different one each time, or nothing: another theme, no wins, or
// a failure to read them (logged; the card goes out without). lp is the
// member's printer.
func (b *Bot) evidence(lp *lang.Printer, userID string, p *prompts.Prompt) []slack.Block {
	if p.Theme != impostorTheme {
		return nil
	}
	w, ok, err := b.Wins.NextWinToShow(userID)
	if err != nil {
		b.Logger.Warn("impostor card without evidence", "user", userID, "err", err)
	}
	if !ok {
		return nil
	}
	return evidenceBlocks(lp, w, b.memberTZ(userID))
}

// impostorTheme is the theme whose cards show the member's wins: doubt is
// answered best with their own evidence.
const impostorTheme = "impostor"

// winText checks the text of a win or a thanks: some words, at most
// store.MaxWinLen characters, mass mentions made harmless.
func winText(p *lang.Printer, name, text string) (string, error) {
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return "", &Error{Code: EINVALID, Message: p.T("wins_what", "Cmd", name)}
	case n > store.MaxWinLen:
		return "", &Error{Code: EINVALID, Message: p.T("wins_too_long", "Len", p.Number(n), "Max", p.Number(store.MaxWinLen))}
	}
	return neutralise(text), nil
}

// cmdWins lists the member's newest wins, each with a Delete button.
func (b *Bot) cmdWins(_ context.Context, c *Command) (Reply, error) {
	n, ok := countArg(c.Args, winsDefault, winsMax)
	if !ok {
		return Reply{}, &Error{Code: EINVALID, Message: c.P.T("wins_usage", "Max", winsMax, "Cmd", c.Name)}
	}
	return b.winsReply(c, n, "")
}

// winsReply lists the member's newest n wins under notice ("" for none).
func (b *Bot) winsReply(c *Command, n int, notice string) (Reply, error) {
	ws, total, err := b.Wins.Wins(c.UserID, n)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: c.P.T("wins_list_title"), Blocks: winsBlocks(c.P, c.Name, ws, total, b.memberTZ(c.UserID), notice)}, nil
}

// memberTZ is the zone the member's dates are shown in: their schedule's,
// or the workspace default.
func (b *Bot) memberTZ(userID string) string {
	if sub, ok, err := b.Schedules.Subscription(userID); err == nil && ok {
		return sub.TZ
	}
	return b.DefaultTZ
}

// winValue is what a win's Delete button carries: the win's sequence, and
// how many wins the list showed, to show as many again after the delete.
// Whose win it is comes from Slack's user, never from the value.
func winValue(seq uint64, shown int) string {
	return fmt.Sprintf("%d:%d", seq, shown)
}

// readWinValue reads winValue strictly.
func readWinValue(v string) (seq uint64, shown int, ok bool) {
	s, n, found := strings.Cut(v, ":")
	seq, err1 := strconv.ParseUint(s, 10, 64)
	shown, err2 := strconv.Atoi(n)
	if !found || err1 != nil || err2 != nil || seq == 0 || shown < 1 || shown > winsMax {
		return 0, 0, false
	}
	return seq, shown, true
}

// checkWin says why a Delete button's value is not one of the member's wins
// ("" when it is), and whether the value was well formed at all.
func (b *Bot) checkWin(userID, value string) (reason string, formed bool, err error) {
	seq, _, ok := readWinValue(value)
	if !ok {
		return "malformed value", false, nil
	}
	_, ok, err = b.Wins.Win(userID, seq)
	switch {
	case err != nil:
		return "", true, err
	case !ok:
		return "not one of the member's wins, or deleted already", true, nil
	}
	return "", true, nil
}

// askDeleteWin asks, in place of the list, whether to delete the win its
// route checked is the member's.
func (b *Bot) askDeleteWin(_ context.Context, c *Command) (Reply, error) {
	seq, shown, _ := readWinValue(c.Value)
	w, ok, err := b.Wins.Win(c.UserID, seq)
	switch {
	case err != nil:
		return Reply{}, err
	case !ok:
		return Reply{}, winGone(c)
	}
	return Reply{Text: c.P.T("wins_delete_title"), Blocks: deleteWinBlocks(c.P, w, b.memberTZ(c.UserID), shown), ReplaceOriginal: true}, nil
}

// keepWin answers Keep it with the list again.
func (b *Bot) keepWin(_ context.Context, c *Command) (Reply, error) {
	r, err := b.winsReply(c, winsDefault, c.P.T("wins_nothing_deleted"))
	r.ReplaceOriginal = true
	return r, err
}

// deleteWin deletes the win its route checked is the member's, and shows
// the list again in place of the question.
func (b *Bot) deleteWin(_ context.Context, c *Command) (Reply, error) {
	seq, shown, _ := readWinValue(c.Value)
	err := b.Wins.DeleteWin(c.UserID, seq)
	if errors.Is(err, store.ErrWinNotFound) {
		return Reply{}, winGone(c)
	}
	if err != nil {
		return Reply{}, err
	}
	r, err := b.winsReply(c, shown, c.P.T("wins_deleted"))
	r.ReplaceOriginal = true
	return r, err
}

// winGone answers a Delete of a win the member does not have: a second click
// on the same button, or a button naming someone else's win.
func winGone(c *Command) *Error {
	return &Error{Code: ENOTFOUND, Message: c.P.T("wins_gone", "Cmd", c.Name)}
}

// saveWin is the save_win message shortcut: the message's text, author,
// channel and link go into the clicker's wins.
func (b *Bot) saveWin(ctx context.Context, c *Command) (Reply, error) {
	m := c.Message
	w := store.Win{UserID: c.UserID, At: b.Now(), Author: m.User, Channel: c.ChannelID,
		Text: neutralise(shorten(strings.TrimSpace(m.Text), store.MaxWinLen))}
	if w.Text == "" {
		w.Text = fileNote(c.P, m.Files)
	}
	link, err := b.permalink(ctx, c.ChannelID, m.Timestamp)
	if err != nil {
		b.Logger.Warn("win saved without its link", "user", c.UserID, "channel", c.ChannelID, "err", redact(err))
	}
	w.Permalink = link
	// Two quick clicks on the shortcut arrive at once: one of them saves.
	unlock := b.locks.lock(c.UserID)
	defer unlock()
	if old, found, err := b.winOfMessage(w); err != nil {
		return Reply{}, err
	} else if found {
		at := zoned(old.At, b.memberTZ(c.UserID))
		return textReply(c.P.T("wins_saved_already", "Date", c.P.ShortDateYear(at), "Long", c.P.LongDate(at), "Cmd", c.Name)), nil
	}
	if _, err := b.Wins.AddWin(w); err != nil {
		return Reply{}, err
	}
	_, total, err := b.Wins.Wins(c.UserID, 1)
	if err != nil {
		return Reply{}, err
	}
	return textReply(c.P.N("wins_saved", total, "Cmd", c.Name, "NoLink", link == "")), nil
}

// fileNote is the text a win saved from a message without words keeps.
func fileNote(p *lang.Printer, files []slack.File) string {
	var names []string
	for _, f := range files {
		if n := cmp.Or(f.Title, f.Name); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return p.T("wins_no_text")
	}
	return neutralise(shorten(p.T("wins_no_text_files", "Files", strings.Join(names, ", ")), store.MaxWinLen))
}

// winOfMessage finds a win the member saved from the same message: a second
// click on the shortcut keeps one.
func (b *Bot) winOfMessage(w store.Win) (store.Win, bool, error) {
	ws, _, err := b.Wins.Wins(w.UserID, 0)
	if err != nil {
		return store.Win{}, false, err
	}
	for _, old := range ws {
		same := old.Permalink != "" && old.Permalink == w.Permalink
		if same || (old.Channel == w.Channel && old.Author == w.Author && old.Author != "" && old.Text == w.Text) {
			return old, true, nil
		}
	}
	return store.Win{}, false, nil
}

// permalink asks Slack for a message's link.
func (b *Bot) permalink(ctx context.Context, channel, ts string) (string, error) {
	if channel == "" || ts == "" {
		return "", errors.New("chat.getPermalink: no channel or ts in the shortcut's payload")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return b.Slack.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
}

// mentionRE is a user mention as Slack escapes it: <@U0123> or <@U0123|ada>.
var mentionRE = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// cmdThanks sends a member thanks in a DM and keeps it in their wins.
func (b *Bot) cmdThanks(ctx context.Context, c *Command) (Reply, error) {
	to, rest, err := thanksTarget(c.P, c.Name, c.UserID, c.Text)
	if err != nil {
		return Reply{}, err
	}
	if !saysSomething(rest) {
		return Reply{}, &Error{Code: EINVALID, Message: c.P.T("thanks_what_for", "Cmd", c.Name, "To", to)}
	}
	text, err := winText(c.P, c.Name, rest)
	if err != nil {
		return Reply{}, err
	}
	if err := b.thankable(ctx, c.P, c.Name, to); err != nil {
		return Reply{}, err
	}
	if _, err := b.Wins.AddWin(store.Win{UserID: to, From: c.UserID, Text: text, At: b.Now()}); err != nil {
		return Reply{}, err
	}
	// The DM speaks the language of the member thanked, not the sender's.
	theirs := b.printerFor(ctx, to)
	dm := theirs.T("thanks_dm", "From", c.UserID, "Text", text)
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, _, err = b.Slack.PostMessageContext(pctx, to, slack.MsgOptionText(dm, false), slack.MsgOptionBlocks(
		section(dm), contextLine(theirs.T("thanks_dm_kept", "Cmd", c.Name))))
	if err != nil {
		b.Logger.Warn("thanks kept; DM not sent", "user", c.UserID, "to", to, "err", redact(err))
		return textReply(c.P.T("thanks_kept_not_sent", "To", to, "Cmd", c.Name)), nil
	}
	return textReply(c.P.T("thanks_sent", "To", to)), nil
}

// saysSomething reports whether a thanks' text has a word, a number or a
// symbol such as an emoji in it: "thanks @sam." or "thanks @sam !" is a typo
// or a slip of the Enter key, and would DM sam a thanks for ".". Slack's
// entities are decoded first, so "&amp;" alone is the "&" it is.
func saysSomething(text string) bool {
	for _, r := range entityDecoder.Replace(text) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsSymbol(r) {
			return true
		}
	}
	return false
}

// thanksTarget reads whom a thanks is for, the first word, and the rest.
func thanksTarget(p *lang.Printer, name, from, text string) (string, string, error) {
	text = strings.TrimSpace(text)
	m := mentionRE.FindStringSubmatch(text)
	refuse := func(msg string) (string, string, error) {
		return "", "", &Error{Code: EINVALID, Message: msg}
	}
	switch {
	case text == "":
		return refuse(p.T("thanks_whom", "Cmd", name))
	case m == nil && strings.HasPrefix(text, "<!"):
		return refuse(p.T("thanks_one_person", "Cmd", name))
	case m == nil:
		return refuse(p.T("thanks_pick", "Cmd", name))
	case m[1] == from:
		return refuse(p.T("thanks_yourself", "Cmd", name))
	}
	// "@sam, for the review" and "@sam: great review" read as the words
	// after the comma; "@sam @lee for pairing" would thank sam for
	// "@lee for pairing", and lee not at all.
	rest := strings.TrimLeft(text[len(m[0]):], " \t\n,;:-–—")
	if strings.HasPrefix(rest, "<@") || strings.HasPrefix(rest, "<!") {
		return refuse(p.T("thanks_one_person", "Cmd", name))
	}
	return m[1], rest, nil
}

// thankable refuses thanks to a bot or to someone who left: neither keeps wins.
func (b *Bot) thankable(ctx context.Context, p *lang.Printer, name, userID string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	u, err := b.Slack.GetUserInfoContext(ctx, userID)
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok && se.Err == "user_not_found" {
		return &Error{Code: ENOTFOUND, Message: p.T("thanks_not_found")}
	}
	switch {
	case err != nil:
		return fmt.Errorf("users.info %s: %w", userID, err)
	case u.IsBot || u.ID == "USLACKBOT":
		return &Error{Code: EINVALID, Message: p.T("thanks_bot")}
	case u.Deleted:
		return &Error{Code: EINVALID, Message: p.T("thanks_left", "Cmd", name)}
	}
	return nil
}
