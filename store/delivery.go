package store

import (
	"context"
	"errors"
	"fmt"
	"stagebot/domain"
	"time"

	"github.com/lib/pq"
)

// ClaimParams say which outbox rows a sender may take.
type ClaimParams struct {
	Channels  []domain.Channel // the channels this sender can send on
	Proactive bool             // the lane: messages nobody just asked for (true), or replies (false)
	Limit     int              // rows at most
	Lease     time.Duration    // how long the rows stay the sender's before another may retry them
	ChatGap   time.Duration    // Telegram: the least time between two messages to one chat
	Now       time.Time
}

// ClaimOutbox takes due rows of one lane (replies, or the others) for a sender and marks them
// "sending" until the lease ends. It takes, for each address, only its oldest unsent row of the lane
// and only when nothing else of the lane to that address is being sent, so one person's messages
// leave in order (a reminder held for the night never holds a reply back); several senders never
// take the same row.
func (c Conn) ClaimOutbox(ctx context.Context, p ClaimParams) ([]OutboxMessage, error) {
	var ms []OutboxMessage
	err := c.all(ctx, &ms, `
		WITH due AS (
			SELECT o.id FROM outbox o
			WHERE o.status = 'pending' AND o.next_attempt_at <= $1 AND o.channel = ANY($2) AND o.proactive = $6
			  AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.channel = o.channel AND e.address = o.address
			                  AND e.proactive = o.proactive AND e.id < o.id AND e.status IN ('pending', 'sending'))
			  AND NOT EXISTS (SELECT 1 FROM outbox r WHERE o.channel = 'telegram' AND r.channel = o.channel
			                  AND r.address = o.address AND r.sent_at > $1 - $5 * interval '1 millisecond')
			ORDER BY o.next_attempt_at, o.id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		UPDATE outbox SET status = 'sending', attempts = outbox.attempts + 1, claimed_at = $1,
		       claimed_until = $1 + $4 * interval '1 millisecond', claim_id = nextval('outbox_claims')
		FROM due WHERE outbox.id = due.id
		RETURNING outbox.id, outbox.channel, outbox.address, outbox.lang, outbox.body, outbox.choices,
		          outbox.status, outbox.attempts, outbox.provider_message_id, outbox.created_at, outbox.parts_sent,
		          outbox.proactive, outbox.student_id, outbox.reminder, outbox.claim_id, outbox.in_doubt_since`,
		p.Now, pq.Array(channelStrings(p.Channels)), p.Limit, p.Lease.Milliseconds(), p.ChatGap.Milliseconds(), p.Proactive)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return ms, nil
}

// RequeueExpired puts back rows whose sender's lease ran out (the sender died mid-send) so another
// sender retries them from the first part not recorded as sent. Such a row is in doubt from when it
// was claimed: the provider may have accepted a part the dead sender did not record, and the next
// sender asks the provider before sending it again (see the sender's Reconciler).
func (c Conn) RequeueExpired(ctx context.Context, now time.Time) (int64, error) {
	res, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', claimed_until = NULL,
		in_doubt_since = coalesce(in_doubt_since, claimed_at, created_at)
		WHERE status = 'sending' AND claimed_until < $1`, now)
	if err != nil {
		return 0, fmt.Errorf("requeue expired: %w", err)
	}
	return res.RowsAffected()
}

// RecordPartSent records that the first parts of a long message left; a retry resumes after them.
// The first part's provider id is kept as the message's.
func (c Conn) RecordPartSent(ctx context.Context, id int64, parts int, providerMessageID string) error {
	_, err := c.q.ExecContext(ctx, `UPDATE outbox SET parts_sent = $2,
		provider_message_id = coalesce(provider_message_id, $3) WHERE id = $1`, id, parts, providerMessageID)
	if err != nil {
		return fmt.Errorf("record part sent: %w", err)
	}
	return nil
}

// ScheduleRetry gives a row back to the queue, to be tried again at next.
func (c Conn) ScheduleRetry(ctx context.Context, id int64, next time.Time, errorCode string) error {
	_, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', next_attempt_at = $2, claimed_until = NULL,
		error_code = $3 WHERE id = $1 AND status = 'sending'`, id, next, errorCode)
	if err != nil {
		return fmt.Errorf("schedule retry: %w", err)
	}
	return nil
}

