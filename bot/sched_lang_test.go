package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// dispatchIn runs a command as U1 speaking p's language.
func dispatchIn(t *testing.T, b *Bot, p *lang.Printer, text string) (Reply, error) {
	t.Helper()
	r, err := b.Dispatch(context.Background(), &Command{UserID: "U1", ChannelID: "D1", Name: "/mentor", P: p}, text)
	b.inflight.Wait()
	return r, err
}

// transcript runs each command in p's language and writes what the member
// reads: the reply (its blocks as Slack shows them), or the error line.
func transcript(t *testing.T, b *Bot, p *lang.Printer, cmds ...string) string {
	t.Helper()
	var sb strings.Builder
	for _, text := range cmds {
		r, err := dispatchIn(t, b, p, text)
		got := r.Text
		if len(r.Blocks) > 0 {
			raw, err := json.Marshal(r.Blocks)
			if err != nil {
				t.Fatal(err)
			}
			got, _ = slacksim.Render("", raw)
		}
		if err != nil {
			if ErrorCode(err) == "" || ErrorCode(err) == EINTERNAL {
				t.Fatalf("%s: %v", text, err)
			}
			got = ErrorMessage(err)
		}
		fmt.Fprintf(&sb, "> /mentor %s\n%s\n\n", text, got)
	}
	return sb.String()
}

// TestSubscribeGolden pins the schedule commands' replies in both
// languages: a first subscribe, partial changes, a zone read from a city and
// an offset, skip, pause and resume, and typing mistakes.
func TestSubscribeGolden(t *testing.T) {
	cmds := []string{
		"subscribe",
		"subscribe 9:30 paris",
		"subscribe daily",
		"subscribe weekdays 8am UTC+2",
		"subscribe weekly fri 16:00 Europe/Paris",
		"subscribe",
		"skip",
		"skip",
		"pause 2w",
		"status",
		"resume",
		"resume",
		"focus impostor daring",
		"focus impostor",
		"focus all",
		"subscribe fri cst",
		"subscribe fri atlantis",
		"subscribe 25:00",
		"subscribe mon tue",
		"subscribe daily mon",
		"pause",
		"pause 2x",
		"pause until 2026-02-30",
		"role",
		"role staff",
		"role boss",
		"subscribe tous les jours à 9h",
		"subscribe en semaine",
		"subscribe souvent",
		"skip demain",
		"resume maintenant",
		"unsubscribe",
		"pause 2w",
	}
	for _, tc := range []struct {
		name string
		p    *lang.Printer
	}{{"subscribe", en}, {"subscribe.fr", fr}} {
		t.Run(tc.name, func(t *testing.T) {
			b := newTestBot(t)
			compareGolden(t, tc.name+".golden.txt", []byte(transcript(t, b, tc.p, cmds...)))
		})
	}
}

// TestSkipButtonGolden pins a nudge's buttons for each cadence, in both
// languages: the skip button names its period and the date it skips. Each
// label stays inside Slack's 75 characters.
func TestSkipButtonGolden(t *testing.T) {
	slot := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC) // Friday 16:00 in Paris
	for _, tc := range []struct {
		name string
		p    *lang.Printer
	}{{"skip-buttons", en}, {"skip-buttons.fr", fr}} {
		var blocks []slack.Block
		for _, cadence := range []string{store.CadenceWeekly, store.CadenceDaily, store.CadenceWeekdays} {
			sched := store.Schedule{Cadence: cadence, Day: time.Friday, Hour: 16, TZ: "Europe/Paris"}
			nudge := nudgeBlocks(cardView{P: tc.p, Prompt: &promptForTest}, nil, slot, sched, nil)
			actions, ok := nudge[len(nudge)-1].(*slack.ActionBlock)
			if !ok {
				t.Fatalf("%s: the nudge ends with %T, not its buttons", cadence, nudge[len(nudge)-1])
			}
			for _, e := range actions.Elements.ElementSet {
				if b, ok := e.(*slack.ButtonBlockElement); ok && utf8.RuneCountInString(b.Text.Text) > 75 {
					t.Errorf("%s %s: %q is over Slack's 75 characters", tc.name, cadence, b.Text.Text)
				}
			}
			blocks = append(blocks, actions)
		}
		golden(t, tc.name, blocks)
	}
}

