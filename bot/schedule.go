package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
)

// scheduleGrammar is the command a schedule is typed in, so that every
// error shows an example of that command, starting with its real name.
type scheduleGrammar struct {
	name      string        // the slash command, "/mentor" unless MENTOR_COMMAND says otherwise
	broadcast bool          // `broadcast #CHANNEL every …`, always weekly; else `subscribe …`
	p         *lang.Printer // the member's language, for the errors
}

// example is an example of the grammar's command around schedule words
// given as a subscription would take them ("weekly fri 16:00"); a
// broadcast drops the cadence, which it does not take.
func (g scheduleGrammar) example(words string) string {
	if g.broadcast {
		return "`" + g.name + " broadcast #team every " + strings.TrimPrefix(words, "weekly ") + " vision`"
	}
	return "`" + g.name + " subscribe " + words + "`"
}

// usage is the grammar's whole form.
func (g scheduleGrammar) usage() string {
	if g.broadcast {
		return g.p.T("sched_usage_broadcast", "Cmd", g.name)
	}
	return g.p.T("sched_usage_subscribe", "Cmd", g.name)
}

// cadences are the words for a cadence; "day" is for "every day".
var cadences = map[string]string{
	"weekly": store.CadenceWeekly, "daily": store.CadenceDaily, "day": store.CadenceDaily,
	"weekdays": store.CadenceWeekdays, "weekday": store.CadenceWeekdays,
}

// cadencePhrases are a cadence as French says it, in lower case without
// accents (foldWord). A phrase may be several words, and the longest one
// wins: "en semaine" is weekdays while "chaque semaine" is weekly.
var cadencePhrases = map[string]string{
	"quotidien": store.CadenceDaily, "quotidienne": store.CadenceDaily, "quotidiennement": store.CadenceDaily,
	"tous les jours": store.CadenceDaily, "chaque jour": store.CadenceDaily,
	"hebdomadaire": store.CadenceWeekly, "hebdo": store.CadenceWeekly,
	"chaque semaine": store.CadenceWeekly, "toutes les semaines": store.CadenceWeekly,
	"en semaine": store.CadenceWeekdays, "jours ouvres": store.CadenceWeekdays, "jours ouvrables": store.CadenceWeekdays,
	"chaque jour ouvre": store.CadenceWeekdays, "tous les jours ouvres": store.CadenceWeekdays,
	"du lundi au vendredi": store.CadenceWeekdays, // as describeSchedule says it
}

// maxPhrase is the most words in a cadence phrase.
const maxPhrase = 4

// fillers are words people put between the parts of a schedule ("every
// monday at 9am in tokyo", "chaque lundi à 9h", "tous les lundis"); they
// mean nothing more.
var fillers = map[string]bool{"at": true, "on": true, "every": true, "in": true,
	"à": true, "chaque": true, "le": true, "tous": true, "les": true}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday, "mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "sat": time.Saturday, "saturday": time.Saturday,
	// French members type their days in French.
	"lun": time.Monday, "lundi": time.Monday, "mar": time.Tuesday, "mardi": time.Tuesday,
	"mer": time.Wednesday, "mercredi": time.Wednesday, "jeu": time.Thursday, "jeudi": time.Thursday,
	"ven": time.Friday, "vendredi": time.Friday, "sam": time.Saturday, "samedi": time.Saturday,
	"dim": time.Sunday, "dimanche": time.Sunday,
}

// defaultSchedule is what a new subscriber gets for what they do not name:
// weekly on Friday at 16:00 in tz, their Slack time zone.
func defaultSchedule(tz string) store.Schedule {
	return store.Schedule{Cadence: store.CadenceWeekly, Day: time.Friday, Hour: 16, TZ: tz}
}

// describeSchedule says the schedule's rule as a member reads it, in p's
// language: "weekly on Friday at 16:00 (Europe/Paris)", "chaque vendredi à
// 16 h (Europe/Paris)", "every weekday at 09:30 (America/New_York)".
func describeSchedule(p *lang.Printer, s store.Schedule) string {
	clock := p.Clock(time.Date(2000, 1, 1, s.Hour, s.Minute, 0, 0, time.UTC))
	switch s.Cadence {
	case store.CadenceDaily:
		return p.T("sched_daily", "Time", clock, "TZ", s.TZ)
	case store.CadenceWeekdays:
		return p.T("sched_weekdays", "Time", clock, "TZ", s.TZ)
	}
	return p.T("sched_weekly", "Day", p.Weekday(s.Day), "Time", clock, "TZ", s.TZ)
}

