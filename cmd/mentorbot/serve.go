package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
	"github.com/robfig/cron/v3"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// serve runs the bot against Slack until ctx is cancelled.
func serve(ctx context.Context, args []string, getenv envFunc, stderr io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("serve takes no arguments; it is configured by environment variables")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	a, err := newApp(cfg, newLogger(stderr, cfg.LogLevel, cfg.LogFormat), nil, nil)
	if err != nil {
		return err
	}
	return a.run(ctx)
}

// app is one running bot: its database, its Slack clients and the bot.
type app struct {
	cfg    Config
	logger *slog.Logger
	db     *store.DB
	api    *slack.Client
	sm     *socketmode.Client
	bot    *bot.Bot
	// metrics is b.Metrics, for what only the app knows (the tick).
	metrics *promMetrics
	// backups holds a token per /backup download in progress (http.go).
	backups chan struct{}
}

// newApp wires the packages together. It opens the database first, so a
// second process fails at once with "in use" before touching the network.
// rnd may be nil; so may clk, for the wall clock.
func newApp(cfg Config, logger *slog.Logger, rnd *rand.Rand, clk appClock) (*app, error) {
	logger = redactLogs(logger)
	catalog, messages, err := loadPromptsDir(cfg.PromptsDir, logger)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(cfg.DBPath, store.Options{})
	if err != nil {
		return nil, err
	}
	// Every Web API call goes through one transport that counts 429s, since
	// slack-go's own retries would otherwise hide them from the operator.
	// Keep a connection per concurrent sender alive: Go's default of two idle
	// connections per host would redo a TLS handshake for most nudges.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32
	limits := &rateLimitCounter{next: transport, label: bot.MethodLabel}
	httpClient := &http.Client{Timeout: 30 * time.Second, Transport: limits}
	// Replies to response_urls get a client of their own, counted under one
	// fixed label: the URL's path is a secret.
	replies := &rateLimitCounter{next: transport, label: func(*url.URL) string { return "response_url" }}
	api := slack.New(cfg.BotToken,
		slack.OptionAppLevelToken(cfg.AppToken),
		slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(httpClient),
		// slack-go retries nothing unless told to.
		slack.OptionRetryConfig(retryConfig(clk)),
	)
	b := bot.New(db, catalog, rnd)
	if clk != nil {
		b.Now, b.After = clk.Now, clk.After
	}
	b.Logger = logger
	b.Lang = messages
	b.Command = cfg.Command
	b.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: replies}
	b.Slack = api
	b.Channels = api
	b.ChannelMembers = api
	b.Leads = bot.NewLeadDirectory(cfg.Leads, cfg.LeadGroup, api)
	b.Leads.Logger = logger
	b.DefaultTZ = cfg.DefaultTZ
	b.Grace = cfg.Grace
	metrics := newMetrics(db, func() time.Time { return b.Now() })
	metrics.registerHealth(healthSources{db: db, now: func() time.Time { return b.Now() }, connected: b.Connected,
		grace: cfg.Grace, build: readBuildInfo()})
	b.Metrics = metrics
	limits.metrics, replies.metrics = b.Metrics, b.Metrics
	return &app{cfg: cfg, logger: logger, db: db, api: api, sm: socketmode.New(api), bot: b, metrics: metrics,
		backups: make(chan struct{}, maxBackups)}, nil
}

// loadPromptsDir loads the built-in prompts and messages and the
// operator's directory, if any, with `prompts lint`'s checks: a problem
// stops the program with file:line: what is wrong, a warning is logged once
// with a count. run's first line names the languages members can get.
func loadPromptsDir(dir string, logger *slog.Logger) (*prompts.Catalog, *lang.Catalog, error) {
	catalog, err := prompts.Builtin()
	if err != nil {
		return nil, nil, fmt.Errorf("built-in prompts: %w", err)
	}
	messages, err := lang.Builtin()
	if err != nil {
		return nil, nil, fmt.Errorf("built-in messages: %w", err)
	}
	if dir != "" {
		d, err := checkPromptsDir(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("MENTOR_PROMPTS_DIR: %w", err)
		}
		if len(d.problems) > 0 {
			return nil, nil, d.refusal()
		}
		// A partial translation is normal; say once where to look.
		if len(d.warnings) > 0 {
			logger.Warn("MENTOR_PROMPTS_DIR has warnings; `mentorbot prompts lint DIR` lists every line",
				"warnings", len(d.warnings), "first", d.warnings[0])
		}
		catalog, messages = d.catalog, d.messages
	}
	return catalog, messages, nil
}

