package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
)

// homeText renders the member's published Home tab, "" if there is none.
func homeText(sim *slacksim.Server, user string) string {
	raw := sim.HomeView(user)
	if raw == nil {
		return ""
	}
	var v struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	_ = json.Unmarshal(raw, &v)
	text, _ := slacksim.Render("", v.Blocks)
	return text
}

// waitHome waits until the member's Home tab shows every one of want, and
// returns it.
func waitHome(t *testing.T, sim *slacksim.Server, user string, want ...string) string {
	t.Helper()
	text := ""
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		text = homeText(sim, user)
		ok := text != ""
		for _, w := range want {
			ok = ok && strings.Contains(text, w)
		}
		if ok {
			return text
		}
	}
	t.Fatalf("Home of %s never showed %q; it shows:\n%s", user, want, text)
	return ""
}

// openHome delivers app_home_opened as Slack does when the member opens the
// app's Home tab.
func (h *appHarness) openHome(user string) {
	h.t.Helper()
	_, err := h.sim.Event(context.Background(), map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestE2E_Home(t *testing.T) {
	t.Parallel()
	h := newAppHarness(t) // U1 is in Europe/Paris; it is Friday 20 November 2026, 11:00 there
	ctx := context.Background()

	t.Run("PublishedOnOpen", func(t *testing.T) {
		h.openHome("U1")
		waitHome(t, h.sim, "U1", "not subscribed", "[1 Get a prompt] [2 Settings] [3 Export my data]")
	})

	var settings slacksim.View // a member not subscribed: How often starts at "no scheduled prompts"
	t.Run("SettingsPrefilled", func(t *testing.T) {
		if _, err := h.sim.ClickHome(ctx, "U1", "home.settings"); err != nil {
			t.Fatal(err)
		}
		settings = waitViews(t, h.sim, "U1", 1)[0]
		in, err := h.sim.FormInputs("U1", settings.ID)
		if err != nil {
			t.Fatal(err)
		}
		if in["cadence"]["cadence"].Option != "off" || in["day"]["day"].Option != "fri" || in["time"]["time"].Time != "16:00" ||
			in["tz"]["tz"].Text != "Europe/Paris" || in["role"]["role"].Option != "none" || len(in["focus"]["focus"].Options) != 0 {
			t.Fatalf("settings form: %+v", in)
		}
	})

	t.Run("ErrBadZone", func(t *testing.T) {
		ack, err := h.sim.SubmitForm(ctx, "U1", settings.ID, map[string]map[string]slacksim.Input{"tz": {"tz": {Text: "Mars/Olympus"}}})
		if err != nil || !strings.Contains(string(ack.Payload), `"response_action":"errors"`) {
			t.Fatalf("ack %s, %v", ack.Payload, err)
		}
		open := h.sim.OpenViews("U1")
		if len(open) != 1 || !strings.Contains(open[0].Errors["tz"], "Mars/Olympus") || len(open[0].Errors) != 1 {
			t.Fatalf("modal: %+v", open)
		}
		if _, ok, _ := h.app.db.Subscription("U1"); ok {
			t.Fatal("subscribed with a bad zone")
		}
	})

	t.Run("Saved", func(t *testing.T) {
		ack, err := h.sim.SubmitForm(ctx, "U1", settings.ID, map[string]map[string]slacksim.Input{
			"cadence": {"cadence": {Option: "weekdays"}}, "time": {"time": {Time: "09:30"}}, "tz": {"tz": {Text: "Europe/Paris"}},
			"role": {"role": {Option: "staff"}}, "focus": {"focus": {Options: []string{"impostor", "last-mile"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		// 09:30 has passed in Paris today: the next weekday is Monday.
		if got := string(ack.Payload); !strings.Contains(got, `"response_action":"update"`) ||
			!strings.Contains(got, "every weekday at 09:30 (Europe/Paris)") || !strings.Contains(got, "Monday 23 November at 09:30 CET") {
			t.Fatalf("ack %s", got)
		}
		sub, ok, _ := h.app.db.Subscription("U1")
		if want := time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC); !ok || !sub.NextDue.Equal(want) || sub.Cadence != "weekdays" {
			t.Fatalf("subscription %+v, want next due %v", sub, want)
		}
		if u, _ := h.app.db.User("U1"); u.Role != "staff" {
			t.Fatalf("role %q", u.Role)
		}
		waitHome(t, h.sim, "U1", "every weekday at 09:30 (Europe/Paris)", "Monday 23 November at 09:30 CET",
			"`impostor` and `last-mile`", "`staff`", "Pause two weeks")
	})

	t.Run("PauseCommandRefreshesHome", func(t *testing.T) {
		h.slash("U1", "pause 2w")
		waitHome(t, h.sim, "U1", "*Paused until:* Friday 4 December at 11:00 CET", "[3 Resume]")
	})

	t.Run("ResumeButton", func(t *testing.T) {
		if _, err := h.sim.ClickHome(ctx, "U1", "home.resume"); err != nil {
			t.Fatal(err)
		}
		text := waitHome(t, h.sim, "U1", "Welcome back", "[3 Pause two weeks]")
		if strings.Contains(text, "Paused until") {
			t.Fatalf("still paused:\n%s", text)
		}
	})

	t.Run("GetAPromptThenReflect", func(t *testing.T) {
		if _, err := h.sim.ClickHome(ctx, "U1", "home.prompt"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return len(h.dms("U1")) == 1 })
		card := h.dms("U1")[0]
		if _, err := h.sim.Click(ctx, "U1", card, "reflect.open"); err != nil {
			t.Fatal(err)
		}
		var modal slacksim.View
		waitFor(t, func() bool {
			vs := h.sim.OpenViews("U1")
			if len(vs) == 1 && vs[0].CallbackID == "reflect" {
				modal = vs[0]
			}
			return modal.ID != ""
		})
		if _, err := submitReflection(ctx, h.sim, "U1", modal.ID, "Written from the Home tab."); err != nil {
			t.Fatal(err)
		}
		waitHome(t, h.sim, "U1", "Your last reflections", "Written from the Home tab.")
	})

	t.Run("SubscribeOpensForm", func(t *testing.T) {
		h.sim.AddUser(slacksim.User{ID: "U2", TZ: "America/New_York"})
		if got := h.slash("U2", "subscribe"); !strings.Contains(got, "Choose your schedule in the form.") {
			t.Fatalf("reply:\n%s", got)
		}
		v := waitViews(t, h.sim, "U2", 1)[0]
		in, _ := h.sim.FormInputs("U2", v.ID)
		if v.CallbackID != "settings" || in["tz"]["tz"].Text != "America/New_York" {
			t.Fatalf("modal %+v, inputs %+v", v, in)
		}
		if _, ok, _ := h.app.db.Subscription("U2"); ok {
			t.Fatal("subscribed before the form was sent")
		}
		// Submitted as prefilled: the defaults of `subscribe`.
		if _, err := h.sim.SubmitForm(ctx, "U2", v.ID, nil); err != nil {
			t.Fatal(err)
		}
		sub, _, _ := h.app.db.Subscription("U2")
		if want := time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC); !sub.NextDue.Equal(want) {
			t.Fatalf("next due %v, want Friday 16:00 in New York (%v)", sub.NextDue, want)
		}
	})
}

func TestE2E_HomeLead(t *testing.T) {
	t.Parallel()
	h := newLeadHarness(t)
	h.slash("U0LEAD", "broadcast #team every mon 10:00 vision")
	waitHome(t, h.sim, "U0LEAD", "YOUR BROADCASTS", "<#C1TEAM>", "`vision`", "Monday 23 November at 10:00 CET")

	h.openHome("U1")
	if text := waitHome(t, h.sim, "U1", "not subscribed"); strings.Contains(text, "BROADCASTS") {
		t.Fatalf("a member who is not a lead sees broadcasts:\n%s", text)
	}
}
