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
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

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

// Reconciler is a transport whose provider can say what it accepted: Twilio's Messages API lists what
// was sent to a number. A row a dead sender left in doubt (claimed, perhaps accepted by the provider,
// not recorded) is looked for there before it is sent again, and only what the provider has no trace
// of is resent. Telegram has no such read: its window (the provider accepted, the sender died before
// its record) stays as small as one send and one write.
type Reconciler interface {
	// Accepted lists the ids of the messages the provider accepted for address since since with this
	// exact body, most recent first.
	Accepted(ctx context.Context, address string, since time.Time, body string) ([]string, error)
}

// reconcileSlack widens the window a row in doubt is looked for in: the provider's clock and the
// service's may disagree by this much.
const reconcileSlack = 2 * time.Minute

// Unreachables records that a provider refused a send because its recipient cannot be reached, in
// one transaction with what that changes for the people waiting on them. The workflow's Inbox is
// one.
type Unreachables interface {
	PersonUnreachable(ctx context.Context, u domain.Unreachable) error
}

// Metrics counts what the sender does; nil counts nothing.
type Metrics interface {
	Outbound(channel domain.Channel, status string) // sent, retry, failed, unreachable, postponed, sms_fallback, reconciled, slot_missed
	SendTime(channel domain.Channel, d time.Duration)
}

// rateMargin is the share of a provider's limit the send slots are spaced at: a message that leaves a
// few milliseconds late is not followed by one more than the limit allows in a second.
const rateMargin = 0.95

// Config tunes the outbound sender. Zero values take the defaults noted.
type Config struct {
	DatabaseURL string // for LISTEN "outbox"; empty: polling only
	// Workers send replies concurrently, to different people (one person's messages still leave
	// in order): default 128. A worker spends most of a send waiting on the provider: with one
	// answering in 150 ms, 32 workers sent at most about 155 replies a second, 64 about 235, 128 kept
	// up with the 260 a second two cores take in. ProactiveWorkers do the same for the messages nobody
	// just asked for (default 8). Each claims Batch rows at a time and sends them one after the other (default 1:
	// a slow provider call holds up no other person).
	Workers          int
	ProactiveWorkers int
	Batch            int
	// Lease is how long a claimed row stays this sender's (default 6 s); it is renewed before each
	// send, so a sender that dies leaves its rows to the others within Lease + Poll.
	Lease       time.Duration
	Poll        time.Duration // polling fallback when no notification comes (default 2 s)
	MaxAttempts int           // tries before a row fails for good (default 8)
	BaseBackoff time.Duration // first retry delay (default 1 s), doubled each try, with jitter
	MaxBackoff  time.Duration // retry delay cap (default 10 min)
	ChatGap     time.Duration // Telegram: least time between two messages to one chat (default 1 s)
	// PerSecond caps each channel's sends per second, summed over every sender of every replica
	// (the bucket is in Postgres): Telegram 30 by default; SMS and WhatsApp take the Twilio
	// account's rate (default 1).
	PerSecond map[domain.Channel]float64
	// Unlimited sends without any rate at all, and without taking send slots in Postgres: for a
	// replay whose transports record what they are given (package season), never for providers.
	Unlimited bool
	// WhatsAppWindow is how long after a person's last message free-form WhatsApp messages may be
	// sent (default 24 h); outside it a message falls back to SMS.
	WhatsAppWindow time.Duration
	// Hours say when messages nobody just asked for (reminders, notices) may leave, on every
	// channel: Monday to Saturday, 08:30 to 19:30 in Paris, not on public holidays (default
	// calendar.SendingHours). Replies are never held.
	Hours *calendar.Hours
	Clock clock.Clock // the service's one clock (default the system's)
	// RateClock is physical time, for the send rate shared by the replicas (default the system's):
	// a test freezing the service's clock still sends.
	RateClock clock.Clock
}

