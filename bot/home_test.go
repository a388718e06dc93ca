package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// homeSlack records the modals opened, the Home tabs published and the
// messages posted; openErr makes views.open fail. Files cannot be sent.
type homeSlack struct {
	openErr error

	mu        sync.Mutex
	opened    []slack.ModalViewRequest
	published []slack.PublishViewContextRequest
	posted    []string // channels
}

func (s *homeSlack) OpenViewContext(_ context.Context, _ string, v slack.ModalViewRequest) (*slack.ViewResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.openErr != nil {
		return nil, s.openErr
	}
	s.opened = append(s.opened, v)
	return &slack.ViewResponse{}, nil
}

func (s *homeSlack) PublishViewContext(_ context.Context, r slack.PublishViewContextRequest) (*slack.ViewResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.published = append(s.published, r)
	return &slack.ViewResponse{}, nil
}

func (s *homeSlack) PostMessageContext(_ context.Context, channel string, _ ...slack.MsgOption) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posted = append(s.posted, channel)
	return channel, "1.0", nil
}

func (s *homeSlack) GetUserInfoContext(context.Context, string, ...slack.GetUserInfoOption) (*slack.User, error) {
	return &slack.User{TZ: "Europe/Paris"}, nil
}

func (s *homeSlack) OpenConversationContext(context.Context, *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error) {
	return nil, false, false, errors.New("no DMs here")
}

func (s *homeSlack) UploadFileContext(context.Context, slack.UploadFileParameters) (*slack.FileSummary, error) {
	return nil, errors.New("no files here")
}

func (s *homeSlack) GetPermalinkContext(_ context.Context, p *slack.PermalinkParameters) (string, error) {
	return "https://example.slack.com/archives/" + p.Channel + "/p" + strings.ReplaceAll(p.Ts, ".", ""), nil
}

// viewText is every string in blocks, for assertions on content.
func viewText(t *testing.T, blocks []slack.Block) string {
	t.Helper()
	return blocksText(t, Reply{Blocks: blocks})
}

// actionIDs lists the action ids of the buttons in blocks.
func actionIDs(blocks []slack.Block) []string {
	var ids []string
	for _, b := range blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					ids = append(ids, btn.ActionID)
				}
			}
		}
	}
	return ids
}

func sampleHome() home {
	at := time.Date(2026, 11, 13, 15, 30, 0, 0, time.UTC)
	return home{
		status: status{Name: "/mentor", Subscribed: true, Schedule: "weekly on Friday at 16:00 (Europe/Paris)",
			Next: "Friday 20 November at 16:00 CET", Focus: []string{"impostor", "daring"}, Role: "staff", Streak: 3,
			Experiments: "*Experiments:* 1 of 2 experiments tried this quarter."},
		TZ: "Europe/Paris",
		Reflections: []store.Reflection{
			{Theme: "daring", Prompt: "First daring question?", Text: "I asked <!channel> & nobody answered.", At: at},
			{Theme: "impostor", Prompt: "Impostor question?", Text: "Less than last month.", At: at.Add(-7 * 24 * time.Hour)},
		},
		Wins: []store.Win{
			{Seq: 3, Text: "Shipped the migration *without* a pager call", At: at},
			{Seq: 2, From: "U2", Text: "Thanks for the patient review", At: at.Add(-24 * time.Hour)},
			{Seq: 1, Author: "U3", Channel: "C1", Permalink: "https://example.slack.com/archives/C1/p1", Text: "Nice catch on the outage", At: at.Add(-48 * time.Hour)},
		},
		WinCount: 4,
		CheckIns: []store.CheckIn{
			{At: at, Scores: []int{2, 4, 4, 3, 5}},
			{At: at.AddDate(0, -1, 0), Scores: []int{5, 4, 3, 3, 5}},
		},
		Lead: true,
		Broadcasts: []store.Broadcast{{ID: "b1", LeadID: "U1", Channel: "C1", Theme: "vision", Schedule: store.Schedule{
			Cadence: store.CadenceWeekly, Day: time.Monday, Hour: 10, TZ: "Europe/Paris", NextDue: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}}},
	}
}

