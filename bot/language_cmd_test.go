package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// dispatchLang runs a command as the member, in their language as
// runHandler sets it.
func dispatchLang(t *testing.T, b *Bot, user, text string) (Reply, error) {
	t.Helper()
	c := &Command{UserID: user, ChannelID: "D" + user, Name: "/mentor"}
	c.P = b.commandPrinter(context.Background(), user)
	return b.Dispatch(context.Background(), c, text)
}

func TestLanguageCommand(t *testing.T) {
	t.Run("Choose", func(t *testing.T) {
		for _, tc := range []struct{ arg, want string }{
			{"fr", "fr"}, {"FR", "fr"}, {"Français", "fr"}, {"français.", "fr"}, {"francais", "fr"}, {"French", "fr"}, {"fr-CA", "fr"},
			{"en", "en"}, {"EN", "en"}, {"english", "en"}, {"Anglais", "en"}, {"en_GB", "en"},
		} {
			s := newLocaleSlack(map[string]string{"U1": "de-DE"})
			b, _ := langBot(t, s)
			r, err := dispatchLang(t, b, "U1", "language "+tc.arg)
			if err != nil {
				t.Fatalf("language %s: %v", tc.arg, err)
			}
			if u, _ := b.Members.User("U1"); u.Lang != tc.want {
				t.Fatalf("language %s stored %q, want %q", tc.arg, u.Lang, tc.want)
			}
			if got := b.printerFor(context.Background(), "U1").Lang(); got != tc.want {
				t.Fatalf("language %s: the next command speaks %q", tc.arg, got)
			}
			want := map[string]string{"fr": "je te parle désormais en français", "en": "I speak English with you from now on"}[tc.want]
			if !strings.Contains(r.Text, want) {
				t.Fatalf("language %s answered %q, want it in the new language (%q)", tc.arg, r.Text, want)
			}
		}
	})

	// auto forgets the choice and answers in Slack's language.
	t.Run("Auto", func(t *testing.T) {
		s := newLocaleSlack(map[string]string{"U1": "fr-CA"})
		b, _ := langBot(t, s)
		if _, err := dispatchLang(t, b, "U1", "language en"); err != nil {
			t.Fatal(err)
		}
		r, err := dispatchLang(t, b, "U1", "language AUTO")
		if err != nil {
			t.Fatal(err)
		}
		b.inflight.Wait() // the locale read is stored in the background
		if u, _ := b.Members.User("U1"); u.Lang != "" || u.Locale != "fr-CA" {
			t.Fatalf("after auto the record is %+v", u)
		}
		if !strings.Contains(r.Text, "je suis de nouveau la langue de ton Slack, je te parle donc en français") {
			t.Fatalf("auto answered %q", r.Text)
		}
	})

	t.Run("ErrUnknown", func(t *testing.T) {
		for _, arg := range []string{"de", "klingon", "`x`", "fr en"} {
			b, _ := langBot(t, newLocaleSlack(map[string]string{"U1": "fr-FR"}))
			_, err := dispatchLang(t, b, "U1", "language "+arg)
			if ErrorCode(err) != EINVALID {
				t.Fatalf("language %s: err = %v, want EINVALID", arg, err)
			}
			msg := ErrorMessage(err)
			if !strings.Contains(msg, "`en` (English), `fr` (français)") || !strings.Contains(msg, "`auto`") || strings.Contains(msg, "``") {
				t.Fatalf("language %s answered %q; want the languages listed, in French", arg, msg)
			}
			if !strings.HasPrefix(msg, "Je ne parle pas") && !strings.HasPrefix(msg, "Une seule langue") {
				t.Fatalf("language %s answered %q, not in the member's French", arg, msg)
			}
			if u, _ := b.Members.User("U1"); u.Lang != "" {
				t.Fatalf("language %s stored %q", arg, u.Lang)
			}
		}
	})

	t.Run("Current", func(t *testing.T) {
		for _, tc := range []struct {
			name, locale, choice, want string
		}{
			{"Choice", "en-US", "fr", "Je te parle en *français* : c'est ton choix."},
			{"Slack", "fr-FR", "", "Je te parle en *français*, la langue de ton Slack (fr-FR)."},
			{"SlackEnglish", "en-GB", "", "I speak *English* with you, from your Slack language (en-GB)."},
			{"Unspoken", "de-DE", "", "Your Slack language is de-DE, which I do not speak, so I speak *English* with you."},
			{"NoLocale", "", "", "I speak *English* with you: Slack has not told me your language."},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b, _ := langBot(t, newLocaleSlack(map[string]string{"U1": tc.locale}))
				b.Members.UpdateUser("U1", func(u *store.User) error { u.Lang = tc.choice; return nil })
				r, err := dispatchLang(t, b, "U1", "language")
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(r.Text, tc.want+"\n") || !strings.Contains(r.Text, "`/mentor language en|fr`") {
					t.Fatalf("language answered %q, want %q and the usage", r.Text, tc.want)
				}
			})
		}
	})

	t.Run("RefreshesHome", func(t *testing.T) {
		if b := newTestBot(t); !b.table.refreshesHome("language") {
			t.Fatal("a language change does not refresh the Home tab, which shows the member's language")
		}
	})
}

