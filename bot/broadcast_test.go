package bot

import (
	"strings"
	"testing"
	"time"
)

// newLeadBot is the test bot with U1 a lead. Slack is not needed: recurring
// broadcasts are only stored, and channels are given by id.
func newLeadBot(t *testing.T) *Bot {
	t.Helper()
	b := newTestBot(t)
	b.Leads = NewLeadDirectory([]string{"U1"}, "", nil)
	return b
}

func TestBroadcastSchedule(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		b := newLeadBot(t)
		got := mustDispatch(t, b, "broadcast C0TEAM1 every mon 10:00 Europe/Paris impostor")
		contains(t, got, "Broadcast `b1`: an `impostor` topic in <#C0TEAM1> every Monday at 10:00 (Europe/Paris).", "The first one: Monday 23 November at 10:00 CET.")
		bc, ok, err := b.Broadcasts.Broadcast("b1")
		if err != nil || !ok || bc.Cadence != "weekly" || bc.Day != time.Monday || bc.TZ != "Europe/Paris" || !bc.NextDue.Equal(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("stored %+v, %v, %v", bc, ok, err)
		}
	})
	t.Run("Grammar", func(t *testing.T) {
		b := newLeadBot(t)
		contains(t, mustDispatch(t, b, "broadcast C0TEAM1 every mon 10:00 delegation"), "a `delegation` topic")
		contains(t, mustDispatch(t, b, "broadcast C0TEAM1 every tue 10:00 impostor"), "an `impostor` topic")
		contains(t, mustDispatch(t, b, "broadcast C0TEAM1 every wed 10:00 daring"), "a `daring` topic")
	})
	// A city of two words, between the time and the theme.
	t.Run("AsSaid", func(t *testing.T) {
		b := newLeadBot(t)
		contains(t, mustDispatch(t, b, "broadcast C0TEAM1 every monday at 10 am delegation"), "every Monday at 10:00 (UTC)")
	})
	t.Run("CityZone", func(t *testing.T) {
		b := newLeadBot(t)
		contains(t, mustDispatch(t, b, "broadcast C0TEAM1 every fri 9am new york daring"), "every Friday at 09:00 (America/New_York)", "`new york` read as America/New_York")
	})
	// The same broadcast twice would post everything twice.
	t.Run("ErrDuplicate", func(t *testing.T) {
		b := newLeadBot(t)
		mustDispatch(t, b, `broadcast C0TEAM1 every mon 10:00 Europe/Paris "What did we ship that nobody noticed?"`)
		got := mustFail(t, b, `broadcast C0TEAM1 every monday 10:00 paris "What did we ship that nobody noticed?"`, EINVALID)
		contains(t, got, "You have this broadcast already: `b1`", "`/mentor broadcast cancel b1`")
		// The same words in another case or spacing are the same topic.
		got = mustFail(t, b, `broadcast C0TEAM1 every mon 10:00 Europe/Paris « what did we  ship that nobody noticed? »`, EINVALID)
		contains(t, got, "You have this broadcast already: `b1`")
		if bs, _ := b.Broadcasts.BroadcastsByLead("U1"); len(bs) != 1 {
			t.Fatalf("%d broadcasts stored, want 1", len(bs))
		}
		// Another time, theme or channel is another broadcast.
		mustDispatch(t, b, `broadcast C0TEAM1 every mon 11:00 Europe/Paris "What did we ship that nobody noticed?"`)
		mustDispatch(t, b, "broadcast C0TEAM1 every mon 10:00 Europe/Paris delegation")
		mustDispatch(t, b, `broadcast C0TEAM2 every mon 10:00 Europe/Paris "What did we ship that nobody noticed?"`)
	})
	// Every error inside broadcast shows a broadcast example, with the
	// command's real name.
	t.Run("ErrExamples", func(t *testing.T) {
		b := newLeadBot(t)
		b.Command = "/coach"
		for text, want := range map[string]string{
			"broadcast C0TEAM1 every mon 10:00 Mars/Olympus delegation":              "`Mars/Olympus` is not a time zone I know",
			"broadcast C0TEAM1 every funday 10:00 delegation":                        "`funday` is not a day",
			"broadcast C0TEAM1 every mon 25:00 delegation":                           "`25:00` is not a time",
			"broadcast C0TEAM1 every 25:00 mon delegation":                           "`25:00` is not a time",
			"broadcast C0TEAM1 every mon 10 delegation":                              "`10` alone is not a time. Write `10:00`, or `22:00` for the evening, for example `/coach broadcast C0TEAM1 every mon 10:00 delegation`.",
			"broadcast C0TEAM1 chaque mon 10 lang:fr delegation":                     "for example `/coach broadcast C0TEAM1 chaque mon 10:00 lang:fr delegation`.",
			"broadcast lang:fr C0TEAM1 every mon 10 delegation":                      "for example `/coach broadcast lang:fr C0TEAM1 every mon 10:00 delegation`.",
			"broadcast C0TEAM1 every mon 10 nosuchtheme":                             "for example `/coach broadcast #team every fri 10:00 vision`.",
			"broadcast <#C0TEAM1|leads> every mon 8 new york delegation":             "for example `/coach broadcast C0TEAM1 every mon 08:00 new york delegation`.",
			"broadcast <#C0TEAM1|> every mon 8 delegation":                           "for example `/coach broadcast C0TEAM1 every mon 08:00 delegation`.",
			`broadcast C0TEAM1 every mon 8 "thanks <@U2|bob> for it"`:                "for example `/coach broadcast #team every fri 08:00 vision`.",
			`broadcast C0TEAM1 every mon 8 "" delegation`:                            "`8` alone is not a time",
			`broadcast C0TEAM1 every mon 8 "` + strings.Repeat("why not ", 30) + `"`: "for example `/coach broadcast #team every fri 08:00 vision`.",
			`broadcast C0TEAM1 every 15 mon "our own words"`:                         "Write `15:00`, for example `/coach broadcast C0TEAM1 every 15:00 mon \"our own words\"`.",
			"broadcast C0TEAM1 every mon 8 9 delegation":                             "for example `/coach broadcast #team every fri 08:00 vision`.",
			`broadcast C0TEAM1 every mon 8 "Retro"`:                                  "for example `/coach broadcast C0TEAM1 every mon 08:00 \"Retro\"`.",
			"broadcast C0TEAM1 every mon 8 \"the “why” of it\"":                      "for example `/coach broadcast #team every fri 08:00 vision`.",
			"broadcast C0TEAM1 every mon 8 \"the `why` of it\"":                      "for example `/coach broadcast #team every fri 08:00 vision`.",
			"broadcast C0TEAM1 every mon 8":                                          "`8` alone is not a time. Write `08:00`, or `20:00` for the evening, for example `/coach broadcast #team every fri 08:00 vision`.",
			"broadcast C0TEAM1 every mon delegation":                                 "Every when?",
			"broadcast C0TEAM1 every mon our own words":                              "Every when?",
			"broadcast C0TEAM1 every mon 10:00 CST delegation":                       "`CST` could be `America/Chicago`",
			"broadcast C0TEAM1 every daily 10:00 delegation":                         "A broadcast comes back once a week",
			"broadcast C0TEAM1 tous les jours 9h delegation":                         "A broadcast comes back once a week",
			`broadcast C0TEAM1 on call "x"`:                                          "Put a topic of your own between quotes",
			`broadcast C0TEAM1 le "x"`:                                               "Put a topic of your own between quotes",
			"broadcast C0TEAM1 mon 8 delegation":                                     "for example `/coach broadcast C0TEAM1 mon 08:00 delegation`.",
			"broadcast C0TEAM1 every mon tue 10:00 delegation":                       "One day only",
			"broadcast C0TEAM1 every mon 10:00 our own words":                        "Put a topic of your own between quotes",
			"broadcast C0TEAM1 every mon 10:00 astrology":                            "To post your own words, put them between quotes",
			"broadcast #Bad!Name delegation":                                         "is not a channel I know how to read",
			"broadcast C0TEAM1":                                                      "Which channel, and what?",
		} {
			c := &Command{UserID: "U1", ChannelID: "D1", Name: "/coach"}
			_, err := b.Dispatch(t.Context(), c, text)
			if err == nil {
				t.Fatalf("%s: no error", text)
			}
			msg := ErrorMessage(err)
			contains(t, msg, want, "`/coach broadcast ")
			if strings.Contains(msg, "`subscribe") || strings.Contains(msg, "`/coach subscribe") {
				t.Fatalf("%s: a subscribe example in %q", text, msg)
			}
		}
	})
}

