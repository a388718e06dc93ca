package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// Issue 7: a payload that is not the acting member's own changes nothing and
// is logged. Ana (U1) is the victim, Bo (U2) sends the forged payloads; both
// are leads, subscribed, and were sent a nudge.

const ana, bo = "U1", "U2"

// idRig is the real app with two members and everything of Ana's that
// carries a value or metadata on screen: her nudge, a prompt card she asked
// for, her forget confirmation, her Home tab, her settings form and an open
// reflection modal. Bo has his own nudge.
type idRig struct {
	*appHarness
	logs                   *syncBuffer
	anaNudge, boNudge      slacksim.Message
	anaCard, anaForget     slacksim.Message
	anaReflect, anaSetting slacksim.View
	anaSlot, boSlot        time.Time
	answered               map[string]bool // answers toldBo has counted, by ts
}

func newIDRig(t *testing.T) *idRig {
	t.Helper()
	sim := slacksim.New(e2eSimOptions())
	t.Cleanup(sim.Close)
	sim.AddUser(slacksim.User{ID: ana, Name: "ana", TZ: "Europe/Paris"})
	sim.AddUser(slacksim.User{ID: bo, Name: "bo", TZ: "America/New_York"})
	sim.AddChannel(slacksim.Channel{ID: "C1TEAM", Name: "team", BotIsMember: true, Members: []string{ana, bo}})
	r := &idRig{logs: &syncBuffer{}, answered: map[string]bool{}}
	r.appHarness = &appHarness{t: t, sim: sim, clock: &clock{t: friMorning}, dbPath: t.TempDir() + "/m.db",
		leads: []string{ana, bo}, logs: r.logs}
	r.start()
	ctx := context.Background()

	// Friday 16:00 in Paris and 17:00 in New York: two different slots.
	r.slash(ana, "subscribe weekly fri 16:00")
	r.slash(bo, "subscribe weekly fri 17:00")
	r.anaSlot, r.boSlot = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
	r.tick(r.anaSlot)
	r.tick(r.boSlot)
	if a, b := r.dms(ana), r.dms(bo); len(a) != 1 || len(b) != 1 {
		t.Fatalf("nudges: %d for Ana, %d for Bo", len(a), len(b))
	}
	r.anaNudge, r.boNudge = r.dms(ana)[0], r.dms(bo)[0]
	if got := r.slash(ana, "broadcast #team every mon 10:00 last-mile"); !strings.Contains(got, "`b1`") {
		t.Fatalf("broadcast:\n%s", got)
	}

	// One reflection of Ana's on her nudge, saved the ordinary way.
	r.served(t, ana, "reflect.open", func() (*slacksim.Ack, error) { return sim.Click(ctx, ana, r.anaNudge, "reflect.open") })
	v := waitViews(t, sim, ana, 1)[0]
	ack := r.submitted(t, ana, "reflect.save", func() (*slacksim.Ack, error) {
		return submitReflection(ctx, sim, ana, v.ID, "Ana's private words.")
	})
	if !strings.Contains(string(ack.Payload), "Saved to your journal") {
		t.Fatalf("Ana's reflection: %s", ack.Payload)
	}

	r.slash(ana, "prompt")
	r.anaCard = r.lastIn(t, "D"+ana, "prompt.another")
	waitFor(t, func() bool { h, _ := r.app.db.History(ana, 0); return len(h) == 2 })
	r.slash(ana, "forget")
	r.anaForget = r.lastIn(t, "D"+ana, "forget.confirm")
	r.openHome(ana)
	waitHome(t, sim, ana, "YOUR BROADCASTS", "Ana's private words.")
	waitHome(t, sim, bo, "weekly on Friday at 17:00") // published after his subscribe

	// Ana's settings form, then her reflection modal, which stays open.
	r.served(t, ana, "home.settings", func() (*slacksim.Ack, error) { return sim.ClickHome(ctx, ana, "home.settings") })
	r.anaSetting = waitViews(t, sim, ana, 1)[0]
	r.served(t, ana, "reflect.open", func() (*slacksim.Ack, error) { return sim.Click(ctx, ana, r.anaNudge, "reflect.open") })
	waitFor(t, func() bool { vs := sim.OpenViews(ana); return len(vs) == 1 && vs[0].CallbackID == "reflect" })
	r.anaReflect = sim.OpenViews(ana)[0]
	if want := "|" + strconv.FormatInt(r.anaSlot.Unix(), 10); !strings.HasSuffix(r.anaReflect.PrivateMetadata, want) {
		t.Fatalf("Ana's modal metadata %q does not name her slot", r.anaReflect.PrivateMetadata)
	}
	return r
}

