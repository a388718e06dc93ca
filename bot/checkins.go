package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/store"
)

// Check-ins: five statements, in our own words, answered 1 to 5, for a
// trend only the member sees. Nothing of them goes to a log line (the
// handlers log no value of theirs), a lead, or an aggregate.

// statement is one check-in statement: the id of its text in the message
// catalog (checkin.*.toml) and the theme that helps when its score drops.
type statement struct {
	ID    string
	Theme string
}

// statements are asked in this order; a stored check-in's scores follow
// it, so new statements go at the end. TestStatementsSpoken checks that
// every language has their text.
var statements = [...]statement{
	{"checkin_st_decisions", "impostor"},
	{"checkin_st_not_knowing", "daring"},
	{"checkin_st_finishing", "last-mile"},
	{"checkin_st_direction", "vision"},
	{"checkin_st_hands_on", "hands-on"},
}

// statementText is statement i as the printer's language says it.
func statementText(p *lang.Printer, i int) string {
	return p.T(statements[i].ID)
}

// trendLen is how many check-ins a trend shows.
const trendLen = 6

// CheckInStore keeps members' check-ins. *store.DB implements it.
//
// Every method returns store.ErrInvalidID when the member id is empty or
// holds a NUL byte.
type CheckInStore interface {
	// AddCheckIn writes a check-in durably.
	AddCheckIn(c store.CheckIn) (store.CheckIn, error)
	// CheckIns lists the member's newest limit check-ins (all when limit
	// <= 0), newest first.
	CheckIns(userID string, limit int) ([]store.CheckIn, error)
	// SetCheckInMonthly records whether the member wants the form with the
	// first nudge of each month.
	SetCheckInMonthly(userID string, on bool) error
	// CheckInMonthly reports whether they do.
	CheckInMonthly(userID string) (bool, error)
}

// cmdCheckIn opens the check-in form, or turns the monthly form on or off.
func (b *Bot) cmdCheckIn(ctx context.Context, c *Command) (Reply, error) {
	if len(c.Args) == 0 {
		return Reply{}, b.openCheckIn(ctx, c)
	}
	switch strings.ToLower(c.Args[0]) {
	case "monthly":
		if err := b.CheckIns.SetCheckInMonthly(c.UserID, true); err != nil {
			return Reply{}, err
		}
		if _, ok, err := b.Schedules.Subscription(c.UserID); err == nil && !ok {
			return textReply(c.P.T("checkin_monthly_no_schedule", "Cmd", c.Name)), nil
		}
		return textReply(c.P.T("checkin_monthly", "Cmd", c.Name)), nil
	case "off":
		if err := b.CheckIns.SetCheckInMonthly(c.UserID, false); err != nil {
			return Reply{}, err
		}
		return textReply(c.P.T("checkin_off", "Cmd", c.Name)), nil
	}
	return Reply{}, &Error{Code: EINVALID, Message: c.P.T("checkin_usage")}
}

// openCheckIn opens the form; Slack's trigger_id lasts 3 seconds.
func (b *Bot) openCheckIn(ctx context.Context, c *Command) error {
	if c.TriggerID == "" {
		return &Error{Code: EINVALID, Message: c.P.T("checkin_no_trigger", "Cmd", c.Name)}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.Slack.OpenViewContext(ctx, c.TriggerID, checkInModal(c.P)); err != nil {
		return fmt.Errorf("open check-in form for %s: %w", c.UserID, err)
	}
	return nil
}

// openCheckInButton is the Home tab's and the monthly nudge's Check in.
func (b *Bot) openCheckInButton(ctx context.Context, c *Command) (Reply, error) {
	return Reply{}, b.openCheckIn(ctx, c)
}

// submitCheckIn saves a check-in and shows the trend.
func (b *Bot) submitCheckIn(c *Command, values formValues) (*viewResponse, error) {
	scores := make([]int, len(statements))
	errs := map[string]string{}
	for i := range statements {
		v, err := strconv.Atoi(values[checkInBlock(i)][actionCheckInScore].SelectedOption.Value)
		if err != nil || v < 1 || v > 5 {
			errs[checkInBlock(i)] = c.P.T("checkin_pick_score")
			continue
		}
		scores[i] = v
	}
	note := strings.TrimSpace(values[blockCheckInNote][actionCheckInNote].Value)
	if n := utf8.RuneCountInString(note); n > store.MaxReflectionLen {
		errs[blockCheckInNote] = c.P.T("checkin_note_too_long", "Len", c.P.Number(n), "Max", c.P.Number(store.MaxReflectionLen))
	}
	if len(errs) > 0 {
		return &viewResponse{Action: "errors", Errors: errs}, nil
	}
	if _, err := b.CheckIns.AddCheckIn(store.CheckIn{UserID: c.UserID, At: b.Now(), Scores: scores, Note: note}); err != nil {
		return nil, err
	}
	cs, err := b.CheckIns.CheckIns(c.UserID, trendLen)
	if err != nil {
		return nil, err
	}
	return &viewResponse{Action: "update", View: checkInSavedModal(c.P, c.Name, cs, b.memberTZ(c.UserID))}, nil
}

// checkInFail shows our error at the top of the form.
func checkInFail(msg string) *viewResponse {
	return &viewResponse{Action: "errors", Errors: map[string]string{checkInBlock(0): msg}}
}

// monthlyCheckIn reports whether the nudge of slot brings the check-in: the
// member opted in and it is their first nudge of the month, in their zone.
func (b *Bot) monthlyCheckIn(userID string, slot time.Time, tz string) bool {
	on, err := b.CheckIns.CheckInMonthly(userID)
	if err != nil || !on {
		return false
	}
	ns, err := b.Schedules.Nudges(userID, 2)
	if err != nil {
		return false
	}
	loc, err := store.LoadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	month := func(t time.Time) (int, time.Month) { y, m, _ := t.In(loc).Date(); return y, m }
	y, m := month(slot)
	for _, n := range ns {
		if n.Slot.Before(slot) {
			py, pm := month(n.Slot)
			return py != y || pm != m
		}
	}
	return true
}
