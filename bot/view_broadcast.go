package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// topicBlocks is a discussion topic as posted in a channel, in p's
// language (the broadcast's, not a reader's): the theme (or "a topic from"
// the lead), the question, an invitation to the thread, and who asked for
// it. t and pr are already in that language; topic is the lead's own words,
// already cleaned of mass mentions and already in Slack's format; catalog
// text is escaped.
func topicBlocks(p *lang.Printer, t *prompts.Theme, pr *prompts.Prompt, topic, leadID string) []slack.Block {
	var head, body string
	if pr != nil {
		title := pr.Theme
		if t != nil {
			title = t.Title
		}
		head = p.T("bcast_post_head", "Title", escape(title))
		body = quoteLines(escape(pr.Text))
	} else {
		head = p.T("bcast_post_head_own")
		body = quoteLines(topic)
	}
	blocks := []slack.Block{section(head), section(body)}
	if pr != nil && pr.Try != "" {
		blocks = append(blocks, section(p.T("bcast_post_try", "Try", escape(pr.Try))))
	}
	return append(blocks, contextLine(p.T("bcast_post_footer", "Lead", leadID)))
}

// topicFallback is the post's plain text, for notifications.
func topicFallback(p *lang.Printer, t *prompts.Theme, pr *prompts.Prompt, topic string) string {
	switch {
	case pr == nil:
		return p.T("bcast_post_fallback", "Text", topic)
	case t != nil:
		return p.T("bcast_post_fallback_theme", "Title", t.Title, "Text", pr.Text)
	}
	return p.T("bcast_post_fallback", "Text", pr.Text)
}

// broadcastsBlocks lists a lead's recurring broadcasts with ids, what and
// when they post, in which language, next local times, and whether they are
// failing or paused.
func broadcastsBlocks(p *lang.Printer, name string, bs []store.Broadcast) []slack.Block {
	if len(bs) == 0 {
		return []slack.Block{section(p.T("bcast_list_none", "Cmd", name))}
	}
	var lines []string
	for _, bc := range bs {
		line := p.T("bcast_list_line", "ID", bc.ID, "Channel", bc.Channel, "What", broadcastWhat(p, bc),
			"When", broadcastWhen(p, bc.Schedule), "Lang", broadcastLangName(p, bc.Lang), "Next", localTime(p, bc.NextDue, bc.TZ))
		switch {
		case bc.Paused:
			line += "\n" + p.T("bcast_list_paused", "Why", failure(p, bc.Failing))
		case held(bc.Failing):
			line += "\n" + p.T("bcast_list_held", "Why", failure(p, bc.Failing))
		case bc.Failing != "":
			line += "\n" + p.T("bcast_list_failing", "Why", failure(p, bc.Failing))
		}
		lines = append(lines, line)
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain(p.T("bcast_list_title")))}
	for chunk := range chunkLines(lines, sectionLimit) {
		blocks = append(blocks, section(chunk))
	}
	return append(blocks, contextLine(p.T("bcast_list_footer", "Cmd", name)))
}

// stillPosting says which recurring broadcasts still post in a channel
// after one was cancelled, one per line: the lead's own, and other leads'.
// Those paused or on hold post nothing, so they are not named.
func stillPosting(p *lang.Printer, leadID, channel string, left []store.Broadcast) string {
	left = slices.DeleteFunc(slices.Clone(left), func(o store.Broadcast) bool { return o.Paused || held(o.Failing) })
	if len(left) == 0 {
		return p.T("bcast_none_left", "Channel", channel)
	}
	lines := []string{p.T("bcast_still_posting", "Channel", channel)}
	for i, o := range left {
		if i == 10 {
			lines = append(lines, p.N("bcast_still_more", len(left)-10))
			break
		}
		by := ""
		if o.LeadID != leadID {
			by = o.LeadID
		}
		lines = append(lines, p.T("bcast_still_line", "ID", o.ID, "What", broadcastWhat(p, o), "When", broadcastWhen(p, o.Schedule), "By", by))
	}
	return strings.Join(lines, "\n")
}

// broadcastWhat names what a broadcast posts: "a `vision` topic", "an
// `empathy` topic", or its own topic's first words in quotes.
func broadcastWhat(p *lang.Printer, bc store.Broadcast) string {
	if bc.Theme == "" {
		return p.T("bcast_what_topic", "Words", firstWords(bc.Topic, 6))
	}
	role := ""
	if bc.Role != "" {
		role = roleNoun(p, bc.Role)
	}
	vowel := strings.ContainsRune("aeiou", rune(bc.Theme[0]))
	return p.T("bcast_what_theme", "Theme", bc.Theme, "Role", role, "Vowel", vowel)
}

// broadcastWhen is a weekly schedule as a listing says it: "every Monday
// at 10:00 (Europe/Paris)".
func broadcastWhen(p *lang.Printer, s store.Schedule) string {
	clock := time.Date(2000, 1, 1, s.Hour, s.Minute, 0, 0, time.UTC)
	return p.T("bcast_when", "Day", p.Weekday(s.Day), "Time", p.Clock(clock), "Zone", s.TZ)
}

// broadcastLangName says in p's language which language a broadcast posts
// in: "in French". A language an operator added is named by its code;
// none is English, as a stored broadcast without one is.
func broadcastLangName(p *lang.Printer, code string) string {
	switch code {
	case "en", "":
		return p.T("bcast_lang_en")
	case "fr":
		return p.T("bcast_lang_fr")
	}
	return p.T("bcast_lang_other", "Code", code)
}

// firstWords is text's first n words, with an ellipsis if there were more,
// and at most 60 characters.
func firstWords(text string, n int) string {
	words := strings.Fields(text)
	short := strings.Join(words[:min(n, len(words))], " ")
	if len(words) > n {
		short += "…"
	}
	return shorten(short, 60)
}

// failure explains a broadcast's failure reason to its lead.
func failure(p *lang.Printer, reason string) string {
	switch reason {
	case "not_in_channel":
		return p.T("bcast_fail_not_in_channel")
	case "is_archived":
		return p.T("bcast_fail_archived")
	case "channel_not_found":
		return p.T("bcast_fail_gone")
	case failNotLead:
		return p.T("bcast_fail_not_lead")
	case failLeftChannel:
		return p.T("bcast_fail_left_channel")
	}
	return p.T("bcast_fail_other", "Code", reason)
}

// chunkLines joins lines into texts of at most limit bytes.
func chunkLines(lines []string, limit int) func(func(string) bool) {
	return func(yield func(string) bool) {
		var sb strings.Builder
		for _, l := range lines {
			if sb.Len() > 0 && sb.Len()+len(l)+1 > limit {
				if !yield(sb.String()) {
					return
				}
				sb.Reset()
			}
			if sb.Len() > 0 {
				sb.WriteByte('\n')
			}
			sb.WriteString(l)
		}
		if sb.Len() > 0 {
			yield(sb.String())
		}
	}
}