// MarkFailed gives up on a row for good.
func (c Conn) MarkFailed(ctx context.Context, id int64, errorCode string, at time.Time) error {
	_, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'failed', error_code = $2, claimed_until = NULL,
		status_at = $3 WHERE id = $1`, id, errorCode, at)
	if err != nil {
		return fmt.Errorf("mark failed: %w", err)
	}
	return nil
}

// deliveryRank orders statuses so a late callback never moves a message backwards.
const deliveryRank = `CASE %s WHEN 'pending' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2 ELSE 3 END`

// UpdateDeliveryStatus applies a provider's status callback (sent, delivered, undelivered, failed) to
// the row with that provider id. A callback that arrives after a later status is ignored, and so is
// one about a row the sender still holds or will retry (the first part of a long message may be
// delivered while the rest waits): the sender's own record comes first. It reports whether a row
// changed.
func (c Conn) UpdateDeliveryStatus(ctx context.Context, providerMessageID string, status domain.DeliveryStatus,
	errorCode string, at time.Time) (bool, error) {
	res, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = $2, error_code = nullif($3, ''), status_at = $4
		WHERE provider_message_id = $1 AND status NOT IN ('pending', 'sending')
		  AND `+fmt.Sprintf(deliveryRank, "$2::text")+` > `+fmt.Sprintf(deliveryRank, "status")+``,
		providerMessageID, status, errorCode, at)
	if err != nil {
		return false, fmt.Errorf("update delivery status: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// MarkUnreachable remembers that a provider said a person cannot be reached on a channel (blocked
// the bot, unsubscribed, invalid number) and fails what is still queued for them there.
func (c Conn) MarkUnreachable(ctx context.Context, channel domain.Channel, address, reason string, at time.Time) error {
	if _, err := c.q.ExecContext(ctx, `INSERT INTO unreachable (channel, address, reason, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (channel, address) DO UPDATE SET reason = EXCLUDED.reason, at = EXCLUDED.at`,
		channel, address, reason, at); err != nil {
		return fmt.Errorf("mark unreachable: %w", err)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'failed', error_code = $3, status_at = $4
		WHERE channel = $1 AND address = $2 AND status = 'pending'`, channel, address, reason, at); err != nil {
		return fmt.Errorf("fail queued messages: %w", err)
	}
	return nil
}

// ClearUnreachable forgets that a person was unreachable on a channel (they wrote to us again).
func (c Conn) ClearUnreachable(ctx context.Context, channel domain.Channel, address string) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM unreachable WHERE channel = $1 AND address = $2`, channel, address); err != nil {
		return fmt.Errorf("clear unreachable: %w", err)
	}
	return nil
}

// IsUnreachable reports whether a person is known to be unreachable on a channel, and why.
func (c Conn) IsUnreachable(ctx context.Context, channel domain.Channel, address string) (bool, string, error) {
	var reason string
	err := c.get(ctx, &reason, `SELECT reason FROM unreachable WHERE channel = $1 AND address = $2`, channel, address)
	if errors.Is(err, ErrNotFound) {
		return false, "", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("is unreachable: %w", err)
	}
	return true, reason, nil
}

// OutboxDepth counts the rows waiting to be sent, per channel.
func (c Conn) OutboxDepth(ctx context.Context) (map[domain.Channel]int, error) {
	var rows []struct {
		Channel domain.Channel `db:"channel"`
		N       int            `db:"n"`
	}
	if err := c.all(ctx, &rows, `SELECT channel, count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')
		GROUP BY channel`); err != nil {
		return nil, fmt.Errorf("outbox depth: %w", err)
	}
	depth := map[domain.Channel]int{}
	for _, r := range rows {
		depth[r.Channel] = r.N
	}
	return depth, nil
}

// Release gives claimed rows back to the queue untried (a sender shutting down), undoing the attempt
// the claim counted.
func (c Conn) Release(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', claimed_until = NULL,
		attempts = greatest(attempts - 1, 0) WHERE id = ANY($1) AND status = 'sending'`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	return nil
}

// Postpone gives a claimed row back untried until at (quiet hours), undoing the attempt the claim counted.
func (c Conn) Postpone(ctx context.Context, id int64, at time.Time) error {
	_, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', claimed_until = NULL, next_attempt_at = $2,
		attempts = greatest(attempts - 1, 0) WHERE id = $1 AND status = 'sending'`, id, at)
	if err != nil {
		return fmt.Errorf("postpone: %w", err)
	}
	return nil
}

// LastInbound returns when a person last wrote on a channel (nil if never).
func (c Conn) LastInbound(ctx context.Context, channel domain.Channel, address string) (*time.Time, error) {
	var at *time.Time
	err := c.get(ctx, &at, `SELECT last_inbound_at FROM conversations WHERE channel = $1 AND address = $2`, channel, address)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last inbound: %w", err)
	}
	return at, nil
}

