package main

import (
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

// loadConfig reads only what getenv gives it: unset variables take the
// defaults DESIGN.md documents, and a variable set to "" is not unset.
func TestLoadConfig(t *testing.T) {
	tokens := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		c, err := loadConfig(mapEnv(tokens))
		if err != nil {
			t.Fatal(err)
		}
		want := Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "https://slack.com/api/", DBPath: "mentorbot.db",
			Command: "/mentor", HTTPAddr: ":8080", DefaultTZ: "UTC", Grace: 6 * time.Hour, LogLevel: slog.LevelInfo, LogFormat: "auto"}
		if !reflect.DeepEqual(c, want) {
			t.Fatalf("config = %+v\nwant %+v", c, want)
		}
	})

	t.Run("Set", func(t *testing.T) {
		t.Parallel()
		env := map[string]string{
			"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": "http://127.0.0.1:9/api",
			"MENTOR_DB_PATH": "/data/m.db", "MENTOR_COMMAND": "/coach", "MENTOR_LEADS": " U1AA, ,W2BB ",
			"MENTOR_LEAD_GROUP": "S123", "MENTOR_HTTP_ADDR": "127.0.0.1:0", "MENTOR_DEFAULT_TZ": "Europe/Paris",
			"MENTOR_GRACE": "90m", "MENTOR_BACKUP_TOKEN": "5f2c9e0a7b31d48e6a09c3f1b2d7e845",
			"MENTOR_LOG_LEVEL": "DEBUG", "MENTOR_LOG_FORMAT": "json",
		}
		c, err := loadConfig(mapEnv(env))
		if err != nil {
			t.Fatal(err)
		}
		want := Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "http://127.0.0.1:9/api/", DBPath: "/data/m.db",
			Command: "/coach", Leads: []string{"U1AA", "W2BB"}, LeadGroup: "S123", HTTPAddr: "127.0.0.1:0",
			DefaultTZ: "Europe/Paris", Grace: 90 * time.Minute, BackupToken: "5f2c9e0a7b31d48e6a09c3f1b2d7e845",
			LogLevel: slog.LevelDebug, LogFormat: "json"}
		if !reflect.DeepEqual(c, want) {
			t.Fatalf("config = %+v\nwant %+v", c, want)
		}
	})

	t.Run("ErrSetEmpty", func(t *testing.T) {
		t.Parallel()
		for _, key := range []string{"MENTOR_DB_PATH", "MENTOR_DEFAULT_TZ", "MENTOR_GRACE", "SLACK_API_URL", "MENTOR_COMMAND", "MENTOR_LOG_LEVEL", "MENTOR_LOG_FORMAT"} {
			for _, empty := range []string{"", " "} {
				env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", key: empty}
				_, err := loadConfig(mapEnv(env))
				if want := key + ": is set but empty; unset it to use the default (" + envDefault(key) + ")"; err == nil || err.Error() != want {
					t.Errorf("%s set to %q: err = %v, want %q", key, empty, err, want)
				}
			}
		}
	})

	// A secret mounted from a file ends in a newline; an env file's value
	// may carry spaces. No value has them at its ends.
	t.Run("Trimmed", func(t *testing.T) {
		t.Parallel()
		env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1\n", "SLACK_APP_TOKEN": " xapp-1\r\n", "MENTOR_DEFAULT_TZ": "Europe/Paris ",
			"MENTOR_BACKUP_TOKEN": "5f2c9e0a7b31d48e6a09c3f1b2d7e845\n"}
		c, err := loadConfig(mapEnv(env))
		if err != nil || c.BotToken != "xoxb-1" || c.AppToken != "xapp-1" || c.DefaultTZ != "Europe/Paris" || c.BackupToken != "5f2c9e0a7b31d48e6a09c3f1b2d7e845" {
			t.Fatalf("%+v, %v", c, err)
		}
	})

	// An unreadable grace says what is wanted, as an out-of-range one does.
	t.Run("ErrGraceUnreadable", func(t *testing.T) {
		t.Parallel()
		for _, val := range []string{"6", "six hours", "6 h", "-"} {
			env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "MENTOR_GRACE": val}
			_, err := loadConfig(mapEnv(env))
			if err == nil || err.Error() != "MENTOR_GRACE: must be a duration between 1m and 168h, such as 6h" {
				t.Errorf("MENTOR_GRACE=%q: err = %v, want what is wanted", val, err)
			}
		}
		c, err := loadConfig(mapEnv(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "MENTOR_GRACE": " 2h "}))
		if err != nil || c.Grace != 2*time.Hour {
			t.Errorf("MENTOR_GRACE=\" 2h \": %v, %v", c.Grace, err)
		}
	})

	t.Run("ErrLogSettings", func(t *testing.T) {
		t.Parallel()
		for key, val := range map[string]string{"MENTOR_LOG_LEVEL": "verbose", "MENTOR_LOG_FORMAT": "yaml"} {
			env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", key: val}
			if _, err := loadConfig(mapEnv(env)); err == nil || !strings.HasPrefix(err.Error(), key+": ") {
				t.Errorf("%s=%s: err = %v, want one naming it", key, val, err)
			}
		}
		c, err := loadConfig(mapEnv(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "MENTOR_LOG_LEVEL": " Warn ", "MENTOR_LOG_FORMAT": "JSON "}))
		if err != nil || c.LogLevel != slog.LevelWarn || c.LogFormat != "json" {
			t.Errorf("MENTOR_LOG_LEVEL=\" Warn \", MENTOR_LOG_FORMAT=\"JSON \": %+v, %v", c, err)
		}
	})
}

