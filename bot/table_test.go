package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// addRoute adds r to b's interaction table, for a test's own route.
func addRoute(tb testing.TB, b *Bot, r route) {
	tb.Helper()
	t, err := newTable(append(b.routes(), r))
	if err != nil {
		tb.Fatal(err)
	}
	b.table = t
}

func nopHandle(context.Context, *Command) (Reply, error) { return Reply{}, nil }

func nopSubmit(*Command, formValues) (*viewResponse, error) { return nil, nil }

// A table with a mistake in it is refused when it is built, naming the route.
func TestTable_RefusesMistakes(t *testing.T) {
	ok := route{kind: kindButton, id: "x.ok", summary: "fine", handle: nopHandle}
	for name, tc := range map[string]struct {
		r    route
		want string
	}{
		"ErrSubcommandCarries":   {route{kind: kindSlash, id: "x", summary: "help_sub_x", carries: carriesSlot, handle: nopHandle}, `subcommand "x": a subcommand carries only the words typed`},
		"ErrShortcutCarries":     {route{kind: kindShortcut, id: "x", summary: "s", carries: carriesPrompt, handle: nopHandle}, `shortcut "x": a shortcut carries the message`},
		"ErrPayloadWithoutCheck": {route{kind: kindButton, id: "x", summary: "s", carries: carriesKinds, handle: nopHandle}, `action "x": carries a payload no check knows`},
		"ErrNoHandler":           {route{kind: kindButton, id: "x", summary: "s"}, `action "x": needs handle`},
		"ErrFormWithoutFail":     {route{kind: kindForm, id: "x", summary: "s", submit: nopSubmit}, `callback "x": a form needs submit and fail`},
		"ErrFormWithHandle":      {route{kind: kindForm, id: "x", summary: "s", submit: nopSubmit, fail: fieldError, handle: nopHandle}, `callback "x": a form needs submit and fail`},
		"ErrNoSummary":           {route{kind: kindButton, id: "x", handle: nopHandle}, `action "x": needs an id and a summary`},
		"ErrNoID":                {route{kind: kindButton, summary: "s", handle: nopHandle}, `action "": needs an id and a summary`},
		"ErrDuplicateID":         {route{kind: kindButton, id: "x.ok", name: "other", summary: "s", handle: nopHandle}, `action "x.ok": declared twice`},
		"ErrDuplicateLogName":    {route{kind: kindForm, id: "y", name: "x.ok", summary: "s", submit: nopSubmit, fail: fieldError}, `callback "y": log name "x.ok" used twice`},
		"ErrUnknownName":         {route{kind: kindButton, id: "y", name: "unknown", summary: "s", handle: nopHandle}, `action "y": "unknown" is the log name`},
		"ErrSubcommandProse":     {route{kind: kindSlash, id: "y", summary: "does y", handle: nopHandle}, `subcommand "y": a subcommand's summary and args are ids of help messages`},
		"ErrSubcommandArgsProse": {route{kind: kindSlash, id: "y", args: "[N]", summary: "help_sub_y", handle: nopHandle}, `subcommand "y": a subcommand's summary and args are ids`},
		"ErrUnknownKind":         {route{kind: kindShortcut + 1, id: "y", summary: "s", handle: nopHandle}, `kind(4) "y": unknown kind`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newTable([]route{ok, tc.r})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("newTable = %v; want an error with %q", err, tc.want)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		// The same id may name a subcommand and a button: Slack tells them apart.
		tbl, err := newTable([]route{ok, {kind: kindSlash, id: "x", summary: "help_sub_x", handle: nopHandle}, {kind: kindShortcut, id: "x", name: "x.shortcut", summary: "s", handle: nopHandle}})
		if err != nil {
			t.Fatal(err)
		}
		if r, found := tbl.lookup(kindShortcut, "x"); !found || r.logName() != "x.shortcut" {
			t.Fatalf("lookup = %+v, %v", r, found)
		}
		if _, found := tbl.lookup(kindForm, "x"); found {
			t.Fatal("a subcommand's id found a form")
		}
	})
}