// skipLabel is a nudge's skip button's words: the period by cadence, and
// the slot's date, so a click days later still says what it skips.
func skipLabel(p *lang.Printer, sched store.Schedule, next time.Time) string {
	date := slotDate(p, next, sched.TZ)
	switch sched.Cadence {
	case store.CadenceDaily:
		return p.T("sched_skip_day", "Date", date)
	case store.CadenceWeekdays:
		return p.T("sched_skip_weekday", "Date", date)
	}
	return p.T("sched_skip_week", "Date", date)
}

// parseSchedule parses the words after "subscribe":
// [weekly|daily|weekdays] [DAY] [HH:MM] [TZ], in any order, each optional.
// What is not named keeps its value in base: the member's current schedule,
// or defaultSchedule for a new subscriber. Naming a day turns a daily or
// weekdays schedule weekly, unless the cadence is named too.
//
// The cadence may be said in French too: quotidien, tous les jours, chaque
// jour (daily); hebdomadaire, chaque semaine (weekly); en semaine, jours
// ouvrés (weekdays); see cadencePhrases. DAY is mon…sun or the full English
// name (also "fridays"), or the French lun…dim, lundi…dimanche, in any
// case. The time is 24-hour H:MM or HH:MM, or 4pm, 9am, 9:30am, noon,
// midnight, or as French writes it, 16h, 16 h, 16h30, 16 h 30, midi, minuit.
// TZ is read by readZone, and may be several words ("new york"). "at",
// "on", "every", "in", "à", "chaque", "le", "tous" and "les" may go between
// the parts.
//
// It returns the schedule's rule (base's state is kept) and a note on how a
// zone was read, or "". Returns an EINVALID *Error, one line with an
// example, for any word it cannot use, a second day, time, cadence or zone,
// a day with a daily or weekdays cadence, or a base zone it cannot load.
func parseSchedule(g scheduleGrammar, args []string, base store.Schedule) (store.Schedule, string, error) {
	p := scheduleParser{g: g, s: base, typed: args}
	p.own = func(words []string) string {
		again := scheduleParser{g: g, s: base} // no own: an example is never checked twice
		if _, _, err := again.parse(words); err != nil {
			return ""
		}
		return g.example(joinWords(words))
	}
	return p.parse(args)
}

func (p *scheduleParser) parse(args []string) (store.Schedule, string, error) {
	for i := 0; i < len(args); {
		n, err := p.take(args[i:])
		if err != nil {
			return store.Schedule{}, "", err
		}
		if n == 0 {
			return store.Schedule{}, "", p.badWord(args, i)
		}
		i += n
	}
	return p.finish()
}

// scheduleParser collects the words of a schedule, remembering each as typed
// so an error can quote it.
type scheduleParser struct {
	g                         scheduleGrammar
	s                         store.Schedule
	cadence, day, clock, zone string
	note                      string
	// typed is the words typed, and at the one misshapen reads; own, when
	// set, is the example of the member's own words corrected, or "" when
	// even corrected they would be refused.
	typed []string
	at    int
	own   func(words []string) string
}

// exampleWith is the example for the word at with fix in its place: the
// member's own words so corrected when they would then be accepted, or
// else a plain one: for a subscription fix alone, which changes only the
// time (a partial subscribe keeps the rest), and for a broadcast, which
// needs a day and a topic, fix on a Friday.
func (p *scheduleParser) exampleWith(fix string) string {
	if p.own != nil && p.at < len(p.typed) && quotable(p.typed) {
		words := slices.Clone(p.typed)
		words[p.at] = fix
		if ex := p.own(words); ex != "" && utf8.RuneCountInString(ex) <= maxOwnExample {
			return ex
		}
	}
	if !p.g.broadcast {
		return p.g.example(fix)
	}
	return p.g.example("weekly fri " + fix)
}

