package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// home opens the member's Home tab: Slack tells the app (app_home_opened),
// which publishes it, and it is shown as published. It shows again each
// time the app publishes it anew, until the member types a command.
func (s *session) home(ctx context.Context, _ string) bool {
	mb := s.me
	old := viewHash(s.sim.HomeView(mb.ID))
	mb.onHome, mb.homeHash = true, ""
	_, err := s.sim.Event(ctx, map[string]any{"type": "app_home_opened", "user": mb.ID, "channel": "D" + mb.ID, "tab": "home"})
	if err != nil {
		fmt.Fprintln(s.out, "(could not open the Home tab:", err, ")")
	}
	// The app publishes after its ack; give it a moment so the first
	// showing is the fresh one.
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if h := viewHash(s.sim.HomeView(mb.ID)); h != "" && h != old {
			break
		}
	}
	raw := s.sim.HomeView(mb.ID)
	if raw == nil {
		fmt.Fprintln(s.out, "Your Home tab is empty: the app has not published one.")
		return false
	}
	s.showHome(raw, false)
	return false
}

// showHome prints a Home tab and makes its buttons the ones :click presses.
func (s *session) showHome(raw json.RawMessage, updated bool) {
	mb := s.me
	mb.homeHash = viewHash(raw)
	text, buttons := s.render.View(raw, nil)
	mb.homeText = text
	head := "── your Home tab"
	if updated {
		head += " (updated)"
	}
	fmt.Fprintf(s.out, "\n%s\n%s\n", s.dim(head), strings.TrimRight(text, "\n"))
	if len(buttons) > 0 {
		mb.target = clickTarget{kind: homeTarget}
		fmt.Fprintln(s.out, s.dim("(:click N presses its buttons; a slash command leaves the tab)"))
	}
}

// viewHash is a view's hash, "" for none.
func viewHash(raw json.RawMessage) string {
	var v struct {
		Hash string `json:"hash"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.Hash
}

// files lists the files the bot sent the member.
func (s *session) files(context.Context, string) bool {
	if len(s.me.files) == 0 {
		fmt.Fprintf(s.out, "No files yet; %s export sends you one.\n", s.cmd)
		return false
	}
	for i, id := range s.me.files {
		f, _ := s.sim.File(id)
		fmt.Fprintf(s.out, "  %d  %s (%s)\n", i+1, f.Title, size(len(f.Content)))
	}
	fmt.Fprintln(s.out, ":open N prints one.")
	return false
}

// open prints one of the member's files.
func (s *session) open(_ context.Context, arg string) bool {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 || n > len(s.me.files) {
		switch len(s.me.files) {
		case 0:
			fmt.Fprintf(s.out, "No files yet; %s export sends you one.\n", s.cmd)
		case 1:
			fmt.Fprintln(s.out, "Give the file's number: :open 1.")
		default:
			fmt.Fprintf(s.out, "Give a file number from 1 to %d (:files lists them).\n", len(s.me.files))
		}
		return false
	}
	f, ok := s.sim.File(s.me.files[n-1])
	if !ok {
		fmt.Fprintln(s.out, "That file is gone.")
		return false
	}
	fmt.Fprintf(s.out, "%s\n%s\n%s\n", s.dim("── "+f.Title), strings.TrimRight(string(f.Content), "\n"), s.dim("── end of "+f.Title))
	return false
}

// fileLine is how a shared file shows under its message.
func (s *session) fileLine(mb *tryMember, id string) string {
	f, _ := s.sim.File(id)
	n := 0
	for i, fid := range mb.files {
		if fid == id {
			n = i + 1
		}
	}
	return fmt.Sprintf("[file: %s, %s] :open %d prints it", f.Title, size(len(f.Content)), n)
}

// size is a byte count as people read it.
func size(n int) string {
	if n < 1000 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f kB", float64(n)/1000)
}
