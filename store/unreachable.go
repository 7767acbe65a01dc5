package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"stagebot/domain"
)

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
