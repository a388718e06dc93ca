package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// goldenWins are four wins, one of each origin, newest first.
func goldenWins() []store.Win {
	at := time.Date(2026, time.December, 4, 15, 30, 0, 0, time.UTC)
	return []store.Win{
		{Seq: 4, UserID: "U1", From: "U2", Text: "for the careful review of the migration", At: at},
		{Seq: 3, UserID: "U1", Author: "U3", Channel: "C1", Permalink: "https://example.slack.com/archives/C1/p1",
			Text: "The release went out on time, thanks to the checklist.", At: at.AddDate(0, 0, -2)},
		{Seq: 2, UserID: "U1", Author: "U3", Channel: "DU1", Text: "You explained it better than the docs.", At: at.AddDate(0, 0, -30)},
		{Seq: 1, UserID: "U1", Text: "Said no to the third rewrite, kindly.", At: at.AddDate(0, -3, 1)},
	}
}

// TestWinsGolden pins /mentor wins, its Delete question, Home's wins and
// the evidence under an impostor card in both languages.
func TestWinsGolden(t *testing.T) {
	ws := goldenWins()
	golden(t, "wins", winsBlocks(en, "/mentor", ws, 12, "Europe/Paris", ""))
	golden(t, "wins.fr", winsBlocks(fr, "/mentor", ws, 12, "Europe/Paris", fr.T("wins_deleted")))
	golden(t, "wins-empty.fr", winsBlocks(fr, "/mentor", nil, 0, "Europe/Paris", ""))
	golden(t, "wins-delete.fr", deleteWinBlocks(fr, ws[1], "Europe/Paris", 4))
	golden(t, "wins-home.fr", homeWinsBlocks(fr, "/mentor", ws, 12, "Europe/Paris"))
	golden(t, "wins-evidence.fr", evidenceBlocks(fr, ws[0], "Europe/Paris"))
}

// A French list of fifty long wins stays inside Slack's limits, as the
// English one does (TestCmdWins).
func TestWinsBlocks_FrenchFits(t *testing.T) {
	var ws []store.Win
	for i := range winsMax {
		ws = append(ws, store.Win{Seq: uint64(i + 1), UserID: "U1", Text: strings.Repeat("日&", 495), At: time.Unix(1e9, 0),
			Author: "U0123456789", Channel: "C0123456789", Permalink: "https://example-workspace.slack.com/archives/C0123456789/p1700000000000100"})
	}
	blocks := winsBlocks(fr, "/mentor", ws, 60, "Europe/Paris", fr.T("wins_nothing_deleted"))
	if n := encodedSize(blocks); len(blocks) > maxBlocks || n > replyBudget {
		t.Fatalf("%d blocks, %d bytes: over Slack's limits", len(blocks), n)
	}
	if _, cut := fitBlocks(blocks, replyBudget); cut {
		t.Fatal("the reply's budget cut the French list; it should fit as built")
	}
}

// The "Say what for" hint shows the person as Slack shows a mention, a
// name: inside a code span <@U2> would stay a raw id.
func TestCmdThanks_WhatForHint(t *testing.T) {
	b := newTestBot(t)
	b.Slack = newWinsSlack()
	_, err := dispatchAs(t, b, "U1", "thanks <@U2|bob> .")
	if want := "`/mentor thanks` <@U2> `for the careful review`"; !strings.Contains(ErrorMessage(err), want) {
		t.Fatalf("hint: %q, want %q in it", ErrorMessage(err), want)
	}
}

// A French member's win, list and thanks speak French.
func TestWins_French(t *testing.T) {
	b := newTestBot(t)
	s := newWinsSlack()
	b.Slack = s
	run := func(text string) (Reply, error) {
		t.Helper()
		r, err := b.Dispatch(context.Background(), &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: fr}, text)
		b.inflight.Wait()
		return r, err
	}
	if r, err := run("win J'ai dit non à la troisième réécriture"); err != nil || !strings.Contains(r.Text, "Tu as 1 réussite dans ton carnet") {
		t.Fatalf("win: %q, %v", r.Text, err)
	}
	if r, err := run("wins"); err != nil || r.Text != "Tes réussites" || !strings.Contains(blocksText(t, r), "*Tes réussites* (1)") {
		t.Fatalf("wins: %q, %v\n%s", r.Text, err, blocksText(t, r))
	}
	if _, err := run("wins dix"); !strings.Contains(ErrorMessage(err), "de 1 à 50") {
		t.Fatalf("wins dix: %v", err)
	}
	if _, err := run("thanks <@U1> pour moi"); !strings.Contains(ErrorMessage(err), "Te remercier toi-même") {
		t.Fatalf("thanks yourself: %v", err)
	}
	if r, err := run("thanks <@U2> pour la relecture"); err != nil || !strings.HasPrefix(r.Text, "Envoyé. <@U2>") {
		t.Fatalf("thanks: %q, %v", r.Text, err)
	}
}

// The DM a thanked member gets speaks their language, whatever the
// sender's: here U2's Slack locale is French and U1 writes in English.
func TestCmdThanks_TheirLanguage(t *testing.T) {
	b := newTestBot(t)
	s := newWinsSlack()
	s.users["U2"].Locale = "fr-FR"
	b.Slack = s
	r, err := b.Dispatch(context.Background(), &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: en}, "thanks <@U2> for the pairing")
	b.inflight.Wait()
	if err != nil || !strings.HasPrefix(r.Text, "Sent. <@U2>") {
		t.Fatalf("sender's reply: %q, %v", r.Text, err)
	}
	if dms := s.dms["U2"]; len(dms) != 1 || dms[0] != "<@U1> te remercie : « for the pairing »" {
		t.Fatalf("DMs to U2: %q", dms)
	}
}
