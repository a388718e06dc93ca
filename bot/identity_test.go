package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// The end-to-end forgeries are in cmd/mentorbot/identity_e2e_test.go; these
// are the parts that are easier to reach here.

func TestIdentity_ReadPromptRef(t *testing.T) {
	slot := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		ok   bool
		want promptRef
	}{
		{promptRef{PromptID: "p", Theme: "t", Slot: slot}.value(), true, promptRef{PromptID: "p", Theme: "t", Slot: slot}},
		{"p|*|0", true, promptRef{PromptID: "p", Theme: "*"}},
		{"p||0", true, promptRef{PromptID: "p"}},
		{"", false, promptRef{}},
		{"forget", false, promptRef{}},
		{"|t|0", false, promptRef{}},
		{"p|t", false, promptRef{}},
		{"p|t|0|U1", false, promptRef{}},
		{"p|t|friday", false, promptRef{}},
		{"p|t|-5", false, promptRef{}},
		{"p|t|1.5", false, promptRef{}},
		{"p|t|99999999999999999999", false, promptRef{}},
		{`{"user":"U1","slot":1}`, false, promptRef{}},
	} {
		got, ok := readPromptRef(tc.in)
		if ok != tc.ok || got.PromptID != tc.want.PromptID || got.Theme != tc.want.Theme || !got.Slot.Equal(tc.want.Slot) {
			t.Errorf("readPromptRef(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestIdentity_LogValueClipped(t *testing.T) {
	if got := logValue("p|t|1"); got != "p|t|1" {
		t.Errorf("short value logged as %q", got)
	}
	got := logValue(strings.Repeat("é", 5000))
	if n := len([]rune(got)); n != 81 || !strings.HasSuffix(got, "…") {
		t.Errorf("long value logged as %d runes: %q", n, got)
	}
}

// manyNudges is a store in which U1 has n sent nudges, one a day, newest
// first, each posted in D1; everyone else has none.
type manyNudges struct {
	ScheduleStore
	ns []store.Nudge
}

func newManyNudges(st ScheduleStore, newest time.Time, n int) *manyNudges {
	m := &manyNudges{ScheduleStore: st}
	for i := range n {
		m.ns = append(m.ns, store.Nudge{UserID: "U1", Slot: newest.AddDate(0, 0, -i), Status: store.NudgeSent, Channel: "D1"})
	}
	return m
}

func (m *manyNudges) Nudges(userID string, limit int) ([]store.Nudge, error) {
	if userID != "U1" {
		return nil, nil
	}
	if limit > 0 && limit < len(m.ns) {
		return m.ns[:limit], nil
	}
	return m.ns, nil
}

// A slot is the member's when it is one of their nudges, however old, and
// posted where the click came from; anyone else's slot, or no nudge's, is
// refused.
func TestIdentity_CheckRef(t *testing.T) {
	b := newTestBot(t)
	newest := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	b.Schedules = newManyNudges(b.Schedules, newest, 150)
	ref := func(slot time.Time) string { return promptRef{PromptID: "p", Theme: "t", Slot: slot}.value() }
	oldest := newest.AddDate(0, 0, -149)
	for _, tc := range []struct {
		name, user, channel, value string
		slotted                    bool
		want                       string
	}{
		{"Own", "U1", "D1", ref(newest), false, ""},
		{"OwnOldest", "U1", "D1", ref(oldest), true, ""},
		{"OwnFromAModal", "U1", "", ref(oldest), false, ""},
		{"NoSlot", "U1", "D1", ref(time.Time{}), false, ""},
		{"NoSlotOnSkip", "U1", "D1", ref(time.Time{}), true, "no slot"},
		{"SomeoneElses", "U2", "D1", ref(newest), false, "slot is not one of the member's nudges"},
		{"NoSuchNudge", "U1", "D1", ref(oldest.AddDate(0, 0, -1)), true, "slot is not one of the member's nudges"},
		{"BetweenNudges", "U1", "D1", ref(newest.Add(time.Hour)), false, "slot is not one of the member's nudges"},
		{"AnotherChannel", "U1", "D2", ref(newest), false, "nudge was posted in another channel"},
		{"Malformed", "U1", "D1", "forget", false, "malformed value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := b.checkRef(tc.user, tc.channel, tc.value, tc.slotted)
			if err != nil || got != tc.want {
				t.Fatalf("checkRef = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// The forget confirmation names the member it was offered to; a click by
// anyone else deletes nothing, neither theirs nor the clicker's, leaves the
// message as it is, and is logged.
func TestIdentity_ForgetOfferedToSomeoneElse(t *testing.T) {
	b, ack, sink := newTestBot(t), &fakeAcker{}, newResponseSink(t)
	var logs syncLogs
	b.Logger = newTextLogger(&logs)
	for _, u := range []string{"U1", "U2"} {
		if err := b.Members.UpdateUser(u, func(x *store.User) error { x.Role = "ic"; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	r, err := b.cmdForget(context.Background(), &Command{UserID: "U1", Name: "/mentor"})
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, el := range r.Blocks[1].(*slack.ActionBlock).Elements.ElementSet {
		btn := el.(*slack.ButtonBlockElement)
		values[btn.ActionID] = btn.Value
	}
	for _, action := range []string{actionForgetConfirm, actionForgetCancel} {
		if u, at, ok := forgetOffer(action, values[action]); !ok || u != "U1" || !at.Equal(b.Now()) {
			t.Fatalf("button values %v", values)
		}
	}
	for i, action := range []string{actionForgetConfirm, actionForgetCancel} {
		cb := slack.InteractionCallback{
			Type: slack.InteractionTypeBlockActions, User: slack.User{ID: "U2"}, ResponseURL: sink.URL,
			ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: action, Value: values[action]}}},
		}
		b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: "F" + action}, cb)
		b.inflight.Wait()
		msgs := sink.messages()
		if len(msgs) != i+1 || msgs[i]["replace_original"] == true || !strings.Contains(msgs[i]["text"].(string), "not one of yours") {
			t.Fatalf("%s: response_url got %v", action, msgs)
		}
		if !strings.Contains(logs.String(), `level=WARN msg="interactive payload refused" user=U2 action=`+action+` value=`+action+":U1") {
			t.Fatalf("%s: no Warn line:\n%s", action, logs.String())
		}
	}
	for _, u := range []string{"U1", "U2"} {
		if x, _ := b.Members.User(u); x.Role != "ic" {
			t.Errorf("%s's settings are gone", u)
		}
	}
	// The member it was offered to confirms: their data goes, not U2's.
	cb := slack.InteractionCallback{
		Type: slack.InteractionTypeBlockActions, User: slack.User{ID: "U1"}, ResponseURL: sink.URL,
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: actionForgetConfirm, Value: values[actionForgetConfirm]}}},
	}
	b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: "F-own"}, cb)
	b.inflight.Wait()
	if x, _ := b.Members.User("U1"); x.Role != "" {
		t.Error("U1's own confirmation deleted nothing")
	}
	if x, _ := b.Members.User("U2"); x.Role != "ic" {
		t.Error("U1's confirmation deleted U2's settings")
	}
}

