package main

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// newLeadHarness is the app with a listed lead (U0LEAD), a user-group lead (U0GRP),
// a member (U1), a channel the bot is in (with all three) and one it is not
// (with the listed lead).
func newLeadHarness(t *testing.T) *appHarness {
	t.Helper()
	sim := slacksim.New(e2eSimOptions())
	t.Cleanup(sim.Close)
	for _, u := range []slacksim.User{{ID: "U1", TZ: "Europe/Paris"}, {ID: "U0LEAD", TZ: "Europe/Paris"}, {ID: "U0GRP", TZ: "America/New_York"}} {
		sim.AddUser(u)
	}
	sim.AddChannel(slacksim.Channel{ID: "C1TEAM", Name: "team", BotIsMember: true, Members: []string{"U1", "U0LEAD", "U0GRP"}})
	sim.AddChannel(slacksim.Channel{ID: "C2OUT", Name: "outside", Members: []string{"U0LEAD"}})
	sim.AddUserGroup("S0LEADS", "U0GRP")
	h := &appHarness{t: t, sim: sim, clock: &clock{t: friMorning}, dbPath: t.TempDir() + "/m.db",
		leads: []string{"U0LEAD"}, leadGroup: "S0LEADS"}
	h.start()
	return h
}

func (h *appHarness) posts(channel string) []slacksim.Message {
	var out []slacksim.Message
	for _, m := range h.sim.MessagesIn(channel) {
		if m.Source == "chat.postMessage" {
			out = append(out, m)
		}
	}
	return out
}

func TestE2E_Broadcast(t *testing.T) {
	t.Parallel()
	h := newLeadHarness(t)

	t.Run("NotALead", func(t *testing.T) {
		got := h.slash("U1", "broadcast #team last-mile")
		if !strings.Contains(got, "for team leads") || !strings.Contains(got, "MENTOR_LEADS") {
			t.Fatalf("refusal:\n%s", got)
		}
		if n := len(h.posts("C1TEAM")); n != 0 {
			t.Fatalf("a non-lead's broadcast was posted")
		}
	})

	t.Run("ListedLead", func(t *testing.T) {
		got := h.slash("U0LEAD", "broadcast <#C1TEAM|team> last-mile")
		if !strings.Contains(got, "Posted in") {
			t.Fatalf("reply:\n%s", got)
		}
		ps := h.posts("C1TEAM")
		if len(ps) != 1 {
			t.Fatalf("%d posts", len(ps))
		}
		text, _ := slacksim.Render(ps[0].Text, ps[0].Blocks)
		if !strings.Contains(text, "The last mile") || !strings.Contains(text, "Reply in the thread") || !strings.Contains(text, "<@U0LEAD>") {
			t.Fatalf("post:\n%s", text)
		}
	})

	t.Run("GroupLeadByName", func(t *testing.T) {
		h.slash("U0GRP", "broadcast #team vision")
		if n := len(h.posts("C1TEAM")); n != 2 {
			t.Fatalf("%d posts, want 2", n)
		}
	})

	t.Run("CustomTopicNoPing", func(t *testing.T) {
		h.slash("U0LEAD", `broadcast #team "Hey @here and <!channel>: what slowed you down this week?"`)
		ps := h.posts("C1TEAM")
		last := ps[len(ps)-1]
		all := last.Text + string(last.Blocks)
		if strings.Contains(all, "<!channel>") || strings.Contains(all, "@here ") || !strings.Contains(all, "what slowed you down") {
			t.Fatalf("mass mention not neutralised:\n%s", all)
		}
	})

	t.Run("NotInChannel", func(t *testing.T) {
		got := h.slash("U0LEAD", "broadcast <#C2OUT|outside> daring")
		if !strings.Contains(got, "/invite @mentorbot") {
			t.Fatalf("not_in_channel reply:\n%s", got)
		}
	})

	t.Run("UnknownThemeSuggestsQuotes", func(t *testing.T) {
		got := h.slash("U0LEAD", "broadcast #team bananas")
		if !strings.Contains(got, "between quotes") {
			t.Fatalf("reply:\n%s", got)
		}
	})
}

