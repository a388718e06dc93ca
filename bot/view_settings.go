package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// The settings modal's field ids; its callback id is in commands.go. Each
// input's block id is also its action id.
const (
	blockCadence = "cadence"
	blockDay     = "day"
	blockTime    = "time"
	blockZone    = "tz"
	blockRole    = "role"
	blockFocus   = "focus"
	blockMonthly = "checkin_monthly"
	blockLang    = "lang"
)

// roleNone is the role option that clears the role.
const roleNone = "none"

// maxSelectOptions is how many options Slack allows in a select menu.
const maxSelectOptions = 100

// settings is what the settings modal shows and what a submission holds:
// a schedule's rule (its state stays with the subscription), a role,
// themes, the monthly check-in opt-in and the language.
type settings struct {
	store.Schedule
	Role  string   // "" for none
	Focus []string // theme ids; empty means every theme
	// CheckIn is monthlyOn or monthlyOff; "" in a submission without the
	// field (a form opened before it existed) keeps the member's choice.
	CheckIn string
	// Lang is langAuto or a language the catalog speaks; "" in a
	// submission without the field keeps the member's choice.
	Lang string
}

// The monthly check-in menu's values, as `check-in monthly|off` spells them.
const (
	monthlyOn  = "monthly"
	monthlyOff = "off"
)

// cadenceOff is the cadence menu's value for no scheduled prompts. Only a
// member not subscribed is offered it (and finds it chosen), so that saving
// the form for another field does not subscribe them.
const cadenceOff = "off"

// langAuto is the language menu's value for following Slack's locale, as
// `language auto` spells it.
const langAuto = "auto"

func option(value, text string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(text), nil)
}

// cadenceOptions are the cadence menu's options; off adds "no scheduled
// prompts" first, for a member not subscribed.
func cadenceOptions(p *lang.Printer, off bool) [][2]string {
	var opts [][2]string
	if off {
		opts = append(opts, [2]string{cadenceOff, p.T("settings_cadence_off")})
	}
	return append(opts, [][2]string{{store.CadenceWeekly, p.T("settings_cadence_weekly")}, {store.CadenceWeekdays, p.T("settings_cadence_weekdays")}, {store.CadenceDaily, p.T("settings_cadence_daily")}}...)
}

func monthlyOptions(p *lang.Printer) [][2]string {
	return [][2]string{{monthlyOn, p.T("settings_monthly_on")}, {monthlyOff, p.T("settings_monthly_off")}}
}

func roleOptions(p *lang.Printer) [][2]string {
	return [][2]string{{"ic", p.T("settings_role_ic")}, {"staff", p.T("settings_role_staff")}, {"manager", p.T("settings_role_manager")},
		{"lead", p.T("settings_role_lead")}, {roleNone, p.T("settings_role_none")}}
}

// staticSelect is a static_select of options (value, text) with initial
// selected, if it is one of them.
func staticSelect(actionID string, options [][2]string, initial string) *slack.SelectBlockElement {
	el := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose"), actionID)
	for _, o := range options {
		opt := option(o[0], o[1])
		el.Options = append(el.Options, opt)
		if o[0] == initial {
			el.InitialOption = opt
		}
	}
	return el
}

// settingsSelect is staticSelect with its placeholder in p's language.
func settingsSelect(p *lang.Printer, actionID string, options [][2]string, initial string) *slack.SelectBlockElement {
	el := staticSelect(actionID, options, initial)
	el.Placeholder = plain(p.T("settings_choose"))
	return el
}

// dayValue is a weekday as the day menu's values spell it: mon…sun.
func dayValue(d time.Weekday) string { return strings.ToLower(d.String()[:3]) }

func dayOptions(p *lang.Printer) [][2]string {
	var opts [][2]string
	for i := range 7 {
		d := time.Weekday((i + 1) % 7) // Monday first
		opts = append(opts, [2]string{dayValue(d), capitalize(p.Weekday(d))})
	}
	return opts
}

// capitalize starts s with a capital, as a menu's options do: "lundi"
// reads "Lundi" there.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// settingsForm is what the settings modal is built from.
type settingsForm struct {
	P      *lang.Printer // the member's language
	Name   string        // the slash command
	S      settings      // prefilled
	Themes []*prompts.Theme
	// Langs are the language menu's options: langAuto, then each language
	// the catalog speaks.
	Langs [][2]string
}