func TestGolden_Home(t *testing.T) {
	golden(t, "home", homeBlocks(en, sampleHome()))
}

func TestGolden_SettingsModal(t *testing.T) {
	b := newTestBot(t)
	s := settings{Schedule: rule(store.CadenceWeekly, time.Friday, 16, 0, "Europe/Paris"), Role: "staff", Focus: []string{"daring"}, CheckIn: monthlyOn, Lang: langAuto}
	golden(t, "settings-modal", settingsModal(b.settingsForm(en, "/mentor", s)).Blocks.BlockSet)
	s.Lang = "fr"
	golden(t, "settings-modal.fr", settingsModal(b.settingsForm(fr, "/mentor", s)).Blocks.BlockSet)
}

func TestHomeBlocks(t *testing.T) {
	t.Run("Subscribed", func(t *testing.T) {
		h := sampleHome()
		text := viewText(t, homeBlocks(en, h))
		for _, want := range []string{"weekly on Friday at 16:00 (Europe/Paris)", "Friday 20 November at 16:00 CET",
			"`impostor`", "`daring`", "`staff`", "3 prompts in a row", "First daring question?",
			"I asked &lt;!channel&gt; &amp; nobody answered.", "Fri 13 Nov 2026", "*Your wins* (4 wins)",
			"thanks from <@U2>", "<@U3> in <#C1>", "1 of 2 experiments tried", "`▇▃` I can explain", "went from 5 to 2", "`/mentor prompt impostor`", "Your broadcasts", "`b1`", "<#C1>"} {
			if !strings.Contains(text, want) {
				t.Errorf("Home lacks %q:\n%s", want, text)
			}
		}
		want := []string{actionHomePrompt, actionHomeSettings, actionHomePause, actionHomeExport, actionCheckInOpen}
		if got := actionIDs(homeBlocks(en, h)); !slices.Equal(got, want) {
			t.Errorf("buttons %v, want %v", got, want)
		}
	})
	t.Run("Paused", func(t *testing.T) {
		h := sampleHome()
		h.PausedUntil = "Friday 4 December at 16:00 CET"
		blocks := homeBlocks(en, h)
		if got := actionIDs(blocks); !slices.Contains(got, actionHomeResume) || slices.Contains(got, actionHomePause) {
			t.Errorf("buttons of a paused member: %v", got)
		}
		if text := viewText(t, blocks); !strings.Contains(text, "*Paused until:* Friday 4 December") {
			t.Errorf("pause not shown:\n%s", text)
		}
	})
	t.Run("NotSubscribed", func(t *testing.T) {
		blocks := homeBlocks(en, home{status: status{Name: "/mentor"}})
		text := viewText(t, blocks)
		if !strings.Contains(text, "not subscribed") || !strings.Contains(text, "journal* is empty") || strings.Contains(text, "broadcasts") {
			t.Errorf("Home of a newcomer:\n%s", text)
		}
		want := []string{actionHomePrompt, actionHomeSettings, actionHomeExport, actionCheckInOpen}
		if got := actionIDs(blocks); !slices.Equal(got, want) {
			t.Errorf("buttons %v, want %v", got, want)
		}
	})
	t.Run("Notice", func(t *testing.T) {
		h := sampleHome()
		h.Notice = "Paused until Friday 4 December."
		if text := viewText(t, homeBlocks(en, h)); !strings.HasPrefix(text, "Your reflection practice\nPaused until") {
			t.Errorf("notice not on top:\n%s", text)
		}
	})
}