// run checks the bot token, serves until ctx is done, and closes the database.
func (a *app) run(ctx context.Context) (err error) {
	defer func() {
		if cerr := a.db.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	bi := readBuildInfo()
	a.logger.Info("mentorbot starting", "version", bi.Version, "commit", bi.Commit, "built", bi.Date, "go", bi.GoVersion,
		"db", a.cfg.DBPath, "command", a.cfg.Command, "prompts", a.bot.Catalog.Len(),
		// Which languages members can get, and which have their own prompts:
		// the trace of an operator's language being installed.
		"languages", strings.Join(a.bot.Lang.Languages(), ","), "prompt_languages", strings.Join(a.bot.Catalog.Languages(), ","))
	stopHTTP, err := a.startHTTP(ctx) // before checkAuth, so /healthz answers while Slack is retried
	if err != nil {
		return err
	}
	defer stopHTTP() // before the database closes
	if err := a.checkAuth(ctx); err != nil {
		if ctx.Err() != nil {
			// SIGTERM or Ctrl-C while Slack was still being retried: a
			// routine stop, which systemd and Kubernetes must not count as
			// a failure.
			a.logger.Info("mentorbot stopped before reaching Slack")
			return nil
		}
		return err
	}
	// Broadcasts an older mentorbot paused for good, for a reason that may
	// pass, are held instead, and post again once they can.
	if n, err := a.db.ReleaseHeldBroadcasts(); err != nil {
		a.logger.Error("paused broadcasts not released; they stay paused", "err", err)
	} else if n > 0 {
		a.logger.Info("paused broadcasts released, to post again once they can", "broadcasts", n)
	}
	stopTick := a.startTick(ctx)
	defer stopTick()
	if err := a.bot.Run(ctx, a.sm); err != nil {
		if isAuthError(err) {
			return fmt.Errorf("SLACK_APP_TOKEN: Slack rejected it (%v); use an app-level token with connections:write", slackError(err))
		}
		return err
	}
	a.logger.Info("mentorbot stopped")
	return nil
}

// checkAuth calls auth.test with the bot token. A token Slack rejects stops
// the program; Slack being unreachable is retried until ctx ends, like the
// socket itself.
func (a *app) checkAuth(ctx context.Context) error {
	delay := time.Second
	for {
		resp, err := a.api.AuthTestContext(ctx)
		if err == nil {
			a.logger.Info("authenticated", "team", resp.Team, "bot_user", resp.UserID)
			return nil
		}
		if isAuthError(err) {
			return fmt.Errorf("SLACK_BOT_TOKEN: Slack rejected it (%v); copy the Bot User OAuth Token (xoxb-) again", slackError(err))
		}
		if sc, ok := errors.AsType[slack.StatusCodeError](err); ok && sc.Code == http.StatusNotFound {
			// No Web API there: a URL without its /api/, say. Retrying
			// will not make one appear.
			return fmt.Errorf("SLACK_API_URL: auth.test there answered %s; the URL must be Slack's Web API, such as https://slack.com/api/", sc.Status)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.logger.Warn("cannot reach Slack, retrying", "err", err, "in", delay)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Minute)
	}
}

// authErrors are the Slack errors that no retry will fix.
// missing_scope is an app-level token without connections:write.
var authErrors = []string{"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type", "missing_scope"}

func isAuthError(err error) bool { return slackError(err) != "" }

func slackError(err error) string {
	var se slack.SlackErrorResponse
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.Err
	}
	for _, a := range authErrors {
		if strings.Contains(msg, a) {
			return a
		}
	}
	return ""
}

// newLogger logs at level in format: "json", "text", or "auto" (text when w
// is a terminal, where a person is watching; JSON otherwise: a container,
// systemd's journal). Durations are written as seconds under a key that says
// so ("duration_seconds":0.25), wherever in the code they are logged: slog's
// default, integer nanoseconds under a bare key, read as a unitless number.
func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationSeconds}
	if format == "text" || (format == "auto" && isTerminal(w)) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// durationSeconds rewrites a duration attribute as float seconds with the
// unit in its key.
func durationSeconds(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindDuration {
		return a
	}
	return slog.Float64(a.Key+"_seconds", a.Value.Duration().Seconds())
}

// tickSpec drives the scheduler. It is a fixed spec, never built from member
// input: cron only says "look now"; each member's due time is computed by the
// bot from their own wall clock, which cron gets wrong across DST changes.
const tickSpec = "@every 30s"

// startTick runs SendDue every tick, never two at once, plus once as soon as
// the socket is up, so nudges that fell due while the bot was down go out
// without waiting for the first tick. stop waits (bounded) for a tick in
// progress.
func (a *app) startTick(ctx context.Context) (stop func()) {
	job := cron.NewChain(cron.SkipIfStillRunning(cron.DiscardLogger)).Then(cron.FuncJob(func() { a.tick(ctx) }))
	c := cron.New()
	if _, err := c.AddJob(tickSpec, job); err != nil {
		panic(err) // a constant spec; every test that starts the app would fail
	}
	c.Start()
	// stopped ends the wait for the first connection when run returns
	// without one (Slack rejected the app token): otherwise stop would wait
	// ShutdownTimeout for a tick that can never start.
	stopped := make(chan struct{})
	var first sync.WaitGroup
	first.Go(func() {
		for ctx.Err() == nil && !a.bot.Connected() {
			select {
			case <-stopped:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		job.Run()
	})
	return func() {
		close(stopped)
		done := make(chan struct{})
		go func() { <-c.Stop().Done(); first.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(a.bot.ShutdownTimeout):
			a.logger.Warn("shutdown: a scheduler tick is still running")
		}
	}
}

func (a *app) tick(ctx context.Context) {
	if ctx.Err() != nil || !a.bot.Connected() {
		return // nudges wait for Slack; they stay due
	}
	now := a.bot.Now()
	if _, err := a.bot.SendDue(ctx, now); err != nil {
		a.logger.Error("scheduler tick", "err", err)
		return
	}
	a.metrics.TickDone(now)
}

// rateLimitCounter reports every 429 Slack answers, by method. label names
// a request's method from a fixed set (bot.MethodLabel), never from the
// URL's own text.
type rateLimitCounter struct {
	next    http.RoundTripper
	label   func(*url.URL) string
	metrics bot.Metrics
}

func (t *rateLimitCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests && t.metrics != nil {
		t.metrics.RateLimited(t.label(req.URL))
	}
	return resp, err
}