// RenewClaim extends the lease of a row a sender claimed (by the claim's id, see ClaimOutbox) and
// is about to send, and reports whether the row is still that claim's: false when the lease ran
// out and the row went back to the queue, or to another sender, meanwhile (the caller must not
// send it). A claim whose lease ran out but that nobody took over is still held.
func (c Conn) RenewClaim(ctx context.Context, p RenewParams) (bool, error) {
	res, err := c.q.ExecContext(ctx, `UPDATE outbox SET claimed_until = $2::timestamptz + $3 * interval '1 millisecond'
		WHERE id = $1 AND status = 'sending' AND claim_id = $4`, p.ID, p.Now, p.Lease.Milliseconds(), p.ClaimID)
	if err != nil {
		return false, fmt.Errorf("renew claim: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RenewParams renew one claim of an outbox row.
type RenewParams struct {
	ID      int64 // the outbox row
	ClaimID int64 // the claim, as ClaimOutbox returned it
	Now     time.Time
	Lease   time.Duration
}

// channelStrings writes channels as the text the database keeps.
func channelStrings(channels []domain.Channel) []string {
	out := make([]string, len(channels))
	for i, ch := range channels {
		out[i] = string(ch)
	}
	return out
}

// SlotParams ask for one send slot of a channel.
type SlotParams struct {
	Channel   domain.Channel
	PerSecond float64   // the channel's rate, summed over every sender of every replica
	Bulk      bool      // a message nobody just asked for: it yields to a reply waiting on the channel
	Now       time.Time // physical time: the bucket is shared by every replica
	Due       time.Time // the service's clock: replies due by then go before a bulk message
}

// PauseSending stops every sender of every replica from sending on a channel until until (physical
// time): the provider said to slow down (Twilio's 429, Telegram's retry_after), and its limit is the
// account's, not one replica's. No slot is given before until.
func (c Conn) PauseSending(ctx context.Context, channel domain.Channel, until time.Time) error {
	if _, err := c.q.ExecContext(ctx, `INSERT INTO send_rates (channel, tokens, updated_at) VALUES ($1, 0, $2)
		ON CONFLICT (channel) DO UPDATE SET updated_at = greatest(send_rates.updated_at, $2)`,
		channel, until); err != nil {
		return fmt.Errorf("pause sending on %s: %w", channel, err)
	}
	return nil
}

// Slot is a send slot of a channel: reserved at At, or not reserved (a bulk message must ask again
// at At).
type Slot struct {
	Reserved bool
	At       time.Time // physical time
}

// TakeSendSlot reserves the channel's next send slot from the schedule every replica shares
// (send_rates.updated_at is the next free slot, a generic cell rate algorithm): slots are 1/PerSecond
// apart, so the channel's rate holds however many senders run, and a backlog keeps it at the limit
// (a slot is never lost while someone waits). The sender sends at the slot's time. A bulk message
// yields to a reply due on the channel, and reserves only the next slot, not one further ahead:
// replies are never queued behind bulk messages.
//
// It is the pool's, never a transaction's: each slot commits at once (see below).
func (st *Store) TakeSendSlot(ctx context.Context, p SlotParams) (Slot, error) {
	c := st.Conn
	if p.PerSecond <= 0 {
		return Slot{Reserved: true, At: p.Now}, nil
	}
	step := time.Duration(float64(time.Second) / p.PerSecond)
	if p.Bulk {
		var replyWaiting bool
		if err := c.get(ctx, &replyWaiting, `SELECT EXISTS (SELECT 1 FROM outbox WHERE channel = $1
			AND NOT proactive AND status = 'pending' AND next_attempt_at <= $2)`, p.Channel, p.Due); err != nil {
			return Slot{}, fmt.Errorf("send slot: %w", err)
		}
		if replyWaiting {
			return Slot{At: p.Now.Add(step)}, nil
		}
	}
	var r struct {
		Next time.Time  `db:"next"`
		Slot *time.Time `db:"slot"`
	}
	take := func() error {
		// Every send of every replica takes the channel's one row in turn, and holds it until its
		// commit: the commit does not wait for the disk (synchronous_commit off, for this statement
		// only), or the flush of the write-ahead log bounds a channel's sends to about 190 a second
		// whatever the provider allows. What a crash of Postgres can lose is the last fraction of a
		// second of the schedule: a few messages may then leave early, never one twice.
		return c.get(ctx, &r, `
			WITH nowait AS (SELECT set_config('synchronous_commit', 'off', true)),
			p AS (SELECT updated_at AS next FROM send_rates WHERE channel = $1 FOR UPDATE),
			u AS (UPDATE send_rates s SET updated_at = greatest(p.next, $2::timestamptz) + $3::bigint * interval '1 microsecond'
			      FROM p WHERE s.channel = $1
			        AND (NOT $4::boolean OR p.next <= $2::timestamptz + $3::bigint * interval '1 microsecond')
			      RETURNING greatest(p.next, $2::timestamptz) AS slot)
			SELECT p.next, (SELECT slot FROM u) AS slot FROM p, nowait`, p.Channel, p.Now, step.Microseconds(), p.Bulk)
	}
	err := take()
	if errors.Is(err, ErrNotFound) {
		// The channel's first send: its schedule is made (one round trip more, once).
		if _, err := c.q.ExecContext(ctx, `INSERT INTO send_rates (channel, tokens, updated_at) VALUES ($1, 0, $2)
			ON CONFLICT DO NOTHING`, p.Channel, p.Now); err != nil {
			return Slot{}, fmt.Errorf("send slot: %w", err)
		}
		err = take()
	}
	if err != nil {
		return Slot{}, fmt.Errorf("send slot: %w", err)
	}
	if r.Slot == nil {
		return Slot{At: r.Next.Add(-step)}, nil // the schedule is full further than the next slot
	}
	return Slot{Reserved: true, At: *r.Slot}, nil
}