// Home stays within Slack's limits (100 blocks, 3,000 characters a
// section) however long the reflections and however many broadcasts.
func TestHomeBlocks_Limits(t *testing.T) {
	h := sampleHome()
	h.Notice = strings.Repeat("n", 5000)
	h.Reflections = nil
	for i := range 10 {
		h.Reflections = append(h.Reflections, store.Reflection{Theme: "daring", Prompt: "PROMPT " + strings.Repeat("p ", 1000),
			Text: strings.Repeat("<&> ", store.MaxReflectionLen/4), At: time.Unix(int64(i), 0)})
	}
	h.Broadcasts = nil
	for i := range 500 {
		h.Broadcasts = append(h.Broadcasts, store.Broadcast{ID: fmt.Sprintf("b%d", i), Channel: "C1", Theme: "vision", Failing: strings.Repeat("x", 300), Schedule: store.Schedule{TZ: "UTC"}})
	}
	blocks := homeBlocks(en, h)
	if len(blocks) > 100 {
		t.Fatalf("%d blocks; Slack takes 100 on a Home tab", len(blocks))
	}
	for _, b := range blocks {
		if s, ok := b.(*slack.SectionBlock); ok && len(s.Text.Text) > 3000 {
			t.Fatalf("a section of %d characters", len(s.Text.Text))
		}
	}
	text := viewText(t, blocks)
	if n := strings.Count(text, "PROMPT"); n != homeReflections {
		t.Errorf("%d reflections shown, want %d", n, homeReflections)
	}
	if !strings.Contains(text, "And 480 broadcasts more") && !strings.Contains(text, "And 480 more") {
		t.Errorf("no pointer to the broadcasts left out:\n%s", text[len(text)-300:])
	}
}

