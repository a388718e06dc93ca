package bot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/slack-go/slack"
)

// withLang adds the language menu's choice to a settings submission.
func withLang(v map[string]map[string]slack.BlockAction, l string) map[string]map[string]slack.BlockAction {
	v[blockLang] = map[string]slack.BlockAction{blockLang: {SelectedOption: slack.OptionBlockObject{Value: l}}}
	return v
}

// TestSettings_LanguageAloneDoesNotSubscribe: a member not subscribed who
// opens Settings from Home and changes only the language stays
// unsubscribed, and the confirmation says what was saved and that no
// prompts are scheduled.
func TestSettings_LanguageAloneDoesNotSubscribe(t *testing.T) {
	b, hs := newTestBot(t), &homeSlack{}
	b.Slack = hs
	if err := b.openSettings(context.Background(), &Command{UserID: "U1", Name: "/mentor", P: en, TriggerID: "T1"}, false); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(hs.opened[0])
	if !strings.Contains(string(raw), `"initial_option":{"text":{"type":"plain_text","text":"No scheduled prompts","emoji":false},"value":"off"}`) {
		t.Fatalf("the form of a member not subscribed does not start at no scheduled prompts:\n%s", raw)
	}
	// What the form sends back untouched but for the language.
	resp := submit(t, b, withLang(settingsValues(cadenceOff, "fri", "16:00", "Europe/Paris", roleNone), "fr"))
	if resp.Action != "update" {
		t.Fatalf("ack %+v", resp)
	}
	if _, ok, _ := b.Schedules.Subscription("U1"); ok {
		t.Fatal("choosing a language subscribed the member")
	}
	if u, _ := b.Members.User("U1"); u.Lang != "fr" {
		t.Fatalf("language %q, want fr", u.Lang)
	}
	text := viewText(t, resp.View.Blocks.BlockSet)
	for _, want := range []string{"Tu ne reçois pas de question programmée", "`/mentor subscribe`", "Langue : français"} {
		if !strings.Contains(text, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "prochaine") {
		t.Errorf("confirmation announces a next prompt:\n%s", text)
	}

	// Choosing how often in the same form then subscribes.
	resp = submit(t, b, settingsValues("weekly", "fri", "16:00", "Europe/Paris", roleNone))
	if _, ok, _ := b.Schedules.Subscription("U1"); !ok || resp.Action != "update" {
		t.Fatalf("choosing weekly did not subscribe: %+v", resp)
	}
}

// TestSettings_OffWhenSubscribed: a form opened before the member subscribed
// elsewhere, sent with "no scheduled prompts", changes nothing and says how
// to stop instead; the subscription is kept as it was.
func TestSettings_OffWhenSubscribed(t *testing.T) {
	b := newTestBot(t)
	if _, err := dispatch(t, b, "subscribe weekly tue 09:30 UTC"); err != nil {
		t.Fatal(err)
	}
	before, _, _ := b.Schedules.Subscription("U1")
	resp := submit(t, b, withLang(settingsValues(cadenceOff, "fri", "16:00", "UTC", "staff"), "fr"))
	if resp.Action != "errors" || !strings.Contains(resp.Errors[blockCadence], "`/mentor unsubscribe`") {
		t.Fatalf("ack %+v", resp)
	}
	after, ok, _ := b.Schedules.Subscription("U1")
	if !ok || !after.NextDue.Equal(before.NextDue) {
		t.Fatalf("subscription changed: %+v -> %+v", before, after)
	}
	if u, _ := b.Members.User("U1"); u.Role != "" || u.Lang != "" {
		t.Fatalf("a refused form saved role %q, language %q", u.Role, u.Lang)
	}
}

// TestSettings_FocusWithoutPrompts: themes chosen with "no scheduled
// prompts" would be dropped (they are a subscription's) under "Saved";
// the form says so under the themes and saves nothing.
func TestSettings_FocusWithoutPrompts(t *testing.T) {
	b := newTestBot(t)
	resp := submit(t, b, settingsValues(cadenceOff, "fri", "16:00", "UTC", "ic", "impostor"))
	if resp.Action != "errors" || !strings.Contains(resp.Errors[blockFocus], "choose how often above") {
		t.Fatalf("ack %+v", resp)
	}
	if u, _ := b.Members.User("U1"); u.Role != "" {
		t.Fatalf("a refused form saved role %q", u.Role)
	}
	if resp := submit(t, b, settingsValues(cadenceOff, "fri", "16:00", "UTC", "ic")); resp.Action != "update" {
		t.Fatalf("without themes: ack %+v", resp)
	}
}

// TestSettings_SubscribeFormStartsWeekly: `subscribe` with no argument opens
// the form at subscribe's defaults, without the no-prompts choice, since
// the member asked to subscribe.
func TestSettings_SubscribeFormStartsWeekly(t *testing.T) {
	b, hs := newTestBot(t), &homeSlack{}
	b.Slack = hs
	if _, err := b.Dispatch(context.Background(), &Command{UserID: "U1", Name: "/mentor", TriggerID: "T1"}, "subscribe"); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(hs.opened[0])
	if !strings.Contains(string(raw), `"initial_option":{"text":{"type":"plain_text","text":"Every week","emoji":false},"value":"weekly"}`) || strings.Contains(string(raw), "No scheduled prompts") {
		t.Fatalf("subscribe's form:\n%s", raw)
	}
}

// TestHelpUsageListsLoadedLanguages: `language`'s usage line lists the
// languages loaded, so an operator's German shows in help without
// rewording help_args_language in every language.
func TestHelpUsageListsLoadedLanguages(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "messages.de.toml"), []byte("lang_name = \"Deutsch\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := lang.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	b := newTestBot(t)
	r, ok := b.table.lookup(kindSlash, "language")
	if !ok {
		t.Fatal("no language route")
	}
	for l, want := range map[string]string{"de": "/mentor language [en|de|fr|auto]", "fr": "/mentor language [en|de|fr|auto]"} {
		if got := r.usage(c.Printer(l), "/mentor"); got != want {
			t.Errorf("%s usage %q, want %q", l, got, want)
		}
	}
	if got := r.usage(nil, "/mentor"); got != "/mentor language [en|fr|auto]" {
		t.Errorf("built-in usage %q", got)
	}
}
