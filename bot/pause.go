package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
)

// maxPause is the longest pause: a year, leap or not.
const maxPause = 366 * 24 * time.Hour

// ParsePause parses the words after "pause" (p is the member's language and
// name the slash command, for the errors and their examples): a DURATION
// such as 3d, 2w, 1w3d or 12h (at least an hour, at most a year; also
// "2 weeks", "1 month", and as French writes it, 3j, "2 semaines" or
// "1 mois"), or "until DATE" ("jusqu'au DATE"), a date in loc that must be
// in the future; that pause ends at its first instant (00:00 local, or the
// end of a gap if clocks jump over midnight). DATE is YYYY-MM-DD, a day and
// a month's name either way round, with or without a year ("5 janvier",
// "5 january 2027", "jan 5"), or
// for a French member DD/MM/YYYY or DD/MM, as France writes dates. Days and weeks are
// calendar days in loc, so "pause 2w" ends at the same local time of day even
// across a daylight-saving change. A nil loc means UTC.
//
// Returns the instant the pause ends, or an EINVALID *Error, one line with an
// example, for anything else.
func ParsePause(p *lang.Printer, name string, args []string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	until := fmt.Sprintf("`%s pause until %s`", name, now.In(loc).AddDate(0, 0, 14).Format(time.DateOnly))
	pp := pauseParser{p: p, name: name, until: until, examples: p.T("sched_pause_examples", "Cmd", name, "Until", until)}
	switch {
	case len(args) == 0:
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_how_long", "Examples", pp.examples))
	case isUntil(args[0]) && len(args) == 1:
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_until_when", "Until", pp.until))
	case isUntil(args[0]) && len(args) == 2:
		return pp.untilDate(args[1], now, loc)
	case isUntil(args[0]) && len(args) <= 4:
		if y, m, d, ok := spelledDate(args[1:], now.In(loc)); ok { // "jusqu'au 5 janvier"
			return pp.untilDay(y, m, d, strings.Join(args[1:], " "), now, loc)
		}
	case len(args) == 2 && countRE.MatchString(args[0]) && unitWords[strings.ToLower(args[1])] != "":
		return pp.length(args[0]+unitWords[strings.ToLower(args[1])], strings.Join(args, " "), now, loc) // "2 weeks", "3 jours"
	case len(args) == 2 && countRE.MatchString(args[0]) && monthWords[foldWord(args[1])]:
		return pp.months(args[0], strings.Join(args, " "), now, loc) // "1 mois", "2 months"
	}
	if len(args) > 1 {
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_extra", "Word", clip(args[len(args)-1]), "Examples", pp.examples))
	}
	return pp.length(args[0], args[0], now, loc)
}

// isUntil reports whether w starts a pause's end date: until, or as French
// says it, jusqu'au or jusqu'à (any case, accent or apostrophe).
func isUntil(w string) bool {
	switch strings.ReplaceAll(foldWord(w), "’", "'") {
	case "until", "jusqu'au", "jusqu'a", "jusquau":
		return true
	}
	return false
}

// monthWords are a month as a pause's unit, in English or French.
var monthWords = map[string]bool{"month": true, "months": true, "mois": true}

// unitWords are the units of a length spelled out after its number, in
// English or French, and their letter.
var unitWords = map[string]string{
	"h": "h", "hour": "h", "hours": "h", "heure": "h", "heures": "h",
	"d": "d", "day": "d", "days": "d", "j": "d", "jour": "d", "jours": "d",
	"w": "w", "week": "w", "weeks": "w", "sem": "w", "semaine": "w", "semaines": "w",
}

// pauseParser is what a pause's errors show: the member's language and
// examples of commands that work.
type pauseParser struct {
	p               *lang.Printer
	name            string // the slash command
	until, examples string // "`/mentor pause until DATE`", and that or "pause 2w"
}