// lastIn is the newest message in channel with a button actionID.
func (r *idRig) lastIn(t *testing.T, channel, actionID string) slacksim.Message {
	t.Helper()
	msgs := r.sim.MessagesIn(channel)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(string(msgs[i].Blocks), `"action_id":"`+actionID+`"`) {
			return msgs[i]
		}
	}
	t.Fatalf("no message with %s in %s", actionID, channel)
	return slacksim.Message{}
}

// logLines are the log's lines that contain every one of parts.
func (r *idRig) logLines(parts ...string) []string {
	var out []string
	for line := range strings.Lines(r.logs.String()) {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// served runs act, user's payload for sub (an action_id, reflect.save or
// settings.save), and waits for the bot's command line of it, which comes
// after the answer; it returns that line's outcome.
func (r *idRig) served(t *testing.T, user, sub string, act func() (*slacksim.Ack, error)) string {
	t.Helper()
	_, outcome := r.serve(t, user, sub, act)
	return outcome
}

// submitted is served for a view_submission, returning the ack.
func (r *idRig) submitted(t *testing.T, user, sub string, act func() (*slacksim.Ack, error)) *slacksim.Ack {
	t.Helper()
	ack, _ := r.serve(t, user, sub, act)
	return ack
}

func (r *idRig) serve(t *testing.T, user, sub string, act func() (*slacksim.Ack, error)) (*slacksim.Ack, string) {
	t.Helper()
	key := "msg=command user=" + user + " sub=" + sub + " "
	n := len(r.logLines(key))
	ack, err := act()
	if err != nil {
		t.Fatal(err)
	}
	var line string
	waitFor(t, func() bool {
		lines := r.logLines(key)
		if len(lines) > n {
			line = lines[n]
		}
		return line != ""
	})
	_, outcome, _ := strings.Cut(line, "outcome=")
	outcome, _, _ = strings.Cut(outcome, " ")
	return ack, outcome
}

// refusals are the Warn lines refusing payloads of user.
func (r *idRig) refusals(user string) []string {
	return r.logLines(`level=WARN msg="interactive payload refused" user=` + user + " ")
}

// memberState is every record the store keeps of a member, as JSON, to
// compare byte for byte.
func memberState(t *testing.T, db *store.DB, user string) string {
	t.Helper()
	u, err := db.User(user)
	if err != nil {
		t.Fatal(err)
	}
	sub, subscribed, err := db.Subscription(user)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := db.History(user, 0)
	if err != nil {
		t.Fatal(err)
	}
	nudges, err := db.Nudges(user, 0)
	if err != nil {
		t.Fatal(err)
	}
	refl, err := db.Reflections(user, 0)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := db.BroadcastsByLead(user)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(map[string]any{"user": u, "subscribed": subscribed, "subscription": sub,
		"history": hist, "nudges": nudges, "reflections": refl, "broadcasts": bs})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// seen is what a member has: their records, the messages the app sent them
// in their DM, their Home tab and their open modals.
type seen struct{ state, dm, home, modals string }

func (r *idRig) seen(t *testing.T, user string) seen {
	t.Helper()
	// The messages they were sent, and every version of them an answer put
	// in their place; new answers to a click are checked on their own.
	msgs := r.sim.MessagesIn("D" + user)
	theirs := map[string]bool{}
	for _, m := range msgs {
		if (m.VisibleTo == "" || m.VisibleTo == user) && m.Source != "response_url" {
			theirs[m.TS] = true
		}
	}
	var dm []slacksim.Message
	for _, m := range msgs {
		if theirs[m.TS] {
			dm = append(dm, m)
		}
	}
	var modals []string
	for _, v := range r.sim.OpenViews(user) {
		modals = append(modals, v.ID+" "+v.Hash)
	}
	raw, _ := json.Marshal(dm)
	return seen{memberState(t, r.app.db, user), string(raw), homeText(r.sim, user), strings.Join(modals, ",")}
}

func (s seen) diff(was seen) string {
	switch {
	case s.state != was.state:
		return fmt.Sprintf("records changed:\n  was %s\n  now %s", was.state, s.state)
	case s.dm != was.dm:
		return "DM changed"
	case s.home != was.home:
		return fmt.Sprintf("Home tab changed:\n%s\nwas\n%s", s.home, was.home)
	case s.modals != was.modals:
		return fmt.Sprintf("modals changed: %s, was %s", s.modals, was.modals)
	}
	return ""
}

// expectRefused runs act as Bo and checks it was refused: nothing of Ana's
// nor of Bo's changed, Bo was told (in an answer only he sees, for a button;
// under the field, for a form) and one Warn line names Bo, key (action=… or
// callback=…) and the value, with logged in it.
func (r *idRig) expectRefused(t *testing.T, sub, key, logged string, act func() (*slacksim.Ack, error)) *slacksim.Ack {
	t.Helper()
	anaWas, boWas := r.seen(t, ana), r.seen(t, bo)
	warns := len(r.refusals(bo))
	ack, outcome := r.serve(t, bo, sub, act)
	if outcome != "forbidden" {
		t.Errorf("outcome %q, want forbidden", outcome)
	}
	if d := r.seen(t, ana).diff(anaWas); d != "" {
		t.Errorf("Ana's: %s", d)
	}
	if d := r.seen(t, bo).diff(boWas); d != "" {
		t.Errorf("Bo's: %s", d)
	}
	lines := r.refusals(bo)
	if len(lines) != warns+1 {
		t.Fatalf("%d new Warn lines, want 1:\n%s", len(lines)-warns, r.logs.String())
	}
	if l := lines[warns]; !strings.Contains(l, " "+key+" ") || !strings.Contains(l, logged) {
		t.Errorf("Warn line %q lacks %q or %q", l, key, logged)
	}
	if sub == "reflect.save" {
		if !strings.Contains(string(ack.Payload), `"response_action":"errors"`) || !strings.Contains(string(ack.Payload), "not for one of your prompts") {
			t.Errorf("ack %s", ack.Payload)
		}
	} else if !r.toldBo(t, "That button is not one of yours") {
		t.Error("Bo was not told")
	}
	return ack
}

// toldBo reports whether Bo got an answer only he sees containing text;
// each answer counts once.
func (r *idRig) toldBo(t *testing.T, text string) bool {
	t.Helper()
	for _, m := range r.sim.Messages() {
		if m.VisibleTo == bo && m.Source == "response_url" && strings.Contains(m.Text, text) && !r.answered[m.TS] {
			r.answered[m.TS] = true
			return true
		}
	}
	return false
}

// A rating rides along, as on submitReflection's forms: a fifth of the
// prompts are a scale whose form asks for one, and a form without it would
// be refused for that before the identity checks under test are reached.
// The bot ignores it on a form that has no scale.
func reflectionState(text string) map[string]map[string]any {
	return map[string]map[string]any{
		"reflection": {"text": map[string]any{"type": "plain_text_input", "value": text}},
		"rating":     {"value": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "3"}}},
	}
}

// withMetadata is a view object with its private_metadata replaced.
func withMetadata(t *testing.T, view json.RawMessage, metadata string) json.RawMessage {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(view, &v); err != nil {
		t.Fatal(err)
	}
	v["private_metadata"] = metadata
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestE2E_IdentityForgedReflection(t *testing.T) {
	t.Parallel()
	r := newIDRig(t)
	ctx := context.Background()
	meta := r.anaReflect.PrivateMetadata
	prompt, _, _ := strings.Cut(meta, "|")
	anaSlot, boSlot := strconv.FormatInt(r.anaSlot.Unix(), 10), strconv.FormatInt(r.boSlot.Unix(), 10)

	noSuchSlot := strconv.FormatInt(r.anaSlot.Unix()+3600, 10)
	for _, tc := range []struct{ name, metadata, logged string }{
		{"Copied", meta, "value=" + meta + " "},
		{"AnaIDAppended", meta + "|" + ana, "value=" + meta + "|" + ana + " "},
		{"AnaIDAsTheme", prompt + "|" + ana + "|" + anaSlot, "value=" + prompt + "|" + ana + "|" + anaSlot + " "},
		{"AnaIDOnly", ana, "value=" + ana + " "},
		{"UserField", `{"user":"` + ana + `","slot":` + anaSlot + `}`, `value="{\"user\":\"` + ana + `\",\"slot\":` + anaSlot + `}" `},
		{"AnotherPromptOnAnasSlot", "impostor-quiet-question|impostor|" + anaSlot, "value=impostor-quiet-question|impostor|" + anaSlot + " "},
		{"NoSuchSlot", prompt + "||" + noSuchSlot, "value=" + prompt + "||" + noSuchSlot + " "},
		{"Garbage", "garbage", "value=garbage "},
		{"Empty", "", `value="" `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			words := "Bo's forged words " + tc.name
			r.expectRefused(t, "reflect.save", "callback=reflect", tc.logged, func() (*slacksim.Ack, error) {
				return r.sim.ForgeSubmission(ctx, bo, withMetadata(t, r.anaReflect.JSON, tc.metadata), reflectionState(words))
			})
			if strings.Contains(r.logs.String(), words) {
				t.Error("the reflection's text was logged")
			}
		})
	}

	// Metadata that names no slot names nothing of anyone's: a prompt of the
	// catalog, as a card asked for carries. Bo's words go to his own journal,
	// unscheduled, as when he presses Reflect under a prompt he asked for.
	t.Run("NoSlotIsBosOwn", func(t *testing.T) {
		anaWas := r.seen(t, ana)
		ack := r.submitted(t, bo, "reflect.save", func() (*slacksim.Ack, error) {
			return r.sim.ForgeSubmission(ctx, bo, withMetadata(t, r.anaReflect.JSON, prompt+"|*|0"), reflectionState("Bo on a prompt anyone can read."))
		})
		if !strings.Contains(string(ack.Payload), "Saved to your journal") {
			t.Fatalf("ack %s", ack.Payload)
		}
		if d := r.seen(t, ana).diff(anaWas); d != "" {
			t.Errorf("Ana's: %s", d)
		}
		rs, _ := r.app.db.Reflections(bo, 0)
		if len(rs) != 1 || memberWords(rs[0].Text) != "Bo on a prompt anyone can read." || !rs[0].Slot.IsZero() || rs[0].PromptID != prompt {
			t.Fatalf("Bo's journal: %+v", rs)
		}
	})

	// Bo's own modal on his own nudge still saves, on his slot.
	t.Run("BosOwnModal", func(t *testing.T) {
		anaWas := r.seen(t, ana)
		r.served(t, bo, "reflect.open", func() (*slacksim.Ack, error) { return r.sim.Click(ctx, bo, r.boNudge, "reflect.open") })
		v := waitViews(t, r.sim, bo, 1)[0]
		if !strings.HasSuffix(v.PrivateMetadata, "|"+boSlot) {
			t.Fatalf("Bo's metadata %q", v.PrivateMetadata)
		}
		ack := r.submitted(t, bo, "reflect.save", func() (*slacksim.Ack, error) {
			return submitReflection(ctx, r.sim, bo, v.ID, "Bo on his own nudge.")
		})
		if !strings.Contains(string(ack.Payload), "Saved to your journal") {
			t.Fatalf("ack %s", ack.Payload)
		}
		if rs, _ := r.app.db.Reflections(bo, 1); len(rs) != 1 || !rs[0].Slot.Equal(r.boSlot) {
			t.Fatalf("Bo's newest reflection: %+v", rs)
		}
		if d := r.seen(t, ana).diff(anaWas); d != "" {
			t.Errorf("Ana's: %s", d)
		}
	})

	// And after all that, Ana's own modal still saves on her slot.
	t.Run("AnasModalStillHers", func(t *testing.T) {
		ack := r.submitted(t, ana, "reflect.save", func() (*slacksim.Ack, error) {
			return submitReflection(ctx, r.sim, ana, r.anaReflect.ID, "Ana, second thoughts.")
		})
		if !strings.Contains(string(ack.Payload), "Saved to your journal") {
			t.Fatalf("ack %s", ack.Payload)
		}
		rs, _ := r.app.db.Reflections(ana, 0)
		if len(rs) != 2 || memberWords(rs[0].Text) != "Ana, second thoughts." || !rs[0].Slot.Equal(r.anaSlot) {
			t.Fatalf("Ana's journal: %+v", rs)
		}
		if len(r.refusals(ana)) != 0 {
			t.Error("Ana's own submission was refused")
		}
	})
}

// Settings carry nothing but the form's fields: whoever submits whose form,
// the settings saved are the submitter's.
func TestE2E_IdentityForgedSettings(t *testing.T) {
	t.Parallel()
	r := newIDRig(t)
	ctx := context.Background()
	values := map[string]map[string]any{
		"cadence": {"cadence": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "daily"}}},
		"day":     {"day": map[string]any{"type": "static_select", "selected_option": nil}},
		"time":    {"time": map[string]any{"type": "timepicker", "selected_time": "07:15"}},
		"tz":      {"tz": map[string]any{"type": "plain_text_input", "value": "Asia/Tokyo"}},
		"role":    {"role": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "manager"}}},
		"focus":   {"focus": map[string]any{"type": "multi_static_select", "selected_options": []any{}}},
	}
	for _, tc := range []struct{ name, metadata string }{{"Copied", ""}, {"MetadataNamesAna", ana}, {"UserField", `{"user":"` + ana + `"}`}} {
		t.Run(tc.name, func(t *testing.T) {
			anaWas := r.seen(t, ana)
			// Start Bo from other settings each time, so the save shows.
			if got := r.slash(bo, "subscribe weekly fri 17:00"); !strings.Contains(got, "weekly on Friday at 17:00") {
				t.Fatalf("reset: %s", got)
			}
			ack := r.submitted(t, bo, "settings.save", func() (*slacksim.Ack, error) {
				return r.sim.ForgeSubmission(ctx, bo, withMetadata(t, r.anaSetting.JSON, tc.metadata), values)
			})
			if !strings.Contains(string(ack.Payload), "daily at 07:15 (Asia/Tokyo)") {
				t.Fatalf("ack %s", ack.Payload)
			}
			if d := r.seen(t, ana).diff(anaWas); d != "" {
				t.Errorf("Ana's: %s", d)
			}
			sub, _, _ := r.app.db.Subscription(bo)
			u, _ := r.app.db.User(bo)
			if sub.Cadence != "daily" || sub.TZ != "Asia/Tokyo" || u.Role != "manager" {
				t.Fatalf("Bo's settings: %+v, role %q", sub, u.Role)
			}
		})
	}
}

