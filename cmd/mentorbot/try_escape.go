package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// slackEscape returns a slash command's text as Slack hands it to an app
// whose command is declared with should_escape: true, as ours is
// (deploy/slack-app-manifest.yaml): &, < and > become entities; "@sam"
// becomes <@U0SAM|sam> ("@mentorbot" and "@slackbot" name the bots),
// "@here" <!here>, and "#team" <#C0TEAM|team>. In
// Slack the member picks them from the list the client shows as they type
// @ or #; here typing the name is picking it. A name that is no member or
// channel stays as typed, as it does in Slack. Without this, try would show
// what the bot does with text Slack never sends: `/mentor thanks @sam` was
// refused as naming nobody.
func slackEscape(text string, channels map[string]string) string {
	text = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(text)
	var b strings.Builder
	for i := 0; i < len(text); {
		c := text[i]
		if (c == '@' || c == '#') && startsWord(text, i) {
			name := nameAt(text[i+1:])
			if ref, n, ok := escapeRef(c, name, channels); ok {
				b.WriteString(ref)
				i += 1 + n
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// startsWord reports whether the @ or # at i begins a word: "a@b" is an
// address and "C#" a language, not a mention.
func startsWord(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
}

// nameAt is the handle or channel name at the start of s: letters, digits,
// '.', '_' and '-', without the dots that end a sentence ("thanks @sam.").
func nameAt(s string) string {
	end := strings.IndexFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-", r))
	})
	if end < 0 {
		end = len(s)
	}
	return strings.TrimRight(s[:end], ".")
}

// escapeRef is the escaped form of the mention or channel link sigil+name
// (case as typed is ignored, as Slack's autocomplete does), and how many
// bytes of the name it replaces.
func escapeRef(sigil byte, name string, channels map[string]string) (string, int, bool) {
	if name == "" {
		return "", 0, false
	}
	lower := strings.ToLower(name)
	if sigil == '#' {
		for id, ch := range channels {
			if ch == lower {
				return "<#" + id + "|" + ch + ">", len(name), true
			}
		}
		return "", 0, false
	}
	switch lower {
	case "here", "channel", "everyone":
		return "<!" + lower + ">", len(name), true
	}
	if u, ok := memberNamed(name); ok {
		return "<@" + u.ID + "|" + u.Name + ">", len(name), true
	}
	for _, u := range simBots {
		if u.Name == lower {
			return "<@" + u.ID + "|" + u.Name + ">", len(name), true
		}
	}
	return "", 0, false
}