// A French member's partial subscribe keeps what they did not name and says
// the whole schedule in French, with French dates.
func TestSubscribeFrench_Partial(t *testing.T) {
	b := newTestBot(t)
	if _, err := dispatchIn(t, b, fr, "subscribe daily 09:00 Europe/Paris"); err != nil {
		t.Fatal(err)
	}
	r, err := dispatchIn(t, b, fr, "subscribe weekly 16:30")
	if err != nil {
		t.Fatal(err)
	}
	want := "Ton nouveau rythme : chaque vendredi à 16 h 30 (Europe/Paris). Prochaine question : vendredi 27 novembre à 16 h 30 (CET)."
	if r.Text != want {
		t.Fatalf("got  %q\nwant %q", r.Text, want)
	}
	if sub := mustSub(t, b, "U1"); sub.Cadence != store.CadenceWeekly || sub.Day != time.Friday || sub.Hour != 16 || sub.Minute != 30 || sub.TZ != "Europe/Paris" {
		t.Fatalf("stored %s", sub.Describe())
	}
}

// A French member's pause names its end and the next prompt in French.
func TestPauseFrench(t *testing.T) {
	b := newTestBot(t)
	if _, err := dispatchIn(t, b, fr, "subscribe Europe/Paris"); err != nil {
		t.Fatal(err)
	}
	r, err := dispatchIn(t, b, fr, "pause 2w")
	if err != nil {
		t.Fatal(err)
	}
	want := "En pause jusqu'au vendredi 4 décembre à 17 h (CET). Prochaine question : vendredi 11 décembre à 16 h (CET) ; `/mentor resume` la ramène plus tôt."
	if r.Text != want {
		t.Fatalf("got  %q\nwant %q", r.Text, want)
	}
	msg := failIn(t, b, fr, "pause 2x", EINVALID)
	if want := "`2x` n'est pas une durée."; !strings.HasPrefix(msg, want) {
		t.Fatalf("got %q, want it to start with %q", msg, want)
	}
}

// A zone a French member types wrong, or that means several zones, is
// explained in French, with the candidates joined by "ou".
func TestZoneErrorFrench(t *testing.T) {
	b := newTestBot(t)
	for _, tc := range []struct{ cmd, want string }{
		{"subscribe fri 16:00 cst", "`cst` peut désigner `America/Chicago`, `Asia/Shanghai` ou `America/Havana` : précise lequel, par exemple `/mentor subscribe weekly fri 16:00 America/Chicago`."},
		{"subscribe fri 16:00 IST", "`IST` peut désigner `Asia/Kolkata`, `Europe/Dublin` ou `Asia/Jerusalem` : précise lequel, par exemple `/mentor subscribe weekly fri 16:00 Asia/Kolkata`."},
		{"subscribe Mars/Olympus", "Je ne connais pas le fuseau horaire `Mars/Olympus`. Donne un nom Région/Ville, une ville ou un décalage, par exemple `/mentor subscribe weekly fri 16:00 Europe/Paris`."},
		{"subscribe atlantis", "Je ne comprends pas le mot `atlantis`. Utilise `/mentor subscribe [weekly|daily|weekdays] [JOUR] [HH:MM] [FUSEAU]`, par exemple `/mentor subscribe weekly fri 16:00 Europe/Paris`."},
	} {
		if got := failIn(t, b, fr, tc.cmd, EINVALID); got != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.cmd, got, tc.want)
		}
	}
	if _, ok, _ := b.Schedules.Subscription("U1"); ok {
		t.Fatal("a refused subscribe stored a subscription")
	}
	r, err := dispatchIn(t, b, fr, "subscribe UTC+2")
	if err != nil {
		t.Fatal(err)
	}
	contains(t, r.Text, "(`UTC+2` est un décalage fixe, UTC+02:00 : il ignore l'heure d'été ; une ville comme `Europe/Paris` la suit.)")
}

