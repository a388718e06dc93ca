package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

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
	// backupWriteTimeout bounds a backup download: the snapshot is a read
	// transaction, which a slow reader must not hold open for long (it keeps
	// the file from reusing pages and can delay a write that grows it).
	backupWriteTimeout = 10 * time.Minute
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

// handleBackup streams a consistent snapshot of the database. It exists only
// when MENTOR_BACKUP_TOKEN is set, and wants that token as a bearer token.
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
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(backupWriteTimeout))
	name := "mentorbot-" + time.Now().UTC().Format("2006-01-02T150405Z") + ".db"
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := &countingWriter{w: w}
	start := time.Now()
	if _, err := a.db.Backup(cw); err != nil {
		a.logger.Error("backup failed", "remote", r.RemoteAddr, "bytes", cw.n, "err", err)
		if cw.n == 0 {
			w.Header().Del("Content-Disposition")
			http.Error(w, "backup failed", http.StatusInternalServerError)
		}
		// Past the first byte the status is sent: the client sees the
		// stream cut short, never a complete-looking file.
		return
	}
	a.logger.Info("backup served", "remote", r.RemoteAddr, "bytes", cw.n, "duration", time.Since(start))
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

// countingWriter counts the bytes that reached w.
type countingWriter struct {
	w http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// slogPrinter lets promhttp report a failing collector in the bot's log.
type slogPrinter struct{ a *app }

func (p slogPrinter) Println(v ...any) { p.a.logger.Error("metrics", "err", fmt.Sprint(v...)) }
