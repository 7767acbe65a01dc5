package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"stagebot/domain"

	"github.com/lib/pq"
)

// OutboxMessage is a reply waiting to be sent, or sent.
type OutboxMessage struct {
	ID                int64           `db:"id"`
	Channel           domain.Channel  `db:"channel"`
	Address           string          `db:"address"`
	Lang              string          `db:"lang"`
	Body              string          `db:"body"`
	Choices           json.RawMessage `db:"choices"`
	Status            string          `db:"status"`
	Attempts          int             `db:"attempts"`
	ProviderMessageID *string         `db:"provider_message_id"`
	CreatedAt         time.Time       `db:"created_at"` // when it was queued (the service's clock), and first due
	PartsSent         int             `db:"parts_sent"` // parts of a long message already sent
	Proactive         bool            `db:"proactive"`  // not an answer to the person's last message
	StudentID         *int64          `db:"student_id"` // the student it is about, erased with them
	Reminder          *string         `db:"reminder"`   // the reminder it was queued for ("kind/subject/due"), if any
	ClaimID           *int64          `db:"claim_id"`   // the claim a sender holds it by (ClaimOutbox), if it does
	// InDoubtSince is set when a sender died holding the row: the provider may have accepted parts of
	// it since then that nobody recorded (RequeueExpired).
	InDoubtSince *time.Time `db:"in_doubt_since"`
}

// Enqueue adds a message to the outbox, queued and due at m.CreatedAt (the service's clock), and
// wakes the senders once the transaction commits (see AddWaker; other replicas hear a NOTIFY
// "outbox", coalesced).
func (c Conn) Enqueue(ctx context.Context, m OutboxMessage) (int64, error) {
	if m.Choices == nil {
		m.Choices = json.RawMessage("[]")
	}
	if m.CreatedAt.IsZero() {
		return 0, errors.New("enqueue: no time given (CreatedAt)")
	}
	var id int64
	if err := c.get(ctx, &id, `INSERT INTO outbox (channel, address, lang, body, choices, proactive, student_id,
			created_at, next_attempt_at, reminder)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id`, m.Channel, m.Address, m.Lang, m.Body, m.Choices,
		m.Proactive, m.StudentID, m.CreatedAt, m.Reminder); err != nil {
		return 0, fmt.Errorf("enqueue: %w", err)
	}
	if c.queued != nil {
		*c.queued = c.queued.or(laneOf(m.Proactive)) // the senders are woken after the commit
	} else {
		c.wake.queued(laneOf(m.Proactive))
	}
	return id, nil
}

// PendingFor lists the messages not yet sent to one address, oldest first.
func (c Conn) PendingFor(ctx context.Context, channel domain.Channel, address string) ([]OutboxMessage, error) {
	var ms []OutboxMessage
	err := c.all(ctx, &ms, `SELECT id, channel, address, lang, body, choices, status, attempts,
		provider_message_id, created_at, parts_sent, proactive, student_id, reminder FROM outbox
		WHERE channel = $1 AND address = $2 AND status = 'pending' ORDER BY id`, channel, address)
	if err != nil {
		return nil, fmt.Errorf("pending messages: %w", err)
	}
	return ms, nil
}

// MarkSent records that a message left, with the provider's id for it and the SMS segments it took
// (0 off SMS).
func (c Conn) MarkSent(ctx context.Context, id int64, providerMessageID string, segments int, at time.Time) error {
	_, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'sent', provider_message_id = $2, sent_at = $3,
		claimed_until = NULL, segments = $4 WHERE id = $1 AND status IN ('pending', 'sending')`, id, providerMessageID, at,
		segments)
	if err != nil {
		return fmt.Errorf("mark sent: %w", err)
	}
	return nil
}

// DropPending fails, at time at, what was queued before at for a person who sent STOP: nothing more
// goes to them but the confirmation of their STOP, queued in the same transaction.
func (c Conn) DropPending(ctx context.Context, channel domain.Channel, address string, at time.Time) error {
	if _, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'failed', error_code = 'stopped', status_at = $3
		WHERE channel = $1 AND address = $2 AND status = 'pending' AND created_at < $3`, channel, address, at); err != nil {
		return fmt.Errorf("drop pending: %w", err)
	}
	return nil
}

