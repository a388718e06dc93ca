package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// localeSlack answers users.info with each member's locale and counts the
// calls; every other method fails, as offlineSlack's do.
type localeSlack struct {
	offlineSlack
	mu      sync.Mutex
	locales map[string]string
	calls   map[string]int
	err     error         // when set, users.info fails with it
	hold    chan struct{} // when set, users.info waits for it or its ctx
	tz      string        // every member's time zone
}

func newLocaleSlack(locales map[string]string) *localeSlack {
	return &localeSlack{locales: locales, calls: map[string]int{}}
}

func (s *localeSlack) GetUserInfoContext(ctx context.Context, id string, _ ...slack.GetUserInfoOption) (*slack.User, error) {
	s.mu.Lock()
	s.calls[id]++
	hold, err, locale, tz := s.hold, s.err, s.locales[id], s.tz
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	return &slack.User{ID: id, Locale: locale, TZ: tz}, nil
}

func (s *localeSlack) set(id, locale string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locales[id] = locale
}

func (s *localeSlack) callsOf(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[id]
}

// countingMembers counts the writes to members' records.
type countingMembers struct {
	MemberStore
	mu     sync.Mutex
	writes int
}

func (m *countingMembers) UpdateUser(id string, fn func(*store.User) error) error {
	m.mu.Lock()
	m.writes++
	m.mu.Unlock()
	return m.MemberStore.UpdateUser(id, fn)
}

func (m *countingMembers) SetLocale(id, locale string) error {
	m.mu.Lock()
	m.writes++
	m.mu.Unlock()
	return m.MemberStore.SetLocale(id, locale)
}

// langBot is a test bot whose clock the test moves, over slack.
// slowLocale's SetLocale says it started, then waits for release.
type slowLocale struct {
	MemberStore
	started, release chan struct{}
}

func (m *slowLocale) SetLocale(id, locale string) error {
	close(m.started)
	<-m.release
	return m.MemberStore.SetLocale(id, locale)
}

func langBot(t *testing.T, s Slack) (*Bot, *time.Time) {
	t.Helper()
	b := newTestBot(t)
	now := b.Now()
	b.Now = func() time.Time { return now }
	b.Slack = s
	return b, &now
}

