package store

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mentorbot/mentorbot/prompts"
)

var (
	fixtureOut  = flag.String("fixture.out", "", "TestBuildYearFixture writes its database to this path")
	fixtureSubs = flag.Int("fixture.subs", 100_000, "subscribers TestBuildYearFixture writes a year for")
)

const fixtureWeek = 7 * 24 * time.Hour

// fixtureZones are the zones fixture subscribers live in, loaded once.
var fixtureZones = map[string]*time.Location{}

// TestBuildYearFixture writes the database cmd/mentorbot's BenchmarkStartup
// measures: -fixture.subs subscribers (100,000 by default), each with a year
// of weekly activity ending now: the user record, the subscription, and for
// each of 52 weeks the claimed and sent nudge, its history entry and a
// reflection of 400 characters that answers it. Every subscriber's next
// nudge falls in the coming week, spread evenly, as in a running workspace.
//
// It writes through the same transaction functions the bot's store calls use
// (claimNudge, finishNudge, addReflection), a week at a time as in
// production, but a thousand members to a transaction: one transaction per
// call, as the bot makes them, would take half an hour at 100,000. It is
// skipped unless -fixture.out is given:
//
//	go test -run TestBuildYearFixture -timeout 1h ./store -args -fixture.out=/var/tmp/mentorbot-100k.db
func TestBuildYearFixture(t *testing.T) {
	if *fixtureOut == "" {
		t.Skip("-fixture.out not set")
	}
	if _, err := os.Stat(*fixtureOut); err == nil {
		t.Fatalf("%s exists; remove it first", *fixtureOut)
	}
	start := time.Now()
	writeFixture(t, *fixtureOut, *fixtureSubs, start.Truncate(time.Minute))
	fi, err := os.Stat(*fixtureOut)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d subscribers, a year each: %d MiB (%d bytes per subscriber) in %v",
		*fixtureSubs, fi.Size()>>20, fi.Size()/int64(*fixtureSubs), time.Since(start).Round(time.Second))
}

// A small fixture is checked like any store state, so the builder the
// benchmark depends on stays right.
func TestBuildYearFixture_Small(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/year.db"
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	writeFixture(t, path, 40, now)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CountSubscriptions(); err != nil || n != 40 {
		t.Fatalf("%d subscriptions (%v), want 40", n, err)
	}
	if due, err := db.DueBefore(now, 0); err != nil || len(due) != 0 {
		t.Fatalf("%d due now (%v), want none: every next nudge is in the coming week", len(due), err)
	}
	if due, err := db.DueBefore(now.Add(fixtureWeek), 0); err != nil || len(due) != 40 {
		t.Fatalf("%d due within a week (%v), want 40", len(due), err)
	}
	// Spread over the week at any size, 100,000 included.
	for _, n := range []int{40, 100_000, 1_000_000} {
		first, last := fixtureNext(now, 0, n), fixtureNext(now, n-1, n)
		if !first.After(now) || last.Sub(now) < 6*24*time.Hour || last.Sub(now) > fixtureWeek {
			t.Fatalf("n=%d: next nudges from %v to %v, want the week after %v", n, first, last, now)
		}
	}
	for _, id := range []string{fixtureUser(0), fixtureUser(39)} {
		nudges, err := db.Nudges(id, 0)
		if err != nil || len(nudges) != 52 {
			t.Fatalf("%s: %d nudges (%v), want 52", id, len(nudges), err)
		}
		for _, n := range nudges {
			if n.Status != NudgeSent || !n.Reflected {
				t.Fatalf("%s: nudge %+v, want sent and reflected", id, n)
			}
		}
		if rs, err := db.Reflections(id, 0); err != nil || len(rs) != 52 || len(rs[0].Text) != 400 {
			t.Fatalf("%s: %d reflections (%v), want 52 of 400 characters", id, len(rs), err)
		}
		if h, err := db.History(id, 0); err != nil || len(h) != 52 {
			t.Fatalf("%s: %d history entries (%v), want 52", id, len(h), err)
		}
	}
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func fixtureUser(i int) string { return fmt.Sprintf("U%07d", i) }

// writeFixture writes n subscribers' year ending at now into a new database
// at path.
func writeFixture(tb testing.TB, path string, n int, now time.Time) {
	tb.Helper()
	catalog, err := prompts.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	var ps []*prompts.Prompt
	for _, t := range catalog.Themes() {
		for _, p := range t.Prompts {
			if p.Is(prompts.AudiencePrivate) {
				ps = append(ps, p)
			}
		}
	}
	var zones []*time.Location
	for _, name := range []string{"Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			tb.Fatal(err)
		}
		zones = append(zones, loc)
		fixtureZones[name] = loc
	}
	db, err := Open(path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer func() {
		if err := db.Close(); err != nil {
			tb.Fatal(err)
		}
	}()
	db.bolt.NoSync = true // a fixture: a crash means building it again
	defer func() { db.bolt.NoSync = false }()

	subs := make([]Subscription, n)
	for i := range subs {
		// The next nudge is in the coming week, the first 52 weeks before it.
		next := fixtureNext(now, i, n)
		first := next.Add(-52 * fixtureWeek).In(zones[i%len(zones)])
		subs[i] = Subscription{UserID: fixtureUser(i), Created: first.Add(-fixtureWeek).UTC(), Schedule: Schedule{Cadence: "weekly", Day: first.Weekday(), Hour: first.Hour(), Minute: first.Minute(), TZ: first.Location().String(), NextDue: first.UTC()}}
	}
	const perTx = 1000
	inChunks := func(fn func(tx *bolt.Tx, s *Subscription) error) {
		for lo := 0; lo < n; lo += perTx {
			err := db.bolt.Update(func(tx *bolt.Tx) error {
				for i := lo; i < min(lo+perTx, n); i++ {
					if err := fn(tx, &subs[i]); err != nil {
						return fmt.Errorf("%s: %w", subs[i].UserID, err)
					}
				}
				return nil
			})
			if err != nil {
				tb.Fatal(err)
			}
		}
	}
	inChunks(func(tx *bolt.Tx, s *Subscription) error {
		user, err := encodeUser(User{Role: "ic"})
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketUsers).Put([]byte(s.UserID), user); err != nil {
			return err
		}
		enc, err := encodeSubscription(*s)
		if err != nil {
			return err
		}
		return putSubscription(tx, s.UserID, enc)
	})
	for w := range 52 {
		i := 0
		inChunks(func(tx *bolt.Tx, s *Subscription) error {
			i++
			return fixtureWeekOf(tx, s, w, ps[(i+w)%len(ps)])
		})
	}
}