// Every id the views use is routed, and help lists every subcommand.
func TestTable_BotRoutes(t *testing.T) {
	b := newTestBot(t)
	for _, id := range []string{actionAnotherPrompt, actionReflect, actionSkipNext, actionPauseTwoWeeks, actionForgetConfirm,
		actionForgetCancel, actionHomePrompt, actionHomeSettings, actionHomePause, actionHomeResume, actionHomeExport} {
		if _, ok := b.table.lookup(kindButton, id); !ok {
			t.Errorf("button %s has no route", id)
		}
	}
	for _, id := range []string{callbackReflect, callbackSettings} {
		if _, ok := b.table.lookup(kindForm, id); !ok {
			t.Errorf("form %s has no route", id)
		}
	}
	help := blocksText(t, Reply{Blocks: helpBlocks(nil, "/mentor", b.table.subcommands())})
	for _, r := range b.table.subcommands() {
		if !strings.Contains(help, "`/mentor "+r.id) {
			t.Errorf("help does not list %s", r.id)
		}
	}
}

// payloadCase is what a route is clicked or submitted with: the payload a
// member is offered, and one forged from someone else's.
type payloadCase struct{ own, forged string }

// Walking the whole table: every button and form that carries a value runs
// its handler only when the value passes the check its row declares, and
// then sees that value; forged ones never reach the handler and are logged.
// A route that carries nothing sees no value, whatever the payload held. So
// a new button cannot act on a slot or reference it did not declare.
func TestTable_EveryPayloadIsChecked(t *testing.T) {
	newest := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	ref := func(slot time.Time) string { return promptRef{PromptID: "p", Theme: "t", Slot: slot}.value() }
	payloads := map[carries]payloadCase{
		carriesPrompt: {ref(newest), ref(newest.Add(time.Hour))}, // U1's nudge; a slot of no nudge of U1's
		carriesSlot:   {ref(newest), ref(time.Time{})},           // a slot must be named
	}
	b := newTestBot(t)
	b.Schedules = newManyNudges(b.Schedules, newest, 3)
	var logs syncLogs
	b.Logger = newTextLogger(&logs)
	mine, err := b.Wins.AddWin(store.Win{UserID: "U1", Text: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := b.Wins.AddWin(store.Win{UserID: "U2", Text: "theirs"})
	if err != nil {
		t.Fatal(err)
	}
	payloads[carriesWin] = payloadCase{winValue(mine.Seq, 10), winValue(theirs.Seq, 10)} // U1's win; U2's
	myExp, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: "p", Experiment: "x", Due: newest})
	if err != nil {
		t.Fatal(err)
	}
	theirExp, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U2", PromptID: "p", Experiment: "x", Due: newest})
	if err != nil {
		t.Fatal(err)
	}
	payloads[carriesExp] = payloadCase{expValue(myExp.Seq), expValue(theirExp.Seq)} // U1's; U2's

	var mu sync.Mutex
	seen := map[string]string{} // route id → the Value its handler saw
	record := func(c *Command) {
		mu.Lock()
		defer mu.Unlock()
		seen[c.Sub] = c.Value
	}
	routes := b.routes()
	for i := range routes {
		r := &routes[i]
		if r.submit != nil {
			r.submit = func(c *Command, _ formValues) (*viewResponse, error) { record(c); return nil, nil }
		} else {
			r.handle = func(_ context.Context, c *Command) (Reply, error) { record(c); return Reply{}, nil }
		}
	}
	b.table = mustTable(routes)

	n := 0
	send := func(r *route, user, value string) {
		n++
		cb := slack.InteractionCallback{User: slack.User{ID: user}, Channel: slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "D1"}}}}
		if r.kind == kindForm {
			cb.Type, cb.View = slack.InteractionTypeViewSubmission, slack.View{CallbackID: r.id, PrivateMetadata: value}
		} else {
			cb.Type = slack.InteractionTypeBlockActions
			cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: r.id, Value: value}}
		}
		b.serveInteractive(context.Background(), &fakeAcker{}, socketmode.Request{EnvelopeID: fmt.Sprint("W", n)}, cb)
		b.inflight.Wait()
	}
	walked := 0
	for i := range b.table.routes {
		r := &b.table.routes[i]
		if r.kind != kindButton && r.kind != kindForm {
			continue
		}
		walked++
		t.Run(r.id, func(t *testing.T) {
			pc, ok := payloads[r.carries]
			if r.carries == carriesOffer {
				pc, ok = payloadCase{forgetValue(r.id, "U1", b.Now()), forgetValue(r.id, "U2", b.Now())}, true
			}
			if r.carries == carriesNothing {
				send(r, "U1", ref(newest))
				if v, ran := seen[r.logName()]; !ran || v != "" {
					t.Fatalf("carries nothing: ran %v with Value %q; want a run with none", ran, v)
				}
				return
			}
			if !ok {
				t.Fatalf("no payloads for carries=%d: add them to this test", r.carries)
			}
			send(r, "U1", pc.forged)
			if v, ran := seen[r.logName()]; ran {
				t.Fatalf("forged %q reached the handler as %q", pc.forged, v)
			}
			if want := fmt.Sprintf("interactive payload refused\" user=U1 %s=%s", r.kind, r.id); !strings.Contains(logs.String(), want) {
				t.Fatalf("no %q in\n%s", want, logs.String())
			}
			send(r, "U1", pc.own)
			if v := seen[r.logName()]; v != pc.own {
				t.Fatalf("own payload reached the handler as %q; want %q", v, pc.own)
			}
		})
	}
	if walked < 13 {
		t.Fatalf("walked %d buttons and forms; the table has more", walked)
	}
}

