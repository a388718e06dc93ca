package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// currentSettings is what the settings modal shows the member: their
// schedule, role, themes and monthly check-in choice, or for a member not
// subscribed, the defaults of `subscribe` (weekly, Friday, 16:00, their
// Slack time zone).
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
	if !ok {
		return settings{Schedule: defaultSchedule(b.memberZone(ctx, userID)), Role: u.Role, CheckIn: checkIn}, nil
	}
	return settings{Schedule: sub.Schedule, Role: u.Role, Focus: sub.Focus, CheckIn: checkIn}, nil
}

// openSettings opens the settings modal. Slack's trigger_id is valid for 3
// seconds, so this runs straight from the command or the click.
func (b *Bot) openSettings(ctx context.Context, c *Command) error {
	s, err := b.currentSettings(ctx, c.UserID)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.Slack.OpenViewContext(ctx, c.TriggerID, settingsModal(c.Name, s, b.Catalog.Themes())); err != nil {
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
	if err := b.openSettings(ctx, c); err != nil {
		b.Logger.Warn("settings modal not opened; subscribing with the defaults", "user", c.UserID, "err", err)
		return Reply{}, false
	}
	return textReply("Choose your schedule in the form."), true
}

// submitSettings validates a settings submission and saves it, and returns
// the ack: errors shown under their fields, or the confirmation once the
// settings are on disk.
func (b *Bot) submitSettings(c *Command, values formValues) (*viewResponse, error) {
	s, errs := parseSettings(values, b.Catalog)
	if len(errs) > 0 {
		return &viewResponse{Action: "errors", Errors: errs}, nil
	}
	sub, err := b.saveSettings(c.UserID, s)
	if err != nil {
		return nil, err
	}
	saved := settingsSaved{Name: c.Name, Schedule: describeSchedule(c.P, sub.Schedule), Next: localTime(c.P, sub.NextDue, sub.TZ), Focus: sub.Focus, Role: s.Role, CheckIn: s.CheckIn}
	if sub.Paused(b.Now()) {
		saved.PausedUntil = localTime(c.P, sub.PausedUntil, sub.TZ)
	}
	return &viewResponse{Action: "update", View: savedSettingsModal(saved)}, nil
}

// settingsError shows an error of ours at the top of the settings modal,
// which stays open with the member's choices.
func settingsError(msg string) *viewResponse {
	return &viewResponse{Action: "errors", Errors: map[string]string{blockCadence: msg}}
}

// saveSettings creates or changes the member's subscription and sets their
// role and, when the form had the field, the monthly check-in. A pause is kept, and skips that are still slots: the next prompt is
// the first one after the pause not skipped.
func (b *Bot) saveSettings(userID string, s settings) (store.Subscription, error) {
	unlock := b.locks.lock(userID)
	defer unlock()
	now := b.Now()
	sub, had, err := b.Schedules.Subscription(userID)
	if err != nil {
		return sub, fmt.Errorf("read subscription of %s: %w", userID, err)
	}
	if !had {
		sub = store.Subscription{UserID: userID, Created: now}
	}
	sub.Focus = s.Focus
	sub.Reschedule(s.Schedule, now)
	if err := b.Schedules.PutSubscription(sub); err != nil {
		return sub, fmt.Errorf("write subscription of %s: %w", userID, err)
	}
	if err := b.Members.UpdateUser(userID, func(u *store.User) error { u.Role = s.Role; return nil }); err != nil {
		return sub, fmt.Errorf("set role of %s: %w", userID, err)
	}
	if s.CheckIn != "" {
		if err := b.CheckIns.SetCheckInMonthly(userID, s.CheckIn == monthlyOn); err != nil {
			return sub, fmt.Errorf("set monthly check-in of %s: %w", userID, err)
		}
	}
	return sub, nil
}

// hhmmRE is a timepicker's value.
var hhmmRE = regexp.MustCompile(`^([01]\d|2[0-3]):([0-5]\d)$`)

// parseSettings reads a settings submission's state.values and checks every
// field. It returns the settings, or the errors to show, by block id. The
// day of a daily or weekdays schedule is ignored, not refused: the form
// shows the day menu whatever the cadence.
func parseSettings(values map[string]map[string]slack.BlockAction, catalog *prompts.Catalog) (settings, map[string]string) {
	get := func(block string) slack.BlockAction { return values[block][block] }
	s := settings{Schedule: store.Schedule{Cadence: get(blockCadence).SelectedOption.Value, Day: time.Friday}}
	errs := map[string]string{}
	if s.Cadence != store.CadenceWeekly && s.Cadence != store.CadenceDaily && s.Cadence != store.CadenceWeekdays {
		errs[blockCadence] = "Choose how often: every week, every weekday or every day."
	}
	if d, ok := parseDay(get(blockDay).SelectedOption.Value); ok {
		s.Day = d
	} else if s.Cadence == store.CadenceWeekly {
		errs[blockDay] = "Choose the day of your weekly prompt."
	}
	if m := hhmmRE.FindStringSubmatch(get(blockTime).SelectedTime); m != nil {
		s.Hour, _ = strconv.Atoi(m[1])
		s.Minute, _ = strconv.Atoi(m[2])
	} else {
		errs[blockTime] = "Choose a time, such as 16:00."
	}
	var err string
	if s.TZ, err = formZone(get(blockZone).Value); err != "" {
		errs[blockZone] = err
	}
	if s.Role = get(blockRole).SelectedOption.Value; s.Role == roleNone {
		s.Role = ""
	} else if !slices.Contains(roles, s.Role) {
		errs[blockRole] = "Choose a role, or None."
	}
	switch v := get(blockMonthly).SelectedOption.Value; {
	case v == monthlyOn || v == monthlyOff:
		s.CheckIn = v
	case v != "":
		errs[blockMonthly] = "Choose whether the check-in comes each month."
	}
	for _, o := range get(blockFocus).SelectedOptions {
		if _, ok := catalog.Theme(o.Value); !ok {
			errs[blockFocus] = fmt.Sprintf("%q is no longer a theme: remove it.", clip(o.Value))
		} else if !slices.Contains(s.Focus, o.Value) {
			s.Focus = append(s.Focus, o.Value)
		}
	}
	return s, errs
}

// formZone checks the time zone typed in the form, and returns it as stored
// or the error to show under the field. It reads what `subscribe` reads
// (readZone): a Region/City name in any case, UTC, an offset or a city; an
// abbreviation that means several zones is answered with them.
func formZone(v string) (string, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", "Enter your time zone, such as Europe/Paris."
	}
	z := readZone(v)
	switch {
	case z.Name != "":
		return z.Name, ""
	case len(z.Candidates) > 0:
		return "", fmt.Sprintf("%q could be %s: enter one of them.", clip(v), strings.ReplaceAll(orList(nil, z.Candidates), "`", ""))
	}
	return "", fmt.Sprintf("%q is not a time zone I know. Use a Region/City name such as Europe/Paris, a city such as Tokyo, or an offset such as UTC+2.", clip(v))
}
