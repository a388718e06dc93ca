package bot

// Reading a `broadcast` command: where it posts, when, what, for which role
// and in which language.

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
)

// broadcastReq is a parsed `broadcast` command.
type broadcastReq struct {
	channel ChannelRef
	every   *store.Schedule // nil for once, now
	note    string          // how the zone of every was read, or ""
	theme   string          // a theme id, or "" with topic set
	topic   string          // the lead's own words, cleaned
	role    string          // from role:ROLE; "" for prompts suitable for everyone
	lang    string          // from lang:LANG, a language the bot speaks; "" for the lead's own
}

// parseBroadcast reads a `broadcast` command other than cancel: the
// options, the channel (looked up when given by name), the weekly schedule
// if any, and the theme or the lead's own topic. A mistake of the lead's
// is an *Error in their language; a failed channel lookup is returned
// wrapped, for the apology.
func (b *Bot) parseBroadcast(ctx context.Context, c *Command) (broadcastReq, error) {
	return b.parseBroadcastHinted(ctx, c, true, "")
}

// parseBroadcastHinted is parseBroadcast; without hints, a bare hour in the
// schedule gets the plain example, not the lead's command corrected, which
// is itself checked with this. tz is the lead's zone, "" to look it up.
func (b *Bot) parseBroadcastHinted(ctx context.Context, c *Command, hints bool, tz string) (broadcastReq, error) {
	var req broadcastReq
	usage := c.P.T("bcast_usage", "Cmd", c.Name)
	if len(c.Args) < 2 {
		return req, Errorf(EINVALID, "%s", c.P.T("bcast_which_channel_what", "Usage", usage))
	}
	args, err := b.takeOptions(c.P, c.Args, &req)
	switch {
	case err != nil:
		return req, err
	case len(args) == 0:
		return req, Errorf(EINVALID, "%s", c.P.T("bcast_which_channel_what", "Usage", usage))
	}
	if req.channel, err = ParseChannelRef(c.P, c.Name, args[0]); err != nil {
		return req, err
	}
	if req.channel.ID == "" {
		if req.channel, err = ResolveChannel(ctx, b.Channels, c.P, c.Name, req.channel); err != nil {
			return req, err
		}
	}
	rest := args[1:]
	g := scheduleGrammar{name: c.Name, broadcast: true, p: c.P}
	// One quoted word is a topic even when it is every ("every" or
	// « chaque »), which would otherwise start a schedule.
	quotedWord := len(rest) == 1 && slices.Contains(c.Quoted, rest[0])
	if len(rest) > 0 && isEvery(rest[0]) && !quotedWord || len(rest) > 1 && startsSchedule(g, rest) {
		if tz == "" {
			tz = b.memberZone(ctx, c.UserID)
		}
		var own func([]string) string
		if hints {
			own = b.ownBroadcast(ctx, c, args, req.channel, tz)
		}
		sched, n, note, err := parseEvery(g, rest, tz, own)
		if err != nil {
			return req, err
		}
		req.every, req.note, rest = &sched, note, rest[n:]
	}
	// A topic is the lead's own words between quotes: several words, or one
	// ("Retro") unless it is a theme's id (« vision » is the theme).
	ownTopic := len(rest) == 1 && (strings.ContainsAny(rest[0], " \t\n") || slices.Contains(c.Quoted, rest[0]) && !b.isThemeID(rest[0]))
	switch {
	case len(rest) == 0 || strings.TrimSpace(rest[0]) == "" && len(rest) == 1:
		return req, Errorf(EINVALID, "%s", c.P.T("bcast_which_topic", "Usage", usage))
	case !ownTopic:
		// Never ask to quote, or read as a theme, what was meant as an option.
		if err := optionLookalike(c.P, rest); err != nil {
			return req, err
		}
	}
	switch {
	case len(rest) > 1:
		return req, Errorf(EINVALID, "%s", c.P.T("bcast_quote_topic", "Cmd", c.Name, "Words", clip(strings.Join(rest, " "))))
	case ownTopic:
		if req.role != "" {
			return req, Errorf(EINVALID, "%s", c.P.T("bcast_role_with_topic", "Role", req.role))
		}
		if req.topic, err = CleanTopic(c.P, rest[0]); err != nil {
			return req, Errorf(ErrorCode(err), "%s", c.P.T("bcast_topic_example", "Problem", ErrorMessage(err), "Cmd", c.Name))
		}
		return req, nil
	}
	t, err := b.resolveTheme(c, rest[0])
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return req, Errorf(ENOTFOUND, "%s", c.P.T("bcast_unknown_theme", "Problem", ErrorMessage(err), "Cmd", c.Name))
		}
		return req, err
	}
	req.theme = t.ID
	return req, teamPool(c.P, t, req.role)
}