// settingsModal is the form for a member's schedule, role, themes,
// monthly check-in and language, prefilled with f.S. It says nothing about
// who: that comes from Slack.
func settingsModal(f settingsForm) slack.ModalViewRequest {
	p, s := f.P, f.S
	clock := slack.NewTimePickerBlockElement(blockTime)
	clock.InitialTime = fmt.Sprintf("%02d:%02d", s.Hour, s.Minute)
	zone := slack.NewPlainTextInputBlockElement(plain(p.T("settings_zone_placeholder")), blockZone)
	zone.InitialValue = s.TZ
	zone.MaxLength = 64
	role := s.Role
	if role == "" {
		role = roleNone
	}
	focus := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain(p.T("settings_themes_placeholder")), blockFocus)
	for _, t := range f.Themes[:min(len(f.Themes), maxSelectOptions)] {
		opt := option(t.ID, shorten(t.Title, 75))
		focus.Options = append(focus.Options, opt)
		if slices.Contains(s.Focus, t.ID) {
			focus.InitialOptions = append(focus.InitialOptions, opt)
		}
	}
	blocks := []slack.Block{
		contextLine(p.T("settings_intro")),
		slack.NewInputBlock(blockCadence, plain(p.T("settings_cadence")), nil, settingsSelect(p, blockCadence, cadenceOptions(p, s.Cadence == cadenceOff), s.Cadence)),
		slack.NewInputBlock(blockDay, plain(p.T("settings_day")), plain(p.T("settings_day_hint")), settingsSelect(p, blockDay, dayOptions(p), dayValue(s.Day))).WithOptional(true),
		slack.NewInputBlock(blockTime, plain(p.T("settings_time")), nil, clock),
		slack.NewInputBlock(blockZone, plain(p.T("settings_zone")), plain(p.T("settings_zone_hint")), zone),
		slack.NewInputBlock(blockRole, plain(p.T("settings_role")), plain(p.T("settings_role_hint")), settingsSelect(p, blockRole, roleOptions(p), role)),
		slack.NewInputBlock(blockFocus, plain(p.T("settings_themes")), plain(p.T("settings_themes_hint")), focus).WithOptional(true),
		slack.NewInputBlock(blockMonthly, plain(p.T("settings_monthly")), plain(p.T("settings_monthly_hint")), settingsSelect(p, blockMonthly, monthlyOptions(p), s.CheckIn)),
		slack.NewInputBlock(blockLang, plain(p.T("settings_lang")), plain(p.T("settings_lang_hint")), settingsSelect(p, blockLang, f.Langs, s.Lang)),
		contextLine(p.T("settings_footer", "Cmd", f.Name)),
	}
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: callbackSettings,
		Title:      plain(p.T("settings_title")),
		Submit:     plain(p.T("settings_submit")),
		Close:      plain(p.T("settings_close")),
		Blocks:     slack.Blocks{BlockSet: blocks},
	}
}

// settingsSaved is what the settings modal says once they are saved.
type settingsSaved struct {
	Name        string // the slash command
	Schedule    string
	Next        string
	PausedUntil string // "" when not paused
	Focus       []string
	Role        string
	CheckIn     string // monthlyOn, monthlyOff, or "" when the form had no such field
	Lang        string // the language's name when the form had the field, else ""
	// Unsubscribed: the member gets no scheduled prompts; Schedule, Next
	// and Focus are empty.
	Unsubscribed bool
}

// savedSettingsModal replaces the settings modal once they are on disk, in
// p's language: the one just chosen.
func savedSettingsModal(p *lang.Printer, s settingsSaved) *slack.ModalViewRequest {
	text := p.T("settings_saved", "Schedule", s.Schedule, "Next", s.Next)
	if s.PausedUntil != "" {
		text = p.T("settings_saved_paused", "Schedule", s.Schedule, "Until", s.PausedUntil, "Next", s.Next)
	}
	focus, role, more := p.T("settings_saved_every_theme"), p.T("settings_saved_no_role"), ""
	if len(s.Focus) > 0 {
		focus = codeList(p, s.Focus)
	}
	if s.Role != "" {
		role = "`" + s.Role + "`"
	}
	switch s.CheckIn {
	case monthlyOn:
		more = p.T("settings_saved_monthly_on")
	case monthlyOff:
		more = p.T("settings_saved_monthly_off")
	}
	if s.Lang != "" {
		more += p.T("settings_saved_lang", "Name", s.Lang)
	}
	summary := p.T("settings_saved_summary", "Themes", focus, "Role", role, "More", more, "Cmd", s.Name)
	if s.Unsubscribed {
		// Say what was saved, and that it was not a subscription.
		text = p.T("settings_saved_unsubscribed", "Cmd", s.Name)
		summary = p.T("settings_saved_summary_unsubscribed", "Role", role, "More", more, "Cmd", s.Name)
	}
	return &slack.ModalViewRequest{
		Type:  slack.VTModal,
		Title: plain(p.T("settings_saved_title")),
		Close: plain(p.T("settings_saved_close")),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(text),
			contextLine(summary),
		}},
	}
}
