package bot

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// frenchBot is a test bot on the built-in catalog, French text included,
// where U1 chose French.
func frenchBot(t *testing.T) (*Bot, *homeSlack) {
	t.Helper()
	b := New(MustOpenDB(t), builtin(t), rand.New(rand.NewPCG(1, 2)))
	b.Now = func() time.Time { return time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC) }
	sl := &homeSlack{}
	b.Slack = sl
	t.Cleanup(b.inflight.Wait)
	if err := b.Members.UpdateUser("U1", func(u *store.User) error { u.Lang = "fr"; return nil }); err != nil {
		t.Fatal(err)
	}
	return b, sl
}

// decodeBlocks is blocks as Slack reads them: a card's blocks may be
// encoded already (rawBlock).
func decodeBlocks(t *testing.T, blocks []slack.Block) []slack.Block {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var out slack.Blocks
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out.BlockSet
}

// reflectRef is the value of a card's Reflect button.
func reflectRef(t *testing.T, blocks []slack.Block) promptRef {
	t.Helper()
	for _, bl := range decodeBlocks(t, blocks) {
		if a, ok := bl.(*slack.ActionBlock); ok {
			for _, el := range a.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == actionReflect {
					return parsePromptRef(btn.Value)
				}
			}
		}
	}
	t.Fatal("no Reflect button")
	return promptRef{}
}