func TestHomeFor(t *testing.T) {
	b := newTestBot(t)
	b.Leads = NewLeadDirectory([]string{"U1"}, "", nil)
	for _, r := range []store.Reflection{
		{UserID: "U1", PromptID: "daring-one", Theme: "daring", Prompt: "First daring question?", Text: "mine, old", At: b.Now().Add(-4 * time.Hour)},
		{UserID: "U2", PromptID: "daring-one", Theme: "daring", Prompt: "First daring question?", Text: "someone else's", At: b.Now().Add(-3 * time.Hour)},
		{UserID: "U1", PromptID: "daring-two", Theme: "daring", Prompt: "Second daring question?", Text: "mine, newer", At: b.Now().Add(-2 * time.Hour)},
	} {
		if _, err := b.Journal.AddReflection(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dispatch(t, b, "subscribe daily 09:00 Europe/Paris"); err != nil {
		t.Fatal(err)
	}
	if _, err := dispatch(t, b, "pause 1w"); err != nil {
		t.Fatal(err)
	}

	t.Run("OnlyTheirs", func(t *testing.T) {
		h, err := b.homeFor(context.Background(), en, "U1")
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Reflections) != 2 || h.Reflections[0].Text != "mine, newer" || h.Reflections[1].Text != "mine, old" {
			t.Fatalf("reflections %+v", h.Reflections)
		}
		if h.Schedule != "daily at 09:00 (Europe/Paris)" || h.PausedUntil == "" || !h.Lead || h.TZ != "Europe/Paris" {
			t.Fatalf("home %+v", h)
		}
	})
	t.Run("NotALead", func(t *testing.T) {
		h, err := b.homeFor(context.Background(), en, "U2")
		if err != nil {
			t.Fatal(err)
		}
		if h.Lead || h.Subscribed || len(h.Reflections) != 1 || h.Reflections[0].Text != "someone else's" {
			t.Fatalf("home %+v", h)
		}
	})
}

// settingsValues is a submission of the settings modal as slack-go decodes
// it; zone "" leaves the zone empty.
func settingsValues(cadence, day, clock, zone, role string, focus ...string) map[string]map[string]slack.BlockAction {
	sel := func(v string) slack.OptionBlockObject { return slack.OptionBlockObject{Value: v} }
	var opts []slack.OptionBlockObject
	for _, f := range focus {
		opts = append(opts, sel(f))
	}
	return map[string]map[string]slack.BlockAction{
		blockCadence: {blockCadence: {SelectedOption: sel(cadence)}},
		blockDay:     {blockDay: {SelectedOption: sel(day)}},
		blockTime:    {blockTime: {SelectedTime: clock}},
		blockZone:    {blockZone: {Value: zone}},
		blockRole:    {blockRole: {SelectedOption: sel(role)}},
		blockFocus:   {blockFocus: {SelectedOptions: opts}},
	}
}

func TestParseSettings(t *testing.T) {
	b := newTestBot(t)

	t.Run("OK", func(t *testing.T) {
		s, errs := b.parseSettings(en, settingsValues("weekly", "tue", "09:30", " Asia/Tokyo ", "manager", "daring", "impostor", "daring"))
		want := settings{Schedule: rule(store.CadenceWeekly, time.Tuesday, 9, 30, "Asia/Tokyo"), Role: "manager", Focus: []string{"daring", "impostor"}}
		if len(errs) != 0 || fmt.Sprint(s) != fmt.Sprint(want) {
			t.Fatalf("parseSettings = %+v, %v; want %+v", s, errs, want)
		}
	})
	// The form reads a zone as subscribe does.
	t.Run("ZoneAsTyped", func(t *testing.T) {
		for typed, want := range map[string]string{"new york": "America/New_York", "europe/paris": "Europe/Paris", "+05:30": "UTC+05:30", "gmt": "UTC"} {
			s, errs := b.parseSettings(en, settingsValues("weekly", "fri", "16:00", typed, "ic"))
			if len(errs) != 0 || s.TZ != want {
				t.Errorf("zone %q: %q, errors %v; want %q", typed, s.TZ, errs, want)
			}
		}
	})
	t.Run("DailyIgnoresDay", func(t *testing.T) {
		s, errs := b.parseSettings(en, settingsValues("daily", "", "07:00", "utc", "none"))
		if len(errs) != 0 || s.Cadence != store.CadenceDaily || s.TZ != "UTC" || s.Role != "" || s.Focus != nil {
			t.Fatalf("parseSettings = %+v, %v", s, errs)
		}
	})

	for name, tc := range map[string]struct {
		values map[string]map[string]slack.BlockAction
		block  string
		says   string
	}{
		"ErrUnknownZone":  {settingsValues("weekly", "fri", "16:00", "Mars/Olympus", "ic"), blockZone, `"Mars/Olympus" is not a time zone I know`},
		"ErrAbbreviation": {settingsValues("weekly", "fri", "16:00", "EST", "ic"), blockZone, `"EST" could be America/New_York, America/Toronto or America/Cancun`},
		"ErrPathZone":     {settingsValues("weekly", "fri", "16:00", "../../etc/passwd", "ic"), blockZone, "not a time zone I know"},
		"ErrNoZone":       {settingsValues("weekly", "fri", "16:00", "  ", "ic"), blockZone, "Enter your time zone"},
		"ErrWeeklyNoDay":  {settingsValues("weekly", "", "16:00", "UTC", "ic"), blockDay, "Choose the day"},
		"ErrNoCadence":    {settingsValues("", "fri", "16:00", "UTC", "ic"), blockCadence, "Choose how often"},
		"ErrBadTime":      {settingsValues("weekly", "fri", "4pm", "UTC", "ic"), blockTime, "Choose a time"},
		"ErrUnknownRole":  {settingsValues("weekly", "fri", "16:00", "UTC", "wizard"), blockRole, "Choose a role"},
		"ErrForgedMonthly": {func() map[string]map[string]slack.BlockAction {
			v := settingsValues("weekly", "fri", "16:00", "UTC", "ic")
			v[blockMonthly] = map[string]slack.BlockAction{blockMonthly: {SelectedOption: slack.OptionBlockObject{Value: "weekly"}}}
			return v
		}(), blockMonthly, "Choose whether the check-in comes each month"},
		"ErrRetiredTheme":  {settingsValues("weekly", "fri", "16:00", "UTC", "ic", "daring", "astrology"), blockFocus, `"astrology" is no longer a theme`},
		"ErrEveryFieldBad": {settingsValues("", "", "", "", ""), blockZone, "Enter your time zone"},
	} {
		t.Run(name, func(t *testing.T) {
			_, errs := b.parseSettings(en, tc.values)
			if !strings.Contains(errs[tc.block], tc.says) {
				t.Fatalf("errors %v; want %q on %s", errs, tc.says, tc.block)
			}
			// No cadence, so no day is needed; the four others are wrong.
			if name == "ErrEveryFieldBad" && len(errs) != 4 {
				t.Fatalf("errors %v: every bad field gets its own", errs)
			}
		})
	}
}

// submit sends a settings submission from U1 through the bot.
func submit(t *testing.T, b *Bot, values map[string]map[string]slack.BlockAction) *viewResponse {
	t.Helper()
	resp, err := b.submitSettings(&Command{UserID: "U1", Name: "/mentor"}, values)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestSubmitSettings(t *testing.T) {
	t.Run("Subscribes", func(t *testing.T) {
		b := newTestBot(t) // Friday 20 November 2026, 16:00 UTC
		resp := submit(t, b, settingsValues("weekly", "sat", "08:15", "America/New_York", "staff", "daring"))
		if resp.Action != "update" || resp.View == nil {
			t.Fatalf("ack %+v", resp)
		}
		sub, ok, _ := b.Schedules.Subscription("U1")
		if !ok || !sub.NextDue.Equal(time.Date(2026, 11, 21, 13, 15, 0, 0, time.UTC)) || !slices.Equal(sub.Focus, []string{"daring"}) {
			t.Fatalf("subscription %+v", sub)
		}
		if u, _ := b.Members.User("U1"); u.Role != "staff" {
			t.Fatalf("role %q", u.Role)
		}
		text := viewText(t, resp.View.Blocks.BlockSet)
		if !strings.Contains(text, "weekly on Saturday at 08:15 (America/New_York)") || !strings.Contains(text, "Saturday 21 November at 08:15 EST") {
			t.Fatalf("confirmation:\n%s", text)
		}
	})
	t.Run("KeepsPauseAndHistory", func(t *testing.T) {
		b := newTestBot(t)
		for _, cmd := range []string{"subscribe weekly fri 16:00 UTC", "role ic", "pause 2w"} {
			if _, err := dispatch(t, b, cmd); err != nil {
				t.Fatal(err)
			}
		}
		before, _, _ := b.Schedules.Subscription("U1")
		resp := submit(t, b, settingsValues("weekdays", "", "09:00", "UTC", "none"))
		sub, _, _ := b.Schedules.Subscription("U1")
		// Paused until Friday 4 December 16:00: the first weekday 09:00 after is Monday 7.
		if !sub.PausedUntil.Equal(before.PausedUntil) || !sub.Created.Equal(before.Created) ||
			!sub.NextDue.Equal(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("before %+v\nafter %+v", before, sub)
		}
		if u, _ := b.Members.User("U1"); u.Role != "" {
			t.Fatalf("role %q, want cleared", u.Role)
		}
		if text := viewText(t, resp.View.Blocks.BlockSet); !strings.Contains(text, "paused until") {
			t.Fatalf("confirmation:\n%s", text)
		}
	})
	// The monthly check-in menu sets the opt-in and clears it; a form
	// without the menu (opened before it existed) leaves it as it was.
	t.Run("MonthlyCheckInBothWays", func(t *testing.T) {
		b := newTestBot(t)
		withMonthly := func(v string) map[string]map[string]slack.BlockAction {
			values := settingsValues("weekly", "fri", "16:00", "UTC", "ic")
			values[blockMonthly] = map[string]slack.BlockAction{blockMonthly: {SelectedOption: slack.OptionBlockObject{Value: v}}}
			return values
		}
		for i, step := range []struct {
			values map[string]map[string]slack.BlockAction
			want   bool
			says   string
		}{
			{withMonthly(monthlyOn), true, "Monthly check-in: on"},
			{settingsValues("weekly", "fri", "16:00", "UTC", "ic"), true, ""},
			{withMonthly(monthlyOff), false, "Monthly check-in: off"},
			{withMonthly(monthlyOff), false, "Monthly check-in: off"},
			{withMonthly(monthlyOn), true, "Monthly check-in: on"},
		} {
			resp := submit(t, b, step.values)
			if resp.Action != "update" {
				t.Fatalf("step %d: ack %+v", i, resp)
			}
			if on, err := b.CheckIns.CheckInMonthly("U1"); err != nil || on != step.want {
				t.Fatalf("step %d: monthly check-in %v (%v), want %v", i, on, err, step.want)
			}
			text := viewText(t, resp.View.Blocks.BlockSet)
			if step.says != "" && !strings.Contains(text, step.says) || step.says == "" && strings.Contains(text, "Monthly check-in") {
				t.Fatalf("step %d: confirmation:\n%s", i, text)
			}
			if s, _ := b.currentSettings(context.Background(), "U1"); (s.CheckIn == monthlyOn) != step.want {
				t.Fatalf("step %d: the form would show %q", i, s.CheckIn)
			}
		}
	})
	t.Run("ErrorsSaveNothing", func(t *testing.T) {
		b := newTestBot(t)
		resp := submit(t, b, settingsValues("weekly", "fri", "16:00", "Mars/Olympus", "ic"))
		if resp.Action != "errors" || resp.Errors[blockZone] == "" {
			t.Fatalf("ack %+v", resp)
		}
		if _, ok, _ := b.Schedules.Subscription("U1"); ok {
			t.Fatal("an invalid form subscribed")
		}
	})
}

func TestSettingsModal_Prefilled(t *testing.T) {
	b := newTestBot(t)
	b.Slack = &homeSlack{}

	t.Run("Defaults", func(t *testing.T) {
		s, err := b.currentSettings(context.Background(), "U1")
		if err != nil {
			t.Fatal(err)
		}
		// Not subscribed: "no scheduled prompts" is chosen, the rest is subscribe's defaults.
		want := settings{Schedule: rule(cadenceOff, time.Friday, 16, 0, "Europe/Paris"), CheckIn: monthlyOff, Lang: langAuto}
		if fmt.Sprint(s) != fmt.Sprint(want) {
			t.Fatalf("defaults %+v, want %+v", s, want)
		}
	})
	t.Run("Current", func(t *testing.T) {
		for _, cmd := range []string{"subscribe weekly tue 09:30 Asia/Tokyo", "role lead", "focus impostor", "check-in monthly"} {
			if _, err := dispatch(t, b, cmd); err != nil {
				t.Fatal(err)
			}
		}
		s, err := b.currentSettings(context.Background(), "U1")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(settingsModal(b.settingsForm(en, "/mentor", s)))
		for _, want := range []string{`"initial_time":"09:30"`, `"initial_value":"Asia/Tokyo"`,
			`"initial_option":{"text":{"type":"plain_text","text":"Tuesday","emoji":false},"value":"tue"}`,
			`"initial_option":{"text":{"type":"plain_text","text":"Team lead","emoji":false},"value":"lead"}`,
			`"initial_options":[{"text":{"type":"plain_text","text":"Impostor syndrome","emoji":false},"value":"impostor"}]`,
			`"initial_option":{"text":{"type":"plain_text","text":"With the first prompt of each month","emoji":false},"value":"monthly"}`} {
			if !strings.Contains(string(raw), want) {
				t.Errorf("modal lacks %s:\n%s", want, raw)
			}
		}
	})
}

// TestSettingsZoneHint: the form's zone hint names a city and an offset,
// which the field accepts like subscribe, and each example it gives is read.
func TestSubmitSettings_HomeRefresh(t *testing.T) {
	b, hs := newTestBot(t), &homeSlack{}
	b.Slack = hs
	send := func(env string, values map[string]map[string]slack.BlockAction) {
		t.Helper()
		cb := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: "U1"},
			View: slack.View{CallbackID: callbackSettings, State: &slack.ViewState{Values: values}}}
		b.serveInteractive(context.Background(), &fakeAcker{}, socketmode.Request{EnvelopeID: env}, cb)
		b.inflight.Wait()
	}
	published := func() int { hs.mu.Lock(); defer hs.mu.Unlock(); return len(hs.published) }
	// A form refused field by field changed nothing: no Home publish.
	send("S1", settingsValues("weekly", "fri", "16:00", "PST", "ic"))
	if n := published(); n != 0 {
		t.Fatalf("%d Home publishes after a refused form, want 0", n)
	}
	send("S2", settingsValues("weekly", "fri", "16:00", "Europe/Paris", "ic"))
	if n := published(); n == 0 {
		t.Fatal("no Home publish after a saved form")
	}
}

