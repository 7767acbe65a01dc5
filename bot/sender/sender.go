// Package sender delivers the outbox: it claims due rows (several senders, in several replicas,
// share one outbox), renders each reply for its channel (bot/render), sends the parts through the
// channel's Transport within the provider's limits, and records what happened. A provider saying a
// person cannot be reached goes to the workflow (Unreachables), which records it in one
// transaction.
package sender

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/lib/pq"
	"golang.org/x/time/rate"

	"stagebot/bot/render"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/domain"
	"stagebot/store"
)

// Transport sends messages on one channel through its provider: the Telegram and Twilio adapters
// are transports. It sends what it is given: rendering is the sender's.
type Transport interface {
	// Channel is the channel this transport sends on.
	Channel() domain.Channel
	// Send sends one part to address and returns the provider's id for it. Errors that say more than
	// "try again" are *domain.SendError.
	Send(ctx context.Context, address string, part domain.Part) (providerID string, err error)
}

// Unreachables records that a provider refused a send because its recipient cannot be reached, in
// one transaction with what that changes for the people waiting on them. The workflow's Inbox is
// one.
type Unreachables interface {
	PersonUnreachable(ctx context.Context, u domain.Unreachable) error
}

// Metrics counts what the sender does; nil counts nothing.
type Metrics interface {
	Outbound(channel domain.Channel, status string) // sent, retry, failed, unreachable, postponed, sms_fallback
	SendTime(channel domain.Channel, d time.Duration)
}

// Config tunes the outbound sender. Zero values take the defaults noted.
type Config struct {
	DatabaseURL string        // for LISTEN "outbox"; empty: polling only
	Batch       int           // rows claimed at once (default 20)
	Lease       time.Duration // a claimed row is this sender's for this long (default 2 min)
	Poll        time.Duration // polling fallback when no notification comes (default 2 s)
	MaxAttempts int           // tries before a row fails for good (default 8)
	BaseBackoff time.Duration // first retry delay (default 1 s), doubled each try, with jitter
	MaxBackoff  time.Duration // retry delay cap (default 10 min)
	ChatGap     time.Duration // Telegram: least time between two messages to one chat (default 1 s)
	// PerSecond caps each channel's sends per second from this sender: Telegram 30 by default;
	// SMS and WhatsApp take the Twilio account's rate (default 1).
	PerSecond map[domain.Channel]float64
	// WhatsAppWindow is how long after a person's last message free-form WhatsApp messages may be
	// sent (default 24 h); outside it a message falls back to SMS.
	WhatsAppWindow time.Duration
	// QuietHours: messages the person did not just ask for (reminders, notifications) are not sent
	// by SMS or WhatsApp between these hours, Paris time (default 20 to 8).
	QuietFrom, QuietUntil int
	Clock                 clock.Clock // the service's one clock (default the system's)
}

// Sender delivers the outbox: it claims due rows (several senders may share one outbox), renders and
// sends them through the channel's transport within the provider's limits, and records what
// happened.
type Sender struct {
	store        *store.Store
	renderer     *render.Renderer
	unreachables Unreachables
	transports   map[domain.Channel]Transport
	limiters     map[domain.Channel]*rate.Limiter
	cfg          Config
	metrics      Metrics
	log          *slog.Logger
}

