package bot

import (
	"fmt"
	"strings"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/slack-go/slack"
)

// themesBlocks lists every theme with its id, title, summary and size, in
// the language of p; themes are already in that language (ThemeIn). Lines
// are grouped into as few sections as fit, so an operator's catalog of many
// themes stays within Slack's block limits.
func themesBlocks(p *lang.Printer, name string, themes []*prompts.Theme) []slack.Block {
	blocks := []slack.Block{slack.NewHeaderBlock(plain(p.T("prompt_themes_title")))}
	var sb strings.Builder
	for _, t := range themes {
		line := fmt.Sprintf("`%s`  *%s* (%s)\n%s\n", t.ID, escape(t.Title), themeCounts(p, t), escape(t.Summary))
		if sb.Len()+len(line) > sectionLimit {
			blocks = append(blocks, section(strings.TrimRight(sb.String(), "\n")))
			sb.Reset()
		}
		sb.WriteString(line)
	}
	if sb.Len() > 0 {
		blocks = append(blocks, section(strings.TrimRight(sb.String(), "\n")))
	}
	return append(blocks, contextLine(p.T("prompt_themes_footer", "Cmd", name)))
}

// themeCounts says how many prompts a member cycles through in the theme
// and how many a broadcast draws from, since the two never mix.
func themeCounts(p *lang.Printer, t *prompts.Theme) string {
	priv, team := t.Count(prompts.AudiencePrivate), t.Count(prompts.AudienceTeam)
	switch {
	case team == 0:
		return p.N("count_private_prompt", priv)
	case priv == 0:
		return p.N("count_team_topic", team)
	}
	return p.N("count_private_prompt", priv) + ", " + p.N("count_team_topic", team)
}
