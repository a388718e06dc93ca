package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/store"
)

// `mentorbot backup -from URL [-keep N] DIR`: what a scheduled job runs (the
// Kubernetes CronJob in deploy/kubernetes/base). It lives in the binary
// because the image has no shell or curl, and because a copy is only worth
// keeping once it passes the same check as `mentorbot check`.

const (
	// backupPullTimeout bounds one download, like the server's own write
	// deadline for /backup.
	backupPullTimeout = 15 * time.Minute
	// backupPrefix and backupSuffix frame the copies pullBackup keeps; only
	// names of that shape are ever pruned, so other files in DIR are safe.
	backupPrefix = "mentorbot-"
	backupSuffix = ".db"
	// backupStamp sorts as text in time order, which pruning relies on.
	backupStamp = "20060102T150405Z"
)

// pullBackup downloads a snapshot from a running bot's /backup into dir,
// checks it, and keeps it as mentorbot-STAMP.db; then it deletes all but the
// newest keep copies. A download cut short or a copy that fails the check is
// removed and reported, and no older copy is deleted.
func pullBackup(ctx context.Context, client *http.Client, from, token, dir string, keep int, now time.Time) (string, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("backup: %s: not a directory; create it first", dir)
	}
	// The bot's address, or the /backup URL itself as curl is given it.
	url := strings.TrimSuffix(strings.TrimSuffix(from, "/"), "/backup") + "/backup"
	ctx, cancel := context.WithTimeout(ctx, backupPullTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("backup -from: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("backup: GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("backup: GET %s: %s%s", url, resp.Status, backupStatusHint(resp))
	}
	final := filepath.Join(dir, backupPrefix+now.UTC().Format(backupStamp)+backupSuffix)
	part := final + ".part"
	if err := download(resp.Body, part); err != nil {
		os.Remove(part)
		return "", fmt.Errorf("backup: %w", err)
	}
	if err := store.Check(part); err != nil {
		os.Remove(part)
		return "", fmt.Errorf("backup: the copy fails its check, not kept: %w", err)
	}
	// Named only if final is still free at that instant, and durably.
	if err := store.Publish(part, final); err != nil {
		os.Remove(part)
		return "", fmt.Errorf("backup: %w", err)
	}
	return final, pruneBackups(dir, keep)
}

// backupStatusHint says what an operator should look at for the statuses
// /backup answers: for an error of the bot's, the first line of what it
// says (a damaged database, a full disk).
func backupStatusHint(resp *http.Response) string {
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return " (MENTOR_BACKUP_TOKEN differs from the bot's)"
	case resp.StatusCode == http.StatusNotFound:
		return " (the bot has no MENTOR_BACKUP_TOKEN, or this is not a mentorbot)"
	case resp.StatusCode >= 500:
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		if line, _, _ := strings.Cut(string(head), "\n"); utf8.ValidString(line) && strings.TrimSpace(line) != "" {
			return ": " + strings.TrimSpace(line)
		}
	}
	return ""
}

// download writes body to a new file at path and syncs it, so a copy that
// passed its check is on disk before it gets its final name.
func download(body io.Reader, path string) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := io.Copy(f, body); err != nil {
		return fmt.Errorf("download cut short: %w", err)
	}
	return f.Sync()
}

// pruneBackups deletes all but the newest keep copies in dir. keep <= 0
// keeps everything.
func pruneBackups(dir string, keep int) error {
	if keep <= 0 {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("backup: prune: %w", err)
	}
	var copies []string
	for _, e := range entries {
		n := e.Name()
		stamp, ok := strings.CutPrefix(n, backupPrefix)
		stamp, ok2 := strings.CutSuffix(stamp, backupSuffix)
		if _, perr := time.Parse(backupStamp, stamp); ok && ok2 && perr == nil && e.Type().IsRegular() {
			copies = append(copies, n)
		}
	}
	slices.Sort(copies)
	var errs []error
	for _, n := range copies[:max(0, len(copies)-keep)] {
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("backup: prune: %w", err)
	}
	return nil
}
