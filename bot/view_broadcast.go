package bot

import (
	"fmt"
	"strings"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/slack-go/slack"
)

// topicBlocks is a discussion topic as posted in a channel: the theme (or
// "a topic from" the lead), the question, an invitation to the thread, and
// who asked for it. topic is the lead's own words, already cleaned of mass
// mentions and already in Slack's format; catalog text is escaped.
func topicBlocks(t *prompts.Theme, p *prompts.Prompt, topic, leadID string) []slack.Block {
	var head, body string
	if p != nil {
		title := p.Theme
		if t != nil {
			title = t.Title
		}
		head = "*Discussion topic* · " + escape(title)
		body = quoteLines(escape(p.Text))
	} else {
		head = "*Discussion topic*"
		body = quoteLines(topic)
	}
	blocks := []slack.Block{section(head), section(body)}
	if p != nil && p.Try != "" {
		blocks = append(blocks, section("*Try this week:* "+escape(p.Try)))
	}
	return append(blocks, contextLine(fmt.Sprintf("Reply in the thread: what does this look like in our team? Asked for by <@%s> with mentorbot.", leadID)))
}

func topicFallback(t *prompts.Theme, p *prompts.Prompt, topic string) string {
	if p == nil {
		return "Discussion topic: " + topic
	}
	if t != nil {
		return "Discussion topic (" + t.Title + "): " + p.Text
	}
	return "Discussion topic: " + p.Text
}

// broadcastsBlocks lists a lead's recurring broadcasts with ids, next local
// times, and whether they are failing or paused.
func broadcastsBlocks(name string, bs []store.Broadcast) []slack.Block {
	if len(bs) == 0 {
		return []slack.Block{section(fmt.Sprintf("You have no recurring broadcasts. `%s broadcast #team every mon 10:00 last-mile` starts one.", name))}
	}
	var lines []string
	for _, bc := range bs {
		line := fmt.Sprintf("`%s` · <#%s> · %s · %s · next %s", bc.ID, bc.Channel, broadcastWhat(bc), broadcastWhen(bc.Schedule), localTime(nil, bc.NextDue, bc.TZ))
		switch {
		case bc.Paused:
			line += fmt.Sprintf("\n      *paused:* %s", failure(bc.Failing))
		case bc.Failing != "":
			line += fmt.Sprintf("\n      *failing:* %s", failure(bc.Failing))
		}
		lines = append(lines, line)
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Your broadcasts"))}
	for chunk := range chunkLines(lines, sectionLimit) {
		blocks = append(blocks, section(chunk))
	}
	return append(blocks, contextLine(fmt.Sprintf("`%s broadcast cancel ID` stops one.", name)))
}

// stillPosting says which recurring broadcasts still post in a channel
// after one was cancelled, one per line: the lead's own, and other leads'.
func stillPosting(leadID, channel string, left []store.Broadcast) string {
	if len(left) == 0 {
		return fmt.Sprintf("No other broadcast posts in <#%s>.", channel)
	}
	lines := []string{fmt.Sprintf("Still posting in <#%s>:", channel)}
	for i, o := range left {
		if i == 10 {
			lines = append(lines, fmt.Sprintf("• and %d more", len(left)-10))
			break
		}
		by := ""
		if o.LeadID != leadID {
			by = fmt.Sprintf(", asked for by <@%s>", o.LeadID)
		}
		lines = append(lines, fmt.Sprintf("• `%s`: %s %s%s", o.ID, broadcastWhat(o), broadcastWhen(o.Schedule), by))
	}
	return strings.Join(lines, "\n")
}

// broadcastWhat names what a broadcast posts: "a `vision` topic", "an
// `empathy` topic", or its own topic's first words in quotes.
func broadcastWhat(bc store.Broadcast) string {
	if bc.Theme == "" {
		return "“" + firstWords(bc.Topic, 6) + "”"
	}
	article := "a"
	if strings.ContainsRune("aeiou", rune(bc.Theme[0])) {
		article = "an"
	}
	what := article + " `" + bc.Theme + "` topic"
	if bc.Role != "" {
		what += " for " + roleNoun(bc.Role)
	}
	return what
}

// broadcastWhen is a weekly schedule as a listing says it: "every Monday
// at 10:00 (Europe/Paris)".
func broadcastWhen(s store.Schedule) string {
	return fmt.Sprintf("every %s at %02d:%02d (%s)", s.Day, s.Hour, s.Minute, s.TZ)
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
func failure(reason string) string {
	switch reason {
	case "not_in_channel":
		return "I am not in the channel; `/invite @mentorbot` there"
	case "is_archived":
		return "the channel is archived"
	case "channel_not_found":
		return "the channel is gone, or private without me in it"
	case failNotLead:
		return "you are no longer a lead here, and broadcasts are for leads"
	case failLeftChannel:
		return "you are no longer in the channel"
	}
	return "Slack refused the last post (" + reason + ")"
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
