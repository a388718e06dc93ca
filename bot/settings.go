package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// currentSettings is what the settings modal shows the member: their
// schedule, role, themes, monthly check-in and language choices. For a
// member not subscribed the cadence is cadenceOff, so that saving the form
// for their language or role alone does not subscribe them; day, time and
// zone show the defaults of `subscribe` (Friday, 16:00, their Slack time
// zone), ready for when they choose how often.
func (b *Bot) currentSettings(ctx context.Context, userID string) (settings, error) {
	u, err := b.Members.User(userID)
	if err != nil {
		return settings{}, fmt.Errorf("read user %s: %w", userID, err)
	}
	sub, ok, err := b.Schedules.Subscription(userID)
	if err != nil {
		return settings{}, fmt.Errorf("read subscription of %s: %w", userID, err)
	}
	monthly, err := b.CheckIns.CheckInMonthly(userID)
	if err != nil {
		return settings{}, fmt.Errorf("read monthly check-in of %s: %w", userID, err)
	}
	checkIn := monthlyOff
	if monthly {
		checkIn = monthlyOn
	}
	language := langAuto
	if b.Lang.Speaks(u.Lang) {
		language = u.Lang
	}
	if !ok {
		s := settings{Schedule: defaultSchedule(b.memberZone(ctx, userID)), Role: u.Role, CheckIn: checkIn, Lang: language}
		s.Cadence = cadenceOff
		return s, nil
	}
	return settings{Schedule: sub.Schedule, Role: u.Role, Focus: sub.Focus, CheckIn: checkIn, Lang: language}, nil
}

// settingsForm is the settings modal's content for the member, in p's
// language: theme titles too.
func (b *Bot) settingsForm(p *lang.Printer, name string, s settings) settingsForm {
	themes := b.Catalog.Themes()
	shown := make([]*prompts.Theme, len(themes))
	for i, t := range themes {
		shown[i] = b.Catalog.ThemeIn(t, p.Lang())
	}
	return settingsForm{P: p, Name: name, S: s, Themes: shown, Langs: b.languageOptions(p)}
}

// languageOptions are the language menu's options: Automatic, then every
// language the catalog speaks, each by its own name ("Français").
func (b *Bot) languageOptions(p *lang.Printer) [][2]string {
	opts := [][2]string{{langAuto, p.T("settings_lang_auto")}}
	for _, l := range b.Lang.Languages() {
		opts = append(opts, [2]string{l, capitalize(b.Lang.Printer(l).Name())})
	}
	return opts
}

