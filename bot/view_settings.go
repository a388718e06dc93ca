package bot

import (
	"fmt"
	"strings"
	"time"

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
)

// roleNone is the role option that clears the role.
const roleNone = "none"

// maxSelectOptions is how many options Slack allows in a select menu.
const maxSelectOptions = 100

// settings is what the settings modal shows and what a submission holds:
// a schedule's rule (its state stays with the subscription), a role,
// themes and the monthly check-in opt-in.
type settings struct {
	store.Schedule
	Role  string   // "" for none
	Focus []string // theme ids; empty means every theme
	// CheckIn is monthlyOn or monthlyOff; "" in a submission without the
	// field (a form opened before it existed) keeps the member's choice.
	CheckIn string
}

// The monthly check-in menu's values, as `check-in monthly|off` spells them.
const (
	monthlyOn  = "monthly"
	monthlyOff = "off"
)

func option(value, text string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(text), nil)
}

var (
	cadenceOptions = [][2]string{{store.CadenceWeekly, "Every week"}, {store.CadenceWeekdays, "Every weekday (Monday to Friday)"}, {store.CadenceDaily, "Every day"}}
	monthlyOptions = [][2]string{{monthlyOn, "With the first prompt of each month"}, {monthlyOff, "Off: only when I ask for it"}}
	roleOptions    = [][2]string{{"ic", "Individual contributor"}, {"staff", "Staff or principal engineer"}, {"manager", "Engineering manager"}, {"lead", "Team lead"}, {roleNone, "None: prompts written for everyone"}}
)

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

// dayValue is a weekday as the day menu's values spell it: mon…sun.
func dayValue(d time.Weekday) string { return strings.ToLower(d.String()[:3]) }

func dayOptions() [][2]string {
	var opts [][2]string
	for i := range 7 {
		d := time.Weekday((i + 1) % 7) // Monday first
		opts = append(opts, [2]string{dayValue(d), d.String()})
	}
	return opts
}

// settingsModal is the form for a member's schedule, role, themes and
// monthly check-in, prefilled with s; name is the slash command. It says nothing about who:
// that comes from Slack.
func settingsModal(name string, s settings, themes []*prompts.Theme) slack.ModalViewRequest {
	clock := slack.NewTimePickerBlockElement(blockTime)
	clock.InitialTime = fmt.Sprintf("%02d:%02d", s.Hour, s.Minute)
	zone := slack.NewPlainTextInputBlockElement(plain("Europe/Paris"), blockZone)
	zone.InitialValue = s.TZ
	zone.MaxLength = 64
	role := s.Role
	if role == "" {
		role = roleNone
	}
	focus := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain("Every theme"), blockFocus)
	for _, t := range themes[:min(len(themes), maxSelectOptions)] {
		opt := option(t.ID, shorten(t.Title, 75))
		focus.Options = append(focus.Options, opt)
		for _, id := range s.Focus {
			if id == t.ID {
				focus.InitialOptions = append(focus.InitialOptions, opt)
			}
		}
	}
	blocks := []slack.Block{
		contextLine("A reflection prompt comes as a DM at this time in your time zone."),
		slack.NewInputBlock(blockCadence, plain("How often"), nil, staticSelect(blockCadence, cadenceOptions, s.Cadence)),
		slack.NewInputBlock(blockDay, plain("Day"), plain("For a weekly prompt."), staticSelect(blockDay, dayOptions(), dayValue(s.Day))).WithOptional(true),
		slack.NewInputBlock(blockTime, plain("Time"), nil, clock),
		slack.NewInputBlock(blockZone, plain("Time zone"), plain(zoneHint), zone),
		slack.NewInputBlock(blockRole, plain("Your role"), plain("Prompts written for your role come first."), staticSelect(blockRole, roleOptions, role)),
		slack.NewInputBlock(blockFocus, plain("Themes"), plain("Leave empty for prompts from every theme."), focus).WithOptional(true),
		slack.NewInputBlock(blockMonthly, plain("Monthly check-in"), plain("Five statements, 1 to 5, and your private trend."), staticSelect(blockMonthly, monthlyOptions, s.CheckIn)),
		contextLine(fmt.Sprintf("`%s unsubscribe` stops scheduled prompts; `%s pause 2w` gives you a break.", name, name)),
	}
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: callbackSettings,
		Title:      plain("Settings"),
		Submit:     plain("Save"),
		Close:      plain("Cancel"),
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
}

// zoneHint is the hint under the settings form's time-zone field, which is
// read as subscribe reads a zone (readZone): a name in any case, a city or
// an offset. TestSettingsZoneHint checks that its examples are accepted.
const zoneHint = "As you would write it: Europe/Paris, a city such as Paris or new york, or an offset such as UTC+2."

// savedSettingsModal replaces the settings modal once they are on disk.
func savedSettingsModal(s settingsSaved) *slack.ModalViewRequest {
	text := fmt.Sprintf("Saved. You get a reflection prompt *%s*.\nThe next one arrives *%s*.", s.Schedule, s.Next)
	if s.PausedUntil != "" {
		text = fmt.Sprintf("Saved. You get a reflection prompt *%s*.\nYou are paused until %s; the next prompt arrives *%s*.", s.Schedule, s.PausedUntil, s.Next)
	}
	focus, role := "every theme", "none"
	if len(s.Focus) > 0 {
		focus = codeList(nil, s.Focus)
	}
	if s.Role != "" {
		role = "`" + s.Role + "`"
	}
	switch s.CheckIn {
	case monthlyOn:
		role += " · Monthly check-in: on"
	case monthlyOff:
		role += " · Monthly check-in: off"
	}
	return &slack.ModalViewRequest{
		Type:  slack.VTModal,
		Title: plain("Settings saved"),
		Close: plain("Done"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(text),
			contextLine(fmt.Sprintf("Themes: %s · Role: %s · `%s status` shows this any time, and so does the Home tab.", focus, role, s.Name)),
		}},
	}
}