// fixtureNext is subscriber i of n's next nudge: in the week after now,
// spread evenly, to the minute.
func fixtureNext(now time.Time, i, n int) time.Time {
	step := (fixtureWeek - 2*time.Minute) / time.Duration(n) // divided first: i*week overflows
	return now.Add(time.Minute + time.Duration(i)*step).Truncate(time.Minute)
}

// fixtureWeekOf records one sent and answered nudge for s, as the scheduler
// and the Reflect modal write them, and moves s on a week in its zone.
func fixtureWeekOf(tx *bolt.Tx, s *Subscription, w int, p *prompts.Prompt) error {
	slot := s.NextDue
	n := Nudge{UserID: s.UserID, Slot: slot, PromptID: p.ID, Theme: p.Theme}
	if err := claimNudge(tx, &n); err != nil {
		return err
	}
	n.Status, n.Channel, n.TS, n.At = NudgeSent, "D"+s.UserID, fmt.Sprintf("%d.%06d", slot.Unix(), w), slot
	loc, ok := fixtureZones[s.TZ]
	if !ok {
		return fmt.Errorf("zone %q not loaded", s.TZ)
	}
	l := slot.In(loc)
	next := *s
	next.NextDue = time.Date(l.Year(), l.Month(), l.Day()+7, s.Hour, s.Minute, 0, 0, loc).UTC()
	enc, err := encodeNudge(n)
	if err != nil {
		return err
	}
	subEnc, err := encodeSubscription(next)
	if err != nil {
		return err
	}
	if err := finishNudge(tx, n, enc, subEnc, &HistoryEntry{PromptID: p.ID, Theme: p.Theme, At: slot}); err != nil {
		return err
	}
	*s = next
	r := Reflection{UserID: s.UserID, PromptID: p.ID, Theme: p.Theme, Prompt: p.Text,
		Text: fixtureReflection(s.UserID, w), At: slot.Add(2 * time.Hour), Slot: slot}
	return addReflection(tx, &r)
}

// fixtureReflection is 400 characters of reflection, different for every
// member and week.
func fixtureReflection(userID string, w int) string {
	const words = "This week I noticed that I waited for permission again before changing the deploy script, " +
		"although nobody had asked me to wait. Next time I will open the pull request first and ask for review after. " +
		"The design review went better than I feared: I said what worried me about the cache and two people agreed. "
	s := fmt.Sprintf("%s, week %d. ", userID, w+1) + words[w%40:]
	return strings.Repeat(s, 2)[:400]
}