func TestBroadcastCancel(t *testing.T) {
	b := newLeadBot(t)
	mustDispatch(t, b, "broadcast C0TEAM1 every mon 10:00 Europe/Paris delegation")
	mustDispatch(t, b, "broadcast C0TEAM1 every wed 10:00 Europe/Paris impostor")
	mustDispatch(t, b, `broadcast C0TEAM1 every fri 15:00 Europe/Paris "What did we ship that nobody noticed this week?"`)
	mustDispatch(t, b, "broadcast C0OTHER every mon 10:00 Europe/Paris delegation")

	got := mustDispatch(t, b, "broadcast cancel B2")
	contains(t, got, "Cancelled `b2`: an `impostor` topic in <#C0TEAM1> stops.", "Still posting in <#C0TEAM1>:\n• `b1`: a `delegation` topic every Monday at 10:00 (Europe/Paris)\n• `b3`: “What did we ship that nobody…” every Friday at 15:00 (Europe/Paris)")
	if strings.Contains(got, "b4") {
		t.Fatalf("another channel's broadcast listed: %q", got)
	}
	// Another lead's broadcast in the channel is named, with its lead.
	b.Leads = NewLeadDirectory([]string{"U1", "U2"}, "", nil)
	c := &Command{UserID: "U2", ChannelID: "D2", Name: "/mentor"}
	if _, err := b.Dispatch(t.Context(), c, "broadcast C0TEAM1 every thu 10:00 UTC daring"); err != nil {
		t.Fatal(err)
	}
	contains(t, mustDispatch(t, b, "broadcast cancel b1"), "• `b5`: a `daring` topic every Thursday at 10:00 (UTC), asked for by <@U2>")
	mustDispatch(t, b, "broadcast cancel b3")
	if _, err := b.Dispatch(t.Context(), c, "broadcast cancel b5"); err != nil {
		t.Fatal(err)
	}
	contains(t, mustDispatch(t, b, "broadcast cancel b4"), "No other broadcast posts in <#C0OTHER>.")

	contains(t, mustFail(t, b, "broadcast cancel b1", ENOTFOUND), "You have no broadcast `b1`")
	contains(t, mustFail(t, b, "broadcast cancel", EINVALID), "`/mentor broadcast cancel b3`")
	contains(t, mustFail(t, b, "broadcast cancel b2 b3", EINVALID), "One at a time: `/mentor broadcast cancel b2`")
}

