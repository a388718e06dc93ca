package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The operator's HTTP listener: /healthz, /readyz, /metrics and, when
// MENTOR_BACKUP_TOKEN is set, /backup. It serves no member and no Slack
// traffic (the bot uses Socket Mode), so it belongs on a private network.

const (
	// httpShutdownTimeout bounds how long run waits for requests in flight,
	// a backup download included, when the bot stops.
	httpShutdownTimeout = 5 * time.Second
	// backupWriteTimeout bounds a backup download, and so how long its
	// temporary copy of the database stays on the disk. The database itself
	// is not held while the copy is streamed.
	backupWriteTimeout = time.Hour
	// backupIdleTimeout cuts a download whose client stopped reading.
	backupIdleTimeout = time.Minute
	// backupChunk is what is written to the client at a time, each write
	// within backupIdleTimeout.
	backupChunk = 1 << 20
	// maxBackups bounds the downloads in progress, each holding a copy of
	// the database on its disk: one, and one retry while a stalled one
	// times out.
	maxBackups = 2
)

// startHTTP listens on cfg.HTTPAddr and serves until the returned stop
// function is called; stop waits at most httpShutdownTimeout for requests in
// flight. A listen failure (the port is taken) is returned at once.
func (a *app) startHTTP(ctx context.Context) (stop func(), err error) {
	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("MENTOR_HTTP_ADDR: %w", err)
	}
	a.logger.Info("http listening", "addr", ln.Addr().String())
	srv := &http.Server{
		Handler:           a.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second, // /backup extends its own
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("http server stopped", "err", err)
		}
	}()
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), httpShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			a.logger.Warn("http shutdown: closing requests still in flight", "err", err)
			srv.Close()
		}
		<-done
	}, nil
}

// routes is every endpoint of the operator's listener.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", handleHealthz)
	mux.HandleFunc("GET /readyz", a.handleReadyz)
	// newApp gives the bot a promMetrics, which gathers what it counts.
	gatherer, ok := a.bot.Metrics.(prometheus.Gatherer)
	if !ok {
		gatherer = prometheus.NewRegistry()
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{
		ErrorLog: slogPrinter{a}, // a failing collector is logged, the rest still served
	}))
	mux.HandleFunc("GET /backup", a.handleBackup)
	return mux
}

// handleHealthz answers while the process runs: a liveness probe restarts a
// process that stopped answering, and nothing else.
func handleHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// handleReadyz answers 200 when the bot can serve members: its socket is up
// and its database answers, and no request since start met a damaged page.
// Otherwise 503 with the first reason.
func (a *app) handleReadyz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !a.bot.Connected() {
		http.Error(w, "not connected to Slack", http.StatusServiceUnavailable)
		return
	}
	if _, err := a.db.Schema(); err != nil {
		http.Error(w, "database not open", http.StatusServiceUnavailable)
		return
	}
	// Damage does not heal: until the file is restored from a backup, the
	// members whose records sit on it get an apology. Say so where probes
	// and people look first; the bot keeps serving everyone else.
	if n := a.db.DamagedReads(); n > 0 {
		http.Error(w, fmt.Sprintf("database damaged: %d requests failed on a damaged page; run mentorbot check and restore the last backup (docs/operations.md)", n),
			http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

// handleBackup serves a consistent snapshot of the database. It exists only
// when MENTOR_BACKUP_TOKEN is set, and wants that token as a bearer token.
//
// The snapshot is copied to a temporary file first, at disk speed, and the
// file is streamed after: a client that stops reading holds that file, never
// the database (a read transaction held open blocks the write that grows the
// file, and every transaction behind it).
func (a *app) handleBackup(w http.ResponseWriter, r *http.Request) {
	if a.cfg.BackupToken == "" {
		http.NotFound(w, r)
		return
	}
	if !bearerMatches(r.Header.Get("Authorization"), a.cfg.BackupToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mentorbot"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		a.logger.Warn("backup refused: missing or wrong token", "remote", r.RemoteAddr)
		return
	}
	select {
	case a.backups <- struct{}{}:
		defer func() { <-a.backups }()
	default:
		// Each download holds a copy of the database on its disk.
		w.Header().Set("Retry-After", "60")
		http.Error(w, "too many backups in progress; try again in a minute", http.StatusServiceUnavailable)
		a.logger.Warn("backup refused: too many in progress", "remote", r.RemoteAddr, "max", cap(a.backups))
		return
	}
	start := time.Now()
	snap, err := a.db.Snapshot()
	if err != nil {
		a.logger.Error("backup failed", "remote", r.RemoteAddr, "err", err)
		msg := "backup failed"
		if errors.Is(err, store.ErrCorrupt) {
			// A copy would carry the damage, and replace the last good
			// backup in a rotation that keeps the newest.
			msg = "backup refused: the database has damaged pages and a copy would have them too; keep your last good backup, run mentorbot check and restore (docs/operations.md)"
		}
		http.Error(w, msg, http.StatusInternalServerError)
		return
	}
	defer snap.Close()
	name := "mentorbot-" + start.UTC().Format("2006-01-02T150405Z") + ".db"
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	// A client sees a download cut short by its length, never a
	// complete-looking file.
	w.Header().Set("Content-Length", strconv.FormatInt(snap.Size, 10))
	n, err := streamBackup(w, snap, start.Add(backupWriteTimeout))
	if err != nil {
		a.logger.Warn("backup cut short", "remote", r.RemoteAddr, "bytes", n, "of", snap.Size, "err", err)
		return
	}
	a.logger.Info("backup served", "remote", r.RemoteAddr, "bytes", n, "duration", time.Since(start))
}

// streamBackup copies src to w a chunk at a time, each within
// backupIdleTimeout of the last and all before deadline, and returns the
// bytes written.
func streamBackup(w http.ResponseWriter, src io.Reader, deadline time.Time) (int64, error) {
	rc := http.NewResponseController(w)
	buf := make([]byte, backupChunk)
	var n int64
	for {
		k, rerr := src.Read(buf)
		if k > 0 {
			d := time.Now().Add(backupIdleTimeout)
			if d.After(deadline) {
				d = deadline
			}
			if err := rc.SetWriteDeadline(d); err != nil {
				return n, err
			}
			m, err := w.Write(buf[:k])
			n += int64(m)
			if err != nil {
				return n, err
			}
		}
		switch {
		case errors.Is(rerr, io.EOF):
			return n, nil
		case rerr != nil:
			return n, rerr
		}
	}
}

// bearerMatches compares "Bearer <token>" with want in constant time. Hashing
// first makes the comparison independent of the lengths too.
func bearerMatches(header, want string) bool {
	scheme, got, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	g, w := sha256.Sum256([]byte(strings.TrimSpace(got))), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// slogPrinter lets promhttp report a failing collector in the bot's log.
type slogPrinter struct{ a *app }

func (p slogPrinter) Println(v ...any) { p.a.logger.Error("metrics", "err", fmt.Sprint(v...)) }