// failIn runs a command as U1 in p's language and returns the member's
// error line, failing unless the error has code.
func failIn(t *testing.T, b *Bot, p *lang.Printer, text, code string) string {
	t.Helper()
	r, err := dispatchIn(t, b, p, text)
	if err == nil {
		t.Fatalf("%s: no error, replied %q", text, r.Text)
	}
	if ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", text, err, code)
	}
	return ErrorMessage(err)
}

// French members type times and days the French way: 16h, 16 h 30, vendredi,
// "chaque lundi à 9h". 16:00 still works, and so does English.
func TestParseSchedule_FrenchInput(t *testing.T) {
	base := defaultSchedule("Europe/Paris")
	for _, tc := range []struct {
		args string
		want store.Schedule
	}{
		{"16h", rule(store.CadenceWeekly, time.Friday, 16, 0, "Europe/Paris")},
		{"9h05", rule(store.CadenceWeekly, time.Friday, 9, 5, "Europe/Paris")},
		{"16 h", rule(store.CadenceWeekly, time.Friday, 16, 0, "Europe/Paris")},
		{"16 H 30", rule(store.CadenceWeekly, time.Friday, 16, 30, "Europe/Paris")},
		{"16 h30 mardi", rule(store.CadenceWeekly, time.Tuesday, 16, 30, "Europe/Paris")},
		{"vendredi 16:00", rule(store.CadenceWeekly, time.Friday, 16, 0, "Europe/Paris")},
		{"chaque lundi à 9h", rule(store.CadenceWeekly, time.Monday, 9, 0, "Europe/Paris")},
		{"le jeudi à 8 h 15 Europe/Brussels", rule(store.CadenceWeekly, time.Thursday, 8, 15, "Europe/Brussels")},
		{"mercredis 7h", rule(store.CadenceWeekly, time.Wednesday, 7, 0, "Europe/Paris")},
		{"Dimanche 0h", rule(store.CadenceWeekly, time.Sunday, 0, 0, "Europe/Paris")},
		{"sam. 10h", rule(store.CadenceWeekly, time.Saturday, 10, 0, "Europe/Paris")},
		{"daily 7 h 45", rule(store.CadenceDaily, time.Friday, 7, 45, "Europe/Paris")},
		// Cadences said in French, any case, accents optional.
		{"quotidien", rule(store.CadenceDaily, time.Friday, 16, 0, "Europe/Paris")},
		{"Quotidienne 8h", rule(store.CadenceDaily, time.Friday, 8, 0, "Europe/Paris")},
		{"tous les jours 9h", rule(store.CadenceDaily, time.Friday, 9, 0, "Europe/Paris")},
		{"chaque jour à 9h", rule(store.CadenceDaily, time.Friday, 9, 0, "Europe/Paris")},
		{"en semaine", rule(store.CadenceWeekdays, time.Friday, 16, 0, "Europe/Paris")},
		{"En Semaine à 8 h 30", rule(store.CadenceWeekdays, time.Friday, 8, 30, "Europe/Paris")},
		{"jours ouvrés 9h", rule(store.CadenceWeekdays, time.Friday, 9, 0, "Europe/Paris")},
		{"jours ouvres 9h", rule(store.CadenceWeekdays, time.Friday, 9, 0, "Europe/Paris")},
		{"chaque jour ouvré à 9h", rule(store.CadenceWeekdays, time.Friday, 9, 0, "Europe/Paris")},
		{"du lundi au vendredi 9h", rule(store.CadenceWeekdays, time.Friday, 9, 0, "Europe/Paris")},
		{"hebdomadaire", rule(store.CadenceWeekly, time.Friday, 16, 0, "Europe/Paris")},
		{"HEBDOMADAIRE lundi 10h", rule(store.CadenceWeekly, time.Monday, 10, 0, "Europe/Paris")},
		{"chaque semaine mardi", rule(store.CadenceWeekly, time.Tuesday, 16, 0, "Europe/Paris")},
		{"tous les lundis à 9h", rule(store.CadenceWeekly, time.Monday, 9, 0, "Europe/Paris")},
		{"dimanche midi", rule(store.CadenceWeekly, time.Sunday, 12, 0, "Europe/Paris")},
		{"quotidien minuit", rule(store.CadenceDaily, time.Friday, 0, 0, "Europe/Paris")},
		{"daily noon", rule(store.CadenceDaily, time.Friday, 12, 0, "Europe/Paris")},
	} {
		got, _, err := parseSchedule(scheduleGrammar{name: "/mentor", p: fr}, strings.Fields(tc.args), base)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if !got.SameRule(tc.want) {
			t.Errorf("%q: %s, want %s", tc.args, got.Describe(), tc.want.Describe())
		}
	}
	for _, tc := range []struct{ args, want string }{
		{"25h", "`25h` n'est pas une heure."},
		{"16 h 75", "`16 h 75` n'est pas une heure."},
		{"16h 16:00", "Une seule heure, pas à la fois `16h` et `16:00`."},
		{"lundi vendredi", "Un seul jour, pas à la fois `lundi` et `vendredi` :"},
		// The member's word is quoted and named as a word, so it does not
		// read as part of the sentence ("Je ne comprends pas tous.").
		{"souvent", "Je ne comprends pas le mot `souvent`. Utilise `/mentor subscribe"},
		{"quotidien weekly", "Choisis weekly, daily ou weekdays, pas à la fois `quotidien` et `weekly`."},
		{"en semaine lundi", "Un rythme `weekdays` n'a pas de jour : enlève `lundi`"},
		{"midi 9h", "Une seule heure, pas à la fois `midi` et `9h`."},
		// A bare hour: the hint and the example in French, the member's own words.
		{"hebdomadaire mardi 9", "`9` seul n'est pas une heure. Écris `9h`, ou `21h` pour le soir, par exemple `/mentor subscribe hebdomadaire mardi 9h`."},
		{"lundi 0", "`0` seul n'est pas une heure. Écris `0h`, par exemple `/mentor subscribe lundi 0h`."},
	} {
		_, _, err := parseSchedule(scheduleGrammar{name: "/mentor", p: fr}, strings.Fields(tc.args), base)
		if ErrorCode(err) != EINVALID || !strings.HasPrefix(ErrorMessage(err), tc.want) {
			t.Errorf("%q: %v, want an error starting %q", tc.args, err, tc.want)
		}
	}
}

