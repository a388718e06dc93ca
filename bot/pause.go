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
// "2 weeks", and as French writes it, 3j or "2 semaines"), or
// "until YYYY-MM-DD", a date in loc that must be in the future; that pause ends at its first instant (00:00
// local, or the end of a gap if clocks jump over midnight). Days and weeks are
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
	case strings.EqualFold(args[0], "until") && len(args) == 1:
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_until_when", "Until", pp.until))
	case strings.EqualFold(args[0], "until") && len(args) == 2:
		return pp.untilDate(args[1], now, loc)
	case len(args) == 2 && countRE.MatchString(args[0]) && unitWords[strings.ToLower(args[1])] != "":
		return pp.length(args[0]+unitWords[strings.ToLower(args[1])], strings.Join(args, " "), now, loc) // "2 weeks", "3 jours"
	case len(args) > 1:
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_extra", "Word", clip(args[len(args)-1]), "Examples", pp.examples))
	}
	return pp.length(args[0], args[0], now, loc)
}

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
)

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

// untilDate reads the date of "pause until DATE".
func (pp pauseParser) untilDate(w string, now time.Time, loc *time.Location) (time.Time, error) {
	m := dateRE.FindStringSubmatch(w)
	if m == nil {
		return time.Time{}, Errorf(EINVALID, "%s", pp.p.T("sched_pause_not_date", "Word", clip(w), "Until", pp.until))
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
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
