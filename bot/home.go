package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// homePublishes bounds how many times one refresh publishes the Home tab; see
// publishHome.
const homePublishes = 3

// homeOpened publishes the Home tab of a member who opened it, so it is
// current even when nothing of theirs changed since (the next prompt's time
// moves on by itself).
func (b *Bot) homeOpened(ctx context.Context, ev slackevents.EventsAPIEvent) {
	if e, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok && e.Tab == "home" {
		b.publishHome(ctx, e.User, "")
	}
}

// afterChange refreshes the member's Home tab, in the background, after a
// command, button or form that changed what it shows: a route declared with
// home. c.Sub names what ran.
func (b *Bot) afterChange(ctx context.Context, c *Command, err error) {
	if err != nil || b.Slack == nil || !b.table.refreshesHome(c.Sub) {
		return
	}
	ctx = context.WithoutCancel(ctx) // the command's own context ends with it
	b.goWork(func() { b.publishHome(ctx, c.UserID, "") })
}

// publishHome publishes the member's Home tab, with notice on top ("" for
// none). It is best effort: a failure is logged, and the next open or change
// publishes again.
//
// Two refreshes of one member can run at once (two quick clicks), and the
// one that read the older state may publish last. So after publishing,
// publishHome reads the state again and publishes once more if the view it
// would build now differs: the last publish is always followed by a check.
func (b *Bot) publishHome(ctx context.Context, userID, notice string) {
	if b.Slack == nil || userID == "" {
		return
	}
	var last []byte
	for range homePublishes {
		view, raw, err := b.homeView(ctx, userID, notice)
		if err != nil {
			b.Logger.Error("home tab not built", "user", userID, "err", err)
			return
		}
		if bytes.Equal(raw, last) {
			return
		}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err = b.Slack.PublishViewContext(pctx, slack.PublishViewContextRequest{UserID: userID, View: view})
		cancel()
		if err != nil {
			b.Logger.Warn("home tab not published", "user", userID, "err", err)
			return
		}
		last = raw
	}
}

// homeView builds the member's Home tab and its JSON, to compare two builds.
func (b *Bot) homeView(ctx context.Context, userID, notice string) (slack.HomeTabViewRequest, []byte, error) {
	p := b.printerFor(ctx, userID) // once: every part of the tab in one language
	h, err := b.homeFor(ctx, p, userID)
	if err != nil {
		return slack.HomeTabViewRequest{}, nil, err
	}
	h.Notice = notice
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: homeBlocks(p, h)}}
	raw, err := json.Marshal(view)
	if err != nil {
		return view, nil, fmt.Errorf("encode home tab of %s: %w", userID, err)
	}
	return view, raw, nil
}

// homeFor gathers what the member's Home tab shows, its dates and
// schedules written by p. Only the member's own records are read.
func (b *Bot) homeFor(ctx context.Context, p *lang.Printer, userID string) (home, error) {
	st, tz, err := b.memberStatus(p, userID)
	if err != nil {
		return home{}, err
	}
	h := home{status: st, TZ: tz}
	if h.Experiments, err = b.expSummary(ctx, p, userID); err != nil {
		return home{}, err
	}
	if h.Reflections, err = b.Journal.Reflections(userID, homeReflections); err != nil {
		return home{}, fmt.Errorf("read journal of %s: %w", userID, err)
	}
	if h.Wins, h.WinCount, err = b.Wins.Wins(userID, homeWins); err != nil {
		return home{}, err
	}
	if h.CheckIns, err = b.CheckIns.CheckIns(userID, trendLen); err != nil {
		return home{}, err
	}
	if b.Leads == nil {
		return h, nil
	}
	if h.Lead, err = b.Leads.IsLead(ctx, userID); err != nil || !h.Lead {
		return h, err
	}
	if h.Broadcasts, err = b.Broadcasts.BroadcastsByLead(userID); err != nil {
		return home{}, fmt.Errorf("list broadcasts of %s: %w", userID, err)
	}
	return h, nil
}

// homeSettings opens the schedule form from the Home tab.
func (b *Bot) homeSettings(ctx context.Context, c *Command) (Reply, error) {
	return Reply{}, b.openSettings(ctx, c, false)
}

// answerHome shows the outcome of a Home tab button on the Home tab, where
// the member is looking: Slack gives a view's buttons no response_url. A
// button that only opened a modal leaves Home as it is.
func (b *Bot) answerHome(ctx context.Context, c *Command, res result) {
	msg := b.replyMessage(c, res) // logs an error of ours
	if res.err == nil && msg.Text == "" {
		return
	}
	b.publishHome(ctx, c.UserID, msg.Text)
}

// dmPrompt sends the member a prompt card in their DM with the app, with
// its Reflect and Another prompt buttons: the Home tab cannot show it.
func (b *Bot) dmPrompt(ctx context.Context, c *Command) (Reply, error) {
	r, err := b.promptReply(ctx, c, anyTheme, time.Time{})
	if err != nil {
		return Reply{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, _, err := b.Slack.PostMessageContext(ctx, c.UserID, slack.MsgOptionText(r.Text, false), slack.MsgOptionBlocks(r.Blocks...)); err != nil {
		return Reply{}, fmt.Errorf("DM a prompt to %s: %w", c.UserID, err)
	}
	return textReply(c.P.T("home_prompt_sent")), nil
}
