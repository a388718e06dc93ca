package main

import (
	"math"
	"time"

	"github.com/mentorbot/mentorbot/store"
	"github.com/prometheus/client_golang/prometheus"
)

// The health of a running bot as gauges, for the alerts in
// deploy/prometheus/alerts.yml and the dashboard in deploy/grafana: which
// build runs, whether Slack is connected, whether the scheduler ticks, how
// late the oldest due nudge is against the grace window.

// healthSources is what the health gauges read at each scrape.
type healthSources struct {
	db        *store.DB
	now       func() time.Time // the bot's clock, as the scheduler sees it
	connected func() bool
	grace     time.Duration
	build     buildInfo
}

// registerHealth adds the health gauges to m's registry.
func (m *promMetrics) registerHealth(h healthSources) {
	reg := m.Gatherer.(prometheus.Registerer) // newMetrics's *prometheus.Registry
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mentorbot_build_info",
			Help: "Always 1; the running build as labels.",
			ConstLabels: prometheus.Labels{
				"version": h.build.Version, "commit": h.build.Commit, "built": h.build.Date, "goversion": h.build.GoVersion,
			},
		}, func() float64 { return 1 }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mentorbot_slack_connected",
			Help: "1 while the Socket Mode connection to Slack is up, 0 otherwise.",
		}, func() float64 { return boolGauge(h.connected()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mentorbot_last_tick_timestamp_seconds",
			Help: "Unix time of the last scheduler tick that finished without error; 0 before the first.",
		}, func() float64 { return float64(m.lastTick.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mentorbot_oldest_due_seconds",
			Help: "How long the oldest nudge due and not yet sent has waited; 0 when none is due.",
		}, func() float64 { return oldestDue(h.db, h.now()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mentorbot_grace_seconds",
			Help: "MENTOR_GRACE: a nudge later than this is skipped, not sent.",
		}, func() float64 { return h.grace.Seconds() }),
	)
}

// TickDone records a scheduler tick that finished without error.
func (m *promMetrics) TickDone(at time.Time) { m.lastTick.Store(at.Unix()) }

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// oldestDue is the age of the oldest due entry at now; NaN if the database
// cannot be read (it is closed during shutdown).
func oldestDue(db *store.DB, now time.Time) float64 {
	due, err := db.DueBefore(now, 1)
	switch {
	case err != nil:
		return math.NaN()
	case len(due) == 0:
		return 0
	}
	return max(0, now.Sub(due[0].At).Seconds())
}
