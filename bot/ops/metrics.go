package ops

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"stagebot/domain"
	"stagebot/store"
)

// Metrics are the service's Prometheus metrics, registered on the registry given to NewMetrics.
type Metrics struct {
	webhooks    *prometheus.CounterVec   // inbound webhook requests, by route and outcome
	outbound    *prometheus.CounterVec   // outbox rows finished or retried, by channel and status
	sendLatency *prometheus.HistogramVec // provider API call time, by channel
}

// NewMetrics creates the metrics on reg, with a queue-depth gauge read from the outbox at scrape time.
func NewMetrics(reg prometheus.Registerer, st *store.Store) *Metrics {
	m := &Metrics{
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stagebot_webhook_requests_total",
			Help: "Webhook requests by route and outcome (accepted, duplicate, rejected_*, too_large, unavailable…).",
		}, []string{"route", "outcome"}),
		outbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stagebot_outbound_messages_total",
			Help: "Outbox messages by channel and what became of them (sent, retry, failed, unreachable, postponed).",
		}, []string{"channel", "status"}),
		sendLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stagebot_send_seconds",
			Help:    "Time of one provider send call.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}, []string{"channel"}),
	}
	reg.MustRegister(m.webhooks, m.outbound, m.sendLatency, &queueDepth{store: st,
		desc: prometheus.NewDesc("stagebot_outbox_depth", "Messages waiting to be sent, by channel.", []string{"channel"}, nil)})
	return m
}

// WebhookOutcome counts one webhook request.
func (m *Metrics) WebhookOutcome(route, outcome string) {
	if m != nil {
		m.webhooks.WithLabelValues(route, outcome).Inc()
	}
}

// Outbound counts one outbox row finished or retried (the sender's metrics).
func (m *Metrics) Outbound(channel domain.Channel, status string) {
	if m != nil {
		m.outbound.WithLabelValues(string(channel), status).Inc()
	}
}

// SendTime records the time of one provider call (the sender's metrics).
func (m *Metrics) SendTime(channel domain.Channel, d time.Duration) {
	if m != nil {
		m.sendLatency.WithLabelValues(string(channel)).Observe(d.Seconds())
	}
}

// queueDepth reads the outbox depth when Prometheus scrapes.
type queueDepth struct {
	store *store.Store
	desc  *prometheus.Desc
}

func (q *queueDepth) Describe(ch chan<- *prometheus.Desc) { ch <- q.desc }

func (q *queueDepth) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	depth, err := q.store.OutboxDepth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(q.desc, err)
		return
	}
	for channel, n := range depth {
		ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, float64(n), string(channel))
	}
}
