package bot

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// builtinLang is the message catalog built into the binary; New uses it and
// serve replaces it with one that includes the operator's files.
var builtinLang = func() *lang.Catalog {
	c, err := lang.Builtin()
	if err != nil {
		panic("built-in messages: " + err.Error()) // TestParity keeps this from shipping
	}
	return c
}()

// A member's language is, in order: the one they chose (`language fr`, the
// settings form), stored on their record; else their Slack locale, read
// from users.info and matched to a language the catalog speaks (fr-FR and
// fr-CA are French, anything it lacks is English). Every command, Home
// publish and nudge asks for it, so it is kept in memory (languageCache):
// users.info is asked at most once per member a day, on their own commands
// (commandPrinter), by one caller at a time, and not at all for a member
// who chose. The locale read is stored on the member's record when it
// changed, so what the bot sends of its own accord uses what is known,
// after a restart too, without a call: the Home tab and DMs to a member
// (printerFor) ask Slack only about a member it knows nothing of, and the
// scheduler's nudges and follow-ups (scheduledPrinter) never do.
const (
	// localeRefresh is how long a language read from Slack is used before
	// users.info is asked again: members rarely change their locale.
	localeRefresh = 24 * time.Hour
	// localeRetry is how long a member whose locale could not be read gets
	// their last known language (English if none) before the next try, so
	// a Slack outage costs one slow command per member a minute, not every
	// command.
	localeRetry = time.Minute
	// localeTimeout bounds users.info on a command's path: the command's
	// ack is due within 3 seconds of the click, whatever Slack does.
	localeTimeout = time.Second
	// maxLanguages bounds the cache. A member evicted is read from the
	// store again (a few microseconds), not from Slack, once their locale
	// is stored.
	maxLanguages = 20_000
)

// languageCache holds members' languages. Its zero value is ready to use.
//
// It pays: with users.info asked on every command instead,
// BenchmarkCommands at 64 members allocated 54 KB and used 620 µs of CPU
// per command, with a median ack of 11-19 ms against a local Slack; with the
// cache, 29 KB, 300 µs and 1.8 ms, against 27.7 KB and 290 µs for a bot
// that speaks English to everyone (alternating runs on two loaded cores).
// At 1,000 members, where half the commands are a member's first, the
// first read (users.info, and storing the locale) costs about 27 KB and
// 550 µs per member.
type languageCache struct {
	mu      sync.Mutex
	entries map[string]*langEntry
	// timeout bounds users.info; localeTimeout when 0. Tests shorten it.
	timeout time.Duration
	// max bounds the entries; maxLanguages when 0.
	max int
	// writing is held for reading by each locale write in flight
	// (resolveLang); forget takes it to wait for them. (A WaitGroup would
	// let a new write's Add race a Wait that is returning.)
	writing sync.RWMutex
}

// langEntry is one member's language. An entry is replaced, never changed,
// except for fetching, which is cleared under the cache's lock.
type langEntry struct {
	lang   string // the language to speak, a base code such as "fr"
	choice bool   // lang is the member's own choice: Slack is not asked
	// guess marks English spoken because nothing could be read (Slack or
	// the store failed, and no locale was known): retried after
	// localeRetry by every caller, not only by commands.
	guess bool
	// expires is when Slack is asked again (unused for a choice).
	expires time.Time
	// fetching is non-nil while one caller asks Slack; it is closed when
	// the entry that caller found has been replaced.
	fetching chan struct{}
	// tz is the time zone the same users.info answer gave, and read when
	// it came: a member's first subscribe needs both, and recentZone
	// spares it a second call to Slack.
	tz   string
	read time.Time
	// locale is the Slack locale lang came from, "" for a choice or a
	// guess. It is stored on the record in the background, so `language`
	// reads it here first.
	locale string
}

// freshLanguage returns the printer of the member's language as Slack
// gives it now, unless they chose one or Slack was asked within the last
// zoneReuse: `language` says where the language comes from, and otherwise
// a locale read up to a day ago, or stored before a restart, would do.
func (b *Bot) freshLanguage(ctx context.Context, userID string) *lang.Printer {
	c := &b.langs
	c.mu.Lock()
	if e := c.entries[userID]; e != nil && !e.choice && e.fetching == nil && (e.read.IsZero() || b.Now().Sub(e.read) >= zoneReuse) {
		stale := *e
		stale.expires = b.Now() // read again by the commandPrinter below
		c.entries[userID] = &stale
	}
	c.mu.Unlock()
	return b.commandPrinter(ctx, userID)
}

// knownLocale returns the member's Slack locale the cache holds, if any.
func (c *languageCache) knownLocale(userID string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[userID]
	if e == nil || e.locale == "" {
		return "", false
	}
	return e.locale, true
}

