package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// lastSeen is the newest message user sees in channel, as it reads now.
func lastSeen(t *testing.T, sim *slacksim.Server, user, channel string) slacksim.Message {
	t.Helper()
	ms := sim.MessagesIn(channel)
	for i := len(ms) - 1; i >= 0; i-- {
		if sim.SeenBy(user, ms[i]) && !ms[i].Deleted {
			return ms[i]
		}
	}
	t.Fatalf("%s sees nothing in %s", user, channel)
	return slacksim.Message{}
}

// waitSeen waits until the newest message user sees in channel holds want.
func waitSeen(t *testing.T, sim *slacksim.Server, user, channel, want string) slacksim.Message {
	t.Helper()
	var m slacksim.Message
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m = lastSeen(t, sim, user, channel); strings.Contains(m.Text+string(m.Blocks), want) {
			return m
		}
	}
	t.Fatalf("%s never saw %q in %s; the last message:\n%s\n%s", user, want, channel, m.Text, m.Blocks)
	return m
}

func TestE2E_Wins(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t)
	h.sim.AddUser(slacksim.User{ID: "U2", Name: "bob"})
	h.sim.AddUser(slacksim.User{ID: "U9", Name: "deploybot", Bot: true})
	h.sim.AddChannel(slacksim.Channel{ID: "C1", Name: "team", Members: []string{"U1", "U2"}})
	ctx := context.Background()
	wins := func(user string) []store.Win {
		t.Helper()
		ws, _, err := h.app.db.Wins(user, 0)
		if err != nil {
			t.Fatal(err)
		}
		return ws
	}

	t.Run("Empty", func(t *testing.T) {
		if got := h.slash("U1", "wins"); !strings.Contains(got, "evidence for the days doubt shows up") {
			t.Fatalf("empty wins:\n%s", got)
		}
	})
	t.Run("Win", func(t *testing.T) {
		if got := h.slash("U1", `win Said "no" to the third rewrite`); !strings.Contains(got, "You have 1 win") {
			t.Fatalf("win:\n%s", got)
		}
	})
	t.Run("SaveAMessage", func(t *testing.T) {
		msg, err := h.sim.Post("U2", "C1", "Ana, thanks for unblocking the deploy!")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // a double click keeps one
			if _, err := h.sim.MessageShortcut(ctx, "U1", msg, "save_win"); err != nil {
				t.Fatal(err)
			}
		}
		// The two answers replace nothing and may come in either order.
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			text := ""
			for _, m := range h.sim.MessagesIn("C1") {
				if m.VisibleTo == "U1" {
					text += m.Text + "\n"
				}
			}
			if strings.Contains(text, "in your wins already") && strings.Contains(text, "Saved to your wins") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("U1 was told:\n%s", text)
			}
		}
		ws := wins("U1")
		want := "https://" + h.sim.Options().TeamDomain + ".slack.com/archives/C1/p" + strings.ReplaceAll(msg.TS, ".", "")
		if len(ws) != 2 || ws[0].Text != msg.Text || ws[0].Author != "U2" || ws[0].Channel != "C1" || ws[0].Permalink != want {
			t.Fatalf("wins %+v, want the message with link %s", ws, want)
		}
		if lastSeen(t, h.sim, "U2", "C1").TS != msg.TS {
			t.Fatal("U2 saw the bot's answer to U1's shortcut")
		}
		file := h.sim.AddFile("launch-chart.png", []byte("png"))
		if msg, err = h.sim.Post("U2", "C1", "", file); err != nil {
			t.Fatal(err)
		}
		if _, err := h.sim.MessageShortcut(ctx, "U1", msg, "save_win"); err != nil {
			t.Fatal(err)
		}
		waitSeen(t, h.sim, "U1", "C1", "You have 3 wins")
		if w := wins("U1")[0]; !strings.Contains(w.Text, "launch-chart.png") || w.Permalink == "" {
			t.Fatalf("a file-only message saved as %+v", w)
		}
	})
	t.Run("Thanks", func(t *testing.T) {
		for text, want := range map[string]string{
			"thanks <@U1|ana> for me":          "`/mentor win TEXT` keeps it",
			"thanks <@U9|deploybot> for green": "Bots keep no wins",
			"thanks":                           "Whom would you like to thank?",
		} {
			if got := h.slash("U1", text); !strings.Contains(got, want) {
				t.Errorf("%s:\n%s", text, got)
			}
		}
		if got := h.slash("U1", "thanks <@U2|bob> for the patient review"); !strings.Contains(got, "Sent. <@U2>") {
			t.Fatalf("thanks:\n%s", got)
		}
		if dms := h.dms("U2"); len(dms) != 1 || !strings.Contains(dms[0].Text, "<@U1> thanked you: for the patient review") {
			t.Fatalf("DMs to U2: %+v", dms)
		}
		if ws := wins("U2"); len(ws) != 1 || ws[0].From != "U1" {
			t.Fatalf("U2's wins: %+v", ws)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		h.slash("U1", "wins")
		list := lastSeen(t, h.sim, "U1", "DU1")
		theirs := wins("U2")[0]
		// A forged Delete naming U2's win, on U1's own list, changes nothing.
		if _, err := h.sim.ForgeClick(ctx, "U1", list, "win.delete", strconv.FormatUint(theirs.Seq, 10)+":10"); err != nil {
			t.Fatal(err)
		}
		waitSeen(t, h.sim, "U1", "DU1", "nothing changed")
		if len(wins("U2")) != 1 {
			t.Fatal("U1 deleted U2's win")
		}
		h.slash("U1", "wins")
		list = lastSeen(t, h.sim, "U1", "DU1")
		if _, err := h.sim.Click(ctx, "U1", list, "win.delete"); err != nil {
			t.Fatal(err)
		}
		ask := waitSeen(t, h.sim, "U1", "DU1", "Delete this win for good?")
		if len(wins("U1")) != 3 {
			t.Fatal("deleted before asking")
		}
		for _, want := range []string{"Deleted that win.", "not in your list any more"} { // the second click finds it gone
			if _, err := h.sim.Click(ctx, "U1", ask, "win.delete.confirm"); err != nil {
				t.Fatal(err)
			}
			waitSeen(t, h.sim, "U1", "DU1", want)
		}
		if ws := wins("U1"); len(ws) != 2 || strings.Contains(ws[0].Text, "launch-chart.png") {
			t.Fatalf("after delete: %+v", ws)
		}
		h.openHome("U1")
		waitHome(t, h.sim, "U1", "*Your wins* (2 wins)", "thanks for unblocking the deploy")
	})
}
