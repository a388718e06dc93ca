package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// The operator's subcommands. They read only the variables they need, so a
// backup or a health check runs without the Slack tokens.

// healthTimeout is how long `mentorbot health` waits for an answer.
const healthTimeout = 2 * time.Second

// backupCmd writes a consistent copy of MENTOR_DB_PATH to a new file. The bot
// must be stopped; a running one serves GET /backup instead, which
// `backup -from URL DIR` pulls.
func backupCmd(ctx context.Context, args []string, getenv envFunc, stdout io.Writer) error {
	if len(args) > 0 && (args[0] == "-from" || args[0] == "--from") {
		return backupPullCmd(ctx, args, getenv, stdout)
	}
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return errors.New("usage: mentorbot backup FILE (copies MENTOR_DB_PATH, which no process may hold, to the new FILE)\n" +
			"   or: mentorbot backup -from URL [-keep N] DIR (pulls a running bot's /backup)")
	}
	src, err := dbPathFromEnv(getenv)
	if err != nil {
		return err
	}
	if err := store.CopyTo(src, args[0]); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "%s: backed up to %s\n", src, args[0])
	return nil
}

// backupPullCmd is `backup -from URL [-keep N] DIR`.
func backupPullCmd(ctx context.Context, args []string, getenv envFunc, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	from := fs.String("from", "", "")
	keep := fs.Int("keep", 7, "")
	usage := errors.New("usage: mentorbot backup -from URL [-keep N] DIR (N copies kept, 7 by default; 0 keeps all)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *keep < 0 {
		return usage
	}
	if _, err := neturl.ParseRequestURI(*from); err != nil || !strings.HasPrefix(*from, "http") {
		return fmt.Errorf("backup -from: want the bot's base URL, such as http://mentorbot:8080")
	}
	token, _ := getenv("MENTOR_BACKUP_TOKEN")
	if token == "" {
		return errors.New("MENTOR_BACKUP_TOKEN: is not set; backup -from sends it to the bot")
	}
	path, err := pullBackup(ctx, &http.Client{}, *from, token, fs.Arg(0), *keep, time.Now())
	if path != "" {
		fmt.Fprintf(stdout, "%s: backed up and checked\n", path)
	}
	return err
}

// checkCmd checks every page of FILE, or MENTOR_DB_PATH, and returns an
// error naming each damaged one (store.Check): main prints it and exits 1.
func checkCmd(args []string, getenv envFunc, stdout io.Writer) error {
	var path string
	switch {
	case len(args) > 1 || (len(args) == 1 && strings.HasPrefix(args[0], "-")):
		return errors.New("usage: mentorbot check [FILE] (default: MENTOR_DB_PATH)")
	case len(args) == 1:
		path = args[0]
	default:
		p, err := dbPathFromEnv(getenv)
		if err != nil {
			return err
		}
		path = p
	}
	if err := store.Check(path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: ok\n", path)
	return nil
}

// compactCmd writes a compacted copy of FILE to NEWFILE (store.Compact), so
// an operator needs no bbolt tool in an image that has only this binary.
func compactCmd(args []string, stdout io.Writer) error {
	if len(args) != 2 || strings.HasPrefix(args[0], "-") || strings.HasPrefix(args[1], "-") {
		return errors.New("usage: mentorbot compact FILE NEWFILE (NEWFILE must not exist)")
	}
	before, after, err := store.Compact(args[0], args[1])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s compacted to %s in %s (%d%%); stop the bot, put it in the file's place, start the bot\n",
		args[0], mebibytes(before), args[1], mebibytes(after), after*100/max(before, 1))
	return nil
}

// mebibytes is a file size as an operator reads it.
func mebibytes(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// healthCmd GETs the running bot's /healthz, for a container HEALTHCHECK in
// an image with no shell or curl. The argument is a URL or a host:port; the
// default is derived from MENTOR_HTTP_ADDR.
func healthCmd(ctx context.Context, args []string, getenv envFunc, stdout io.Writer) error {
	if len(args) > 1 {
		return errors.New("usage: mentorbot health [URL] (default: /healthz on MENTOR_HTTP_ADDR's port)")
	}
	var url string
	if len(args) == 1 {
		url = healthURL(args[0])
	} else {
		u, err := healthURLFromEnv(getenv)
		if err != nil {
			return err
		}
		url = u
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: GET %s: %s", url, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// dbPathFromEnv reads and checks MENTOR_DB_PATH alone, as loadConfig
// does: trimmed, and named when set but empty.
func dbPathFromEnv(getenv envFunc) (string, error) {
	return envValue(getenv, "MENTOR_DB_PATH")
}

// healthURLFromEnv turns MENTOR_HTTP_ADDR into a URL this host can reach: a
// wildcard listen address (":8080", "0.0.0.0:8080", "[::]:8080") becomes
// the loopback address.
func healthURLFromEnv(getenv envFunc) (string, error) {
	addr := lookupDefault(getenv, "MENTOR_HTTP_ADDR", defaultHTTPAddr)
	if p := addrProblem(addr); p != "" {
		return "", fmt.Errorf("MENTOR_HTTP_ADDR: %s", p)
	}
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

// healthURL completes what an operator typed: a host:port or a URL without a
// path means that listener's /healthz.
func healthURL(arg string) string {
	if !strings.Contains(arg, "://") {
		arg = "http://" + arg
	}
	u, err := neturl.Parse(arg)
	if err != nil || (u.Path != "" && u.Path != "/") {
		return arg // a bad URL fails in the request, with its own message
	}
	u.Path = "/healthz"
	return u.String()
}