// zoneReuse is how long the time zone of a users.info answer read for the
// language serves memberZone: long enough to cover the command that read
// it, short enough that a zone changed in Slack since is asked afresh.
const zoneReuse = time.Minute

// recentZone returns the time zone Slack gave with the member's locale, if
// that answer is less than zoneReuse old.
func (c *languageCache) recentZone(userID string, now time.Time) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[userID]
	if e == nil || e.tz == "" || now.Sub(e.read) >= zoneReuse {
		return "", false
	}
	return e.tz, true
}

// printerFor returns the printer of a member's language, for what the bot
// sends one member of its own accord (the Home tab, a thanks DM, a paused
// broadcast's DM): a language known from before, even a day old, is used
// as it is, and Slack is asked only for a member the bot knows nothing of.
// The scheduler uses scheduledPrinter, which never asks.
func (b *Bot) printerFor(ctx context.Context, userID string) *lang.Printer {
	return b.Lang.Printer(b.memberLang(ctx, userID, false))
}

// scheduledPrinter returns the printer for what the scheduler sends (a
// nudge, a follow-up): the member's language if it is known, from memory or
// from their record, and English otherwise. Unlike printerFor it never asks
// Slack. users.info allows about a hundred calls a minute, and after an
// upgrade no subscriber has a locale stored yet: a fan-out to 100,000 of
// them must not wait on one call each. Their next command reads the locale,
// and the nudges after it are in their language.
func (b *Bot) scheduledPrinter(userID string) *lang.Printer {
	c := &b.langs
	c.mu.Lock()
	e := c.entries[userID]
	c.mu.Unlock()
	if e != nil && e.lang != "" {
		return b.Lang.Printer(e.lang)
	}
	u, err := b.Members.User(userID)
	if err != nil {
		b.Logger.Error("member's language not read; speaking English", "user", userID, "err", err)
		return b.Lang.Printer(lang.Default)
	}
	code, _ := b.storedLang(u)
	return b.Lang.Printer(code)
}

// storedLang is the language a member's record gives: their choice, when
// the catalog speaks it (chosen), else their stored Slack locale's, which
// is English when none is stored.
func (b *Bot) storedLang(u store.User) (code string, chosen bool) {
	if u.Lang != "" && b.Lang.Speaks(u.Lang) {
		return u.Lang, true
	}
	return b.Lang.Match(u.Locale), false
}

// commandPrinter returns the printer of a member's language for what they
// just did (a command, a click, a form): there a language read from Slack
// more than localeRefresh ago is read again, so a member who changed their
// Slack language is answered in the new one within a day.
func (b *Bot) commandPrinter(ctx context.Context, userID string) *lang.Printer {
	return b.Lang.Printer(b.memberLang(ctx, userID, true))
}

// memberLang returns the member's language; refresh reads Slack's locale
// again when the one known is older than localeRefresh. Concurrent callers
// for one member whose language must be read share one read: the others
// wait for it, or until their ctx ends (then they get the language known
// before, or English); a caller that does not refresh takes the language
// known before at once.
func (b *Bot) memberLang(ctx context.Context, userID string, refresh bool) string {
	if userID == "" {
		return lang.Default
	}
	c := &b.langs
	for {
		c.mu.Lock()
		e := c.entries[userID]
		switch {
		case e != nil && e.fetching != nil:
			wait, known := e.fetching, e.lang
			c.mu.Unlock()
			if !refresh && known != "" {
				return known
			}
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return knownOr(known)
			}
		case e != nil && (e.choice || !refresh && !e.guess || b.Now().Before(e.expires)):
			c.mu.Unlock()
			return e.lang
		}
		mark := &langEntry{fetching: make(chan struct{})}
		if e != nil {
			mark.lang = e.lang // for those who stop waiting
		}
		c.put(userID, mark)
		c.mu.Unlock()

		next := b.resolveLang(ctx, userID, e)
		c.mu.Lock()
		if c.entries[userID] == mark { // not replaced by a choice meanwhile
			c.entries[userID] = next
		}
		close(mark.fetching)
		c.mu.Unlock()
		return next.lang
	}
}

// knownOr is l, or English when no language was known.
func knownOr(l string) string {
	if l == "" {
		return lang.Default
	}
	return l
}

// put stores e under userID, first making room by evicting a member whose
// language is not being read. Go's map iteration starts at a random
// entry, so the one evicted is random: no bookkeeping per read, and a
// member evicted by mistake costs one read of the store.
func (c *languageCache) put(userID string, e *langEntry) {
	if c.entries == nil {
		c.entries = map[string]*langEntry{}
	}
	limit := c.max
	if limit <= 0 {
		limit = maxLanguages
	}
	if _, ok := c.entries[userID]; !ok && len(c.entries) >= limit {
		for id, old := range c.entries {
			if old.fetching == nil {
				delete(c.entries, id)
				break
			}
		}
	}
	c.entries[userID] = e
}

