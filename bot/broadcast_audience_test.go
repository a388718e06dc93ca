package bot

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
)

// A broadcast posts team prompts only, for the role the lead gave or else
// for everyone, and never a private prompt, however many times it posts.
func TestPostBroadcast_TeamPromptsOnly(t *testing.T) {
	c, err := prompts.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ theme, role string }{
		{"impostor", ""}, {"vision", "manager"}, {"growth", "ic"}, {"delegation", "lead"},
	} {
		t.Run(tt.theme+"/"+tt.role, func(t *testing.T) {
			b := newTestBot(t)
			b.Catalog = c
			var sim *slacksim.Server
			b.Slack, sim = simSlack(t)
			sim.AddChannel(slacksim.Channel{ID: "C1", Name: "team", BotIsMember: true})
			th, _ := c.Theme(tt.theme)
			// Twice the theme's size, so cycles restart too.
			for range 2 * len(th.Prompts) {
				if err := b.postBroadcast(context.Background(), store.Broadcast{LeadID: "U0", Channel: "C1", Theme: tt.theme, Role: tt.role}); err != nil {
					t.Fatal(err)
				}
			}
			msgs := sim.MessagesIn("C1")
			if len(msgs) != 2*len(th.Prompts) {
				t.Fatalf("%d posts, want %d", len(msgs), 2*len(th.Prompts))
			}
			seen := map[string]bool{}
			for _, m := range msgs {
				p := promptIn(th, m.Text)
				switch {
				case p == nil:
					t.Fatalf("post %q is no prompt of %s", m.Text, tt.theme)
				case p.Audience != prompts.AudienceTeam:
					t.Fatalf("%s, a %s prompt, reached a channel", p.ID, p.Audience)
				case tt.role == "" && !p.ForEveryone():
					t.Fatalf("%s, written for %v, posted without a role", p.ID, p.Roles)
				case !p.For(tt.role):
					t.Fatalf("%s, written for %v, posted for role %s", p.ID, p.Roles, tt.role)
				}
				seen[p.ID] = true
			}
			want := 0
			for _, p := range th.Prompts {
				if broadcastPick(tt.theme, tt.role).InPool(p) {
					want++
				}
			}
			if len(seen) != want {
				t.Errorf("%d distinct topics posted, want all %d of the pool", len(seen), want)
			}
		})
	}
}

// promptIn finds the prompt of th whose text a broadcast's fallback text
// ends with.
func promptIn(th *prompts.Theme, text string) *prompts.Prompt {
	for _, p := range th.Prompts {
		if strings.HasSuffix(text, ": "+p.Text) {
			return p
		}
	}
	return nil
}

