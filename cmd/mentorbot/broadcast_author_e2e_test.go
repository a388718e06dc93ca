package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// A lead must be in the channel to broadcast there, a private one the bot
// was invited to included: before, the bot posted for a lead who was not.
func TestE2E_BroadcastLeadNotInChannel(t *testing.T) {
	t.Parallel()
	h := newLeadHarness(t)
	h.sim.AddChannel(slacksim.Channel{ID: "G1SECRET", Name: "secret", BotIsMember: true, Members: []string{"U1"}})
	for _, cmd := range []string{`broadcast <#G1SECRET|secret> "what slowed us down?"`, "broadcast <#G1SECRET|secret> every mon 10:00 vision"} {
		got := h.slash("U0LEAD", cmd)
		if !strings.Contains(got, "You are not in <#G1SECRET>") {
			t.Fatalf("%s:\n%s", cmd, got)
		}
	}
	if n := len(h.posts("G1SECRET")); n != 0 {
		t.Fatalf("%d posts in a channel the lead is not in", n)
	}
	if got := h.slash("U0LEAD", "broadcasts"); strings.Contains(got, "`b1`") {
		t.Fatalf("a refused schedule was stored:\n%s", got)
	}
	// Once the lead joins, the same command goes through; a channel with
	// more members than one page of conversations.members is read through.
	members := []string{"U1"}
	for i := range 2500 {
		members = append(members, fmt.Sprintf("U9%04d", i))
	}
	h.sim.AddChannel(slacksim.Channel{ID: "G1SECRET", Name: "secret", BotIsMember: true, Members: append(members, "U0LEAD")})
	if got := h.slash("U0LEAD", `broadcast <#G1SECRET|secret> "what slowed us down?"`); !strings.Contains(got, "Posted in") {
		t.Fatalf("a lead in the channel was refused:\n%s", got)
	}
	if n := len(h.sim.CallsTo("conversations.members")); n < 3 {
		t.Fatalf("%d conversations.members calls for 2,502 members; the walk stopped at the first page", n)
	}
}

// A lead's recurring broadcast is held, with one DM saying why, while its
// author is no longer a lead or no longer in the channel; the author still
// lists and cancels it, and once the author may post again it goes on by
// itself. Before, a demoted lead's broadcasts kept posting and the lead
// could neither list nor cancel them; then they were paused for good.
func TestE2E_BroadcastAuthorDemoted(t *testing.T) {
	t.Parallel()
	h := newLeadHarness(t)
	// Monday 10:00 in Paris is 09:00 UTC in November.
	if got := h.slash("U0LEAD", "broadcast #team every mon 10:00 vision"); !strings.Contains(got, "`b1`") {
		t.Fatalf("reply:\n%s", got)
	}
	if got := h.slash("U0GRP", "broadcast #team every mon 10:00 empathy"); !strings.Contains(got, "`b2`") {
		t.Fatalf("reply:\n%s", got)
	}
	// U0LEAD is taken off MENTOR_LEADS; U0GRP leaves #team.
	h.stop()
	h.leads = nil
	h.sim.AddChannel(slacksim.Channel{ID: "C1TEAM", Name: "team", BotIsMember: true, Members: []string{"U1", "U0LEAD"}})
	h.start()
	slot := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h.tick(slot)
	h.tick(slot.Add(6 * time.Hour)) // 10:00 in New York, U0GRP's zone
	if n := len(h.posts("C1TEAM")); n != 0 {
		t.Fatalf("%d posts by authors who may no longer post", n)
	}
	for user, why := range map[string]string{"U0LEAD": "no longer a lead", "U0GRP": "no longer in the channel"} {
		dms := h.dms(user)
		if len(dms) != 1 || !strings.Contains(dms[0].Text, "I am holding your broadcast") || !strings.Contains(dms[0].Text, why) ||
			!strings.Contains(dms[0].Text, "posts again by itself") {
			t.Fatalf("%s not told %q: %+v", user, why, dms)
		}
	}
	got := h.slash("U0LEAD", "broadcasts")
	if !strings.Contains(got, "`b1`") || !strings.Contains(got, "on hold:* you are no longer a lead") {
		t.Fatalf("the demoted lead cannot list their broadcast:\n%s", got)
	}
	// b2, held, posts nothing: it is not named as still posting.
	if got := h.slash("U0LEAD", "broadcast cancel b1"); !strings.Contains(got, "Cancelled `b1`") || !strings.Contains(got, "No other broadcast posts in") {
		t.Fatalf("the demoted lead cannot cancel their broadcast:\n%s", got)
	}
	if got := h.slash("U0LEAD", "broadcast #team vision"); !strings.Contains(got, "for team leads") {
		t.Fatalf("the demoted lead may still broadcast:\n%s", got)
	}
	// Held: the next week posts nothing and tells nobody again.
	h.tick(slot.Add(7*24*time.Hour + 6*time.Hour))
	if n := len(h.posts("C1TEAM")); n != 0 {
		t.Fatalf("a held broadcast posted")
	}
	if n := len(h.dms("U0GRP")); n != 1 {
		t.Fatalf("%d DMs to U0GRP, want the one", n)
	}
	// U0GRP joins #team again: b2 posts at its next slot, once, and is no
	// longer listed on hold.
	h.sim.AddChannel(slacksim.Channel{ID: "C1TEAM", Name: "team", BotIsMember: true, Members: []string{"U1", "U0LEAD", "U0GRP"}})
	h.tick(slot.Add(14*24*time.Hour + 6*time.Hour))
	h.tick(slot.Add(14*24*time.Hour + 6*time.Hour + time.Minute))
	if n := len(h.posts("C1TEAM")); n != 1 {
		t.Fatalf("%d posts once the author is back in the channel, want 1", n)
	}
	if got := h.slash("U0GRP", "broadcasts"); !strings.Contains(got, "`b2`") || strings.Contains(got, "on hold") {
		t.Fatalf("b2 after it posted again:\n%s", got)
	}
	if n := len(h.dms("U0GRP")); n != 1 {
		t.Fatalf("%d DMs to U0GRP, want the one", n)
	}
}