func TestMemberLanguage(t *testing.T) {
	// A member's first subscribe asks Slack once: the zone comes with the
	// locale read for the language, and is asked afresh a minute later.
	t.Run("OneCallForLanguageAndZone", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
		s.tz = "Europe/Paris"
		b, now := langBot(t, s)
		ctx := context.Background()
		b.commandPrinter(ctx, "U1")
		if got := b.memberZone(ctx, "U1"); got != "Europe/Paris" || s.callsOf("U1") != 1 {
			t.Fatalf("zone %q after %d users.info calls; want Europe/Paris after 1", got, s.callsOf("U1"))
		}
		*now = now.Add(zoneReuse)
		if got := b.memberZone(ctx, "U1"); got != "Europe/Paris" || s.callsOf("U1") != 2 {
			t.Fatalf("a minute later: zone %q after %d calls; want Slack asked again", got, s.callsOf("U1"))
		}
		if got := b.memberZone(ctx, "U2"); got != "Europe/Paris" || s.callsOf("U2") != 1 {
			t.Fatalf("a member whose language was not read: zone %q after %d calls; want Slack asked once", got, s.callsOf("U2"))
		}
	})

	// A command never waits for the locale to reach the disk: it is
	// stored in the background, and `language` reads it from memory.
	t.Run("StoredInBackground", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-CA"})
		b, _ := langBot(t, s)
		slow := &slowLocale{MemberStore: b.Members, started: make(chan struct{}), release: make(chan struct{})}
		b.Members = slow
		done := make(chan string)
		go func() { done <- b.commandPrinter(context.Background(), "U1").Lang() }()
		<-slow.started
		select {
		case got := <-done:
			if got != "fr" {
				t.Fatalf("speaks %q, want fr", got)
			}
		case <-time.After(10 * time.Second): // a hang, not a timing
			t.Fatal("the command waited for the locale write")
		}
		if l, ok := b.langs.knownLocale("U1"); !ok || l != "fr-CA" {
			t.Fatalf("locale in memory %q, %v", l, ok)
		}
		close(slow.release)
		b.inflight.Wait()
		if u, _ := b.Members.User("U1"); u.Locale != "fr-CA" {
			t.Fatalf("stored locale %q, want fr-CA", u.Locale)
		}
	})

	// Forget waits for a locale write in flight: stored after the
	// deletion, it would bring back a record of the member.
	t.Run("ForgetWaitsForTheWrite", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-CA"})
		b, _ := langBot(t, s)
		slow := &slowLocale{MemberStore: b.Members, started: make(chan struct{}), release: make(chan struct{})}
		b.Members = slow
		b.commandPrinter(context.Background(), "U1")
		<-slow.started
		forgot := make(chan error)
		go func() {
			_, err := b.forget(context.Background(), &Command{UserID: "U1", Name: "/mentor", Value: forgetValue(actionForgetConfirm, "U1", b.Now())})
			forgot <- err
		}()
		time.Sleep(50 * time.Millisecond) // time for a forget that did not wait to delete first
		close(slow.release)
		if err := <-forgot; err != nil {
			t.Fatal(err)
		}
		b.inflight.Wait()
		if u, err := b.Members.User("U1"); err != nil || u.Locale != "" {
			t.Fatalf("after forget the record is %+v (%v)", u, err)
		}
	})

	t.Run("SlackLocale", func(t *testing.T) {
		locales := map[string]string{"UFR": "fr-FR", "UCA": "fr-CA", "UGB": "en-GB", "UDE": "de-DE", "UNONE": "", "UODD": "fr_FR"}
		want := map[string]string{"UFR": "fr", "UCA": "fr", "UGB": "en", "UDE": "en", "UNONE": "en", "UODD": "fr"}
		s := newLocaleSlack(locales)
		b, _ := langBot(t, s)
		for id, w := range want {
			if got := b.printerFor(context.Background(), id).Lang(); got != w {
				t.Errorf("%s with locale %q speaks %q, want %q", id, locales[id], got, w)
			}
			b.inflight.Wait() // the locale is stored in the background
			u, err := b.Members.User(id)
			if err != nil || u.Locale != locales[id] {
				t.Errorf("%s: stored locale %q (%v), want %q", id, u.Locale, err, locales[id])
			}
		}
	})

	t.Run("ChoiceWins", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
		b, _ := langBot(t, s)
		if err := b.Members.UpdateUser("U1", func(u *store.User) error { u.Lang = "en"; return nil }); err != nil {
			t.Fatal(err)
		}
		if got := b.printerFor(context.Background(), "U1").Lang(); got != "en" {
			t.Fatalf("speaks %q, want the chosen en over Slack's fr-FR", got)
		}
		if n := s.callsOf("U1"); n != 0 {
			t.Fatalf("users.info called %d times for a member who chose", n)
		}
	})

	// A language the catalog no longer speaks (an operator removed its
	// files) falls back to Slack's locale.
	t.Run("ChoiceNotSpoken", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
		b, _ := langBot(t, s)
		b.Members.UpdateUser("U1", func(u *store.User) error { u.Lang = "de"; return nil })
		if got := b.printerFor(context.Background(), "U1").Lang(); got != "fr" {
			t.Fatalf("speaks %q, want fr from Slack", got)
		}
	})

	t.Run("OneCallUnderConcurrentCommands", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
		s.hold = make(chan struct{})
		b, _ := langBot(t, s)
		var wg sync.WaitGroup
		got := make([]string, 50)
		for i := range got {
			wg.Go(func() { got[i] = b.printerFor(context.Background(), "U1").Lang() })
		}
		waitFor(t, func() bool { return s.callsOf("U1") > 0 })
		close(s.hold)
		wg.Wait()
		for i, l := range got {
			if l != "fr" {
				t.Fatalf("caller %d got %q", i, l)
			}
		}
		if n := s.callsOf("U1"); n != 1 {
			t.Fatalf("users.info called %d times for 50 concurrent commands, want 1", n)
		}
	})

	t.Run("RefreshedDaily", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
		b, now := langBot(t, s)
		members := &countingMembers{MemberStore: b.Members}
		b.Members = members
		ctx := context.Background()
		b.commandPrinter(ctx, "U1")
		*now = now.Add(23 * time.Hour)
		b.commandPrinter(ctx, "U1")
		if n := s.callsOf("U1"); n != 1 {
			t.Fatalf("users.info called %d times within a day, want 1", n)
		}
		b.inflight.Wait()
		if members.writes != 1 {
			t.Fatalf("%d writes of the record, want 1 (the first locale)", members.writes)
		}
		*now = now.Add(2 * time.Hour)
		if got := b.commandPrinter(ctx, "U1").Lang(); got != "fr" || s.callsOf("U1") != 2 {
			t.Fatalf("after a day: %q, %d calls; want fr, read again", got, s.callsOf("U1"))
		}
		if members.writes != 1 {
			t.Fatalf("%d writes; an unchanged locale must not be written", members.writes)
		}
		s.set("U1", "en-US")
		*now = now.Add(25 * time.Hour)
		if got := b.commandPrinter(ctx, "U1").Lang(); got != "en" {
			t.Fatalf("after a change to en-US: %q", got)
		}
		b.inflight.Wait()
		if u, _ := b.Members.User("U1"); u.Locale != "en-US" || members.writes != 2 {
			t.Fatalf("stored %q after %d writes; want the new locale written once", u.Locale, members.writes)
		}
	})

	t.Run("SlowSlack", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
		s.hold = make(chan struct{}) // never released: users.info hangs
		b, now := langBot(t, s)
		b.langs.timeout = 10 * time.Millisecond
		ctx := context.Background()
		if got := b.commandPrinter(ctx, "U1").Lang(); got != "en" {
			t.Fatalf("speaks %q while Slack hangs, want English", got)
		}
		b.commandPrinter(ctx, "U1")
		if n := s.callsOf("U1"); n != 1 {
			t.Fatalf("users.info called %d times within the retry minute, want 1", n)
		}
		s.mu.Lock()
		s.hold = nil
		s.mu.Unlock()
		*now = now.Add(localeRetry + time.Second)
		if got := b.commandPrinter(ctx, "U1").Lang(); got != "fr" || s.callsOf("U1") != 2 {
			t.Fatalf("a minute later: %q after %d calls; want fr, asked again", got, s.callsOf("U1"))
		}
	})

	// A failed refresh keeps the language known before, not English.
	t.Run("FailedRefreshKeepsLanguage", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-CA"})
		b, now := langBot(t, s)
		b.commandPrinter(context.Background(), "U1")
		s.mu.Lock()
		s.err = errors.New("ratelimited")
		s.mu.Unlock()
		*now = now.Add(localeRefresh + time.Minute)
		if got := b.commandPrinter(context.Background(), "U1").Lang(); got != "fr" {
			t.Fatalf("speaks %q when the refresh failed, want fr as before", got)
		}
	})

	// After a restart the stored locale is used without asking Slack: a
	// nudge for a member seen before costs no users.info.
	t.Run("Restart", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
		b, now := langBot(t, s)
		b.commandPrinter(context.Background(), "U1")
		b.inflight.Wait() // as shutdown does: the locale is stored
		again := New(b.Members.(Store), b.Catalog, nil)
		again.Now = func() time.Time { return *now }
		again.Slack = s
		if got := again.commandPrinter(context.Background(), "U1").Lang(); got != "fr" {
			t.Fatalf("after a restart: %q", got)
		}
		if n := s.callsOf("U1"); n != 1 {
			t.Fatalf("users.info called %d times, want only the one before the restart", n)
		}
		*now = now.Add(localeRefresh)
		again.commandPrinter(context.Background(), "U1")
		if n := s.callsOf("U1"); n != 2 {
			t.Fatalf("users.info called %d times a day after the restart, want 2", n)
		}
	})

	// What the bot sends of its own accord uses the language known, even a
	// day old, without asking Slack; and does not wait for a command's
	// read in progress.
	t.Run("NudgeUsesKnown", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
		b, now := langBot(t, s)
		b.commandPrinter(context.Background(), "U1")
		*now = now.Add(3 * localeRefresh)
		s.set("U1", "en-US")
		if got := b.printerFor(context.Background(), "U1").Lang(); got != "fr" || s.callsOf("U1") != 1 {
			t.Fatalf("a nudge three days on: %q after %d calls; want the fr known, no call", got, s.callsOf("U1"))
		}
		s.mu.Lock()
		s.hold = make(chan struct{})
		s.mu.Unlock()
		done := make(chan string)
		go func() { done <- b.commandPrinter(context.Background(), "U1").Lang() }()
		waitFor(t, func() bool { return s.callsOf("U1") == 2 })
		if got := b.printerFor(context.Background(), "U1").Lang(); got != "fr" {
			t.Fatalf("a nudge while a command reads Slack: %q", got)
		}
		close(s.hold)
		if got := <-done; got != "en" {
			t.Fatalf("the command read %q, want the new en-US", got)
		}
		if got := b.printerFor(context.Background(), "U1").Lang(); got != "en" {
			t.Fatalf("a nudge after the command: %q", got)
		}
	})

	// English spoken because Slack failed for a member the bot knew
	// nothing of is retried by a nudge too, once localeRetry has passed.
	t.Run("NudgeRetriesAGuess", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
		s.err = errors.New("ratelimited")
		b, now := langBot(t, s)
		if got := b.printerFor(context.Background(), "U1").Lang(); got != "en" {
			t.Fatalf("while Slack fails: %q", got)
		}
		s.mu.Lock()
		s.err = nil
		s.mu.Unlock()
		*now = now.Add(localeRetry + time.Second)
		if got := b.printerFor(context.Background(), "U1").Lang(); got != "fr" || s.callsOf("U1") != 2 {
			t.Fatalf("a nudge a minute later: %q after %d calls; want fr, asked again", got, s.callsOf("U1"))
		}
	})

	t.Run("Bounded", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{})
		b, _ := langBot(t, s)
		b.langs.max = 5
		for i := range 40 {
			id := fmt.Sprintf("U%02d", i)
			s.set(id, "fr-FR")
			if got := b.printerFor(context.Background(), id).Lang(); got != "fr" {
				t.Fatalf("%s speaks %q", id, got)
			}
		}
		if n := len(b.langs.entries); n > 5 {
			t.Fatalf("%d members cached, want at most 5", n)
		}
	})

	t.Run("NoSlack", func(t *testing.T) {
		b := newTestBot(t)
		if got := b.printerFor(context.Background(), "U1").Lang(); got != "en" {
			t.Fatalf("speaks %q without Slack", got)
		}
	})
}
