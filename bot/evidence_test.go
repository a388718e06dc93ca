package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// An impostor card in a DM shows one of the member's own wins, another one
// each time; never in a channel, never under another theme, nothing for a
// member without wins.
func TestImpostorEvidence(t *testing.T) {
	b := newTestBot(t)
	march := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	for _, w := range []store.Win{
		{UserID: "U1", Text: "Led the incident review calmly", At: march},
		{UserID: "U1", From: "U2", Text: "for the patient onboarding", At: march.AddDate(0, 1, 0)},
	} {
		if _, err := b.Wins.AddWin(w); err != nil {
			t.Fatal(err)
		}
	}
	card := func(user, channel, text string) string {
		t.Helper()
		r, err := b.Dispatch(context.Background(), &Command{UserID: user, ChannelID: channel, Name: "/mentor"}, text)
		b.inflight.Wait()
		if err != nil {
			t.Fatal(err)
		}
		return blocksText(t, r)
	}
	first, second := card("U1", "D1", "prompt impostor"), card("U1", "D1", "prompt impostor")
	if !strings.Contains(first, "*Evidence you kept on 3 April, thanks from <@U2>:*\n> for the patient onboarding") {
		t.Fatalf("first impostor card:\n%s", first)
	}
	if !strings.Contains(second, "*Evidence you kept on 3 March:*\n> Led the incident review calmly") {
		t.Fatalf("second impostor card shows the same win or none:\n%s", second)
	}
	for _, tc := range []struct{ name, user, channel, text string }{
		{"InAChannel", "U1", "C1", "prompt impostor"},
		{"InAPrivateChannel", "U1", "G1", "prompt impostor"},
		{"AnotherTheme", "U1", "D1", "prompt daring"},
		{"NoWins", "U3", "D3", "prompt impostor"},
	} {
		if got := card(tc.user, tc.channel, tc.text); strings.Contains(got, "Evidence") {
			t.Errorf("%s: evidence shown:\n%s", tc.name, got)
		}
	}
	// A card in a channel did not use up a turn: the newest win is next.
	if got := card("U1", "D1", "prompt impostor"); !strings.Contains(got, "patient onboarding") {
		t.Fatalf("third card in a DM:\n%s", got)
	}
}

// A scheduled impostor nudge carries the evidence too.
func TestSendDue_ImpostorEvidence(t *testing.T) {
	b := newTestBot(t)
	client, s := simSlack(t)
	b.Slack = client
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	if _, err := b.Wins.AddWin(store.Win{UserID: "U1", Text: "Shipped the search rewrite", At: slot.AddDate(0, -1, 0)}); err != nil {
		t.Fatal(err)
	}
	sub := store.Subscription{UserID: "U1", Focus: []string{"impostor"}, Schedule: store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 15, TZ: "UTC", NextDue: slot}}
	if err := b.Schedules.PutSubscription(sub); err != nil {
		t.Fatal(err)
	}
	rep, err := b.SendDue(context.Background(), slot)
	posts := s.MessagesIn("DU1")
	if err != nil || rep.Sent != 1 || len(posts) != 1 {
		t.Fatalf("SendDue = %+v, %v; %d posts", rep, err, len(posts))
	}
	if blocks := string(posts[0].Blocks); !strings.Contains(blocks, "Evidence you kept on 20 October") || !strings.Contains(blocks, "Shipped the search rewrite") {
		t.Fatalf("nudge without evidence:\n%s", blocks)
	}
}