// A pause's length may be spelled out, in English or French, and French
// members write days with j.
func TestParsePause_Words(t *testing.T) {
	now := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		args string
		want time.Duration
	}{
		{"2 weeks", 14 * 24 * time.Hour},
		{"1 Week", 7 * 24 * time.Hour},
		{"3 days", 3 * 24 * time.Hour},
		{"3j", 3 * 24 * time.Hour},
		{"1w2j", 9 * 24 * time.Hour},
		{"3 jours", 3 * 24 * time.Hour},
		{"2 semaines", 14 * 24 * time.Hour},
		{"12 heures", 12 * time.Hour},
		{"5 h", 5 * time.Hour},
	} {
		end, err := ParsePause(fr, "/mentor", strings.Fields(tc.args), now, time.UTC)
		if err != nil || end.Sub(now) != tc.want {
			t.Errorf("%q: %v, %v; want %v later", tc.args, end, err, tc.want)
		}
	}
	for _, tc := range []struct{ args, want string }{
		{"2 fortnights", "Je ne comprends pas le mot `fortnights` ici."},
		{"2 weeks please", "Je ne comprends pas le mot `please` ici."},
		{"0 jours", "`0 jours`, c'est trop court"},
		{"500 semaines", "`500 semaines`, c'est trop long"},
	} {
		_, err := ParsePause(fr, "/mentor", strings.Fields(tc.args), now, time.UTC)
		if ErrorCode(err) != EINVALID || !strings.HasPrefix(ErrorMessage(err), tc.want) {
			t.Errorf("%q: %v, want an error starting %q", tc.args, err, tc.want)
		}
	}
}