// Sender delivers the outbox: it claims due rows (several senders may share one outbox), renders and
// sends them through the channel's transport within the provider's limits, and records what
// happened.
type Sender struct {
	store        *store.Store
	renderer     *render.Renderer
	unreachables Unreachables
	transports   map[domain.Channel]Transport
	rates        map[domain.Channel]float64 // sends per second, summed over replicas
	cfg          Config
	metrics      Metrics
	log          *slog.Logger
	requeued     atomic.Pointer[time.Time] // when expired claims were last put back
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
		rates: map[domain.Channel]float64{}, cfg: cfg, metrics: metrics, log: log}
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
		s.rates[ch] = perSecond * rateMargin
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
		c.Batch = 1
	}
	if c.Workers <= 0 {
		c.Workers = 128
	}
	if c.ProactiveWorkers <= 0 {
		c.ProactiveWorkers = 8
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	def(&c.Lease, 6*time.Second)
	def(&c.Poll, 2*time.Second)
	def(&c.BaseBackoff, time.Second)
	def(&c.MaxBackoff, 10*time.Minute)
	def(&c.ChatGap, time.Second)
	def(&c.WhatsAppWindow, 24*time.Hour)
	if c.Hours == nil {
		hours, err := calendar.SendingHours()
		if err != nil {
			hours = calendar.NoHolidays() // the shipped file is tested: this is not expected
		}
		c.Hours = hours
	}
	if c.Clock == nil {
		c.Clock = clock.System()
	}
	if c.RateClock == nil {
		c.RateClock = clock.System()
	}
	return c
}

// Run sends until ctx is done, in two lanes: replies, and the messages nobody just asked for
// (reminders, notices), so that a run of reminders never holds a reply back. Each lane has its
// workers, which send to different people at once. A lane wakes when this process queues messages
// (store.AddWaker), on NOTIFY "outbox" from the other replicas, and polls as a fallback. When ctx
// ends each worker finishes the message in flight, gives back what it claimed and did not try, and
// Run returns nil.
func (s *Sender) Run(ctx context.Context) error {
	var wakes [2]chan struct{}
	for i := range wakes {
		wakes[i] = make(chan struct{}, 1)
	}
	// wakes[0] wakes the replies' workers, wakes[1] the others'.
	wake := func(lanes store.Lanes) {
		for i, has := range []bool{lanes.Replies, lanes.Proactive} {
			if !has {
				continue
			}
			select {
			case wakes[i] <- struct{}{}:
			default:
			}
		}
	}
	defer s.store.AddWaker(wake)()
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
				case n := <-listener.Notify:
					if n == nil { // a reconnection: notifications may have been missed
						wake(store.Lanes{Replies: true, Proactive: true})
						continue
					}
					// This process's own NOTIFY: its senders were woken at the commit already.
					if lanes, own := s.store.Woken(n.Extra); !own {
						wake(lanes)
					}
				}
			}
		}()
	}
	var wg sync.WaitGroup
	for i := range s.cfg.Workers {
		wg.Go(func() { s.lane(ctx, false, wakes[0], i == 0) })
	}
	for i := range s.cfg.ProactiveWorkers {
		wg.Go(func() { s.lane(ctx, true, wakes[1], i == 0) })
	}
	wg.Wait()
	return nil
}

// lane is one worker of a lane (proactive or not): it sends until ctx is done. The first worker
// of a lane polls; the others wait to be woken. A worker that found a full batch wakes another, so
// workers join in as the queue grows and go back to sleep as it empties.
func (s *Sender) lane(ctx context.Context, proactive bool, wake chan struct{}, polls bool) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var tick <-chan time.Time
	if polls {
		tick = timer.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick:
		}
		for ctx.Err() == nil {
			n, err := s.sendLane(ctx, proactive, s.cfg.Batch)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("outbox round failed", slog.String("error", err.Error()), slog.Bool("proactive", proactive))
			}
			if err != nil || n < s.cfg.Batch {
				break
			}
			select { // more may be due: another worker joins in, and this one goes on
			case wake <- struct{}{}:
			default:
			}
		}
		if polls {
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(s.cfg.Poll)
		}
	}
}

// dueBatch is how many rows SendDue claims at once.
const dueBatch = 20

// Drain sends everything due now, replies first, each lane Batch rows at a time until a claim
// comes back short, and returns how many rows it claimed. For a caller that is the only sender
// (a replay on a manual clock): a lane that came back short has nothing due left.
func (s *Sender) Drain(ctx context.Context) (int, error) {
	total := 0
	for _, proactive := range []bool{false, true} {
		for {
			n, err := s.sendLane(ctx, proactive, s.cfg.Batch)
			total += n
			if err != nil {
				return total, err
			}
			if n < s.cfg.Batch {
				break
			}
		}
	}
	return total, nil
}