// A message shortcut is routed by its callback id and its handler reads the
// message; one the table does not know is acked, logged and does nothing.
func TestTable_Shortcut(t *testing.T) {
	b, ack, sink := newTestBot(t), &fakeAcker{}, newResponseSink(t)
	var logs syncLogs
	b.Logger = newTextLogger(&logs)
	addRoute(t, b, route{kind: kindShortcut, id: "save_test", summary: "s", handle: func(_ context.Context, c *Command) (Reply, error) {
		return textReply("kept: " + c.Message.Text), nil
	}})
	cb := slack.InteractionCallback{Type: slack.InteractionTypeMessageAction, CallbackID: "save_test", User: slack.User{ID: "U1"}, ResponseURL: sink.URL}
	cb.Message.Text = "shipped it"
	b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: "S1"}, cb)
	cb.CallbackID = "save_nothing"
	b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: "S2"}, cb)
	b.inflight.Wait()
	if msgs := sink.messages(); len(msgs) != 1 || msgs[0]["text"] != "kept: shipped it" {
		t.Fatalf("response_url got %v", msgs)
	}
	for _, env := range []string{"S1", "S2"} {
		if acks := ack.get(env); len(acks) != 1 || string(acks[0]) != "null" {
			t.Errorf("%s: acks %s, want one empty", env, acks)
		}
	}
	if want := `level=WARN msg="unknown shortcut" user=U1 callback=save_nothing`; !strings.Contains(logs.String(), want) {
		t.Fatalf("no %q in\n%s", want, logs.String())
	}
}

// A form submitted without its inputs (Slack never sends one; a forger
// might) gets the form's own errors, not a panic and not an apology.
func TestTable_FormWithoutState(t *testing.T) {
	b, ack := newTestBot(t), &fakeAcker{}
	var logs syncLogs
	b.Logger = newTextLogger(&logs)
	for i, id := range []string{callbackReflect, callbackSettings} {
		env := fmt.Sprint("V", i)
		cb := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: "U1"}, View: slack.View{CallbackID: id, PrivateMetadata: "imp-1|impostor|0"}}
		b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: env}, cb)
		b.inflight.Wait()
		acks := ack.get(env)
		if len(acks) != 1 || !strings.Contains(string(acks[0]), `"response_action":"errors"`) || strings.Contains(string(acks[0]), "Sorry") {
			t.Errorf("%s: acks %s; want the form's field errors", id, acks)
		}
	}
	if strings.Contains(logs.String(), "panicked") {
		t.Fatalf("a handler panicked:\n%s", logs.String())
	}
}