// A French lead's broadcast schedule is read like a subscription's, and its
// mistakes explained in French.
func TestBroadcastScheduleFrench(t *testing.T) {
	b, _ := leadSimBot(t)
	msg := failIn(t, b, fr, "broadcast C0TEAM1 every daily 10:00 daring", EINVALID)
	if want := "Un broadcast revient une fois par semaine : donne son jour au lieu de `daily`, par exemple `/mentor broadcast #team every mon 10:00 vision`."; msg != want {
		t.Fatalf("got  %q\nwant %q", msg, want)
	}
	if _, err := dispatchIn(t, b, fr, "broadcast C0TEAM1 every lundi 10 h daring"); err != nil {
		t.Fatalf("a French day and time: %v", err)
	}
	bs, err := b.Broadcasts.BroadcastsByLead("U1")
	if err != nil || len(bs) != 1 || bs[0].Day != time.Monday || bs[0].Hour != 10 {
		t.Fatalf("stored %+v, %v", bs, err)
	}
}

// Counts and limits of 1000 and more are grouped the French way (narrow
// no-break space) for a French member, and stay as they were in English.
func TestThousandsInErrors(t *testing.T) {
	b := newTestBot(t)
	win := "win " + strings.Repeat("é", 1001)
	long := strings.Repeat("x", MaxCommandLen+1)
	for _, tc := range []struct {
		p    *lang.Printer
		text string
		want string
	}{
		{fr, win, "Ça fait 1\u202f001 caractères ; une réussite en garde 1\u202f000 au plus."},
		{en, win, "That is 1001 characters; a win keeps at most 1000."},
		{fr, long, "C'est trop long pour moi : une commande fait au plus 3\u202f000 caractères."},
		{en, long, "3000 characters"},
	} {
		if got := failIn(t, b, tc.p, tc.text, EINVALID); !strings.Contains(got, tc.want) {
			t.Errorf("%s %.20s…: %q, want %q in it", tc.p.Lang(), tc.text, got, tc.want)
		}
	}
}

// Pauses said the way people say them: months, "jusqu'au 5 janvier", and
// for a French member dd/mm/yyyy (day first, as France writes dates). An
// English member's 05/01/2027 is refused with the format to use, since it
// would be 1 May in the US.
func TestParsePause_MonthsAndDates(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, paris)
	jan5 := time.Date(2027, 1, 5, 0, 0, 0, 0, paris)
	for _, tc := range []struct {
		p    *lang.Printer
		args string
		want time.Time
	}{
		{fr, "1 mois", time.Date(2027, 1, 1, 10, 0, 0, 0, paris)},
		{en, "2 months", time.Date(2027, 2, 1, 10, 0, 0, 0, paris)},
		{en, "1 Month", time.Date(2027, 1, 1, 10, 0, 0, 0, paris)},
		{fr, "12 mois", time.Date(2027, 12, 1, 10, 0, 0, 0, paris)},
		{fr, "jusqu'au 5 janvier", jan5},
		{fr, "jusqu’au 5 janvier 2027", jan5},
		{fr, "Jusqu'au 1er mars", time.Date(2027, 3, 1, 0, 0, 0, 0, paris)},
		{fr, "jusqu'à 5 janv.", jan5},
		{fr, "until 05/01/2027", jan5},
		{fr, "jusqu'au 5/1", jan5},
		{en, "until 5 january", jan5},
		{en, "until jan 5", jan5},
		{en, "until January 5th, 2027", jan5},
		{en, "until Jan. 5", jan5},
		{en, "until 5th Jan", jan5},
		{en, "until dec 20", time.Date(2026, 12, 20, 0, 0, 0, 0, paris)},
		{en, "until 2027-01-05", jan5},
		{fr, "jusqu'au 2027-01-05", jan5},
		{fr, "jusqu'au 20 décembre", time.Date(2026, 12, 20, 0, 0, 0, 0, paris)},
		{fr, "jusqu'au 1er décembre", time.Date(2027, 12, 1, 0, 0, 0, 0, paris)}, // today: next year's, still within a year
	} {
		got, err := ParsePause(tc.p, "/mentor", strings.Fields(tc.args), now, paris)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%s %q: %v, %v; want %v", tc.p.Lang(), tc.args, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		p          *lang.Printer
		args, want string
	}{
		{en, "until 05/01/2027", "`05/01/2027` is not a date. Use YYYY-MM-DD"},
		{fr, "until 05/13/2027", "`05/13/2027` n'existe pas dans le calendrier"},
		{fr, "until 5-1-2027", "`5-1-2027` n'est pas une date. Écris-la JJ/MM/AAAA ou AAAA-MM-JJ"},
		{fr, "13 mois", "`13 mois`, c'est trop long"},
		{fr, "0 mois", "`0 mois`, c'est trop court"},
		{fr, "jusqu'au 30 février 2027", "`30 février 2027` n'existe pas dans le calendrier"},
		{fr, "jusqu'au 5 janvier 2030", "`5 janvier 2030` est à plus d'un an"},
		{fr, "jusqu'au 5 janvier 2026", "`5 janvier 2026` est déjà passé"},
		{fr, "jusqu'au 5 brumaire", "Je ne comprends pas le mot `brumaire` ici."},
		{en, "until jan 32", "`jan 32` is not on the calendar"},
		{en, "until 2026-07-01 noon", "I don't understand `noon` there"},
	} {
		_, err := ParsePause(tc.p, "/mentor", strings.Fields(tc.args), now, paris)
		if ErrorCode(err) != EINVALID || !strings.HasPrefix(ErrorMessage(err), tc.want) {
			t.Errorf("%s %q: %v, want an error starting %q", tc.p.Lang(), tc.args, err, tc.want)
		}
	}
}