// SendDue sends every due reply (a person's replies leave one batch after the other, in order),
// then one batch (dueBatch rows) of the other messages, one after the other, and returns how many rows it claimed. A proactive message yields
// to replies due (see store.TakeSendSlot): draining them first keeps a single caller from waiting on
// itself.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	replies := 0
	for {
		n, err := s.sendLane(ctx, false, dueBatch)
		replies += n
		if err != nil || n == 0 {
			if err != nil {
				return replies, err
			}
			break
		}
	}
	others, err := s.sendLane(ctx, true, dueBatch)
	return replies + others, err
}

// sendLane claims one batch of due rows of a lane and sends them. Messages nobody just asked for are
// not even claimed outside the sending hours. It returns how many rows it claimed.
func (s *Sender) sendLane(ctx context.Context, proactive bool, batch int) (int, error) {
	if len(s.transports) == 0 {
		return 0, nil
	}
	now := s.cfg.Clock.Now()
	if last := s.requeued.Load(); last == nil || now.Sub(*last) >= time.Second || now.Before(*last) {
		// Rows a dead sender had claimed go back to the queue once their lease is over: looked for
		// at most once a second by each sender, not by every worker's every round.
		s.requeued.Store(&now)
		if _, err := s.store.RequeueExpired(ctx, now); err != nil {
			return 0, err
		}
	}
	if proactive && !s.cfg.Hours.Open(now) {
		return 0, nil
	}
	channels := make([]domain.Channel, 0, len(s.transports))
	for ch := range s.transports {
		channels = append(channels, ch)
	}
	if ctx.Err() != nil {
		return 0, nil
	}
	// The claim is not cut short by a stop: a claim committed but never read would hold its rows
	// for a lease. Rows claimed as the sender stops are given back below.
	claimCtx, cancelClaim := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelClaim()
	rows, err := s.store.ClaimOutbox(claimCtx, store.ClaimParams{Channels: channels, Proactive: proactive, Limit: batch,
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
		if err := s.deliver(ctx, row, now.Add(s.cfg.Lease)); err != nil {
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

// deliver sends one claimed row (held until claimedUntil), part after part, and records the outcome.
// Bookkeeping runs on a context that outlives a shutdown so a message that left is always recorded as
// sent.
func (s *Sender) deliver(ctx context.Context, row store.OutboxMessage, claimedUntil time.Time) error {
	book, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ch := row.Channel
	now := s.cfg.Clock.Now()
	if row.Proactive && !s.cfg.Hours.Open(now) {
		s.metrics.Outbound(row.Channel, "postponed")
		return s.store.Postpone(book, row.ID, s.cfg.Hours.Next(now))
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
		if err := s.waitSlot(ctx, ch, row.Proactive); err != nil {
			return s.store.Release(book, []int64{row.ID})
		}
		// Waiting for the slot may have taken long: the bookkeeping of this part gets its own time.
		book, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if i > row.PartsSent && ctx.Err() != nil {
			// Stopping between two parts: the rest goes on the next run, from this part.
			return s.store.Release(book, []int64{row.ID})
		}
		// The row must still be this sender's when the part leaves: waiting for a slot may have
		// taken long. The claim is renewed once half of it is gone.
		if now := s.cfg.Clock.Now(); now.After(claimedUntil.Add(-s.cfg.Lease / 2)) {
			held, err := s.store.RenewClaim(book, store.RenewParams{ID: row.ID, ClaimID: claimID(row), Now: now,
				Lease: s.cfg.Lease})
			if err != nil {
				return err
			}
			if !held {
				return nil // the claim ran out and the row went back to the queue, or to another sender
			}
			claimedUntil = now.Add(s.cfg.Lease)
		}
		id, found, err := s.reconcile(book, t, row, parts[i])
		if err != nil {
			return s.failed(book, row, &domain.SendError{Code: "reconcile", Err: err})
		}
		if !found {
			start := time.Now()
			// A send that started finishes even if the sender is stopping: cutting it could leave a
			// message the provider accepted recorded as unsent, and sent twice. The transports bound
			// every call with their own timeout.
			id, err = t.Send(context.WithoutCancel(ctx), row.Address, parts[i])
			s.metrics.SendTime(row.Channel, time.Since(start))
		}
		// The send may have taken long too: what it did is recorded on time of its own.
		book, cancel = context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err != nil {
			return s.failed(book, row, classify(err))
		}
		if i == 0 && row.PartsSent == 0 {
			row.ProviderMessageID = &id
		}
		if i == len(parts)-1 {
			break // the last part: recorded with the message, in one write
		}
		if err := s.store.RecordPartSent(book, row.ID, i+1, id); err != nil {
			return err
		}
	}
	provider := ""
	if row.ProviderMessageID != nil {
		provider = *row.ProviderMessageID
	}
	s.metrics.Outbound(row.Channel, "sent")
	book, cancel = context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	segments := 0
	if ch == domain.SMS {
		for _, p := range parts {
			_, n := render.SMSSegments(p.Text)
			segments += n
		}
	}
	return s.store.MarkSent(book, row.ID, provider, segments, s.cfg.Clock.Now())
}

// reconcile looks for a part of a row in doubt among what the provider accepted since the dead
// sender claimed it: found, it is recorded with the provider's id instead of being sent again. An id
// already recorded for another row is not this part (the same words sent twice on purpose). A row
// not in doubt, or a transport that cannot tell, is not looked for.
func (s *Sender) reconcile(ctx context.Context, t Transport, row store.OutboxMessage, part domain.Part) (string, bool, error) {
	rec, ok := t.(Reconciler)
	if row.InDoubtSince == nil || !ok {
		return "", false, nil
	}
	ids, err := rec.Accepted(ctx, row.Address, row.InDoubtSince.Add(-reconcileSlack), part.Text)
	if err != nil || len(ids) == 0 {
		return "", false, err
	}
	known, err := s.store.OutboxSent(ctx, ids)
	if err != nil {
		return "", false, err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(known, func(m store.OutboxMessage) bool {
			return m.ID != row.ID && m.ProviderMessageID != nil && *m.ProviderMessageID == id
		}) {
			s.metrics.Outbound(row.Channel, "reconciled")
			s.log.Info("sender: a message in doubt was found at the provider, not sent again", "outbox_id", row.ID)
			return id, true, nil
		}
	}
	return "", false, nil
}

// claimID is the claim a sender holds a row by (0, which no claim has, if none).
func claimID(row store.OutboxMessage) int64 {
	if row.ClaimID == nil {
		return 0
	}
	return *row.ClaimID
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
		if se.RetryAfter > 0 {
			// The provider's limit is the account's: every sender of every replica waits.
			pause := min(se.RetryAfter, time.Minute)
			if err := s.store.PauseSending(ctx, row.Channel, s.cfg.RateClock.Now().Add(pause)); err != nil {
				return err
			}
		}
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

// waitSlot waits for a slot to send on channel ch from the schedule every replica shares (replies
// first); it returns ctx's error when ctx ends first.
func (s *Sender) waitSlot(ctx context.Context, ch domain.Channel, proactive bool) error {
	if s.cfg.Unlimited {
		return nil
	}
	for {
		now := s.cfg.RateClock.Now()
		slot, err := s.store.TakeSendSlot(ctx, store.SlotParams{Channel: ch, PerSecond: s.rates[ch], Proactive: proactive,
			Now: now, Due: s.cfg.Clock.Now()})
		if err != nil {
			return err
		}
		wait := slot.At.Sub(now)
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		if !slot.Reserved {
			continue
		}
		// A slot is kept only by a send that leaves on time: one woken late (a busy machine) would
		// leave beside the next slot's, and two slots' sends would share a moment, over the limit in
		// that sliding second though not in its calendar second. A sender that waited for its slot and
		// woke more than a quarter of the slots' spacing late (at least a millisecond) takes another.
		if wait > 0 && s.cfg.RateClock.Now().Sub(slot.At) > max(time.Duration(float64(time.Second)/s.rates[ch]/4), time.Millisecond) {
			s.metrics.Outbound(ch, "slot_missed")
			continue
		}
		return nil
	}
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
