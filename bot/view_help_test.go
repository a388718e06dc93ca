package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/lang"
)

func TestCodeList(t *testing.T) {
	tests := []struct {
		name string
		p    *lang.Printer
		ids  []string
		want string
	}{
		{"None", en, nil, ""},
		{"One", fr, []string{"a"}, "`a`"},
		{"TwoEnglish", en, []string{"a", "b"}, "`a` and `b`"},
		{"ThreeEnglish", en, []string{"a", "b", "c"}, "`a`, `b` and `c`"},
		{"ThreeFrench", fr, []string{"a", "b", "c"}, "`a`, `b` et `c`"},
		{"NilPrinter", nil, []string{"a", "b"}, "`a` and `b`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codeList(tt.p, tt.ids); got != tt.want {
				t.Errorf("codeList = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCounts checks the plural forms of the themes list's counts: French
// puts 0 and 1 in the singular, English only 1.
func TestCounts(t *testing.T) {
	for _, tt := range []struct {
		p    *lang.Printer
		n    int
		want string
	}{
		{en, 0, "0 team topics"}, {en, 1, "1 team topic"}, {en, 2, "2 team topics"},
		{fr, 0, "0 sujet d'équipe"}, {fr, 1, "1 sujet d'équipe"}, {fr, 2, "2 sujets d'équipe"},
	} {
		if got := tt.p.N("count_team_topic", tt.n); got != tt.want {
			t.Errorf("%s count_team_topic %d = %q, want %q", tt.p.Lang(), tt.n, got, tt.want)
		}
	}
}

func TestGolden_HelpFrench(t *testing.T) {
	b := newTestBot(t)
	golden(t, "help.fr", helpBlocks(fr, "/mentor", b.table.subcommands()))
}

// Every subcommand's usage and summary exist in every built-in language,
// and the help shows them rather than an id: the table names them by id,
// which the scan of literal T calls cannot see.
func TestHelpMessagesExist(t *testing.T) {
	b := newTestBot(t)
	for _, p := range []*lang.Printer{en, fr} {
		for _, r := range b.table.subcommands() {
			ids := []string{r.summary}
			if r.args != "" {
				ids = append(ids, r.args)
			}
			for _, id := range ids {
				if got := p.T(id); got == id || got == "" {
					t.Errorf("%s: subcommand %s has no message %s", p.Lang(), r.id, id)
				}
			}
		}
		help := blocksText(t, Reply{Blocks: helpBlocks(p, "/mentor", b.table.subcommands())})
		if strings.Contains(help, "help_") {
			t.Errorf("%s help shows a message id:\n%s", p.Lang(), help)
		}
	}
}

// A French member who mistypes gets French around the English subcommand
// they meant: the matching is on the names members type.
func TestDispatch_UnknownFrench(t *testing.T) {
	b := newTestBot(t)
	for _, tc := range []struct{ text, want string }{
		{"promt", "Je ne connais pas `promt`. Tu voulais dire `/mentor prompt` ?\n`/mentor prompt [THÈME]`  une question de réflexion, tout de suite ; THÈME est l'identifiant d'un thème ou ses premières lettres. `/mentor help` liste tout le reste."},
		{"dele", "Tu voulais dire `/mentor prompt delegation` ?"},
		// The first French word for a subcommand is pointed to its name.
		{"aide", "Je ne connais pas `aide`. Tu voulais dire `/mentor help` ?"},
		{"Abonner", "Tu voulais dire `/mentor subscribe` ?"},
		{"merci", "Tu voulais dire `/mentor thanks` ?"},
		{"oublier", "Tu voulais dire `/mentor forget` ?"},
		{"xyz", "Je ne connais pas `xyz`.\n`/mentor help` liste tout ce que je sais faire ; `/mentor prompt` te donne tout de suite de quoi réfléchir."},
	} {
		t.Run(tc.text, func(t *testing.T) {
			c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: fr}
			r, err := b.Dispatch(context.Background(), c, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := blocksText(t, r); !strings.Contains(got, tc.want) {
				t.Fatalf("reply:\n%s\nwant it to contain:\n%s", got, tc.want)
			}
		})
	}
}

// An error quoting a member's words shows Slack's escapes as they were
// typed, not as markup.
func TestClipReadable(t *testing.T) {
	for in, want := range map[string]string{
		"<@U0SAM|sam>":                   "@sam",
		"<@U0SAM>":                       "@U0SAM",
		"<#C0TEAM|team>,":                "#team,",
		"<#C0TEAM|>":                     "#C0TEAM",
		"<!here>":                        "@here",
		"<!subteam^S0LEADS|@leads>":      "@leads",
		"<!subteam^S0LEADS>":             "@S0LEADS",
		"see <https://example.com|docs>": "see docs",
		"<https://example.com>":          "https://example.com",
		"a <b> & c":                      "a b &amp; c",
	} {
		if got := clip(in); got != want {
			t.Errorf("clip(%q) = %q, want %q", in, got, want)
		}
	}
}
