package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/slacksim"
	"github.com/mentorbot/mentorbot/store"
)

// TestE2E_ExperimentSurvivesKill: a member presses I'll try it on a card
// answered by the real binary, which is then killed with SIGKILL. A week
// later the app, started again on the same database, asks how it went:
// once, across ticks and another restart. Tried it and a note reach the
// journal.
func TestE2E_ExperimentSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	t.Parallel()
	go buildOnce.Do(buildBinary)
	sim := slacksim.New(e2eSimOptions())
	t.Cleanup(sim.Close)
	sim.AddUser(slacksim.User{ID: "U1", Name: "ana", TZ: "Europe/Paris"})
	dbPath := filepath.Join(t.TempDir(), "mentorbot.db")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	cmd := exec.Command(mentorbotBinary(t))
	cmd.Env = append(cleanEnv(), "SLACK_BOT_TOKEN="+sim.Options().BotToken, "SLACK_APP_TOKEN="+sim.Options().AppToken,
		"SLACK_API_URL="+sim.APIURL(), "MENTOR_DB_PATH="+dbPath, "MENTOR_HTTP_ADDR=127.0.0.1:0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	if err := sim.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Every prompt of the experiments theme has something to try.
	var card slacksim.Message
	for i := 0; ; i++ {
		if _, err := sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: "U1", Text: "prompt experiments"}); err != nil {
			t.Fatal(err)
		}
		if card = lastSeen(t, sim, "U1", "DU1"); strings.Contains(string(card.Blocks), "try.commit") {
			break
		}
		if i == 5 {
			t.Fatalf("no I'll try it on experiments cards:\n%s", card.Blocks)
		}
	}
	if _, err := sim.Click(ctx, "U1", card, "try.commit"); err != nil {
		t.Fatal(err)
	}
	waitSeen(t, sim, "U1", "DU1", "I will ask how it went on")
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true

	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := db.Commitments("U1", 0)
	db.Close()
	if err != nil || len(cs) != 1 || !cs[0].Waiting() {
		t.Fatalf("after SIGKILL: %+v, %v", cs, err)
	}
	due := cs[0].Due
	if local := due.In(mustZone(t, "Europe/Paris")); local.Hour() != 16 || local.Minute() != 0 || due.Sub(cs[0].At) < 6*24*time.Hour {
		t.Fatalf("follow-up due %v (%v local), committed %v", due, local, cs[0].At)
	}

	h := &appHarness{t: t, sim: sim, clock: &clock{t: due.Add(-time.Minute)}, dbPath: dbPath}
	h.start()
	followUps := func() []slacksim.Message {
		var out []slacksim.Message
		for _, m := range h.dms("U1") {
			if strings.Contains(m.Text, "you planned to try") {
				out = append(out, m)
			}
		}
		return out
	}
	h.tick(due.Add(-time.Minute))
	if n := len(followUps()); n != 0 {
		t.Fatalf("%d follow-ups before their time", n)
	}
	h.tick(due)
	h.tick(due.Add(time.Minute))
	h.stop()
	h.start()
	h.tick(due.Add(2 * time.Minute))
	got := followUps()
	if len(got) != 1 || !strings.Contains(got[0].Text, cs[0].Experiment) {
		t.Fatalf("follow-ups %+v, want one about %q", got, cs[0].Experiment)
	}
	if _, err := sim.Click(ctx, "U1", got[0], "exp.tried"); err != nil {
		t.Fatal(err)
	}
	views := waitViews(t, sim, "U1", 1)
	if _, err := sim.SubmitView(ctx, "U1", views[0].ID, map[string]map[string]string{"exp_note": {"exp_note": "Asked in standup; two others had the same question."}}); err != nil {
		t.Fatal(err)
	}
	if got := h.slash("U1", "journal"); !strings.Contains(got, "Tried it. Asked in standup") {
		t.Fatalf("journal:\n%s", got)
	}
	if got := h.slash("U1", "status"); !strings.Contains(got, "experiment tried this quarter") {
		t.Fatalf("status:\n%s", got)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
