package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// dispatchLang runs a command as the member, in their language as
// runHandler sets it.
func dispatchLang(t *testing.T, b *Bot, user, text string) (Reply, error) {
	t.Helper()
	c := &Command{UserID: user, ChannelID: "D" + user, Name: "/mentor"}
	c.P = b.printerFor(context.Background(), user)
	return b.Dispatch(context.Background(), c, text)
}

func TestLanguageCommand(t *testing.T) {
	t.Run("Choose", func(t *testing.T) {
		for _, tc := range []struct{ arg, want string }{
			{"fr", "fr"}, {"FR", "fr"}, {"Français", "fr"}, {"francais", "fr"}, {"French", "fr"}, {"fr-CA", "fr"},
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