// maxOwnExample bounds an example in the member's own words, in
// characters: a longer command (a broadcast's long topic) gets the plain
// example rather than a hint that repeats a paragraph.
const maxOwnExample = 200

// quotable reports whether joinWords gives words back as they can be typed
// again inside an example's code span: no backtick, no Slack escape (a
// mention or a link, which a code span shows raw), and no quote in a word
// that joinWords puts between quotes.
func quotable(words []string) bool {
	for _, w := range words {
		if strings.ContainsAny(w, "`<>&") || strings.ContainsAny(w, " \t\n") && strings.ContainsAny(w, `"“”«»`) {
			return false
		}
	}
	return true
}

// joinWords joins command words back as they were typed: a word with a
// space in it was between quotes.
func joinWords(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		if strings.ContainsAny(w, " \t\n") {
			w = `"` + w + `"`
		}
		out[i] = w
	}
	return strings.Join(out, " ")
}

// take reads the schedule word (or words, for a zone) at the start of args
// and says how many it used: 0, with no error, when args[0] is no part of a
// schedule.
func (p *scheduleParser) take(args []string) (int, error) {
	w := args[0]
	lw := strings.ToLower(w)
	for n := min(maxPhrase, len(args)); n >= 1; n-- { // before fillers: "chaque jour"
		words := make([]string, n)
		for i, a := range args[:n] {
			words[i] = foldWord(a)
		}
		if c, ok := cadencePhrases[strings.Join(words, " ")]; ok {
			return n, p.setCadence(strings.Join(args[:n], " "), c)
		}
	}
	if fillers[lw] {
		return 1, nil // "every monday at 9am"
	}
	if len(args) > 1 && (strings.EqualFold(args[1], "am") || strings.EqualFold(args[1], "pm")) {
		if _, _, ok := parseClock(lw + strings.ToLower(args[1])); ok { // "4 pm"
			n, err := p.take(append([]string{w + args[1]}, args[2:]...))
			return n + 1, err
		}
	}
	if n := spacedClock(args); n > 1 { // "16 h", "16 h 30"
		joined := strings.Join(args[:n], "")
		if _, _, ok := parseClock(strings.ToLower(joined)); !ok {
			return 0, Errorf(EINVALID, "%s", p.g.p.T("sched_err_not_time", "Word", clip(strings.Join(args[:n], " ")), "Example", p.g.example("weekly fri 16:00")))
		}
		k, err := p.take(append([]string{joined}, args[n:]...))
		return k + n - 1, err
	}
	if c, ok := cadences[lw]; ok {
		return 1, p.setCadence(w, c)
	}
	if d, ok := parseDay(lw); ok {
		if p.day != "" {
			return 0, Errorf(EINVALID, "%s", p.g.p.T("sched_err_two_days", "First", clip(p.day), "Second", clip(w), "Example", p.g.example("weekly tue 09:30")))
		}
		p.day, p.s.Day = w, d
		return 1, nil
	}
	if h, m, ok := parseClock(lw); ok {
		if p.clock != "" {
			return 0, Errorf(EINVALID, "%s", p.g.p.T("sched_err_two_times", "First", clip(p.clock), "Second", clip(w), "Example", p.g.example("weekly fri 16:00")))
		}
		p.clock, p.s.Hour, p.s.Minute = w, h, m
		return 1, nil
	}
	// A zone may be a few words: the longest reading wins ("new york").
	for n := min(4, len(args)); n >= 1; n-- {
		typed := strings.Join(args[:n], " ")
		z := readZone(typed)
		switch {
		case z.Name != "":
			return n, p.setZone(typed, z)
		case len(z.Candidates) > 0:
			return 0, Errorf(EINVALID, "%s", p.g.p.T("sched_err_zone_candidates", "Typed", clip(typed), "Zones", orList(p.g.p, z.Candidates),
				"Example", p.g.example("weekly fri 16:00 "+z.Candidates[0])))
		}
	}
	if looksLikeZone(w) {
		return 0, Errorf(EINVALID, "%s", p.g.p.T("sched_err_unknown_zone", "Word", clip(w), "Example", p.g.example("weekly fri 16:00 Europe/Paris")))
	}
	return 0, nil
}