// openSettings opens the settings modal. Slack's trigger_id is valid for 3
// seconds, so this runs straight from the command or the click. subscribing
// is true for `subscribe` with no argument: a member not subscribed then
// finds the form set to subscribe's default rhythm, not to cadenceOff.
func (b *Bot) openSettings(ctx context.Context, c *Command, subscribing bool) error {
	s, err := b.currentSettings(ctx, c.UserID)
	if err != nil {
		return err
	}
	if subscribing && s.Cadence == cadenceOff {
		s.Cadence = store.CadenceWeekly
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.Slack.OpenViewContext(ctx, c.TriggerID, settingsModal(b.settingsForm(c.P, c.Name, s))); err != nil {
		return fmt.Errorf("open settings modal for %s: %w", c.UserID, err)
	}
	return nil
}

// subscribeForm answers `subscribe` with no argument by opening the settings
// modal, when Slack gave a trigger to open it with. It reports false when it
// did not (no trigger, or Slack refused): the command then subscribes with
// the defaults, as it always did.
func (b *Bot) subscribeForm(ctx context.Context, c *Command) (Reply, bool) {
	if len(c.Args) > 0 || c.TriggerID == "" || b.Slack == nil {
		return Reply{}, false
	}
	if err := b.openSettings(ctx, c, true); err != nil {
		b.Logger.Warn("settings modal not opened; subscribing with the defaults", "user", c.UserID, "err", err)
		return Reply{}, false
	}
	return textReply(c.P.T("settings_form_opened")), true
}

// submitSettings validates a settings submission and saves it, and returns
// the ack: errors shown under their fields, or the confirmation once the
// settings are on disk.
func (b *Bot) submitSettings(c *Command, values formValues) (*viewResponse, error) {
	s, errs := b.parseSettings(c.P, values)
	if len(errs) > 0 {
		return &viewResponse{Action: "errors", Errors: errs}, nil
	}
	if s.Cadence == cadenceOff && len(s.Focus) > 0 {
		// Themes are a subscription's: with no scheduled prompts they
		// would be dropped while the form says "Saved".
		_, had, err := b.Schedules.Subscription(c.UserID)
		if err != nil {
			return nil, fmt.Errorf("read subscription of %s: %w", c.UserID, err)
		}
		if !had {
			return &viewResponse{Action: "errors", Errors: map[string]string{blockFocus: c.P.T("settings_err_focus_off")}}, nil
		}
	}
	sub, subscribed, err := b.saveSettings(c.UserID, s)
	if err != nil {
		return nil, err
	}
	if s.Cadence == cadenceOff && subscribed {
		// The form was opened before the member subscribed elsewhere:
		// "no scheduled prompts" is not how one unsubscribes.
		return &viewResponse{Action: "errors", Errors: map[string]string{blockCadence: c.P.T("settings_err_off_subscribed", "Cmd", c.Name)}}, nil
	}
	p := c.P
	if s.Lang != "" {
		// The confirmation speaks the language just chosen.
		p = b.commandPrinter(context.Background(), c.UserID)
		c.P = p
	}
	saved := settingsSaved{Name: c.Name, Role: s.Role, CheckIn: s.CheckIn, Unsubscribed: !subscribed}
	if subscribed {
		saved.Schedule, saved.Next, saved.Focus = describeSchedule(p, sub.Schedule), localTime(p, sub.NextDue, sub.TZ), sub.Focus
	}
	if s.Lang != "" {
		saved.Lang = p.Name()
	}
	if subscribed && sub.Paused(b.Now()) {
		saved.PausedUntil = localTime(p, sub.PausedUntil, sub.TZ)
	}
	return &viewResponse{Action: "update", View: savedSettingsModal(p, saved)}, nil
}

// settingsError shows an error of ours at the top of the settings modal,
// which stays open with the member's choices.
func settingsError(msg string) *viewResponse {
	return &viewResponse{Action: "errors", Errors: map[string]string{blockCadence: msg}}
}

// saveSettings creates or changes the member's subscription and sets their
// role and, when the form had the fields, the monthly check-in and the
// language. A pause is kept, and skips that are still slots: the next
// prompt is the first one after the pause not skipped. With cadenceOff
// the subscription is left alone: a member not subscribed stays so (their
// themes are a subscription's, so they are not kept either), and a member
// who subscribed since the form opened has nothing saved at all, for
// submitSettings to refuse. It reports whether the member is subscribed.
func (b *Bot) saveSettings(userID string, s settings) (store.Subscription, bool, error) {
	unlock := b.locks.lock(userID)
	defer unlock()
	now := b.Now()
	sub, had, err := b.Schedules.Subscription(userID)
	if err != nil {
		return sub, false, fmt.Errorf("read subscription of %s: %w", userID, err)
	}
	if s.Cadence == cadenceOff {
		if had {
			return sub, true, nil
		}
	} else {
		if !had {
			sub = store.Subscription{UserID: userID, Created: now}
		}
		sub.Focus = s.Focus
		sub.Reschedule(s.Schedule, now)
		if err := b.Schedules.PutSubscription(sub); err != nil {
			return sub, false, fmt.Errorf("write subscription of %s: %w", userID, err)
		}
	}
	subscribed := s.Cadence != cadenceOff
	if err := b.Members.UpdateUser(userID, func(u *store.User) error { u.Role = s.Role; return nil }); err != nil {
		return sub, subscribed, fmt.Errorf("set role of %s: %w", userID, err)
	}
	if s.CheckIn != "" {
		if err := b.CheckIns.SetCheckInMonthly(userID, s.CheckIn == monthlyOn); err != nil {
			return sub, subscribed, fmt.Errorf("set monthly check-in of %s: %w", userID, err)
		}
	}
	if s.Lang != "" {
		choice := s.Lang
		if choice == langAuto {
			choice = ""
		}
		if err := b.setLanguage(userID, choice); err != nil {
			return sub, subscribed, err
		}
	}
	return sub, subscribed, nil
}

// hhmmRE is a timepicker's value.
var hhmmRE = regexp.MustCompile(`^([01]\d|2[0-3]):([0-5]\d)$`)

// parseSettings reads a settings submission's state.values and checks every
// field. It returns the settings, or the errors to show in p's language, by
// block id. The day of a daily or weekdays schedule is ignored, not refused:
// the form shows the day menu whatever the cadence.
func (b *Bot) parseSettings(p *lang.Printer, values formValues) (settings, map[string]string) {
	get := func(block string) slack.BlockAction { return values[block][block] }
	s := settings{Schedule: store.Schedule{Cadence: get(blockCadence).SelectedOption.Value, Day: time.Friday}}
	errs := map[string]string{}
	if s.Cadence != store.CadenceWeekly && s.Cadence != store.CadenceDaily && s.Cadence != store.CadenceWeekdays && s.Cadence != cadenceOff {
		errs[blockCadence] = p.T("settings_err_cadence")
	}
	if d, ok := parseDay(get(blockDay).SelectedOption.Value); ok {
		s.Day = d
	} else if s.Cadence == store.CadenceWeekly {
		errs[blockDay] = p.T("settings_err_day")
	}
	if m := hhmmRE.FindStringSubmatch(get(blockTime).SelectedTime); m != nil {
		s.Hour, _ = strconv.Atoi(m[1])
		s.Minute, _ = strconv.Atoi(m[2])
	} else {
		errs[blockTime] = p.T("settings_err_time")
	}
	var err string
	if s.TZ, err = formZone(p, get(blockZone).Value); err != "" {
		errs[blockZone] = err
	}
	if s.Role = get(blockRole).SelectedOption.Value; s.Role == roleNone {
		s.Role = ""
	} else if !slices.Contains(roles, s.Role) {
		errs[blockRole] = p.T("settings_err_role")
	}
	switch v := get(blockMonthly).SelectedOption.Value; {
	case v == monthlyOn || v == monthlyOff:
		s.CheckIn = v
	case v != "":
		errs[blockMonthly] = p.T("settings_err_monthly")
	}
	switch v := get(blockLang).SelectedOption.Value; {
	case v == langAuto || b.Lang.Speaks(v):
		s.Lang = v
	case v != "":
		errs[blockLang] = p.T("settings_err_lang")
	}
	for _, o := range get(blockFocus).SelectedOptions {
		if _, ok := b.Catalog.Theme(o.Value); !ok {
			errs[blockFocus] = p.T("settings_err_theme_gone", "Typed", clip(o.Value))
		} else if !slices.Contains(s.Focus, o.Value) {
			s.Focus = append(s.Focus, o.Value)
		}
	}
	return s, errs
}

// formZone checks the time zone typed in the form, and returns it as stored
// or the error to show under the field, in p's language. It reads what
// `subscribe` reads (readZone): a Region/City name in any case, UTC, an
// offset or a city; an abbreviation that means several zones is answered
// with them.
func formZone(p *lang.Printer, v string) (string, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", p.T("settings_err_zone_empty")
	}
	z := readZone(v)
	switch {
	case z.Name != "":
		return z.Name, ""
	case len(z.Candidates) > 0:
		return "", p.T("settings_err_zone_candidates", "Typed", clip(v), "Zones", strings.ReplaceAll(orList(p, z.Candidates), "`", ""))
	}
	return "", p.T("settings_err_zone_unknown", "Typed", clip(v))
}