// A backup token copied from an example, typed by hand or too short is
// refused at start, by name and without its value; generated ones pass.
func TestBackupTokenRefused(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{
		"REPLACE-ME-WITH-openssl-rand-hex-32", // the old example Secret's
		"changeme-changeme-changeme-1234",
		"Example0123456789abcdefABCDEF0123",
		"<output of openssl rand -hex 32>",
		"your-backup-token-goes-here-please",
		"0123456789abcdef",                           // hex, 64 bits
		"0123456789abcdef0123456789abcde",            // hex, 124 bits
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // long, not random
		"abcabcabcabcabcabcabcabcabcabcabcabcabcabc",
		"correcthorsebatterystaple", // 25 letters: 117 bits at best
		"with a space 0123456789abcdef0123456789",
		"${MENTOR_BACKUP_TOKEN}",                // an env file line never expanded
		"$(openssl rand -hex 32)",               // a command never run
		"TODO-set-a-real-token-here-please-now", // long and varied, yet no secret
		"fixme_0123456789abcdef0123456789abcdef",
	} {
		env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "MENTOR_BACKUP_TOKEN": tok}
		_, err := loadConfig(mapEnv(env))
		if err == nil || !strings.HasPrefix(err.Error(), "MENTOR_BACKUP_TOKEN: ") || !strings.Contains(err.Error(), "openssl rand -hex 32") {
			t.Errorf("%q: err = %v, want MENTOR_BACKUP_TOKEN refused with how to generate one", tok, err)
			continue
		}
		if strings.Contains(err.Error(), tok) {
			t.Errorf("%q: the error repeats the token: %v", tok, err)
		}
	}
	for _, tok := range []string{
		"5f2c9e0a7b31d48e6a09c3f1b2d7e845",                                 // openssl rand -hex 16: 128 bits
		"9C1E7F3A0B5D2E8F4A6C1B3D5E7F9A0B2C4D6E8F0A1B3C5D7E9F1A2B4C6D8E0F", // -hex 32, upper case
		"q3R7vN1xK8sL2mP9wT4yB6cZ0fH5jD1g",                                 // openssl rand -base64 24
		"Xk2_9fQ-Lr7uWz4Bn0Ye8Tc1",                                         // url-safe, 24 characters
	} {
		if p := backupTokenProblem(tok); p != "" {
			t.Errorf("%q refused: %s", tok, p)
		}
	}
}