// New builds a sender for the given transports (nil ones are skipped). renderer renders the replies
// and unreachables hears of the people who cannot be reached; neither may be nil. A nil metrics
// counts nothing.
func New(st *store.Store, transports []Transport, renderer *render.Renderer, unreachables Unreachables, cfg Config,
	metrics Metrics, log *slog.Logger) *Sender {
	cfg = cfg.withDefaults()
	if metrics == nil {
		metrics = noMetrics{}
	}
	s := &Sender{store: st, renderer: renderer, unreachables: unreachables, transports: map[domain.Channel]Transport{},
		limiters: map[domain.Channel]*rate.Limiter{}, cfg: cfg, metrics: metrics, log: log}
	for _, t := range transports {
		if t == nil {
			continue
		}
		ch := t.Channel()
		s.transports[ch] = t
		perSecond := cfg.PerSecond[ch]
		if perSecond <= 0 {
			perSecond = 1
			if ch == domain.Telegram {
				perSecond = 30
			}
		}
		s.limiters[ch] = rate.NewLimiter(rate.Limit(perSecond), 1) // no bursts: evenly spaced
	}
	return s
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Batch <= 0 {
		c.Batch = 20
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	def(&c.Lease, 2*time.Minute)
	def(&c.Poll, 2*time.Second)
	def(&c.BaseBackoff, time.Second)
	def(&c.MaxBackoff, 10*time.Minute)
	def(&c.ChatGap, time.Second)
	def(&c.WhatsAppWindow, 24*time.Hour)
	if c.QuietFrom == 0 && c.QuietUntil == 0 {
		c.QuietFrom, c.QuietUntil = 20, 8
	}
	if c.Clock == nil {
		c.Clock = clock.System()
	}
	return c
}

// Run sends until ctx is done, waking on NOTIFY "outbox" and polling as a fallback. When ctx ends
// it finishes the message in flight, gives back what it claimed and did not try, and returns nil.
func (s *Sender) Run(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	if s.cfg.DatabaseURL != "" {
		listener := pq.NewListener(s.cfg.DatabaseURL, time.Second, time.Minute, func(ev pq.ListenerEventType, err error) {
			if err != nil {
				s.log.Warn("outbox listener", slog.String("error", err.Error()))
			}
		})
		defer listener.Close()
		if err := listener.Listen("outbox"); err != nil {
			s.log.Warn("outbox listener unavailable, polling only", slog.String("error", err.Error()))
		}
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-listener.Notify: // nil after a reconnection: also a reason to look
					select {
					case wake <- struct{}{}:
					default:
					}
				}
			}
		}()
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-timer.C:
		}
		n, err := s.SendDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("outbox round failed", slog.String("error", err.Error()))
		}
		next := s.cfg.Poll
		if n == s.cfg.Batch && err == nil {
			next = 0 // more may be due
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(next)
	}
}

// SendDue claims one batch of due rows and sends them. It returns how many it claimed.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	if len(s.transports) == 0 {
		return 0, nil
	}
	now := s.cfg.Clock.Now()
	if _, err := s.store.RequeueExpired(ctx, now); err != nil {
		return 0, err
	}
	channels := make([]domain.Channel, 0, len(s.transports))
	for ch := range s.transports {
		channels = append(channels, ch)
	}
	rows, err := s.store.ClaimOutbox(ctx, store.ClaimParams{Channels: channels, Limit: s.cfg.Batch,
		Lease: s.cfg.Lease, ChatGap: s.cfg.ChatGap, Now: now})
	if err != nil {
		return 0, err
	}
	for i, row := range rows {
		if ctx.Err() != nil {
			ids := make([]int64, 0, len(rows)-i)
			for _, r := range rows[i:] {
				ids = append(ids, r.ID)
			}
			// The sender is stopping: give the untried rows back, on a context that is still alive.
			releaseCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			err := s.store.Release(releaseCtx, ids)
			cancel()
			return len(rows), err
		}
		held, err := s.store.RenewClaim(ctx, row.ID, s.cfg.Clock.Now(), s.cfg.Lease)
		if err == nil && !held {
			continue // the hold ran out while earlier rows were sent: the row is someone else's now
		}
		if err == nil {
			err = s.deliver(ctx, row)
		}
		if err != nil {
			ids := make([]int64, 0, len(rows)-i-1)
			for _, r := range rows[i+1:] {
				ids = append(ids, r.ID)
			}
			releaseCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			return len(rows), errors.Join(err, s.store.Release(releaseCtx, ids))
		}
	}
	return len(rows), nil
}

// deliver sends one claimed row, part after part, and records the outcome. Bookkeeping runs on a
// context that outlives a shutdown so a message that left is always recorded as sent.
func (s *Sender) deliver(ctx context.Context, row store.OutboxMessage) error {
	book, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ch := row.Channel
	now := s.cfg.Clock.Now()
	if row.Proactive && ch != domain.Telegram && s.quiet(now) {
		s.metrics.Outbound(row.Channel, "postponed")
		return s.store.Postpone(book, row.ID, s.quietEnd(now))
	}
	if ch == domain.WhatsApp {
		open, err := s.whatsAppWindowOpen(book, row, now)
		if err != nil {
			return err
		}
		if !open {
			return s.fallBackToSMS(book, row, now)
		}
	}
	t := s.transports[ch]
	reply := domain.Reply{Text: row.Body}
	if err := json.Unmarshal(row.Choices, &reply.Choices); err != nil {
		return s.store.MarkFailed(book, row.ID, "bad_choices", now)
	}
	parts := s.renderer.Parts(ch, row.Lang, reply)
	for i := row.PartsSent; i < len(parts); i++ {
		if err := s.limiters[ch].Wait(ctx); err != nil {
			return s.store.Release(book, []int64{row.ID})
		}
		if i > row.PartsSent && ctx.Err() != nil {
			// Stopping between two parts: the rest goes on the next run, from this part.
			return s.store.Release(book, []int64{row.ID})
		}
		start := time.Now()
		// A send that started finishes even if the sender is stopping: cutting it could leave a
		// message the provider accepted recorded as unsent, and sent twice. The transports bound
		// every call with their own timeout.
		id, err := t.Send(context.WithoutCancel(ctx), row.Address, parts[i])
		s.metrics.SendTime(row.Channel, time.Since(start))
		if err != nil {
			return s.failed(book, row, classify(err))
		}
		if err := s.store.RecordPartSent(book, row.ID, i+1, id); err != nil {
			return err
		}
		if i == 0 && row.PartsSent == 0 {
			row.ProviderMessageID = &id
		}
	}
	provider := ""
	if row.ProviderMessageID != nil {
		provider = *row.ProviderMessageID
	}
	s.metrics.Outbound(row.Channel, "sent")
	return s.store.MarkSent(book, row.ID, provider, s.cfg.Clock.Now())
}