// resolveLang reads the member's language: their choice from the store;
// else the locale stored by an earlier read when the cache had nothing
// (prev nil, as after a restart); else Slack's locale, stored if it
// changed. When Slack cannot be asked, the language known before (prev's,
// or the stored locale's) serves for localeRetry.
func (b *Bot) resolveLang(ctx context.Context, userID string, prev *langEntry) *langEntry {
	now := b.Now()
	u, err := b.Members.User(userID)
	if err != nil {
		b.Logger.Error("member's language not read; speaking English for now", "user", userID, "err", err)
		return &langEntry{lang: lang.Default, guess: true, expires: now.Add(localeRetry)}
	}
	known, chosen := b.storedLang(u)
	if chosen {
		return &langEntry{lang: known, choice: true}
	}
	if prev == nil && u.Locale != "" {
		// Known from an earlier read: used at once, and read again at
		// some time within a day, so that the members seen after a
		// restart do not all ask Slack together.
		var wait time.Duration
		b.withRand(func(r *rand.Rand) { wait = time.Duration(r.Int64N(int64(localeRefresh))) })
		return &langEntry{lang: known, expires: now.Add(wait), locale: u.Locale}
	}
	locale, tz, err := b.slackLocale(ctx, userID)
	if err != nil {
		guess := u.Locale == ""
		if prev != nil && prev.lang != "" {
			known, guess = prev.lang, prev.guess
		}
		locale := u.Locale
		if prev != nil && prev.locale != "" {
			locale = prev.locale
		}
		b.Logger.Warn("Slack locale not read; using the language known before", "user", userID, "lang", known, "err", err)
		return &langEntry{lang: known, guess: guess, expires: now.Add(localeRetry), locale: locale}
	}
	if locale == "" {
		locale = u.Locale // Slack said nothing: keep what it said before
	}
	if locale != u.Locale {
		// Nobody waits for the disk: the stored locale only spares a call
		// to Slack after a restart, and a command's ack is waiting. Writes
		// made together share a commit; shutdown and forget wait for them.
		b.langs.writing.RLock()
		b.goWork(func() {
			defer b.langs.writing.RUnlock()
			if err := b.Members.SetLocale(userID, locale); err != nil {
				b.Logger.Error("member's Slack locale not stored", "user", userID, "err", err)
			}
		})
	}
	return &langEntry{lang: b.Lang.Match(locale), expires: now.Add(localeRefresh), tz: tz, read: now, locale: locale}
}

// slackLocale asks Slack for the member's locale, such as "fr-FR", and
// time zone; "" when the bot has no Slack client or Slack gave none.
func (b *Bot) slackLocale(ctx context.Context, userID string) (locale, tz string, err error) {
	if b.Slack == nil {
		return "", "", nil
	}
	timeout := b.langs.timeout
	if timeout <= 0 {
		timeout = localeTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u, err := b.Slack.GetUserInfoContext(ctx, userID, slack.GetUserInfoOptionIncludeLocale(true))
	if err != nil {
		return "", "", fmt.Errorf("users.info of %s: %w", userID, err)
	}
	return u.Locale, u.TZ, nil
}

// setLanguage stores the member's choice, a language the catalog speaks or
// "" to follow Slack's locale again, and makes it the member's language at
// once.
func (b *Bot) setLanguage(userID, choice string) error {
	var locale string // the Slack locale last seen
	if err := b.Members.UpdateUser(userID, func(u *store.User) error { u.Lang, locale = choice, u.Locale; return nil }); err != nil {
		return fmt.Errorf("set language of %s: %w", userID, err)
	}
	c := &b.langs
	c.mu.Lock()
	defer c.mu.Unlock()
	if choice == "" {
		c.put(userID, b.followSlack(locale))
		return nil
	}
	c.put(userID, &langEntry{lang: choice, choice: true})
	return nil
}

// forgetLanguage replaces the member's choice in memory once their record
// is deleted (forget) by the language of locale, the Slack locale their
// record held: what the bot sends of its own accord afterwards (the Home
// tab refreshed by forget itself) uses it without asking Slack, so nothing
// writes a record of the member back; their next command asks Slack again.
// A language read from Slack is kept until its refresh, for the same
// reason.
func (b *Bot) forgetLanguage(userID, locale string) {
	c := &b.langs
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[userID]; e != nil && e.choice {
		c.put(userID, b.followSlack(locale))
	}
}

// followSlack is the entry of a member who no longer has a choice of
// their own: the language of locale, the Slack locale last seen, until the
// member's next command printer asks Slack at once (the locale may be a
// day old, or older than a restart); it stays the fallback if Slack cannot
// be asked. What the bot sends of its own accord meanwhile uses it as it
// is, without asking.
func (b *Bot) followSlack(locale string) *langEntry {
	return &langEntry{lang: b.Lang.Match(locale), locale: locale, expires: b.Now()}
}
