package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/store"
)

// Check-ins: five statements, in our own words, answered 1 to 5, for a
// trend only the member sees. Nothing of them goes to a log line (the
// handlers log no value of theirs), a lead, or an aggregate.

// statement is one check-in statement and the theme that helps when its
// score drops.
type statement struct {
	Text  string
	Theme string
}

// statements are asked in this order; a stored check-in's scores follow
// it, so new statements go at the end.
var statements = [...]statement{
	{"I can explain my recent decisions without over-justifying them.", "impostor"},
	{"When I do not know something, I can say so without dread.", "daring"},
	{"I finish what I start, the dull last part included.", "last-mile"},
	{"I know where my work is heading and why it matters.", "vision"},
	{"I feel at ease with the hands-on parts of my work right now.", "hands-on"},
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
			return textReply(fmt.Sprintf("Noted. The check-in comes with the first prompt of each month, and you have no scheduled prompts yet: `%s subscribe` starts them.", c.Name)), nil
		}
		return textReply(fmt.Sprintf("Noted. The first prompt of each month brings the check-in too. `%s check-in off` stops it.", c.Name)), nil
	case "off":
		if err := b.CheckIns.SetCheckInMonthly(c.UserID, false); err != nil {
			return Reply{}, err
		}
		return textReply(fmt.Sprintf("Noted: no monthly check-in. `%s check-in` still opens it whenever you like.", c.Name)), nil
	}
	return Reply{}, Errorf(EINVALID, "`check-in` opens the form; `check-in monthly` brings it with the first prompt of each month, `check-in off` stops that.")
}

// openCheckIn opens the form; Slack's trigger_id lasts 3 seconds.
func (b *Bot) openCheckIn(ctx context.Context, c *Command) error {
	if c.TriggerID == "" {
		return Errorf(EINVALID, "Slack did not let me open the form from here. Try `%s check-in` in our DM.", c.Name)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.Slack.OpenViewContext(ctx, c.TriggerID, checkInModal()); err != nil {
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
			errs[checkInBlock(i)] = "Pick a number from 1 to 5."
			continue
		}
		scores[i] = v
	}
	note := strings.TrimSpace(values[blockCheckInNote][actionCheckInNote].Value)
	if n := utf8.RuneCountInString(note); n > store.MaxReflectionLen {
		errs[blockCheckInNote] = fmt.Sprintf("That is %d characters; a note keeps at most %d.", n, store.MaxReflectionLen)
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
	return &viewResponse{Action: "update", View: checkInSavedModal(c.Name, cs, b.memberTZ(c.UserID))}, nil
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