func (p *scheduleParser) setCadence(w, c string) error {
	switch {
	case p.cadence != "":
		return Errorf(EINVALID, "%s", p.g.p.T("sched_err_two_cadences", "First", clip(p.cadence), "Second", clip(w), "Example", p.g.example("daily 09:00")))
	case p.g.broadcast && c != store.CadenceWeekly:
		return Errorf(EINVALID, "%s", p.g.p.T("sched_err_broadcast_cadence", "Word", clip(w), "Example", p.g.example("weekly mon 10:00")))
	}
	p.cadence, p.s.Cadence = w, c
	return nil
}

func (p *scheduleParser) setZone(typed string, z zoneRead) error {
	if p.zone != "" {
		return Errorf(EINVALID, "%s", p.g.p.T("sched_err_two_zones", "Typed", clip(typed), "Example", p.g.example("weekly fri 16:00 Europe/Paris")))
	}
	p.zone, p.s.TZ, p.note = typed, z.Name, z.note(p.g.p, typed)
	return nil
}

// finish applies the rules between words and checks the zone kept from the
// base.
func (p *scheduleParser) finish() (store.Schedule, string, error) {
	switch {
	case p.day != "" && p.cadence != "" && p.s.Cadence != store.CadenceWeekly:
		return store.Schedule{}, "", Errorf(EINVALID, "%s", p.g.p.T("sched_err_day_with_cadence", "Cadence", p.s.Cadence, "Day", clip(p.day),
			"Example", p.g.example(p.s.Cadence+" 09:30"), "Weekly", p.g.example("weekly tue 09:30")))
	case p.day != "":
		p.s.Cadence = store.CadenceWeekly
	}
	if p.zone == "" {
		if p.s.TZ == "" {
			p.s.TZ = "UTC"
		}
		if _, err := store.LoadZone(p.s.TZ); err != nil {
			return store.Schedule{}, "", Errorf(EINVALID, "%s", p.g.p.T("sched_err_no_zone", "Example", p.g.example("weekly fri 16:00 Europe/Paris")))
		}
	}
	return p.s, p.note, nil
}

// badWord explains args[i], a word that is no part of a schedule, guessing
// from its shape what the member meant.
func (p *scheduleParser) badWord(args []string, i int) error {
	w := args[i]
	p.at = i
	if err := p.misshapen(w); err != nil {
		return err
	}
	return Errorf(EINVALID, "%s", p.g.p.T("sched_err_word", "Word", clip(w), "Usage", p.g.usage(), "Example", p.g.example("weekly fri 16:00 Europe/Paris")))
}

// misshapen explains a word shaped like a day ("funday") or a time
// ("25:00") that is neither, or returns nil for any other word.
func (p *scheduleParser) misshapen(w string) error {
	lw := strings.ToLower(w)
	switch {
	case strings.HasSuffix(lw, "day") || strings.HasSuffix(lw, "days"):
		return Errorf(EINVALID, "%s", p.g.p.T("sched_err_not_day", "Word", clip(w), "Example", p.g.example("weekly tue 09:30")))
	case hourRE.MatchString(lw):
		// A bare hour, "tue 8": a tired member's time, but it could as well
		// be the 8th, or 8 in the evening. Say what to write.
		h, _ := strconv.Atoi(lw)
		at := p.hour(h)
		switch {
		case h >= 1 && h <= 11:
			return Errorf(EINVALID, "%s", p.g.p.T("sched_err_bare_hour", "Word", clip(w), "Morning", at, "Evening", p.hour(h+12),
				"Example", p.exampleWith(at)))
		case h <= 23:
			return Errorf(EINVALID, "%s", p.g.p.T("sched_err_bare_hour_24", "Word", clip(w), "Time", at, "Example", p.exampleWith(at)))
		}
		return Errorf(EINVALID, "%s", p.g.p.T("sched_err_not_time", "Word", clip(w), "Example", p.g.example("weekly fri 16:00")))
	case strings.Contains(lw, ":") || (lw != "" && lw[0] >= '0' && lw[0] <= '9'):
		return Errorf(EINVALID, "%s", p.g.p.T("sched_err_not_time", "Word", clip(w), "Example", p.g.example("weekly fri 16:00")))
	}
	return nil
}