func TestSettingsZoneHint(t *testing.T) {
	zoneHint := en.T("settings_zone_hint")
	raw, err := json.Marshal(settingsModal(settingsForm{P: en, Name: "/mentor", S: settings{Schedule: rule(store.CadenceWeekly, time.Friday, 16, 0, "UTC")}}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), zoneHint) {
		t.Fatalf("modal has not the hint %q:\n%s", zoneHint, raw)
	}
	for _, example := range []string{"Europe/Paris", "Paris", "new york", "UTC+2"} {
		if !strings.Contains(zoneHint, example) {
			t.Errorf("hint %q does not give %q", zoneHint, example)
		}
		if tz, msg := formZone(en, example); tz == "" {
			t.Errorf("the hint's example %q is refused: %s", example, msg)
		}
	}
}

func TestSubscribe_OpensForm(t *testing.T) {
	run := func(t *testing.T, sl *homeSlack, trigger, text string) (*Bot, Reply) {
		t.Helper()
		b := newTestBot(t)
		b.Slack = sl
		c := &Command{UserID: "U1", Name: "/mentor", TriggerID: trigger}
		r, err := b.Dispatch(context.Background(), c, text)
		if err != nil {
			t.Fatal(err)
		}
		return b, r
	}
	t.Run("NoArgs", func(t *testing.T) {
		sl := &homeSlack{}
		b, r := run(t, sl, "T1", "subscribe")
		if r.Text != "Choose your schedule in the form." || len(sl.opened) != 1 || sl.opened[0].CallbackID != callbackSettings {
			t.Fatalf("reply %q, %d modals", r.Text, len(sl.opened))
		}
		if _, ok, _ := b.Schedules.Subscription("U1"); ok {
			t.Fatal("subscribed before the form was submitted")
		}
	})
	for name, tc := range map[string]struct {
		sl            *homeSlack
		trigger, text string
	}{
		"WithArgs":     {&homeSlack{}, "T1", "subscribe daily 08:00"},
		"NoTrigger":    {&homeSlack{}, "", "subscribe"},
		"ModalRefused": {&homeSlack{openErr: errors.New("expired_trigger_id")}, "T1", "subscribe"},
	} {
		t.Run(name, func(t *testing.T) {
			b, r := run(t, tc.sl, tc.trigger, tc.text)
			if _, ok, _ := b.Schedules.Subscription("U1"); !ok || !strings.Contains(r.Text, "You are subscribed") || len(tc.sl.opened) != 0 {
				t.Fatalf("reply %q, subscribed %v, %d modals", r.Text, ok, len(tc.sl.opened))
			}
		})
	}
}

