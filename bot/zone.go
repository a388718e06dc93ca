package bot

import (
	_ "embed"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
)

// Time zones as members type them: an IANA name in any case
// (america/new_york), UTC, GMT or Z, a fixed offset (UTC+2, +02:00, -0530),
// or a city (Paris, tokyo, new york) that names exactly one zone. An
// abbreviation such as CST is never guessed when it means several zones:
// the member is shown them and picks one.
//
// Whatever was typed, what is stored is a name store.LoadZone reads: "UTC",
// "UTC+05:30", or the IANA name as the tz database spells it.

// zoneList is every Region/City name of the tz database this binary
// embeds (time/tzdata), one per line. TestZoneList keeps it equal to the
// Go release's lib/time/zoneinfo.zip; go test ./bot -run TestZoneList
// -update rewrites it after a Go upgrade.
//
//go:embed zones.txt
var zoneList string

// zoneIndex finds a zone by its name in any case, or by its city.
type zoneIndex struct {
	byLower map[string]string   // "america/new_york" -> "America/New_York"
	byCity  map[string][]string // "new york" -> ["America/New_York"]
}

// zones is built from zoneList on first use: a few hundred names, once.
var zones = sync.OnceValue(func() zoneIndex {
	idx := zoneIndex{byLower: map[string]string{}, byCity: map[string][]string{}}
	for name := range strings.Lines(zoneList) {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		idx.byLower[strings.ToLower(name)] = name
		region, _, _ := strings.Cut(name, "/")
		if !cityRegions[region] {
			continue
		}
		city := cityKey(name[strings.LastIndexByte(name, '/')+1:])
		idx.byCity[city] = append(idx.byCity[city], name)
	}
	for city, name := range otherCities {
		if _, ok := idx.byCity[city]; !ok {
			idx.byCity[city] = []string{name}
		}
	}
	return idx
})

// otherCities are cities members type that no zone is named after, each
// with the zone it keeps the time of: the tz database names one city a
// zone, and a member in San Francisco or Mumbai types their own.
var otherCities = map[string]string{
	"san francisco": "America/Los_Angeles", "seattle": "America/Los_Angeles",
	"san diego": "America/Los_Angeles",
	"nyc":       "America/New_York", "new york city": "America/New_York", "boston": "America/New_York",
	"washington dc": "America/New_York", "atlanta": "America/New_York",
	"miami": "America/New_York", "austin": "America/Chicago", "dallas": "America/Chicago", "houston": "America/Chicago",
	"ottawa": "America/Toronto",
	"mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
	"bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "hyderabad": "Asia/Kolkata", "chennai": "Asia/Kolkata",
	"pune": "Asia/Kolkata", "beijing": "Asia/Shanghai", "shenzhen": "Asia/Shanghai", "osaka": "Asia/Tokyo",
	"munich": "Europe/Berlin", "frankfurt": "Europe/Berlin", "hamburg": "Europe/Berlin",
	"barcelona": "Europe/Madrid", "milan": "Europe/Rome", "geneva": "Europe/Zurich", "lyon": "Europe/Paris",
	"marseille": "Europe/Paris", "toulouse": "Europe/Paris", "bordeaux": "Europe/Paris", "lille": "Europe/Paris",
	"nantes": "Europe/Paris", "manchester": "Europe/London", "edinburgh": "Europe/London",
	"rio de janeiro": "America/Sao_Paulo",
}

// cityRegions are the regions whose last name part is a city or an island.
// Etc/GMT+2, US/Pacific and the like are names, not places.
var cityRegions = map[string]bool{
	"Africa": true, "America": true, "Antarctica": true, "Arctic": true, "Asia": true,
	"Atlantic": true, "Australia": true, "Europe": true, "Indian": true, "Pacific": true,
}

// zoneAbbreviations are the abbreviations members type, and the zones each
// is used for. One zone is taken as meant; more are offered as a choice. The
// zones named keep their daylight saving, which the abbreviation alone
// (EST is always -05:00) would not.
var zoneAbbreviations = map[string][]string{
	"PST": {"America/Los_Angeles", "Asia/Manila"}, "PDT": {"America/Los_Angeles"}, "PT": {"America/Los_Angeles"},
	"MST": {"America/Denver", "America/Phoenix"}, "MDT": {"America/Denver"}, "MT": {"America/Denver", "America/Phoenix"},
	"CST": {"America/Chicago", "Asia/Shanghai", "America/Havana"}, "CDT": {"America/Chicago", "America/Havana"},
	"CT": {"America/Chicago"}, "EST": {"America/New_York", "America/Toronto", "America/Cancun"},
	"EDT": {"America/New_York", "America/Toronto"}, "ET": {"America/New_York", "America/Toronto"},
	"AKST": {"America/Anchorage"}, "HST": {"Pacific/Honolulu"},
	"IST": {"Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"}, "BST": {"Europe/London", "Asia/Dhaka"},
	"CET": {"Europe/Paris", "Europe/Berlin", "Europe/Madrid"}, "CEST": {"Europe/Paris", "Europe/Berlin", "Europe/Madrid"},
	"EET": {"Europe/Athens", "Europe/Helsinki", "Africa/Cairo"}, "WET": {"Europe/Lisbon", "Atlantic/Canary"},
	"MSK": {"Europe/Moscow"}, "JST": {"Asia/Tokyo"}, "KST": {"Asia/Seoul"}, "HKT": {"Asia/Hong_Kong"},
	"SGT": {"Asia/Singapore"}, "AEST": {"Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"},
	"AEDT": {"Australia/Sydney", "Australia/Melbourne"}, "AWST": {"Australia/Perth"},
	"NZST": {"Pacific/Auckland"}, "NZDT": {"Pacific/Auckland"}, "BRT": {"America/Sao_Paulo"},
	"ART": {"America/Argentina/Buenos_Aires"}, "SAST": {"Africa/Johannesburg"}, "WAT": {"Africa/Lagos"},
	"EAT": {"Africa/Nairobi"}, "PKT": {"Asia/Karachi"},
}

