package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"stagebot/domain"
)

// SlotParams ask for one send slot of a channel.
type SlotParams struct {
	Channel   domain.Channel
	PerSecond float64   // the channel's rate, summed over every sender of every replica
	Proactive bool      // a message nobody just asked for: it yields to a reply waiting on the channel
	Now       time.Time // physical time: the bucket is shared by every replica
	Due       time.Time // the service's clock: replies due by then go before a proactive message
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

// Slot is a send slot of a channel: reserved at At, or not reserved (a proactive message must ask again
// at At).
type Slot struct {
	Reserved bool
	At       time.Time // physical time
}

// TakeSendSlot reserves the channel's next send slot from the schedule every replica shares
// (send_rates.updated_at is the next free slot, a generic cell rate algorithm): slots are 1/PerSecond
// apart, so the channel's rate holds however many senders run, and a backlog keeps it at the limit
// (a slot is never lost while someone waits). The sender sends at the slot's time. A proactive message
// yields to a reply due on the channel, and reserves only the next slot, not one further ahead:
// replies are never queued behind proactive messages.
//
// It is the pool's, never a transaction's: each slot commits at once (see below).
func (st *Store) TakeSendSlot(ctx context.Context, p SlotParams) (Slot, error) {
	c := st.Conn
	if p.PerSecond <= 0 {
		return Slot{Reserved: true, At: p.Now}, nil
	}
	step := time.Duration(float64(time.Second) / p.PerSecond)
	if p.Proactive {
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
			SELECT p.next, (SELECT slot FROM u) AS slot FROM p, nowait`, p.Channel, p.Now, step.Microseconds(), p.Proactive)
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