var (
	// A length is in hours, days and weeks; j is jours, as French writes days.
	durationRE = regexp.MustCompile(`^(\d{1,4}[hdwj])+$`)
	durPartRE  = regexp.MustCompile(`\d+[hdwj]`)
	countRE    = regexp.MustCompile(`^\d{1,4}$`)
	dateRE     = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	// frDateRE is a date as France writes it: 05/01/2027, 5/1, 05/01/27 is not
	// taken (which century would be a guess).
	frDateRE = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$`)
	dayRE    = regexp.MustCompile(`^(\d{1,2})(?:er|st|nd|rd|th)?$`)
	yearRE   = regexp.MustCompile(`^\d{4}$`)
)

// monthNames are the months' names and usual abbreviations, English and
// French, in lower case without accents (foldWord).
var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "janvier": 1, "janv": 1, "february": 2, "feb": 2, "fevrier": 2, "fevr": 2, "fev": 2,
	"march": 3, "mars": 3, "april": 4, "apr": 4, "avril": 4, "avr": 4, "may": 5, "mai": 5,
	"june": 6, "jun": 6, "juin": 6, "july": 7, "jul": 7, "juillet": 7, "juil": 7, "august": 8, "aug": 8, "aout": 8,
	"september": 9, "sep": 9, "sept": 9, "septembre": 9, "october": 10, "oct": 10, "octobre": 10,
	"november": 11, "nov": 11, "novembre": 11, "december": 12, "dec": 12, "decembre": 12,
}

// spelledDate reads a day and a month's name, either way round, and maybe
// a year: "5 janvier", "1er mars 2027", "5 january", "jan 5", "January
// 5th, 2027". Without a year it is the next such day after now.
func spelledDate(words []string, now time.Time) (y, mo, d int, ok bool) {
	if len(words) < 2 || len(words) > 3 {
		return 0, 0, 0, false
	}
	day, name := strings.TrimSuffix(words[0], ","), strings.TrimSuffix(words[1], ",")
	if _, first := monthNames[foldWord(day)]; first {
		day, name = name, day
	}
	dm := dayRE.FindStringSubmatch(strings.ToLower(day))
	month, isMonth := monthNames[foldWord(name)]
	if dm == nil || !isMonth {
		return 0, 0, 0, false
	}
	d, _ = strconv.Atoi(dm[1])
	if len(words) == 3 {
		if !yearRE.MatchString(words[2]) {
			return 0, 0, 0, false
		}
		y, _ = strconv.Atoi(words[2])
		return y, int(month), d, true
	}
	return nextYear(now, month, d), int(month), d, true
}

// nextYear is the year of the next day d of month m after now's day: this
// year's, or next year's once it is today or past.
func nextYear(now time.Time, m time.Month, d int) int {
	if y := now.Year(); time.Date(y, m, d, 0, 0, 0, 0, time.UTC).After(time.Date(y, now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)) {
		return y
	}
	return now.Year() + 1
}

// length reads a pause's length w, such as 2w or 1w3d; typed is how the
// member wrote it ("2 weeks"), for the errors.
func (pp pauseParser) length(w, typed string, now time.Time, loc *time.Location) (time.Time, error) {
	lw := strings.ToLower(w)
	if strings.HasPrefix(lw, "-") && durationRE.MatchString(lw[1:]) {
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_negative", "Word", clip(typed), "Examples", pp.examples))
	}
	if !durationRE.MatchString(lw) {
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_not_length", "Word", clip(typed), "Cmd", pp.name, "Examples", pp.examples, "Until", pp.until))
	}
	var days, hours int
	for _, part := range durPartRE.FindAllString(lw, -1) {
		n, _ := strconv.Atoi(part[:len(part)-1])
		switch part[len(part)-1] {
		case 'w':
			days += 7 * n
		case 'd', 'j':
			days += n
		case 'h':
			hours += n
		}
	}
	switch length := time.Duration(days)*24*time.Hour + time.Duration(hours)*time.Hour; {
	case length < time.Hour:
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_too_short", "Word", clip(typed), "Cmd", pp.name))
	case length > maxPause:
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_too_long", "Word", clip(typed), "Examples", pp.examples, "Cmd", pp.name))
	}
	return now.In(loc).AddDate(0, 0, days).Add(time.Duration(hours) * time.Hour), nil
}

// months reads a pause of n calendar months ("1 mois"); typed is how the
// member wrote it.
func (pp pauseParser) months(n, typed string, now time.Time, loc *time.Location) (time.Time, error) {
	k, _ := strconv.Atoi(n)
	end := now.In(loc).AddDate(0, k, 0)
	switch {
	case k == 0:
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_too_short", "Word", clip(typed), "Cmd", pp.name))
	case end.Sub(now) > maxPause:
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_too_long", "Word", clip(typed), "Examples", pp.examples, "Cmd", pp.name))
	}
	return end, nil
}

// untilDate reads the one-word date of "pause until DATE".
func (pp pauseParser) untilDate(w string, now time.Time, loc *time.Location) (time.Time, error) {
	var y, mo, d int
	if m := dateRE.FindStringSubmatch(w); m != nil {
		y, _ = strconv.Atoi(m[1])
		mo, _ = strconv.Atoi(m[2])
		d, _ = strconv.Atoi(m[3])
	} else if m := frDateRE.FindStringSubmatch(w); m != nil && pp.p.Lang() == "fr" {
		// Only French: 05/01/2027 is 5 January in France, 1 May in the US.
		d, _ = strconv.Atoi(m[1])
		mo, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			y, _ = strconv.Atoi(m[3])
		} else {
			y = nextYear(now.In(loc), time.Month(mo), d)
		}
	} else {
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_not_date", "Word", clip(w), "Until", pp.until))
	}
	return pp.untilDay(y, mo, d, w, now, loc)
}

// untilDay checks the date of "pause until": on the calendar, in the
// future, within a year; typed is how the member wrote it.
func (pp pauseParser) untilDay(y, mo, d int, w string, now time.Time, loc *time.Location) (time.Time, error) {
	if cal := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); cal.Year() != y || int(cal.Month()) != mo || cal.Day() != d {
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_not_calendar", "Word", clip(w), "Until", pp.until))
	}
	end := store.WallClock(y, time.Month(mo), d, 0, 0, loc)
	switch {
	case !end.After(now):
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_past", "Word", clip(w), "Until", pp.until))
	case end.Sub(now) > maxPause:
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_year_away", "Word", clip(w), "Until", pp.until))
	}
	return end, nil
}