// Payloads Slack never sends are acked, logged and change nothing.
func TestIdentity_ForgedPayloadsWithoutTarget(t *testing.T) {
	b, ack := newTestBot(t), &fakeAcker{}
	var logs syncLogs
	b.Logger = newTextLogger(&logs)
	for i, tc := range []struct {
		cb   slack.InteractionCallback
		want string
	}{
		{slack.InteractionCallback{Type: slack.InteractionTypeBlockActions,
			ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: actionForgetConfirm, Value: "forget.confirm:"}}}},
			`msg="interactive payload without a user"`},
		{slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, View: slack.View{CallbackID: callbackReflect, PrivateMetadata: "p|t|0"}},
			`msg="interactive payload without a user"`},
		{slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: "U2"}},
			`msg="button payload without an action" user=U2`},
		{slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: "U2"}, View: slack.View{CallbackID: "journal.edit", PrivateMetadata: "U1"}},
			`msg="unknown modal" user=U2 callback=journal.edit`},
	} {
		env := "G" + string(rune('0'+i))
		b.serveInteractive(context.Background(), ack, socketmode.Request{EnvelopeID: env}, tc.cb)
		b.inflight.Wait()
		if got := ack.get(env); len(got) != 1 || string(got[0]) != "null" {
			t.Errorf("%d: acks %s, want one empty", i, got)
		}
		if !strings.Contains(logs.String(), "level=WARN "+tc.want) {
			t.Errorf("%d: no %s in\n%s", i, tc.want, logs.String())
		}
	}
	if rs, _ := b.Journal.Reflections("U2", 0); len(rs) != 0 {
		t.Errorf("reflections saved: %+v", rs)
	}
}
