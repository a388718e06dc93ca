package main

import (
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
			Command: "/mentor", HTTPAddr: ":8080", DefaultTZ: "UTC", Grace: 6 * time.Hour}
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
			"MENTOR_GRACE": "90m", "MENTOR_BACKUP_TOKEN": strings.Repeat("k", 32),
		}
		c, err := loadConfig(mapEnv(env))
		if err != nil {
			t.Fatal(err)
		}
		want := Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "http://127.0.0.1:9/api/", DBPath: "/data/m.db",
			Command: "/coach", Leads: []string{"U1AA", "W2BB"}, LeadGroup: "S123", HTTPAddr: "127.0.0.1:0",
			DefaultTZ: "Europe/Paris", Grace: 90 * time.Minute, BackupToken: strings.Repeat("k", 32)}
		if !reflect.DeepEqual(c, want) {
			t.Fatalf("config = %+v\nwant %+v", c, want)
		}
	})

	t.Run("ErrSetEmpty", func(t *testing.T) {
		t.Parallel()
		for _, key := range []string{"MENTOR_DB_PATH", "MENTOR_DEFAULT_TZ", "MENTOR_GRACE", "SLACK_API_URL", "MENTOR_COMMAND"} {
			env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", key: ""}
			if _, err := loadConfig(mapEnv(env)); err == nil || !strings.HasPrefix(err.Error(), key+": ") {
				t.Errorf("%s set to \"\": err = %v, want one naming it", key, err)
			}
		}
	})
}
