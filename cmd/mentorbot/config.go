package main

import (
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Config is every setting, read from the environment. The variable names are
// the public interface (DESIGN.md); see the README for what each does.
type Config struct {
	BotToken   string   // SLACK_BOT_TOKEN, required
	AppToken   string   // SLACK_APP_TOKEN, required
	APIURL     string   // SLACK_API_URL
	DBPath     string   // MENTOR_DB_PATH
	Command    string   // MENTOR_COMMAND
	Leads      []string // MENTOR_LEADS, comma-separated
	LeadGroup  string   // MENTOR_LEAD_GROUP
	HTTPAddr   string   // MENTOR_HTTP_ADDR
	PromptsDir string   // MENTOR_PROMPTS_DIR
	DefaultTZ  string   // MENTOR_DEFAULT_TZ
	// Grace (MENTOR_GRACE) is how late a nudge may still be sent after downtime.
	Grace time.Duration
	// BackupToken (MENTOR_BACKUP_TOKEN), when set, turns on GET /backup for
	// requests bearing it.
	BackupToken string
	LogLevel    slog.Level // MENTOR_LOG_LEVEL
	LogFormat   string     // MENTOR_LOG_FORMAT: json, text or auto
}

// envVar is one variable of the public interface: its default ("" for none)
// and what it does.
type envVar struct{ key, def, help string }

// envVars is every variable the program reads. loadConfig takes its defaults
// from here, `mentorbot -h` prints it, and a test holds both loadConfig and
// deploy/mentorbot.env.example to it, so none of the three can drift.
var envVars = []envVar{
	{"SLACK_BOT_TOKEN", "", "required: the bot token, xoxb-…"},
	{"SLACK_APP_TOKEN", "", "required: the app-level token, xapp-…, with connections:write"},
	{"SLACK_API_URL", "https://slack.com/api/", "Slack's Web API, or a proxy or local stand-in"},
	{"MENTOR_DB_PATH", defaultDBPath, "the database file (/data/mentorbot.db in the image)"},
	{"MENTOR_COMMAND", "/mentor", "the slash command's name"},
	{"MENTOR_LEADS", "", "comma-separated user ids allowed to broadcast"},
	{"MENTOR_LEAD_GROUP", "", "a user-group id whose members are leads too"},
	{"MENTOR_HTTP_ADDR", defaultHTTPAddr, "/healthz, /readyz, /metrics and /backup"},
	{"MENTOR_PROMPTS_DIR", "", "a directory of extra or overriding prompt files (*.md, and LANG/*.md per language) and message files (NAME.LANG.toml) that add or reword a language; checked at start as by prompts lint"},
	{"MENTOR_DEFAULT_TZ", "UTC", "the time zone when Slack gives none"},
	{"MENTOR_GRACE", "6h", "how late a nudge may still be sent after downtime (1m to 168h)"},
	{"MENTOR_BACKUP_TOKEN", "", "turns on GET /backup; generate it: openssl rand -hex 32"},
	{"MENTOR_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"MENTOR_LOG_FORMAT", "auto", "json, text, or auto: text on a terminal, JSON otherwise"},
}

// envDefault is the documented default of key.
func envDefault(key string) string {
	for _, v := range envVars {
		if v.key == key {
			return v.def
		}
	}
	panic("envDefault: undocumented variable " + key) // a programming error every test hits
}

var (
	commandRE = regexp.MustCompile(`^/[a-z0-9_-]{1,31}$`)
	userIDRE  = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	groupIDRE = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
)

// envFunc reads one variable of the environment: its value and whether it is
// set at all. main passes os.LookupEnv; tests pass a map (mapEnv), so they
// never touch the process environment and can run in parallel. It has
// os.LookupEnv's signature rather than os.Getenv's because a variable set to
// "" is a mistake to report, not a request for the default.
type envFunc func(key string) (value string, ok bool)

// stringVar is one string variable and where it goes; its default is in
// envVars.
type stringVar struct {
	key      string
	dst      *string
	required bool
}

// loadConfig reads every variable through getenv and then validates every
// value. Errors name the variable and never echo its value: tokens must not
// reach a terminal log.
func loadConfig(getenv envFunc) (Config, error) {
	var c Config
	vars := []stringVar{
		{key: "SLACK_BOT_TOKEN", dst: &c.BotToken, required: true},
		{key: "SLACK_APP_TOKEN", dst: &c.AppToken, required: true},
		{key: "SLACK_API_URL", dst: &c.APIURL},
		{key: "MENTOR_DB_PATH", dst: &c.DBPath},
		{key: "MENTOR_COMMAND", dst: &c.Command},
		{key: "MENTOR_LEAD_GROUP", dst: &c.LeadGroup},
		{key: "MENTOR_HTTP_ADDR", dst: &c.HTTPAddr},
		{key: "MENTOR_PROMPTS_DIR", dst: &c.PromptsDir},
		{key: "MENTOR_DEFAULT_TZ", dst: &c.DefaultTZ},
		{key: "MENTOR_BACKUP_TOKEN", dst: &c.BackupToken},
		{key: "MENTOR_LOG_FORMAT", dst: &c.LogFormat},
	}
	for _, v := range vars {
		if _, ok := getenv(v.key); !ok && v.required {
			return c, fmt.Errorf("%s: is not set", v.key)
		}
		val, err := envValue(getenv, v.key)
		if err != nil {
			return c, err
		}
		*v.dst = val
	}
	if leads, _ := getenv("MENTOR_LEADS"); strings.TrimSpace(leads) != "" {
		c.Leads = strings.Split(leads, ",")
	}
	// " 2h " from a quoted env file line is 2h, as " Warn " is warn; "6"
	// (no unit) is told what is wanted, as 200h is.
	grace, err := envValue(getenv, "MENTOR_GRACE")
	if err != nil {
		return c, err
	}
	d, err := time.ParseDuration(grace)
	if err != nil {
		return c, fmt.Errorf("MENTOR_GRACE: %s", graceWanted)
	}
	c.Grace = d
	levelName, err := envValue(getenv, "MENTOR_LOG_LEVEL")
	if err != nil {
		return c, err
	}
	level, err := parseLogLevel(levelName)
	if err != nil {
		return c, fmt.Errorf("MENTOR_LOG_LEVEL: %w", err)
	}
	c.LogLevel = level
	c.LogFormat = strings.ToLower(strings.TrimSpace(c.LogFormat)) // "JSON " is json
	return c, c.validate()
}

// The defaults of the variables the operator's subcommands read alone.
const (
	defaultDBPath   = "mentorbot.db"
	defaultHTTPAddr = ":8080"
)

// envValue reads the variable key: its value without spaces or newlines at
// its ends (a secret mounted from a file ends in a newline, an env file's
// value may carry spaces), or its default when unset. A variable with a
// default that is set but empty, as "X=" in an env file or a compose ${X}
// of an unset variable leaves it, is likelier a slip than a wish: it is
// named rather than read as the default, with the way to get the default.
func envValue(getenv envFunc, key string) (string, error) {
	val, set := getenv(key)
	if !set {
		return envDefault(key), nil
	}
	val = strings.TrimSpace(val)
	if def := envDefault(key); val == "" && def != "" {
		return "", fmt.Errorf("%s: is set but empty; unset it to use the default (%s)", key, def)
	}
	return val, nil
}

// lookupDefault is getenv(key), or def when the variable is not set.
func lookupDefault(getenv envFunc, key, def string) string {
	if v, ok := getenv(key); ok {
		return v
	}
	return def
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
		{"MENTOR_LOG_FORMAT", logFormatProblem(c.LogFormat)},
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

// backupTokenProblem accepts no token (no /backup) or one that is neither a
// placeholder left from an example nor guessable: a bearer of it downloads
// every member's reflections. The message never repeats the token, nor the
// part of it that gave it away.
func backupTokenProblem(v string) string {
	const generate = "; generate one with: openssl rand -hex 32"
	switch {
	case v == "":
		return ""
	case strings.ContainsAny(v, " \t\r\n"):
		return "must not contain spaces" + generate
	case looksLikePlaceholder(v):
		return "looks like a placeholder from an example, not a secret" + generate
	case tokenBits(v) < minBackupTokenBits:
		return fmt.Sprintf("is too weak (about %d bits; at least %d needed)%s", tokenBits(v), minBackupTokenBits, generate)
	}
	return ""
}

// minBackupTokenBits is the least entropy a backup token may have: 128 bits,
// out of reach of any online guessing.
const minBackupTokenBits = 128

// placeholderWords betray a value copied from documentation rather than
// generated, or a line of an env file whose variable or command was never
// expanded (${VAR}, $(cmd)): such a token is whatever the file says, readable
// by anyone who has the example. Matched without regard to case.
var placeholderWords = []string{"replace", "change", "example", "placeholder", "your", "xxxx", "...", "<", ">",
	"${", "$(", "todo", "fixme"}

func looksLikePlaceholder(v string) bool {
	lv := strings.ToLower(v)
	for _, w := range placeholderWords {
		if strings.Contains(lv, w) {
			return true
		}
	}
	return false
}

// tokenBits estimates a token's entropy as if each character were drawn
// uniformly from the smallest usual alphabet that holds them all: hex (4 bits
// a character, what openssl rand -hex prints), then letters, digits and
// punctuation by the classes present. A token of few distinct characters
// ("aaaa…", "abab…") is not random whatever its length, and counts as the
// alphabet of the characters it actually uses. It is an estimate that catches
// typed and truncated tokens; it cannot prove a token random.
func tokenBits(v string) int {
	var lower, upper, digit, other bool
	distinct := map[rune]bool{}
	for _, r := range v {
		distinct[r] = true
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			other = true
		}
	}
	alphabet := 0
	switch {
	case isHex(v):
		alphabet = 16
	default:
		for _, c := range []struct {
			present bool
			size    int
		}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 32}} {
			if c.present {
				alphabet += c.size
			}
		}
	}
	if len(distinct) < 8 {
		alphabet = len(distinct)
	}
	return int(float64(utf8.RuneCountInString(v)) * math.Log2(float64(max(alphabet, 1))))
}

func isHex(v string) bool {
	lowerHex := strings.Trim(v, "0123456789abcdef") == ""
	upperHex := strings.Trim(v, "0123456789ABCDEF") == ""
	return lowerHex || upperHex
}

// parseLogLevel reads one of slog's four level names, in any case. slog's own
// parser also takes offsets ("info+2"), which only its authors would type.
func parseLogLevel(v string) (slog.Level, error) {
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		if strings.EqualFold(strings.TrimSpace(v), l.String()) {
			return l, nil
		}
	}
	return 0, fmt.Errorf("must be debug, info, warn or error")
}

func logFormatProblem(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "json", "text", "auto":
		return ""
	}
	return "must be json, text or auto (text on a terminal, JSON otherwise)"
}

// graceWanted is what MENTOR_GRACE must be, said to an operator whose value
// cannot be read or is out of range.
const graceWanted = "must be a duration between 1m and 168h, such as 6h"

func graceProblem(d time.Duration) string {
	if d < time.Minute || d > 7*24*time.Hour {
		return graceWanted
	}
	return ""
}