// isThemeID reports whether w is a theme's id, in any case: a prefix
// does not count.
func (b *Bot) isThemeID(w string) bool {
	_, ok := b.Catalog.Theme(strings.ToLower(w))
	return ok
}

// optionNames are the spellings of the broadcast options, as foldWord
// leaves them (lower case, no accents, so "Rôle" is "role"), each to the
// option it names: the English one, which messages show, and the French.
var optionNames = map[string]string{"role": "role", "lang": "lang", "langue": "lang"}

// optionAlt is each option's other spelling, shown beside it when a word
// looks like it: "rôle" as a French lead types it, "langue".
var optionAlt = map[string]string{"role": "rôle", "lang": "langue"}

// isEvery reports whether w starts a weekly broadcast's schedule: "every",
// or "chaque" as a French lead writes it, the two words subscribe skips
// before a day (fillers).
func isEvery(w string) bool {
	f := foldWord(w)
	return f == "every" || f == "chaque"
}

// startsSchedule reports whether words, after the channel, start with a
// schedule as subscribe reads one, without every: a day, a time or a
// cadence, maybe after a word such as "le" or "tous" ("tous les lundis à
// 10h", "le mardi à 10h", "hebdomadaire jeudi 10h"). Read as a topic, they
// were refused with the advice to quote them, which would have posted the
// schedule's words in the channel at once. Such words alone ("on call
// "x"") start none: the lead is told to quote their topic.
func startsSchedule(g scheduleGrammar, words []string) bool {
	sp := scheduleParser{g: g, s: store.Schedule{Cadence: store.CadenceWeekly}}
	for i := 0; i < len(words)-1; {
		n, err := sp.take(words[i : len(words)-1])
		switch {
		case err != nil:
			return true // a schedule word, misshapen: say what is wrong with it
		case n == 0:
			return false
		case !fillers[strings.ToLower(words[i])]:
			return true
		}
		i += n
	}
	return false
}

// optionLookalike refuses words that look like an option but were not
// taken as one, so that no hint offers to post them as a topic: a `role:`
// or `langue:` inside quotes with other words, or a near spelling such as
// `language:fr` or `roles:manager` (a name that begins with an option's
// spelling, or that one begins with, of three letters or more). It names
// the option's accepted spellings; nil when no word looks like one.
func optionLookalike(p *lang.Printer, rest []string) error {
	for _, w := range strings.Fields(strings.Join(rest, " ")) {
		name, _, ok := strings.Cut(w, ":")
		f := foldWord(name)
		if !ok || utf8.RuneCountInString(f) < 3 {
			continue
		}
		for spelling, opt := range optionNames {
			if strings.HasPrefix(f, spelling) || strings.HasPrefix(spelling, f) {
				return Errorf(EINVALID, "%s", p.T("bcast_option_spelling",
					"Word", clip(w), "Option", opt, "Alt", optionAlt[opt], "Example", optionExample[opt]))
			}
		}
	}
	return nil
}

// optionExample is each option as the spelling hint shows it in use.
var optionExample = map[string]string{"role": "role:manager", "lang": "lang:fr"}