// The settings form's language menu: a choice is stored and the saved view
// speaks it; Automatic follows Slack again; a form without the field keeps
// the choice; a forged value is refused under the field, in the member's
// language.
func TestSettingsLanguage(t *testing.T) {
	withLang := func(v string) formValues {
		values := settingsValues("weekly", "fri", "16:00", "Europe/Paris", "ic")
		if v != "" {
			values[blockLang] = map[string]slack.BlockAction{blockLang: {SelectedOption: slack.OptionBlockObject{Value: v}}}
		}
		return values
	}
	s := newLocaleSlack(map[string]string{"U1": "en-US"})
	b, _ := langBot(t, s)
	submitAs := func(v string) *viewResponse {
		t.Helper()
		c := &Command{UserID: "U1", Name: "/mentor", P: b.printerFor(context.Background(), "U1")}
		resp, err := b.submitSettings(c, withLang(v))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := submitAs("fr")
	if u, _ := b.Members.User("U1"); u.Lang != "fr" || resp.Action != "update" {
		t.Fatalf("after choosing fr: %+v, %+v", u, resp)
	}
	saved := viewText(t, resp.View.Blocks.BlockSet)
	if resp.View.Title.Text != "Réglages enregistrés" || !strings.Contains(saved, "C'est enregistré. Tu reçois une question de réflexion") ||
		!strings.Contains(saved, "Langue : français") {
		t.Fatalf("saved view not in the French just chosen: %q\n%s", resp.View.Title.Text, saved)
	}

	if resp := submitAs(""); resp.Action != "update" {
		t.Fatalf("a form without the language field: %+v", resp)
	}
	if u, _ := b.Members.User("U1"); u.Lang != "fr" {
		t.Fatalf("a form without the field changed the choice to %q", u.Lang)
	}

	resp = submitAs("klingon")
	if resp.Action != "errors" || resp.Errors[blockLang] != "Choisis une langue, ou Automatique." {
		t.Fatalf("a forged language: %+v", resp)
	}

	resp = submitAs(langAuto)
	if u, _ := b.Members.User("U1"); u.Lang != "" {
		t.Fatalf("Automatic stored %q", u.Lang)
	}
	if saved := viewText(t, resp.View.Blocks.BlockSet); !strings.Contains(saved, "Saved. You get a reflection prompt") || !strings.Contains(saved, "Language: English") {
		t.Fatalf("after Automatic with an en-US Slack the view is:\n%s", saved)
	}
	if st, _ := b.currentSettings(context.Background(), "U1"); st.Lang != langAuto {
		t.Fatalf("the form shows %q after Automatic", st.Lang)
	}
}

// forget deletes the member's choice: they are spoken to in their Slack
// language again, and what the bot sends of its own accord afterwards (the
// Home tab forget refreshes) writes no record of them back; their next
// command asks Slack again.
func TestForgetLanguage(t *testing.T) {
	s := newLocaleSlack(map[string]string{"U1": "en-GB"})
	b, _ := langBot(t, s)
	if _, err := dispatchLang(t, b, "U1", "language fr"); err != nil {
		t.Fatal(err)
	}
	c := &Command{UserID: "U1", Name: "/mentor", P: b.printerFor(context.Background(), "U1"), Value: forgetValue(actionForgetConfirm, "U1", b.Now())}
	if _, err := b.forget(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if u, _ := b.Members.User("U1"); u.Lang != "" {
		t.Fatalf("the choice survived forget on disk: %+v", u)
	}
	calls := s.callsOf("U1")
	if got := b.printerFor(context.Background(), "U1").Lang(); got != "en" {
		t.Fatalf("after forget the member is spoken to in %q, want Slack's English", got)
	}
	b.inflight.Wait()
	if u, _ := b.Members.User("U1"); u.Locale != "" || s.callsOf("U1") != calls {
		t.Fatalf("the Home tab after forget asked Slack (%d calls) or wrote the record back: %+v", s.callsOf("U1")-calls, u)
	}
	if got := b.commandPrinter(context.Background(), "U1").Lang(); got != "en" || s.callsOf("U1") != calls+1 {
		t.Fatalf("the next command: %q after %d calls; want Slack asked again", got, s.callsOf("U1")-calls)
	}
}

// restartAfterLocaleChange has U1 send a command, so that their Slack
// locale in s is stored, then changes it in Slack to locale and returns a
// new bot on the same store, as after a restart, with its clock.
func restartAfterLocaleChange(t *testing.T, s *localeSlack, locale string) (*Bot, *time.Time) {
	t.Helper()
	b, now := langBot(t, s)
	if _, err := dispatchLang(t, b, "U1", "help"); err != nil {
		t.Fatal(err)
	}
	b.inflight.Wait() // the first locale is stored
	s.set("U1", locale)
	again := New(b.Members.(Store), b.Catalog, nil)
	again.Now = func() time.Time { return *now }
	again.Slack = s
	return again, now
}

// `language` says what Slack says now: after a restart the stored locale
// serves other commands for up to a day, but not the one that reports it.
func TestLanguageStatusAfterSlackChange(t *testing.T) {
	s := newLocaleSlack(map[string]string{"U1": "en-US"})
	again, _ := restartAfterLocaleChange(t, s, "fr-FR")
	if got := again.commandPrinter(context.Background(), "U1").Lang(); got != "en" {
		t.Fatalf("after the restart a command speaks %q, want the stored en-US's English", got)
	}
	r, err := dispatchLang(t, again, "U1", "language")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Je te parle en *français*, la langue de ton Slack (fr-FR)."; !strings.HasPrefix(r.Text, want) {
		t.Fatalf("language answered %q, want %q", r.Text, want)
	}
	calls := s.callsOf("U1")
	if _, err := dispatchLang(t, again, "U1", "language"); err != nil || s.callsOf("U1") != calls {
		t.Fatalf("asked again at once: %d more calls (%v)", s.callsOf("U1")-calls, err)
	}
}

// `language auto` follows what Slack says now, not the locale stored
// before a restart; when Slack cannot be asked, the locale last seen.
func TestLanguageAutoAfterSlackChange(t *testing.T) {
	s := newLocaleSlack(map[string]string{"U1": "fr-FR"})
	again, now := restartAfterLocaleChange(t, s, "en-US")
	if _, err := dispatchLang(t, again, "U1", "language fr"); err != nil {
		t.Fatal(err)
	}
	r, err := dispatchLang(t, again, "U1", "language auto")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "English") {
		t.Fatalf("auto answered %q; want English, Slack's language now", r.Text)
	}
	// Slack down a while later: the status still names the locale it knows.
	s.mu.Lock()
	s.err = errors.New("internal_error")
	s.mu.Unlock()
	*now = now.Add(2 * zoneReuse)
	r, err = dispatchLang(t, again, "U1", "language")
	if err != nil {
		t.Fatal(err)
	}
	if want := "I speak *English* with you, from your Slack language (en-US)."; !strings.HasPrefix(r.Text, want) {
		t.Fatalf("with Slack down the status said %q, want %q", r.Text, want)
	}
}