func TestChangesHome(t *testing.T) {
	tbl := newTestBot(t).table
	for _, sub := range []string{"subscribe", "pause", "resume", "skip", "focus", "unsubscribe", "role", "broadcast",
		actionSkipNext, actionPauseTwoWeeks, actionForgetConfirm, "reflect.save", "settings.save"} {
		if !tbl.refreshesHome(sub) {
			t.Errorf("%s does not refresh Home", sub)
		}
	}
	for _, sub := range []string{"prompt", "themes", "journal", "status", "help", "forget", "unknown", "", actionHomePause, actionForgetCancel} {
		if tbl.refreshesHome(sub) {
			t.Errorf("%s refreshes Home", sub)
		}
	}
}

func TestPublishHome(t *testing.T) {
	b := newTestBot(t)
	sl := &homeSlack{}
	b.Slack = sl
	b.publishHome(context.Background(), "U1", "")
	b.afterChange(context.Background(), &Command{UserID: "U1", Sub: "pause"}, nil)
	b.afterChange(context.Background(), &Command{UserID: "U1", Sub: "pause"}, errors.New("refused"))
	b.afterChange(context.Background(), &Command{UserID: "U1", Sub: "journal"}, nil)
	b.inflight.Wait()
	sl.mu.Lock()
	defer sl.mu.Unlock()
	// Once on open, once after the pause; the state did not change between
	// the build and the check, so neither publishes twice.
	if len(sl.published) != 2 {
		t.Fatalf("%d publishes, want 2", len(sl.published))
	}
	if p := sl.published[0]; p.UserID != "U1" || p.View.Type != slack.VTHomeTab || len(p.View.Blocks.BlockSet) == 0 {
		t.Fatalf("published %+v", p)
	}
}