// PendingAll lists every message not yet sent, oldest first (for the console, which stands in
// for every channel at once).
func (c Conn) PendingAll(ctx context.Context) ([]OutboxMessage, error) {
	var ms []OutboxMessage
	if err := c.all(ctx, &ms, `SELECT id, channel, address, lang, body, choices, status, attempts,
		provider_message_id, created_at, parts_sent, proactive, student_id, reminder FROM outbox WHERE status = 'pending' ORDER BY id`); err != nil {
		return nil, fmt.Errorf("pending messages: %w", err)
	}
	return ms, nil
}

// FallBackToSMS sends again by SMS, in one transaction, a WhatsApp message that may no longer be sent
// free-form (outside WhatsApp's 24-hour window): a copy is queued on SMS at time at, for the same
// number, and the WhatsApp row is closed. It returns the new row's id.
func (c Conn) FallBackToSMS(ctx context.Context, row OutboxMessage, at time.Time) (int64, error) {
	var id int64
	err := c.atomically(ctx, func(c Conn) error {
		var err error
		id, err = c.Enqueue(ctx, OutboxMessage{Channel: domain.SMS, Address: strings.TrimPrefix(row.Address, "whatsapp:"),
			Lang: row.Lang, Body: row.Body, Choices: row.Choices, Proactive: row.Proactive, StudentID: row.StudentID,
			Reminder: row.Reminder, CreatedAt: at})
		if err != nil {
			return err
		}
		return c.MarkFailed(ctx, row.ID, "whatsapp_window_sms_fallback", at)
	})
	if err != nil {
		return 0, fmt.Errorf("whatsapp fallback: %w", err)
	}
	return id, nil
}

// MaxOutboxID is the id of the last outbox row (0 when empty).
func (c Conn) MaxOutboxID(ctx context.Context) (int64, error) {
	var id int64
	if err := c.get(ctx, &id, `SELECT coalesce(max(id), 0) FROM outbox`); err != nil {
		return 0, fmt.Errorf("max outbox id: %w", err)
	}
	return id, nil
}

// OutboxAfter lists the outbox rows with an id above after, in order.
func (c Conn) OutboxAfter(ctx context.Context, after int64) ([]OutboxMessage, error) {
	var ms []OutboxMessage
	if err := c.all(ctx, &ms, `SELECT id, channel, address, lang, body, choices, status, attempts,
		provider_message_id, created_at, parts_sent, proactive, student_id, reminder FROM outbox
		WHERE id > $1 ORDER BY id`, after); err != nil {
		return nil, fmt.Errorf("outbox after %d: %w", after, err)
	}
	return ms, nil
}

// OutboxSent lists the outbox rows sent with one of the given provider ids (the id of a message's
// first part), in the order of ids.
func (c Conn) OutboxSent(ctx context.Context, providerIDs []string) ([]OutboxMessage, error) {
	var ms []OutboxMessage
	if err := c.all(ctx, &ms, `SELECT id, channel, address, lang, body, choices, status, attempts,
		provider_message_id, created_at, parts_sent, proactive, student_id, reminder FROM outbox
		WHERE provider_message_id = ANY($1) ORDER BY id`, pq.StringArray(providerIDs)); err != nil {
		return nil, fmt.Errorf("outbox sent: %w", err)
	}
	return ms, nil
}

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

// Postpone gives a claimed row back untried until at (the sending hours open), undoing the attempt the claim counted.
func (c Conn) Postpone(ctx context.Context, id int64, at time.Time) error {
	_, err := c.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', claimed_until = NULL, next_attempt_at = $2,
		attempts = greatest(attempts - 1, 0) WHERE id = $1 AND status = 'sending'`, id, at)
	if err != nil {
		return fmt.Errorf("postpone: %w", err)
	}
	return nil
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