// failed records a refused send: the person unreachable, a permanent failure, or a retry later.
func (s *Sender) failed(ctx context.Context, row store.OutboxMessage, se *domain.SendError) error {
	now := s.cfg.Clock.Now()
	s.log.Info("send refused", slog.Int64("outbox_id", row.ID), slog.String("channel", string(row.Channel)),
		slog.String("code", se.Code), slog.Bool("permanent", se.Permanent), slog.Int("attempt", row.Attempts))
	switch {
	case se.Unreachable:
		s.metrics.Outbound(row.Channel, "unreachable")
		return s.unreachables.PersonUnreachable(ctx, domain.Unreachable{Channel: row.Channel, Address: row.Address,
			Reason: se.Code, OutboxID: row.ID})
	case se.Permanent || row.Attempts >= s.cfg.MaxAttempts:
		s.metrics.Outbound(row.Channel, "failed")
		return s.store.MarkFailed(ctx, row.ID, se.Code, now)
	default:
		s.metrics.Outbound(row.Channel, "retry")
		return s.store.ScheduleRetry(ctx, row.ID, now.Add(s.backoff(row.Attempts, se.RetryAfter)), se.Code)
	}
}

// backoff is the delay before try attempt+1: exponential from BaseBackoff, capped, with full jitter
// on its upper half, and never shorter than what the provider asked for.
func (s *Sender) backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := s.cfg.BaseBackoff
	for i := 1; i < attempt && d < s.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.cfg.MaxBackoff)
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	return max(d, retryAfter)
}

func (s *Sender) quiet(now time.Time) bool {
	h := now.In(calendar.Paris()).Hour()
	if s.cfg.QuietFrom > s.cfg.QuietUntil {
		return h >= s.cfg.QuietFrom || h < s.cfg.QuietUntil
	}
	return h >= s.cfg.QuietFrom && h < s.cfg.QuietUntil
}

// quietEnd is the next time quiet hours end.
func (s *Sender) quietEnd(now time.Time) time.Time {
	local := now.In(calendar.Paris())
	end := time.Date(local.Year(), local.Month(), local.Day(), s.cfg.QuietUntil, 0, 0, 0, calendar.Paris())
	if !end.After(local) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

func (s *Sender) whatsAppWindowOpen(ctx context.Context, row store.OutboxMessage, now time.Time) (bool, error) {
	last, err := s.store.LastInbound(ctx, row.Channel, row.Address)
	if err != nil {
		return false, err
	}
	return last != nil && now.Sub(*last) < s.cfg.WhatsAppWindow, nil
}

// fallBackToSMS sends a WhatsApp message that may no longer be sent free-form (outside the 24-hour
// window) as an SMS instead: never silently dropped.
func (s *Sender) fallBackToSMS(ctx context.Context, row store.OutboxMessage, now time.Time) error {
	if _, ok := s.transports[domain.SMS]; !ok {
		s.log.Warn("whatsapp window closed and no SMS channel", slog.Int64("outbox_id", row.ID))
		s.metrics.Outbound(row.Channel, "failed")
		return s.store.MarkFailed(ctx, row.ID, "whatsapp_window_no_sms", now)
	}
	if _, err := s.store.FallBackToSMS(ctx, row, now); err != nil {
		return err
	}
	s.metrics.Outbound(row.Channel, "sms_fallback")
	return nil
}

// noMetrics counts nothing.
type noMetrics struct{}

func (noMetrics) Outbound(domain.Channel, string)        {}
func (noMetrics) SendTime(domain.Channel, time.Duration) {}

// classify reads any error from a transport: a *domain.SendError as it says, anything else
// (network error, timeout, a 5xx HTML page) as transient.
func classify(err error) *domain.SendError {
	var se *domain.SendError
	if errors.As(err, &se) {
		return se
	}
	return &domain.SendError{Code: "transient", Err: err}
}
