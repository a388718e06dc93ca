package lang

import (
	"strconv"
	"time"
)

// Dates are spelled by messages too (core.*.toml): day and month names, the
// order of the parts and the clock ("16:00" in English, "16 h" in French).
// Every function takes t already in the member's location.

// Weekday is the day's full name: "Friday", "vendredi".
func (p *Printer) Weekday(d time.Weekday) string {
	return p.T("date_weekday_" + strconv.Itoa(int(d)))
}

// Clock is the time of day: "16:00", "16 h", "16 h 30".
func (p *Printer) Clock(t time.Time) string {
	return p.T("date_clock", "H", t.Hour(), "M", t.Minute(), "HH", t.Format("15"), "MM", t.Format("04"))
}

// DateTime is a day and time with its zone: "Friday 4 December at 16:00 CET",
// "vendredi 4 décembre à 16 h (CET)".
func (p *Printer) DateTime(t time.Time) string {
	return p.date("date_time", t)
}

// ShortDate is a near day: "Fri 4 Dec", "ven. 4 déc.".
func (p *Printer) ShortDate(t time.Time) string { return p.date("date_short", t) }

// ShortDateYear is a day of any year: "Fri 4 Dec 2026", "ven. 4 déc. 2026".
func (p *Printer) ShortDateYear(t time.Time) string { return p.date("date_short_year", t) }

// LongDate is a day spelled out: "4 December 2026", "4 décembre 2026".
func (p *Printer) LongDate(t time.Time) string { return p.date("date_long", t) }

// DayMonth is a day of this year: "4 December", "4 décembre".
func (p *Printer) DayMonth(t time.Time) string { return p.date("date_day_month", t) }

func (p *Printer) date(id string, t time.Time) string {
	zone, _ := t.Zone()
	return p.T(id,
		"Weekday", p.Weekday(t.Weekday()),
		"Wday", p.T("date_wday_"+strconv.Itoa(int(t.Weekday()))),
		"Day", p.T("date_day", "Day", t.Day()),
		"Month", p.T("date_month_"+strconv.Itoa(int(t.Month()))),
		"Mon", p.T("date_mon_"+strconv.Itoa(int(t.Month()))),
		"Year", t.Year(),
		"Time", p.Clock(t),
		"Zone", zone,
	)
}