// TestBroadcastsListing shows a custom topic by its first words.
func TestBroadcastsListing(t *testing.T) {
	b := newLeadBot(t)
	mustDispatch(t, b, `broadcast C0TEAM1 every fri 15:00 UTC "What did we ship that nobody noticed this week?"`)
	mustDispatch(t, b, "broadcast C0TEAM1 every mon 10:00 UTC impostor")
	r, err := dispatch(t, b, "broadcasts")
	if err != nil {
		t.Fatal(err)
	}
	got := blocksText(t, r)
	contains(t, got, "`b2` · <#C0TEAM1> · an `impostor` topic · every Monday at 10:00 (UTC)", "`b1` · <#C0TEAM1> · “What did we ship that nobody…” · every Friday at 15:00 (UTC)")
	if strings.Contains(got, "your topic") {
		t.Fatalf("listing: %q", got)
	}
}

// TestBroadcastsNotLead: a member who is not a lead and has no broadcasts
// asked to see their own, not to post: the answer says they have none and
// does not claim that nothing was posted.
func TestBroadcastsNotLead(t *testing.T) {
	t.Run("Directory", func(t *testing.T) {
		b := newLeadBot(t)
		c := &Command{UserID: "U2", ChannelID: "D2", Name: "/mentor"}
		_, err := b.Dispatch(t.Context(), c, "broadcasts")
		msg := ErrorMessage(err)
		contains(t, msg, "You have no broadcasts", "team leads", "MENTOR_LEADS", "`/mentor help`")
		if strings.Contains(msg, "posted") {
			t.Fatalf("listing answered as a refused post: %q", msg)
		}
	})
	t.Run("NoLeadsSetUp", func(t *testing.T) {
		b := newTestBot(t)
		b.Leads = nil
		c := &Command{UserID: "U2", ChannelID: "D2", Name: "/mentor"}
		_, err := b.Dispatch(t.Context(), c, "broadcasts")
		contains(t, ErrorMessage(err), "You have no broadcasts", "none set up yet")
	})
	// Posting still says nothing was posted.
	t.Run("PostRefused", func(t *testing.T) {
		b := newLeadBot(t)
		c := &Command{UserID: "U2", ChannelID: "D2", Name: "/mentor"}
		_, err := b.Dispatch(t.Context(), c, "broadcast C0TEAM1 vision")
		contains(t, ErrorMessage(err), "so I haven't posted anything")
	})
}
