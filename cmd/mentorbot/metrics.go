package main

import (
	"math"
	"os"
	"sync/atomic"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// dueBacklogLimit caps how many due entries a scrape reads: past it the gauge
// reads the cap, which already says the scheduler is far behind.
const dueBacklogLimit = 100000

// promMetrics is bot.Metrics for Prometheus, and the Gatherer /metrics
// serves. Its collectors live in their own registry, not the library's global
// one: nothing else registers into it, and a test can build as many as it
// likes.
type promMetrics struct {
	prometheus.Gatherer // the registry
	commands            *prometheus.CounterVec
	cmdDuration         *prometheus.HistogramVec
	ack                 prometheus.Histogram
	reconnects          prometheus.Counter
	nudges              *prometheus.CounterVec
	broadcasts          *prometheus.CounterVec
	lastTick            atomic.Int64 // unix seconds of the last tick that finished without error
	rateLimited         *prometheus.CounterVec
	repliesDropped      prometheus.Counter
}

var _ bot.Metrics = (*promMetrics)(nil)

// newMetrics registers the bot's metrics, the database gauges, and the Go
// runtime and process collectors. now is the clock the due backlog is read at.
func newMetrics(db *store.DB, now func() time.Time) *promMetrics {
	// github.com/prometheus/client_golang is the Prometheus project's own Go
	// client: it writes the exposition format Prometheus and every compatible
	// scraper parse, and brings the runtime and process collectors that an
	// operator's standard dashboards expect. Writing the format by hand would
	// mean owning its escaping and histogram rules for no gain.
	reg := prometheus.NewRegistry()
	m := &promMetrics{
		Gatherer: reg,
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_commands_total",
			Help: "Slash commands and buttons handled, by subcommand and outcome (ok or an error code).",
		}, []string{"sub", "outcome"}),
		cmdDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mentorbot_command_duration_seconds",
			Help:    "Time to handle a command, from its arrival to its answer.",
			Buckets: prometheus.DefBuckets,
		}, []string{"sub"}),
		ack: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "mentorbot_ack_latency_seconds",
			Help: "Time from an envelope's arrival to its ack; Slack allows 3 seconds.",
			// Fine where acks should be, and around the bot's 2.5 s cut-off
			// and Slack's 3 s limit.
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 2.5, 3},
		}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mentorbot_reconnects_total",
			Help: "Socket Mode reconnections after the first connection.",
		}),
		nudges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_nudges_total",
			Help: "Scheduled deliveries by outcome: sent, retried, skipped or failed.",
		}, []string{"outcome"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_ratelimited_total",
			Help: "HTTP 429 answers from Slack's Web API, by method.",
		}, []string{"method"}),
		repliesDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mentorbot_replies_dropped_total",
			Help: "Replies to response_urls dropped because too many were in flight and waiting.",
		}),
	}
	// Known outcomes start at zero, so rate() and alerts see them before the
	// first event.
	m.broadcasts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mentorbot_broadcasts_total",
		Help: "Recurring broadcast slots by outcome: sent, retried, skipped (too late) or failed.",
	}, []string{"outcome"})
	for _, o := range []string{"sent", "retried", "skipped", "failed"} {
		m.nudges.WithLabelValues(o)
		m.broadcasts.WithLabelValues(o)
	}
	reg.MustRegister(m.commands, m.cmdDuration, m.ack, m.reconnects, m.nudges, m.broadcasts, m.rateLimited, m.repliesDropped,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mentorbot_database_bytes",
			Help: "Size of the database file.",
		}, func() float64 { return fileSize(db.Path()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "mentorbot_db_damaged_reads_total",
			Help: "Requests since start that failed on a damaged database page; any calls for mentorbot check and a restore.",
		}, func() float64 { return float64(db.DamagedReads()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mentorbot_due_backlog",
			Help: "Subscriptions whose nudge is due now and not yet sent (read up to 100000).",
		}, func() float64 { return dueBacklog(db, now()) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Command implements bot.Metrics. The series are looked up by their label
// values on every command: a cache of them, kept here before, bought nothing
// the command benchmark could tell from noise (docs/benchmarks.md).
func (m *promMetrics) Command(sub, outcome string, d time.Duration) {
	m.commands.WithLabelValues(sub, outcome).Inc()
	m.cmdDuration.WithLabelValues(sub).Observe(d.Seconds())
}

// Ack implements bot.Metrics.
func (m *promMetrics) Ack(d time.Duration) { m.ack.Observe(d.Seconds()) }

// Reconnect implements bot.Metrics.
func (m *promMetrics) Reconnect() { m.reconnects.Inc() }

// Nudge implements bot.Metrics.
func (m *promMetrics) Nudge(outcome string) { m.nudges.WithLabelValues(outcome).Inc() }

// Broadcast implements bot.Metrics.
func (m *promMetrics) Broadcast(outcome string) { m.broadcasts.WithLabelValues(outcome).Inc() }

// RateLimited implements bot.Metrics.
func (m *promMetrics) RateLimited(method string) { m.rateLimited.WithLabelValues(method).Inc() }

// ReplyDropped implements bot.Metrics.
func (m *promMetrics) ReplyDropped() { m.repliesDropped.Inc() }

// fileSize is a gauge's value: NaN, which Prometheus shows as no number, when
// the file cannot be read.
func fileSize(path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		return math.NaN()
	}
	return float64(fi.Size())
}

// dueBacklog counts the subscriptions due at now; NaN if the database cannot
// be read (it is closed during shutdown).
func dueBacklog(db *store.DB, now time.Time) float64 {
	due, err := db.DueBefore(now, dueBacklogLimit)
	if err != nil {
		return math.NaN()
	}
	return float64(len(due))
}