// takeOptions removes the `role:ROLE` and `lang:LANG` words from args into
// req, wherever they are and in any case, also spelled the French way
// (`rôle:`, `langue:`; optionNames). A word with a space is a topic of the
// lead's own, never an option, even if it starts with "role:". The same
// option twice is taken once when it says the same, and refused when it
// does not.
func (b *Bot) takeOptions(p *lang.Printer, args []string, req *broadcastReq) ([]string, error) {
	var rest []string
	for _, a := range args {
		name, val, ok := strings.Cut(a, ":")
		if !ok || strings.ContainsAny(strings.TrimSpace(a), " \t\n") {
			name = ""
		}
		val = strings.ToLower(strings.TrimSpace(val))
		var err error
		switch optionNames[foldWord(name)] {
		case "role":
			err = takeRole(p, val, &req.role)
		case "lang":
			err = b.takeLang(p, a, val, &req.lang)
		default:
			rest = append(rest, a)
		}
		if err != nil {
			return nil, err
		}
	}
	return rest, nil
}

// takeRole sets role to val, a role of the catalog. A broadcast without
// one draws only from prompts suitable for everyone.
func takeRole(p *lang.Printer, val string, role *string) error {
	switch {
	case !slices.Contains(prompts.Roles, val):
		return Errorf(EINVALID, "%s", p.T("bcast_roles", "Roles", codeList(p, prompts.Roles)))
	case *role != "" && *role != val:
		return Errorf(EINVALID, "%s", p.T("bcast_role_twice", "First", *role, "Second", val))
	}
	*role = val
	return nil
}

// takeLang sets lg to the language val names, read as `/mentor language`
// reads it: a code the bot speaks ("fr"), a locale of one ("fr-CA"), or a
// language's name in English or French, with or without accents
// ("français", "anglais", "english"). "auto" is refused: leaving lang: out
// already posts in the lead's own language. word is the option as typed (lower
// case), for the refusal.
func (b *Bot) takeLang(p *lang.Printer, word, val string, lg *string) error {
	base, ok := b.readLanguage(val)
	if !ok || base == "" {
		codes := b.Lang.Languages()
		for i, l := range codes {
			codes[i] = "`lang:" + l + "`"
		}
		return Errorf(EINVALID, "%s", p.T("bcast_lang_unknown", "Lang", clip(strings.ToLower(word)), "Langs", strings.Join(codes, ", ")))
	}
	if *lg != "" && *lg != base {
		return Errorf(EINVALID, "%s", p.T("bcast_lang_twice", "First", *lg, "Second", base))
	}
	*lg = base
	return nil
}

// teamPool refuses a broadcast whose theme has no team prompt for the role
// (or for everyone), rather than accept it and post nothing: a channel is
// never sent a private prompt instead.
func teamPool(p *lang.Printer, t *prompts.Theme, role string) error {
	opt := broadcastPick(t.ID, role)
	for _, pr := range t.Prompts {
		if opt.InPool(pr) {
			return nil
		}
	}
	if role != "" {
		return Errorf(EINVALID, "%s", p.T("bcast_no_team_topic_role", "Theme", t.ID, "Role", roleNoun(p, role), "Code", role))
	}
	return Errorf(EINVALID, "%s", p.T("bcast_no_team_topic", "Theme", t.ID))
}

// broadcastPick is what a broadcast draws from: team prompts only, for the
// role the lead gave or else for everyone.
func broadcastPick(theme, role string) prompts.PickOptions {
	return prompts.PickOptions{Theme: theme, Audience: prompts.AudienceTeam, Role: role, RoleOnly: true}
}

// roleNoun names a role in a sentence: "managers". A role the messages do
// not name (the catalog gained one) is shown as its id.
func roleNoun(p *lang.Printer, role string) string {
	switch role {
	case "ic":
		return p.T("bcast_role_ic")
	case "staff":
		return p.T("bcast_role_staff")
	case "manager":
		return p.T("bcast_role_manager")
	case "lead":
		return p.T("bcast_role_lead")
	}
	return "`" + role + "`"
}