// A French member reads the prompt in French from the card to the journal:
// the card of /mentor prompt (its theme's French title too), the Reflect
// modal, the Saved modal, and the journal entry, which keeps the French
// words they answered.
func TestFrenchMember_PromptToJournal(t *testing.T) {
	b, sl := frenchBot(t)
	r, err := dispatchLang(t, b, "U1", "prompt impostor")
	if err != nil {
		t.Fatal(err)
	}
	ref := reflectRef(t, r.Blocks)
	p, _ := b.Catalog.Prompt(ref.PromptID)
	shown := b.Catalog.Localize(p, "fr")
	if shown == p || shown.Text == p.Text {
		t.Fatalf("%s has no French text in the built-in catalog; the test needs one", p.ID)
	}
	theme, _ := b.Catalog.Theme("impostor")
	card := blocksText(t, r)
	for _, want := range []string{escape(firstLine(shown.Text)), escape(b.Catalog.ThemeIn(theme, "fr").Title), "Répondre", "Une autre question"} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks %q:\n%s", want, card)
		}
	}
	if r.Text != shown.Text {
		t.Errorf("notification text %q, want the French prompt", r.Text)
	}

	c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: fr, Value: ref.value(), TriggerID: "T1"}
	if _, err := b.openReflect(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if len(sl.opened) != 1 || sl.opened[0].Title.Text != "Ta réflexion" || sl.opened[0].Submit.Text != "Ajouter à mon journal" {
		t.Fatalf("modal opened: %+v", sl.opened)
	}
	values := form("", "Une réponse honnête.")
	if shown.Form == "scale" {
		values = form("4", "Une réponse honnête.")
	}
	if shown.Form == "finish" {
		values = form("", finishStem(shown)+"une réponse honnête.")
	}
	resp, err := b.submitReflection(c, values)
	if err != nil || resp.Action != "update" || !strings.Contains(blocksText(t, Reply{Blocks: resp.View.Blocks.BlockSet}), "C'est dans ton journal") {
		t.Fatalf("submit: %+v, %v", resp, err)
	}
	saved, ok, err := b.Journal.LastReflectionOn("U1", p.ID)
	if err != nil || !ok || saved.Prompt != shown.Text {
		t.Fatalf("journal keeps %q (%v, %v), want the French prompt %q", saved.Prompt, ok, err, shown.Text)
	}
	j, err := dispatchLang(t, b, "U1", "journal")
	if got := blocksText(t, j); err != nil || !strings.Contains(got, "Ton journal") || !strings.Contains(got, "ven. 20 nov. 2026") || !strings.Contains(got, "Personne d'autre que toi") {
		t.Fatalf("journal %v:\n%s", err, got)
	}
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

// A French member's mistakes are answered in French, with the list of
// themes joined by « ou ».
func TestFrenchMember_Errors(t *testing.T) {
	b, _ := frenchBot(t)
	for _, tt := range []struct{ text, want string }{
		{"prompt nosuch", "Je ne connais pas le thème `nosuch`. Essaie `impostor`, "},
		{"prompt impostor daring", "Un thème à la fois, par exemple `/mentor prompt impostor`."},
		{"journal dix", "`journal` prend le nombre d'entrées à montrer, de 1 à 20 : `/mentor journal 10`."},
	} {
		_, err := dispatchLang(t, b, "U1", tt.text)
		if !strings.HasPrefix(ErrorMessage(err), tt.want) {
			t.Errorf("%s: %q, want %q…", tt.text, ErrorMessage(err), tt.want)
		}
	}
	if _, err := dispatchLang(t, b, "U1", "prompt nosuch"); !strings.Contains(ErrorMessage(err), "` ou `") || strings.Contains(ErrorMessage(err), " or ") {
		t.Errorf("themes not joined in French: %q", ErrorMessage(err))
	}
}

// The forget warning is in the member's language and tells a lead that
// their recurring broadcasts go too; a member without any is not told.
func TestForget_Warning(t *testing.T) {
	b, _ := frenchBot(t)
	r, err := dispatchLang(t, b, "U1", "forget")
	got := blocksText(t, r)
	if err != nil || !strings.Contains(got, "Ceci efface tout ce que je garde sur toi") || !strings.Contains(got, "Tout effacer") || strings.Contains(got, "diffusions") {
		t.Fatalf("forget %v:\n%s", err, got)
	}
	if _, err := b.Broadcasts.CreateBroadcast(store.Broadcast{LeadID: "U1", Channel: "C1", Theme: "daring", Schedule: store.Schedule{NextDue: b.Now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	r, _ = dispatchLang(t, b, "U1", "forget")
	if got := blocksText(t, r); !strings.Contains(got, "Tes diffusions récurrentes s'arrêtent et sont effacées aussi.") {
		t.Fatalf("a lead's forget does not name the broadcasts:\n%s", got)
	}
	b2 := newTestBot(t)
	if _, err := b2.Broadcasts.CreateBroadcast(store.Broadcast{LeadID: "U1", Channel: "C1", Theme: "daring", Schedule: store.Schedule{NextDue: b2.Now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	r, _ = dispatch(t, b2, "forget")
	if got := blocksText(t, r); !strings.Contains(got, "your experiments, your check-ins") || !strings.Contains(got, "Your recurring broadcasts stop and are deleted too.") {
		t.Fatalf("forget in English:\n%s", got)
	}
}

// TestGolden_Journal pins the journal in both languages: dates in the
// member's language and zone, and the footer pointing to older entries.
func TestGolden_Journal(t *testing.T) {
	at := time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC) // already Saturday in Paris
	rs := map[string][]store.Reflection{
		"en": {
			{Theme: "impostor", Prompt: "How at ease are you asking a question in a public channel?", Text: "4 of 5 (1: anxious, 5: at ease)\nOne point higher: ask before the meeting, not after.", At: at},
			{Theme: "delegation", Prompt: "The part of my job I still over-explain is…", Text: "The part of my job I still over-explain is the roadmap.", At: at.AddDate(0, -1, -3)},
		},
		"fr": {
			{Theme: "impostor", Prompt: "À quel point es-tu à l'aise pour poser une question dans un canal public ?", Text: "4 sur 5 (1 : tendu, 5 : à l'aise)\nPour gagner un point : demander avant la réunion, pas après.", At: at},
			{Theme: "delegation", Prompt: "La partie de mon travail que j'explique encore trop, c'est…", Text: "La partie de mon travail que j'explique encore trop, c'est la feuille de route.", At: at.AddDate(0, -1, -3)},
		},
	}
	for _, pr := range printers {
		golden(t, "journal"+pr.suffix, journalBlocks(pr.p, "/mentor", rs[pr.p.Lang()], true, "Europe/Paris"))
	}
	// The button named in the sentence is quoted, so it reads as a name.
	if got := blocksText(t, Reply{Blocks: journalBlocks(fr, "/mentor", nil, false, "")}); !strings.Contains(got, "Ton journal est vide.") || !strings.Contains(got, "appuie sur « Répondre » en dessous") {
		t.Fatalf("empty journal:\n%s", got)
	}
}

// TestGolden_Export pins the exported Markdown file in both languages: a
// member with settings, a schedule with a skip, a reflection, a win, an
// experiment waiting for its follow-up, a check-in and a prompt shown. Its
// reply names experiments and check-ins among what the file holds.
func TestGolden_Export(t *testing.T) {
	b := newTestBot(t)
	for _, text := range []string{"role staff", "subscribe weekly tue 09:30 Europe/Paris", "focus daring", "skip", "prompt impostor"} {
		if _, err := dispatch(t, b, text); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
	}
	now := b.Now()
	if _, err := b.Journal.AddReflection(store.Reflection{UserID: "U1", PromptID: "impostor-one", Theme: "impostor", Prompt: "First impostor question?", Text: "I asked it in the end.", At: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Wins.AddWin(store.Win{UserID: "U1", From: "U3", Text: "Thanks for the review", At: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Experiments.AddCommitment(store.Commitment{UserID: "U1", PromptID: "impostor-one", Theme: "impostor", Experiment: "Ask one question in public.", At: now, Due: now.AddDate(0, 0, 7)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckIns.AddCheckIn(store.CheckIn{UserID: "U1", At: now, Scores: []int{3, 4, 2, 5, 1}}); err != nil {
		t.Fatal(err)
	}
	for _, pr := range printers {
		doc, err := b.exportMarkdown(pr.p, "U1", "Lee", "")
		if err != nil {
			t.Fatal(err)
		}
		compareGolden(t, "export"+pr.suffix+".golden.md", []byte(doc))
	}
	b.Slack = &exportSlack{}
	c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: fr}
	if r, err := b.Dispatch(context.Background(), c, "export"); err != nil || !strings.Contains(r.Text, "tes expériences et tes points d'étape") {
		t.Fatalf("French reply %q, %v", r.Text, err)
	}
	if r, err := dispatch(t, b, "export"); err != nil || !strings.Contains(r.Text, "your experiments and your check-ins") {
		t.Fatalf("reply %q, %v", r.Text, err)
	}
}

// A French journal of twenty entries as long as the journal keeps, in
// accented text and markup that escaping lengthens, stays inside Slack's
// limits as built: the French footers fit the overhead the English ones
// were measured for.
func TestJournalBlocks_FrenchFits(t *testing.T) {
	var rs []store.Reflection
	for i := range journalMax {
		rs = append(rs, store.Reflection{Theme: "first-principles", Prompt: strings.Repeat("Qu'est-ce qui t'a retenu ? ", 40),
			Text: strings.Repeat("é<&> ", store.MaxReflectionLen/5), At: time.Unix(int64(i+1)*86400, 0)})
	}
	blocks := journalBlocks(fr, "/mentor", rs, true, "Europe/Paris")
	if n := encodedSize(blocks); len(blocks) > maxBlocks || n > replyBudget {
		t.Fatalf("%d blocks, %d bytes: over Slack's limits", len(blocks), n)
	}
	if _, cut := fitBlocks(blocks, replyBudget); cut {
		t.Fatal("the reply's budget cut the French journal; it should fit as built")
	}
	if got := blocksText(t, Reply{Blocks: blocks}); !strings.Contains(got, "Une entrée qui finit par … est coupée") {
		t.Fatalf("the footer does not say entries were cut:\n%s", got[len(got)-400:])
	}
}

// A sentence to finish sent back untouched is refused in whichever language
// the form started it: a member who switched to French after opening an
// English form is still asked to write something.
func TestSubmitReflection_UntouchedStemAnyLanguage(t *testing.T) {
	b, _ := frenchBot(t)
	var p *prompts.Prompt
	for _, th := range b.Catalog.Themes() {
		for _, q := range th.Prompts {
			if q.Form == prompts.FormFinish && q.Audience == prompts.AudiencePrivate && b.Catalog.Localize(q, "fr") != q {
				p = q
			}
		}
	}
	if p == nil {
		t.Fatal("no sentence to finish with French text in the built-in catalog")
	}
	c := &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: fr, Value: promptRef{PromptID: p.ID, Theme: p.Theme}.value()}
	for _, stem := range []string{finishStem(p), finishStem(b.Catalog.Localize(p, "fr"))} {
		resp, err := b.submitReflection(c, form("", stem))
		if err != nil || resp.Action != "errors" || resp.Errors[blockReflection] != "Écris d'abord quelques mots, ou appuie sur « Annuler »." {
			t.Fatalf("untouched %q: %+v, %v", stem, resp, err)
		}
	}
	if _, ok, _ := b.Journal.LastReflectionOn("U1", p.ID); ok {
		t.Fatal("an untouched sentence was saved")
	}
}

// TestExport_KeepsEverySetting: the export lists the member's language and
// where it comes from (their choice, or Slack's locale), and whether the
// monthly check-in is on, in both languages; its dates are in the member's
// zone and language, not UTC.
func TestExport_KeepsEverySetting(t *testing.T) {
	b := newTestBot(t)
	for _, text := range []string{"subscribe weekly fri 16:00 Europe/Paris", "check-in monthly"} {
		if _, err := dispatch(t, b, text); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
	}
	setUser := func(choice, locale string) {
		t.Helper()
		if err := b.Members.UpdateUser("U1", func(u *store.User) error { u.Lang, u.Locale = choice, locale; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	export := func(p *lang.Printer) string {
		t.Helper()
		doc, err := b.exportMarkdown(p, "U1", "Lee", "")
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	setUser("fr", "en-US")
	for p, want := range map[*lang.Printer][]string{
		en: {"- Language: français (your choice); your Slack locale is en-US", "- Monthly check-in: on, with the first prompt of each month", "Exported 20 November 2026, 17:00 CET."},
		fr: {"- Langue : français (ton choix) ; ton Slack est en en-US", "- Point d'étape mensuel : activé", "Exporté le 20 novembre 2026 à 17 h (CET)."},
	} {
		if doc := export(p); !containsAll(doc, want) {
			t.Errorf("%s export, chosen language, wants %q:\n%s", p.Lang(), want, doc)
		}
	}
	setUser("", "fr-FR")
	if _, err := dispatch(t, b, "check-in off"); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[*lang.Printer][]string{
		en: {"- Language: français, from your Slack locale (fr-FR)", "- Monthly check-in: off"},
		fr: {"- Langue : français, celle de ton Slack (fr-FR)", "- Point d'étape mensuel : désactivé"},
	} {
		if doc := export(p); !containsAll(doc, want) || strings.Contains(doc, "UTC") {
			t.Errorf("%s export, Slack's language, wants %q and no UTC:\n%s", p.Lang(), want, doc)
		}
	}
	setUser("", "")
	if doc := export(fr); !strings.Contains(doc, "- Langue : English, car Slack ne m'a pas indiqué ta langue") {
		t.Errorf("no locale known:\n%s", doc)
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// A theme may be named by a word of its title in the member's language,
// as /mentor themes shows it: `prompt oser`, `prompt imposteur`. A word
// in several titles, or a short one, names none.
func TestThemeByTitle(t *testing.T) {
	b := newTestBot(t)
	var err error
	if b.Catalog, err = prompts.Builtin(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		p         *lang.Printer
		arg, want string
	}{
		{fr, "oser", "daring"}, {fr, "Imposteur", "impostor"}, {fr, "déléguer", "delegation"}, {fr, "deleguer", "delegation"},
		{fr, "dernier", "last-mile"}, {fr, "qualite", "quality-speed"}, {en, "syndrome", "impostor"},
		{fr, "le", ""}, {fr, "et", ""}, {fr, "zzz", ""}, {en, "oser", ""},
		{fr, "les", ""}, {fr, "dans", ""}, {en, "the", ""}, {en, "and", ""}, {en, "back", ""}, {en, "work", "hands-on"},
	} {
		th, err := b.resolveTheme(&Command{Name: "/mentor", P: tt.p}, tt.arg)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%s %q: theme %s, want none", tt.p.Lang(), tt.arg, th.ID)
		case tt.want != "" && (err != nil || th.ID != tt.want):
			t.Errorf("%s %q: %v, %v; want %s", tt.p.Lang(), tt.arg, th, err, tt.want)
		}
	}
}