func TestE2E_RecurringBroadcast(t *testing.T) {
	t.Parallel()
	h := newLeadHarness(t)
	// Monday 10:00 in Paris is 09:00 UTC in November.
	got := h.slash("U0LEAD", "broadcast #team every mon 10:00 first-principles")
	if !strings.Contains(got, "Monday 23 November at 10:00 CET") || !strings.Contains(got, "`b1`") {
		t.Fatalf("reply:\n%s", got)
	}
	got = h.slash("U0LEAD", "broadcast <#C2OUT|outside> every tue 09:00 UTC \"what did we learn?\"")
	if !strings.Contains(got, "`b2`") {
		t.Fatalf("reply:\n%s", got)
	}
	slot := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h.tick(slot.Add(-time.Minute))
	if n := len(h.posts("C1TEAM")); n != 0 {
		t.Fatalf("posted before the minute")
	}
	h.tick(slot)
	h.tick(slot.Add(30 * time.Second))
	if n := len(h.posts("C1TEAM")); n != 1 {
		t.Fatalf("%d posts at the slot, want 1", n)
	}

	// Tuesday: the bot is not in #outside; the schedule stays, on hold,
	// and the lead is told once how to invite the bot.
	h.tick(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	got = h.slash("U0LEAD", "broadcasts")
	if !strings.Contains(got, "`b1`") || !strings.Contains(got, "on hold:* I am not in the channel") || !strings.Contains(got, "/invite @mentorbot") {
		t.Fatalf("broadcasts:\n%s", got)
	}
	if dms := h.dms("U0LEAD"); len(dms) != 1 || !strings.Contains(dms[0].Text, "I am holding your broadcast `b2`") || !strings.Contains(dms[0].Text, "/invite @mentorbot") {
		t.Fatalf("lead not told how to invite the bot: %+v", dms)
	}

	// A restart keeps the schedules and posts nothing twice.
	h.stop()
	h.start()
	h.tick(slot.Add(time.Minute))
	if n := len(h.posts("C1TEAM")); n != 1 {
		t.Fatalf("%d posts after restart", n)
	}
	h.tick(slot.Add(7 * 24 * time.Hour))
	if n := len(h.posts("C1TEAM")); n != 2 {
		t.Fatalf("%d posts a week later, want 2", n)
	}

	// Cancelling needs only authorship, so a member hears they have no b1.
	if got := h.slash("U1", "broadcast cancel b1"); !strings.Contains(got, "no broadcast `b1`") {
		t.Fatalf("a member cancelled a broadcast:\n%s", got)
	}
	if got := h.slash("U0GRP", "broadcast cancel b1"); !strings.Contains(got, "no broadcast `b1`") {
		t.Fatalf("another lead cancelled b1:\n%s", got)
	}
	if got := h.slash("U0LEAD", "broadcast cancel b1"); !strings.Contains(got, "Cancelled `b1`") {
		t.Fatalf("cancel:\n%s", got)
	}
	h.tick(slot.Add(14 * 24 * time.Hour))
	if n := len(h.posts("C1TEAM")); n != 2 {
		t.Fatalf("a cancelled broadcast posted")
	}
	// b2 was tried each Tuesday since, still without the bot in #outside:
	// its lead was told once.
	if n := len(h.dms("U0LEAD")); n != 1 {
		t.Fatalf("%d DMs after weeks out of the channel, want 1", n)
	}
}

func TestE2E_BroadcastArchivedChannel(t *testing.T) {
	t.Parallel()
	h := newLeadHarness(t)
	h.sim.AddChannel(slacksim.Channel{ID: "C3OLD", Name: "old", BotIsMember: true, Members: []string{"U0LEAD"}})
	h.slash("U0LEAD", "broadcast <#C3OLD|old> every mon 10:00 empathy")
	h.sim.AddChannel(slacksim.Channel{ID: "C3OLD", Name: "old", BotIsMember: true, Archived: true, Members: []string{"U0LEAD"}})
	h.tick(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	got := h.slash("U0LEAD", "broadcasts")
	if !strings.Contains(got, "on hold") || !strings.Contains(got, "archived") {
		t.Fatalf("broadcasts:\n%s", got)
	}
	dms := h.dms("U0LEAD")
	if len(dms) != 1 || !strings.Contains(dms[0].Text, "I am holding your broadcast `b1`") {
		t.Fatalf("lead not told: %+v", dms)
	}
	// Held: tried once at the next slot, still archived, and the lead is
	// not told again.
	h.tick(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	if n := len(h.posts("C3OLD")); n != 0 {
		t.Fatalf("%d posts in an archived channel", n)
	}
	if n := len(h.dms("U0LEAD")); n != 1 {
		t.Fatalf("%d DMs to the lead, want the one", n)
	}
	// Unarchived: the next slot posts.
	h.sim.AddChannel(slacksim.Channel{ID: "C3OLD", Name: "old", BotIsMember: true, Members: []string{"U0LEAD"}})
	h.tick(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	if n := len(h.posts("C3OLD")); n != 1 {
		t.Fatalf("%d posts once the channel was unarchived, want 1", n)
	}
}

// A channel gone for good pauses its broadcast: nothing more is tried.
func TestE2E_BroadcastChannelGone(t *testing.T) {
	t.Parallel()
	h := newLeadHarness(t)
	h.sim.AddChannel(slacksim.Channel{ID: "C4TMP", Name: "tmp", BotIsMember: true, Members: []string{"U0LEAD"}})
	h.slash("U0LEAD", "broadcast <#C4TMP|tmp> every mon 10:00 empathy")
	h.sim.RemoveChannel("C4TMP")
	h.tick(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	if got := h.slash("U0LEAD", "broadcasts"); !strings.Contains(got, "paused:* the channel is gone") {
		t.Fatalf("broadcasts:\n%s", got)
	}
	if dms := h.dms("U0LEAD"); len(dms) != 1 || !strings.Contains(dms[0].Text, "I paused your broadcast `b1`") {
		t.Fatalf("lead not told: %+v", dms)
	}
	calls := len(h.sim.CallsTo("chat.postMessage"))
	h.tick(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	if n := len(h.sim.CallsTo("chat.postMessage")); n != calls {
		t.Fatalf("a paused broadcast was attempted again")
	}
}
