package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"stagebot/domain"
	"strings"
	"time"

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
		*c.queued = true // the senders are woken after the commit
	} else {
		c.wake.queued()
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