// hour is a whole hour as the member's language writes it: 08:00, or 8h
// in French.
func (p *scheduleParser) hour(h int) string {
	return p.g.p.T("sched_hour", "H", h, "HH", fmt.Sprintf("%02d", h))
}

// looksLikeZone reports whether w is shaped like a time zone readZone does
// not know: a Region/City name, an offset, an abbreviation such as XST, or
// a zone name without a region such as Japan (refused: easy to get wrong).
func looksLikeZone(w string) bool {
	switch lw := strings.ToLower(w); {
	case strings.Contains(w, "/"), strings.HasPrefix(w, "+"), strings.HasPrefix(w, "-"),
		strings.HasPrefix(lw, "utc+"), strings.HasPrefix(lw, "utc-"), strings.HasPrefix(lw, "gmt+"), strings.HasPrefix(lw, "gmt-"),
		len(w) >= 2 && len(w) <= 5 && strings.ToUpper(w) == w && strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "":
		return true
	}
	_, err := store.LoadZone(w)
	return err == nil
}

// orList is "`a`", "`a` or `b`", "`a`, `b` or `c`"; in French "`a`, `b`
// ou `c`".
func orList(p *lang.Printer, items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	if len(q) == 1 {
		return q[0]
	}
	return p.T("sched_or_list", "Head", strings.Join(q[:len(q)-1], ", "), "Last", q[len(q)-1])
}

// parseDay reads a lowercased day name: mon, monday, also mondays, and
// the French lun, lundi, lundis, also "lun." as French abbreviates.
func parseDay(lw string) (time.Weekday, bool) {
	lw = strings.TrimSuffix(lw, ".")
	if d, ok := weekdays[lw]; ok {
		return d, true
	}
	if strings.HasSuffix(lw, "days") || strings.HasSuffix(lw, "dis") || lw == "dimanches" {
		d, ok := weekdays[strings.TrimSuffix(lw, "s")]
		return d, ok
	}
	return 0, false
}

var (
	clockRE = regexp.MustCompile(`^(\d{1,2})(?::(\d\d))?(am|pm)?$`)
	// frClockRE is a time as French is written: 16h, 16h30.
	frClockRE = regexp.MustCompile(`^(\d{1,2})h(\d\d)?$`)
	hourRE    = regexp.MustCompile(`^\d{1,2}$`)
	minutesRE = regexp.MustCompile(`^h?\d\d$`)
)

// spacedClock says how many of args spell a French time with spaces in
// it, "16 h" (2) or "16 h 30" (3), or 0 when they do not.
func spacedClock(args []string) int {
	if len(args) < 2 || !hourRE.MatchString(args[0]) {
		return 0
	}
	switch h := strings.ToLower(args[1]); {
	case h == "h" && len(args) > 2 && minutesRE.MatchString(args[2]) && !strings.HasPrefix(args[2], "h"):
		return 3
	case h == "h" || (strings.HasPrefix(h, "h") && minutesRE.MatchString(h)): // "16 h", "16 h30"
		return 2
	}
	return 0
}

// namedClocks are the hours said by name.
var namedClocks = map[string]int{"noon": 12, "midday": 12, "midnight": 0, "midi": 12, "minuit": 0}

// parseClock reads a lowercased time: 16:00, 9:30, 4pm, 9:30am, noon, and
// as French writes it, 16h, 16h30 or midi. A bare number is not a time:
// "16" could as well be a date.
func parseClock(lw string) (hour, minute int, ok bool) {
	if h, ok := namedClocks[lw]; ok {
		return h, 0, true
	}
	if m := frClockRE.FindStringSubmatch(lw); m != nil {
		hour, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			minute, _ = strconv.Atoi(m[2])
		}
		return hour, minute, hour <= 23 && minute <= 59
	}
	m := clockRE.FindStringSubmatch(lw)
	if m == nil || (m[2] == "" && m[3] == "") {
		return 0, 0, false
	}
	hour, _ = strconv.Atoi(m[1])
	if m[2] != "" {
		minute, _ = strconv.Atoi(m[2])
	}
	if m[3] != "" {
		if hour < 1 || hour > 12 {
			return 0, 0, false
		}
		hour %= 12
		if m[3] == "pm" {
			hour += 12
		}
	}
	return hour, minute, hour <= 23 && minute <= 59
}