// ownBroadcast is the example a bare hour's hint gives in a broadcast: the
// lead's whole command, options and channel included, with the words
// after the channel (the schedule, `every` or `chaque` included, and the
// topic) replaced by words, when the command so corrected would be
// accepted; "" otherwise. kept is c.Args without its options, ch the
// channel it names and tz the lead's zone.
func (b *Bot) ownBroadcast(ctx context.Context, c *Command, kept []string, ch ChannelRef, tz string) func(words []string) string {
	return func(words []string) string {
		if len(words) != len(kept)-1 {
			return ""
		}
		fixed := slices.Clone(c.Args)
		channelAt, k := -1, 0
		for i, a := range c.Args {
			if k == len(kept) || a != kept[k] {
				continue // an option
			}
			switch {
			case k == 0:
				channelAt = i
			default:
				fixed[i] = words[k-1]
			}
			k++
		}
		if k != len(kept) || channelAt < 0 {
			return ""
		}
		dry := *c
		dry.Args = slices.Clone(fixed)
		if ch.ID != "" {
			dry.Args[channelAt] = "<#" + ch.ID + ">" // already looked up
		}
		if _, err := b.parseBroadcastHinted(ctx, &dry, false, tz); err != nil {
			return ""
		}
		for i, w := range fixed {
			if i != channelAt && slices.Contains(c.Quoted, w) && !strings.ContainsAny(w, " \t\n") {
				fixed[i] = `"` + w + `"` // a one-word topic, which joinWords would not quote
			}
		}
		if strings.HasPrefix(fixed[channelAt], "<") {
			// Slack's escape of a channel picked with #, which a code span
			// shows raw: its id is typed back as it is, where a name from
			// the escape's label (often empty) might find another channel.
			fixed[channelAt] = ch.ID
		}
		return "`" + c.Name + " broadcast " + joinWords(fixed) + "`"
	}
}

// parseEvery reads the schedule after `every`: a day, a time and maybe a
// zone (tz, the lead's own, by default), in any order, up to the last word,
// which is the theme or topic. It says how many words it used, and how it
// read the zone; its errors are in g's language. own, if not nil, gives the
// example of the lead's command with words in place of those after every,
// or "" (scheduleParser.own).
func parseEvery(g scheduleGrammar, words []string, tz string, own func([]string) string) (store.Schedule, int, string, error) {
	sp := scheduleParser{g: g, s: store.Schedule{Cadence: store.CadenceWeekly, TZ: tz}, typed: words, own: own}
	i := 0
	for i < len(words)-1 {
		n, err := sp.take(words[i : len(words)-1])
		if err != nil {
			return store.Schedule{}, 0, "", err
		}
		if n == 0 {
			break
		}
		i += n
	}
	if sp.day == "" || sp.clock == "" {
		// The last word, kept for the theme, may complete the schedule: then
		// what is missing is the theme.
		if i < len(words) {
			if n, err := sp.take(words[i:]); err == nil && n > 0 && i+n == len(words) && sp.day != "" && sp.clock != "" {
				return store.Schedule{}, 0, "", Errorf(EINVALID, "%s", g.p.T("bcast_every_no_topic", "Example", g.example("weekly mon 10:00")))
			}
		}
		// A word that stopped the schedule before the theme, shaped like the
		// missing day or time ("funday", "25:00"), is named.
		// So is a bare hour left last, where the topic goes ("every mon
		// 8"): the schedule lacks its time either way, and the hour is the
		// likelier slip.
		if i < len(words)-1 || i == len(words)-1 && hourRE.MatchString(words[i]) {
			sp.at = i
			if err := sp.misshapen(words[i]); err != nil {
				return store.Schedule{}, 0, "", err
			}
		}
		return store.Schedule{}, 0, "", Errorf(EINVALID, "%s", g.p.T("bcast_every_when", "Example", g.example("weekly mon 10:00")))
	}
	sched, note, err := sp.finish()
	return sched, i, note, err
}