func TestE2E_IdentityForgedClicks(t *testing.T) {
	t.Parallel()
	r := newIDRig(t)
	ctx := context.Background()
	boSlot := strconv.FormatInt(r.boSlot.Unix(), 10)
	// anaValue is the value of one of the buttons of Ana's nudge.
	anaValue := func(action string) string {
		_, buttons := slacksim.Render(r.anaNudge.Text, r.anaNudge.Blocks)
		for _, b := range buttons {
			if b.ActionID == action {
				return b.Value
			}
		}
		t.Fatalf("no %s button", action)
		return ""
	}

	// Every button of Ana's nudge, clicked by Bo as it is.
	for _, action := range []string{"reflect.open", "prompt.another", "nudge.skip", "nudge.pause"} {
		t.Run("Nudge/"+action, func(t *testing.T) {
			r.expectRefused(t, action, "action="+action, anaValue(action), func() (*slacksim.Ack, error) {
				return r.sim.Click(ctx, bo, r.anaNudge, action)
			})
		})
	}
	// The same buttons naming Bo's own slot: his slot, but not the message
	// he was sent it in. The slot is a value's third field.
	for _, action := range []string{"reflect.open", "prompt.another", "nudge.skip", "nudge.pause"} {
		t.Run("NudgeOnBosSlot/"+action, func(t *testing.T) {
			fields := strings.Split(anaValue(action), "|")
			fields[2] = boSlot
			onBosSlot := strings.Join(fields, "|")
			r.expectRefused(t, action, "action="+action, onBosSlot, func() (*slacksim.Ack, error) {
				return r.sim.ForgeClick(ctx, bo, r.anaNudge, action, onBosSlot)
			})
			if l := r.refusals(bo); !strings.Contains(l[len(l)-1], "another channel") {
				t.Errorf("reason: %s", l[len(l)-1])
			}
		})
	}

	// Ana's forget confirmation: neither button is Bo's to press. Bo's data
	// stays too: the confirmation was not offered to him.
	for _, action := range []string{"forget.confirm", "forget.cancel"} {
		t.Run("Forget/"+action, func(t *testing.T) {
			r.expectRefused(t, action, "action="+action, action+":"+ana, func() (*slacksim.Ack, error) {
				return r.sim.Click(ctx, bo, r.anaForget, action)
			})
		})
	}

	// A prompt card Ana asked for carries a prompt of the catalog and no
	// slot: nothing of hers. Bo's click acts for Bo alone.
	t.Run("Card/reflect.open", func(t *testing.T) {
		anaWas, boWas := r.seen(t, ana), r.seen(t, bo)
		if out := r.served(t, bo, "reflect.open", func() (*slacksim.Ack, error) { return r.sim.Click(ctx, bo, r.anaCard, "reflect.open") }); out != "ok" {
			t.Fatalf("outcome %s", out)
		}
		if d := r.seen(t, ana).diff(anaWas); d != "" {
			t.Errorf("Ana's: %s", d)
		}
		if vs := r.sim.OpenViews(bo); len(vs) != 1 || vs[0].CallbackID != "reflect" || !strings.HasSuffix(vs[0].PrivateMetadata, "|0") {
			t.Errorf("Bo's modals: %+v", vs)
		}
		if got := r.seen(t, bo); got.state != boWas.state {
			t.Errorf("Bo's records changed by opening a modal")
		}
	})
	t.Run("Card/prompt.another", func(t *testing.T) {
		anaWas := r.seen(t, ana)
		before, _ := r.app.db.History(bo, 0)
		if out := r.served(t, bo, "prompt.another", func() (*slacksim.Ack, error) { return r.sim.Click(ctx, bo, r.anaCard, "prompt.another") }); out != "ok" {
			t.Fatalf("outcome %s", out)
		}
		waitFor(t, func() bool { h, _ := r.app.db.History(bo, 0); return len(h) == len(before)+1 })
		if got := r.seen(t, ana); got.state != anaWas.state {
			t.Errorf("Ana's records changed:\n  was %s\n  now %s", anaWas.state, got.state)
		}
	})

	// Ana's Home tab, clicked by Bo: its buttons carry nothing but their
	// names, so each acts on Bo, and Ana's Home stays as it was.
	anaHome := r.sim.HomeView(ana)
	var homeID struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(anaHome, &homeID); err != nil || homeID.ID == "" {
		t.Fatalf("Ana's Home: %s", anaHome)
	}
	home := func(t *testing.T, action string, check func(t *testing.T)) {
		t.Helper()
		anaWas := r.seen(t, ana)
		act := func() (*slacksim.Ack, error) { return r.sim.ClickView(ctx, bo, homeID.ID, action) }
		if action == "home.resume" { // Ana is not paused: her Home shows Pause
			act = func() (*slacksim.Ack, error) { return r.sim.ForgeViewAction(ctx, bo, anaHome, action, "resume") }
		}
		if out := r.served(t, bo, action, act); out != "ok" {
			t.Fatalf("outcome %s", out)
		}
		check(t)
		if d := r.seen(t, ana).diff(anaWas); d != "" {
			t.Errorf("Ana's: %s", d)
		}
	}
	t.Run("Home/home.pause", func(t *testing.T) {
		home(t, "home.pause", func(t *testing.T) {
			if sub, _, _ := r.app.db.Subscription(bo); sub.PausedUntil.IsZero() {
				t.Error("Bo not paused")
			}
			waitHome(t, r.sim, bo, "Paused until")
		})
	})
	t.Run("Home/home.resume", func(t *testing.T) {
		home(t, "home.resume", func(t *testing.T) {
			if sub, _, _ := r.app.db.Subscription(bo); !sub.PausedUntil.IsZero() {
				t.Error("Bo still paused")
			}
		})
	})
	t.Run("Home/home.prompt", func(t *testing.T) {
		before := len(r.dms(bo))
		home(t, "home.prompt", func(t *testing.T) {
			if n := len(r.dms(bo)); n != before+1 {
				t.Errorf("%d DMs to Bo, want %d", n, before+1)
			}
		})
	})
	t.Run("Home/home.settings", func(t *testing.T) {
		home(t, "home.settings", func(t *testing.T) {
			vs := r.sim.OpenViews(bo)
			if len(vs) != 1 || vs[0].CallbackID != "settings" {
				t.Fatalf("Bo's modals: %+v", vs)
			}
			in, err := r.sim.FormInputs(bo, vs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if in["tz"]["tz"].Text != "America/New_York" || in["time"]["time"].Time != "17:00" {
				t.Errorf("Bo's form shows %+v, not his settings", in)
			}
		})
	})
	t.Run("Home/home.export", func(t *testing.T) {
		before := len(r.sim.Files())
		home(t, "home.export", func(t *testing.T) {
			fs := r.sim.Files()
			if len(fs) != before+1 {
				t.Fatalf("%d files, want %d", len(fs), before+1)
			}
			doc := string(fs[len(fs)-1].Content)
			if !strings.Contains(doc, bo) || strings.Contains(doc, ana) || strings.Contains(doc, "Ana's private words.") || fs[len(fs)-1].Channel != "D"+bo {
				t.Errorf("export in %s:\n%s", fs[len(fs)-1].Channel, doc)
			}
		})
	})

	// Nothing of the forging reached Ana's Home, and nothing was refused of hers.
	if got := homeText(r.sim, ana); !strings.Contains(got, "Ana's private words.") || !strings.Contains(got, "Pause two weeks") {
		t.Errorf("Ana's Home:\n%s", got)
	}
	if len(r.refusals(ana)) != 0 {
		t.Error("a payload of Ana's was refused")
	}
}

// Values and metadata that do not parse or name nothing: a short answer or
// none, nothing changes, a log line, and the bot keeps serving.
func TestE2E_IdentityForgedMalformed(t *testing.T) {
	t.Parallel()
	r := newIDRig(t)
	ctx := context.Background()
	boSlot := strconv.FormatInt(r.boSlot.Unix(), 10)
	long := strings.Repeat("x", 5000)
	for _, tc := range []struct{ name, value, logged string }{
		{"Empty", "", "value=\"\""},
		{"Garbage", "garbage", "value=garbage"},
		{"SlotNotANumber", "p|t|friday", "p|t|friday"},
		{"NegativeSlot", "p|t|-5", "p|t|-5"},
		{"NoPrompt", "|t|" + boSlot, "|t|" + boSlot},
		{"SlotOverflows", "p|t|99999999999999999999", "99999999999999999999"},
		{"NoSuchNudge", "p|t|" + strconv.FormatInt(r.boSlot.Unix()+3600, 10), strconv.FormatInt(r.boSlot.Unix()+3600, 10)},
		{"FourFields", "p|t|" + boSlot + "|" + ana, "|" + ana},
		{"Long", long, "xxxx…"},
	} {
		for _, action := range []string{"reflect.open", "prompt.another", "nudge.skip", "nudge.pause"} {
			t.Run(tc.name+"/"+action, func(t *testing.T) {
				r.expectRefused(t, action, "action="+action, tc.logged, func() (*slacksim.Ack, error) {
					return r.sim.ForgeClick(ctx, bo, r.boNudge, action, tc.value)
				})
				if l := r.refusals(bo); len(l[len(l)-1]) > 400 {
					t.Errorf("Warn line of %d bytes", len(l[len(l)-1]))
				}
			})
		}
	}

	// Skip and Pause exist only on a scheduled nudge: a value without a slot
	// is not from one.
	for _, action := range []string{"nudge.skip", "nudge.pause"} {
		t.Run("NoSlot/"+action, func(t *testing.T) {
			r.expectRefused(t, action, "action="+action, "no slot", func() (*slacksim.Ack, error) {
				return r.sim.ForgeClick(ctx, bo, r.boNudge, action, "impostor-quiet-question|impostor|0")
			})
		})
	}

	// A prompt the catalog does not have, on Bo's own slot: not a forgery,
	// just gone. Bo is told; nothing opens, nothing changes.
	t.Run("NoSuchPrompt", func(t *testing.T) {
		boWas := r.seen(t, bo)
		out := r.served(t, bo, "reflect.open", func() (*slacksim.Ack, error) {
			return r.sim.ForgeClick(ctx, bo, r.boNudge, "reflect.open", "no-such-prompt|t|"+boSlot)
		})
		if out != "notfound" || !r.toldBo(t, "no longer in the catalog") {
			t.Errorf("outcome %s", out)
		}
		if d := r.seen(t, bo).diff(boWas); d != "" {
			t.Errorf("Bo's: %s", d)
		}
	})

	// The forget confirmation as it was before it named its member.
	t.Run("ForgetLegacyValue", func(t *testing.T) {
		r.expectRefused(t, "forget.confirm", "action=forget.confirm", "value=forget ", func() (*slacksim.Ack, error) {
			return r.sim.ForgeClick(ctx, bo, r.anaForget, "forget.confirm", "forget")
		})
	})

	// Bo's own modal with its metadata mangled.
	r.served(t, bo, "reflect.open", func() (*slacksim.Ack, error) { return r.sim.Click(ctx, bo, r.boNudge, "reflect.open") })
	boModal := waitViews(t, r.sim, bo, 1)[0]
	for _, tc := range []struct{ name, metadata string }{
		{"Garbage", "garbage"},
		{"NoSuchNudge", "p|t|" + strconv.FormatInt(r.boSlot.Unix()+3600, 10)},
		{"Long", long},
	} {
		t.Run("Modal/"+tc.name, func(t *testing.T) {
			r.expectRefused(t, "reflect.save", "callback=reflect", clipLog(tc.metadata), func() (*slacksim.Ack, error) {
				return r.sim.ForgeSubmission(ctx, bo, withMetadata(t, boModal.JSON, tc.metadata), reflectionState("words"))
			})
		})
	}

	// Payloads no Slack sends: nobody acting, no action, a modal or a button
	// the app never made. Acked, logged, nothing changes.
	for _, tc := range []struct {
		name    string
		payload map[string]any
		log     string
	}{
		{"NoUser", map[string]any{"type": "block_actions", "user": map[string]any{"id": ""},
			"actions": []any{map[string]any{"action_id": "nudge.skip", "block_id": "nudge.actions", "type": "button", "value": "p|t|" + boSlot}}}, `msg="interactive payload without a user"`},
		{"NoUserSubmission", map[string]any{"type": "view_submission", "user": map[string]any{"id": ""},
			"view": map[string]any{"callback_id": "reflect", "private_metadata": "p|t|" + boSlot}}, `msg="interactive payload without a user"`},
		{"NoAction", map[string]any{"type": "block_actions", "actions": []any{}}, `msg="button payload without an action" user=U2`},
		{"UnknownModal", map[string]any{"type": "view_submission", "view": map[string]any{"callback_id": "journal.delete", "private_metadata": ana}},
			`msg="unknown modal" user=U2 callback=journal.delete`},
		{"UnknownButton", map[string]any{"type": "block_actions",
			"actions": []any{map[string]any{"action_id": "journal.delete", "block_id": "journal", "type": "button", "value": ana + "|1"}}}, `msg="unknown button" action=journal.delete user=U2 value=U1|1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			anaWas, boWas := r.seen(t, ana), r.seen(t, bo)
			n := len(r.logLines("level=WARN", tc.log))
			if _, err := r.sim.Interactive(ctx, bo, tc.payload); err != nil {
				t.Fatal(err)
			}
			waitFor(t, func() bool { return len(r.logLines("level=WARN", tc.log)) > n })
			if d := r.seen(t, ana).diff(anaWas); d != "" {
				t.Errorf("Ana's: %s", d)
			}
			if d := r.seen(t, bo).diff(boWas); d != "" {
				t.Errorf("Bo's: %s", d)
			}
		})
	}

	// No panic, no token, and the bot still answers.
	if logs := r.logs.String(); strings.Contains(logs, "panicked") || strings.Contains(logs, r.sim.Options().BotToken) || strings.Contains(logs, r.sim.Options().AppToken) {
		t.Error("the log has a panic or a token")
	}
	if got := r.slash(bo, "status"); !strings.Contains(got, "Friday 27 November") {
		t.Errorf("status after the forgeries:\n%s", got)
	}
}

// clipLog is how a value shows in the log: its first 80 characters.
func clipLog(v string) string {
	if r := []rune(v); len(r) > 80 {
		return string(r[:80])
	}
	if v == "" {
		return `value=""`
	}
	return v
}