// offsetRE is a fixed offset as typed: UTC+2, GMT-5, +02:00, -0530, +5:30.
var offsetRE = regexp.MustCompile(`^(?:utc|gmt|z)?([+-])(\d{1,2})(?::?(\d\d))?$`)

// cityFolder folds what a member types for a city onto the tz database's
// spelling: no accents, spaces for its underscores and hyphens.
var cityFolder = strings.NewReplacer("_", " ", "-", " ", ".", "", "'", "",
	"á", "a", "à", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i", "ó", "o", "ò", "o", "ô", "o", "õ", "o", "ö", "o", "ø", "o",
	"ú", "u", "ù", "u", "û", "u", "ü", "u", "ç", "c", "ñ", "n")

// cityKey is a city's lookup key: "New_York", "new york" and "NEW-YORK"
// are all "new york".
func cityKey(s string) string {
	return strings.Join(strings.Fields(cityFolder.Replace(strings.ToLower(s))), " ")
}

// zoneRead is what readZone made of a member's words.
type zoneRead struct {
	Name string // what to store; "" when the words are no zone
	// Noted is how the member's words were read, when that is not obvious
	// and worth a note (note): "tokyo" as Asia/Tokyo is notedReadAs, a
	// fixed offset, which ignores summer time, notedFixed.
	Noted int
	// Candidates are the zones an ambiguous abbreviation or city may mean.
	Candidates []string
}

// The notes a zone read may call for.
const (
	notedNothing = iota
	notedReadAs
	notedFixed
)

// note tells the member how typed, their words, was read, in p's language;
// "" when there is nothing to tell.
func (z zoneRead) note(p *lang.Printer, typed string) string {
	switch z.Noted {
	case notedReadAs:
		return p.T("sched_zone_read_as", "Typed", clip(typed), "Zone", z.Name)
	case notedFixed:
		return p.T("sched_zone_fixed", "Typed", clip(typed), "Zone", z.Name)
	}
	return ""
}

// readZone reads a time zone as a member types it. It reports a Name, or
// Candidates to choose from, or neither when typed is no zone it knows.
func readZone(typed string) zoneRead {
	lw := strings.ToLower(strings.TrimSpace(typed))
	switch lw {
	case "":
		return zoneRead{}
	case "utc", "gmt", "z", "zulu", "etc/utc", "etc/gmt":
		return zoneRead{Name: "UTC"}
	}
	if m := offsetRE.FindStringSubmatch(lw); m != nil {
		return fixedOffset(m)
	}
	idx := zones()
	if name, ok := idx.byLower[strings.ReplaceAll(lw, " ", "_")]; ok {
		return zoneRead{Name: name}
	}
	if names := zoneAbbreviations[strings.ToUpper(lw)]; len(names) == 1 {
		return zoneRead{Name: names[0], Noted: notedReadAs}
	} else if len(names) > 1 {
		return zoneRead{Candidates: names}
	}
	switch names := sameZones(idx.byCity[cityKey(lw)]); len(names) {
	case 0:
		return zoneRead{}
	case 1:
		z := zoneRead{Name: names[0]}
		if !strings.EqualFold(typed, names[0]) {
			z.Noted = notedReadAs
		}
		return z
	default:
		return zoneRead{Candidates: names}
	}
}

// fixedOffset reads an offset matched by offsetRE: at most 14 hours.
func fixedOffset(m []string) zoneRead {
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3]) // "" reads as 0
	d := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute
	if mi > 59 || d > 14*time.Hour {
		return zoneRead{}
	}
	if d == 0 {
		return zoneRead{Name: "UTC"}
	}
	if m[1] == "-" {
		d = -d
	}
	return zoneRead{Name: store.FixedZoneName(d), Noted: notedFixed}
}

// sameZones returns names with links to one zone counted once: the tz
// database keeps old names (America/Buenos_Aires) beside new ones
// (America/Argentina/Buenos_Aires). Two names are one zone when their
// offsets agree at every instant sampled over two years; the longer name,
// the current spelling, is kept.
func sameZones(names []string) []string {
	if len(names) < 2 {
		return names
	}
	names = slices.Clone(names)
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	var out []string
	for _, n := range names {
		if !slices.ContainsFunc(out, func(o string) bool { return sameOffsets(n, o) }) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func sameOffsets(a, b string) bool {
	la, errA := time.LoadLocation(a)
	lb, errB := time.LoadLocation(b)
	if errA != nil || errB != nil {
		return false
	}
	for t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC); t.Year() < 2027; t = t.AddDate(0, 0, 7) {
		_, oa := t.In(la).Zone()
		_, ob := t.In(lb).Zone()
		if oa != ob {
			return false
		}
	}
	return true
}