// role: and lang: are taken wherever they are and in any case; a word with
// a space is the lead's own topic even when it starts with one of them.
func TestTakeOptions(t *testing.T) {
	b := newTestBot(t)
	for _, tt := range []struct {
		args       []string
		role, lang string
		rest       []string
	}{
		{[]string{"C1", "vision"}, "", "", []string{"C1", "vision"}},
		{[]string{"C1", "vision", "role:manager"}, "manager", "", []string{"C1", "vision"}},
		{[]string{"C1", "ROLE:Staff", "every", "mon", "10:00", "vision"}, "staff", "", []string{"C1", "every", "mon", "10:00", "vision"}},
		{[]string{"C1", "vision", "lang:fr"}, "", "fr", []string{"C1", "vision"}},
		{[]string{"LANG:FR", "C1", "vision"}, "", "fr", []string{"C1", "vision"}},
		{[]string{"C1", "lang:fr-CA", "every", "mon", "10:00", "vision", "role:ic"}, "ic", "fr", []string{"C1", "every", "mon", "10:00", "vision"}},
		{[]string{"C1", "lang:en", "vision", "lang:EN"}, "", "en", []string{"C1", "vision"}},
		{[]string{"C1", "role:lead", "vision", "role:lead"}, "lead", "", []string{"C1", "vision"}},
		{[]string{"C1", "Lang: which words do we use?"}, "", "", []string{"C1", "Lang: which words do we use?"}},
	} {
		var req broadcastReq
		rest, err := b.takeOptions(en, tt.args, &req)
		if err != nil || req.role != tt.role || req.lang != tt.lang || strings.Join(rest, "|") != strings.Join(tt.rest, "|") {
			t.Errorf("takeOptions(%q) = %q, role %q, lang %q, %v; want %q, %q, %q", tt.args, rest, req.role, req.lang, err, tt.rest, tt.role, tt.lang)
		}
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrUnknownRole", []string{"vision", "role:cto"}, "`role:manager`"},
		{"ErrEmptyRole", []string{"vision", "role:"}, "`role:manager`"},
		{"ErrBlankRole", []string{"vision", "role: "}, "`role:manager`"},
		{"ErrTwoRoles", []string{"vision", "role:ic", "role:lead"}, "One role per broadcast: `role:ic` or `role:lead`."},
		{"ErrUnknownLang", []string{"vision", "lang:de"}, "I don't post in `lang:de`. Give one of `lang:en`, `lang:fr`, or leave `lang:` out to post in your own language."},
		{"ErrUnknownLangUpper", []string{"LANG:DE", "vision"}, "I don't post in `lang:de`."},
		{"ErrEmptyLang", []string{"vision", "lang:"}, "I don't post in `lang:`."},
		{"ErrTwoLangs", []string{"lang:fr", "vision", "lang:en"}, "One language per broadcast: `lang:fr` or `lang:en`."},
		{"ErrMarkupLang", []string{"lang:`<!here>`"}, "I don't post in `lang:'@here'`."}, // as typed; plain text pings nobody
	} {
		t.Run(tt.name, func(t *testing.T) {
			var req broadcastReq
			_, err := b.takeOptions(en, tt.args, &req)
			if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tt.want) {
				t.Errorf("takeOptions(%q) err %v, want EINVALID saying %q", tt.args, err, tt.want)
			}
		})
	}
	t.Run("ErrUnknownLangFrench", func(t *testing.T) {
		var req broadcastReq
		_, err := b.takeOptions(fr, []string{"lang:de"}, &req)
		if want := "Je ne publie pas en `lang:de`. Choisis parmi `lang:en`, `lang:fr`, ou retire `lang:` pour publier dans ta langue."; ErrorMessage(err) != want {
			t.Errorf("French error %q, want %q", ErrorMessage(err), want)
		}
	})
}

// A theme with no team topic for the role is refused when the lead asks,
// rather than posting nothing, or a private prompt, later.
func TestTeamPool(t *testing.T) {
	c, err := prompts.Load(fstest.MapFS{"c/d.md": {Data: []byte("---\ntheme: delegation\ntitle: D\nsummary: D.\n---\n\n" +
		"## d-team\naudience: team\nroles: lead\n\nWhat do we decide?\n\n## d-private\naudience: private\n\nWhat do you decide?\n")}}, "c")
	if err != nil {
		t.Fatal(err)
	}
	th, _ := c.Theme("delegation") // one team prompt, for leads
	for _, tt := range []struct {
		role string
		want string // "" for accepted
	}{
		{"lead", ""},
		{"", "The `delegation` theme has no team topic suitable for everyone"},
		{"ic", "The `delegation` theme has no team topic written for individual contributors. Leave out `role:ic`"},
	} {
		err := teamPool(en, th, tt.role)
		if got := ErrorMessage(err); (tt.want == "") != (err == nil) || !strings.Contains(got, tt.want) {
			t.Errorf("teamPool(%q) = %v, want %q", tt.role, err, tt.want)
		}
	}
}

// A lead's role: is kept with a weekly broadcast, named back to them and in
// the listing, and tells two broadcasts apart; it makes no sense with words
// of their own.
func TestBroadcastRole(t *testing.T) {
	b := newLeadBot(t)
	contains(t, mustDispatch(t, b, "broadcast C0TEAM1 every mon 10:00 UTC delegation role:lead"), "a `delegation` topic for leads")
	contains(t, mustDispatch(t, b, "broadcast C0TEAM1 every mon 10:00 UTC delegation"), "Broadcast `b2`")
	bc, ok, err := b.Broadcasts.Broadcast("b1")
	if err != nil || !ok || bc.Role != "lead" {
		t.Fatalf("b1 = %+v, %v, %v; want role lead kept", bc, ok, err)
	}
	r, err := dispatch(t, b, "broadcasts")
	if err != nil {
		t.Fatal(err)
	}
	contains(t, blocksText(t, r), "a `delegation` topic for leads")
	contains(t, mustFail(t, b, `broadcast C0TEAM1 "What did we learn this week?" role:lead`, EINVALID), "Leave out `role:lead`")
	contains(t, mustFail(t, b, "broadcast C0TEAM1 delegation role:cto", EINVALID), "`role:manager`")
	contains(t, mustFail(t, b, "broadcast C0TEAM1 role:lead", EINVALID), "Which theme, or which topic?")
}
