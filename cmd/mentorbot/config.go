package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// Config is every setting, read from the environment. The variable names are
// the public interface (DESIGN.md); see the README for what each does.
type Config struct {
	BotToken   string   `envconfig:"SLACK_BOT_TOKEN" required:"true"`
	AppToken   string   `envconfig:"SLACK_APP_TOKEN" required:"true"`
	APIURL     string   `envconfig:"SLACK_API_URL" default:"https://slack.com/api/"`
	DBPath     string   `envconfig:"MENTOR_DB_PATH" default:"mentorbot.db"`
	Command    string   `envconfig:"MENTOR_COMMAND" default:"/mentor"`
	Leads      []string `envconfig:"MENTOR_LEADS"`
	LeadGroup  string   `envconfig:"MENTOR_LEAD_GROUP"`
	HTTPAddr   string   `envconfig:"MENTOR_HTTP_ADDR" default:":8080"`
	PromptsDir string   `envconfig:"MENTOR_PROMPTS_DIR"`
	DefaultTZ  string   `envconfig:"MENTOR_DEFAULT_TZ" default:"UTC"`
	// Grace is how late a nudge may still be sent after downtime.
	Grace time.Duration `envconfig:"MENTOR_GRACE" default:"6h"`
	// BackupToken, when set, turns on GET /backup for requests bearing it.
	BackupToken string `envconfig:"MENTOR_BACKUP_TOKEN"`
}

var (
	commandRE = regexp.MustCompile(`^/[a-z0-9_-]{1,31}$`)
	userIDRE  = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	groupIDRE = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
)

// loadConfig reads the environment with envconfig and then validates every
// value, because envconfig takes a variable set to "" as present. Errors name
// the variable and never echo its value: tokens must not reach a terminal log.
func loadConfig() (Config, error) {
	var c Config
	if err := envconfig.Process("", &c); err != nil {
		var pe *envconfig.ParseError
		if errors.As(err, &pe) {
			return c, fmt.Errorf("%s: cannot read the value", pe.KeyName)
		}
		// envconfig's missing-value message names only the key:
		// "required key NAME missing value".
		if f := strings.Fields(err.Error()); len(f) > 2 && f[0] == "required" {
			return c, fmt.Errorf("%s: is not set", f[2])
		}
		return c, fmt.Errorf("configuration: %w", err)
	}
	return c, c.validate()
}

// validate checks each value and returns the first problem.
func (c *Config) validate() error {
	checks := []struct {
		name string
		err  string
	}{
		{"SLACK_BOT_TOKEN", tokenProblem(c.BotToken, "xoxb-", "the bot token from OAuth & Permissions")},
		{"SLACK_APP_TOKEN", tokenProblem(c.AppToken, "xapp-", "an app-level token with connections:write")},
		{"SLACK_API_URL", urlProblem(c.APIURL)},
		{"MENTOR_DB_PATH", emptyProblem(c.DBPath, "a file path such as /data/mentorbot.db")},
		{"MENTOR_COMMAND", matchProblem(c.Command, commandRE, "a slash command such as /mentor")},
		{"MENTOR_LEADS", listProblem(&c.Leads, userIDRE, "comma-separated Slack user ids such as U0123ABC,U0456DEF")},
		{"MENTOR_LEAD_GROUP", optionalMatch(c.LeadGroup, groupIDRE, "a user-group id such as S0123ABC")},
		{"MENTOR_HTTP_ADDR", addrProblem(c.HTTPAddr)},
		{"MENTOR_PROMPTS_DIR", dirProblem(c.PromptsDir)},
		{"MENTOR_DEFAULT_TZ", tzProblem(c.DefaultTZ)},
		{"MENTOR_GRACE", graceProblem(c.Grace)},
		{"MENTOR_BACKUP_TOKEN", backupTokenProblem(c.BackupToken)},
	}
	for _, ch := range checks {
		if ch.err != "" {
			return fmt.Errorf("%s: %s", ch.name, ch.err)
		}
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	return nil
}

func tokenProblem(v, prefix, what string) string {
	switch {
	case strings.TrimSpace(v) == "":
		return "is empty; set it to " + what
	case !strings.HasPrefix(v, prefix) || strings.ContainsAny(v, " \t\r\n"):
		return "does not look like " + what + " (it should start with " + prefix + ")"
	}
	return ""
}

func urlProblem(v string) string {
	u, err := url.Parse(v)
	if v == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "must be an http(s) URL such as https://slack.com/api/"
	}
	return ""
}

func emptyProblem(v, want string) string {
	if strings.TrimSpace(v) == "" {
		return "is empty; set it to " + want
	}
	return ""
}

func matchProblem(v string, re *regexp.Regexp, want string) string {
	if !re.MatchString(v) {
		return "must be " + want
	}
	return ""
}

func optionalMatch(v string, re *regexp.Regexp, want string) string {
	if v == "" {
		return ""
	}
	return matchProblem(v, re, want)
}

// listProblem checks every entry of a comma-separated list; an empty list
// (the variable unset or set to "") is fine.
func listProblem(vs *[]string, re *regexp.Regexp, want string) string {
	kept := (*vs)[:0]
	for _, v := range *vs {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if !re.MatchString(v) {
			return "must be " + want
		}
		kept = append(kept, v)
	}
	*vs = kept
	return ""
}

func addrProblem(v string) string {
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		return "must be a listen address such as :8080 or 127.0.0.1:8080"
	}
	return ""
}

func dirProblem(v string) string {
	if v == "" {
		return ""
	}
	if fi, err := os.Stat(v); err != nil || !fi.IsDir() {
		return "must name an existing directory of prompt files"
	}
	return ""
}

func tzProblem(v string) string {
	if v == "" {
		return "is empty; set it to an IANA time zone such as UTC or Europe/Paris"
	}
	if _, err := time.LoadLocation(v); err != nil {
		return "is not an IANA time zone (such as UTC or Europe/Paris)"
	}
	return ""
}

// backupTokenProblem accepts no token (no /backup) or one long enough not to
// be guessed; the message never repeats it.
func backupTokenProblem(v string) string {
	switch {
	case v == "":
		return ""
	case strings.ContainsAny(v, " \t\r\n"):
		return "must not contain spaces"
	case len(v) < 16:
		return "is too short; use at least 16 random characters (openssl rand -hex 32)"
	}
	return ""
}

func graceProblem(d time.Duration) string {
	if d < time.Minute || d > 7*24*time.Hour {
		return "must be a duration between 1m and 168h, such as 6h"
	}
	return ""
}