// "role aucun" clears the role, as the settings form's « Aucun » does.
func TestRoleAucun(t *testing.T) {
	b := newTestBot(t)
	if _, err := dispatchIn(t, b, fr, "role staff"); err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"aucun", "Aucun", "AUCUN"} {
		r, err := dispatchIn(t, b, fr, "role "+word)
		if err != nil || r.Text != "Rôle effacé : tu reçois les questions écrites pour tout le monde." {
			t.Fatalf("role %s: %q, %v", word, r.Text, err)
		}
		if u, _ := b.Members.User("U1"); u.Role != "" {
			t.Fatalf("role %s left %q", word, u.Role)
		}
	}
}

// French prose names focus themes by their French title, then the id one
// types; English keeps the ids alone, as it always showed them.
func TestFocusThemeTitles(t *testing.T) {
	c, err := prompts.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	b := newTestBot(t)
	b.Catalog = c
	impostor, _ := c.Theme("impostor")
	vision, _ := c.Theme("vision")
	frImpostor, frVision := c.ThemeIn(impostor, "fr").Title, c.ThemeIn(vision, "fr").Title
	if frImpostor == impostor.Title || frVision == vision.Title {
		t.Fatalf("the built-in catalog has no French titles: %q, %q", frImpostor, frVision)
	}
	if _, err := dispatchIn(t, b, fr, "subscribe vendredi 16h Europe/Paris"); err != nil {
		t.Fatal(err)
	}
	r, err := dispatchIn(t, b, fr, "focus impostor vision")
	if want := "Tes questions programmées viennent désormais des thèmes " + frImpostor + " (`impostor`) et " + frVision + " (`vision`)."; err != nil || r.Text != want {
		t.Fatalf("focus: %q, %v\nwant %q", r.Text, err, want)
	}
	r, err = dispatchIn(t, b, fr, "status")
	if want := "*Thèmes :* " + frImpostor + " (`impostor`) et " + frVision + " (`vision`)"; err != nil || !strings.Contains(blocksText(t, r), want) {
		t.Fatalf("status: %v\n%s\nwant %q in it", err, blocksText(t, r), want)
	}
	r, err = dispatchIn(t, b, en, "focus impostor vision")
	if want := "Your scheduled prompts now come from `impostor` and `vision`."; err != nil || r.Text != want {
		t.Fatalf("English focus: %q, %v\nwant %q", r.Text, err, want)
	}
}
