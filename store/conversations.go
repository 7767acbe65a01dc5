package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"stagebot/domain"
	"time"
)

// Conversation is one person's conversation on one channel: the saved session of the state machine.
type Conversation struct {
	Channel       domain.Channel  `db:"channel"`
	Address       string          `db:"address"`
	State         string          `db:"state"`
	Session       json.RawMessage `db:"session"`
	Lang          string          `db:"lang"`
	OptedOut      bool            `db:"opted_out"`
	LastInboundAt *time.Time      `db:"last_inbound_at"`
}

// LockConversation returns the conversation of (channel, address), creating it at time now when new,
// and locks its row until the transaction ends: two messages from one person never interleave.
func (c Conn) LockConversation(ctx context.Context, channel domain.Channel, address string, now time.Time) (Conversation, error) {
	var conv Conversation
	lock := func() error {
		return c.get(ctx, &conv, `SELECT channel, address, state, session, lang, opted_out, last_inbound_at
		FROM conversations WHERE channel = $1 AND address = $2 FOR UPDATE`, channel, address)
	}
	err := lock()
	if errors.Is(err, ErrNotFound) {
		// A first message: one round trip more, only this once.
		if _, err := c.q.ExecContext(ctx, `INSERT INTO conversations (channel, address, state, created_at, updated_at)
			VALUES ($1, $2, '', $3, $3) ON CONFLICT DO NOTHING`, channel, address, now); err != nil {
			return Conversation{}, fmt.Errorf("create conversation: %w", err)
		}
		err = lock()
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("lock conversation: %w", err)
	}
	return conv, nil
}

// Conversation returns the conversation of (channel, address) without locking it; ErrNotFound if
// the person never wrote.
func (c Conn) Conversation(ctx context.Context, channel domain.Channel, address string) (Conversation, error) {
	var conv Conversation
	if err := c.get(ctx, &conv, `SELECT channel, address, state, session, lang, opted_out, last_inbound_at
		FROM conversations WHERE channel = $1 AND address = $2`, channel, address); err != nil {
		return Conversation{}, fmt.Errorf("conversation: %w", err)
	}
	return conv, nil
}

// SaveConversation writes the conversation's session, state, language and opt-out, at time now.
func (c Conn) SaveConversation(ctx context.Context, conv Conversation, now time.Time) error {
	_, err := c.q.ExecContext(ctx, `UPDATE conversations SET state = $3, session = $4, lang = $5,
		opted_out = $6, last_inbound_at = $7, updated_at = $8 WHERE channel = $1 AND address = $2`,
		conv.Channel, conv.Address, conv.State, conv.Session, conv.Lang, conv.OptedOut, conv.LastInboundAt, now)
	if err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	return nil
}

// OptedOut reports whether the person on (channel, address) sent STOP and not START since.
func (c Conn) OptedOut(ctx context.Context, channel domain.Channel, address string) (bool, error) {
	var out bool
	err := c.get(ctx, &out, `SELECT opted_out FROM conversations WHERE channel = $1 AND address = $2`, channel, address)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("opted out: %w", err)
	}
	return out, nil
}

// SetOptedOut records at once, at time now, that the person on (channel, address) sent STOP (true) or
// START (false), so that the rest of the transaction already sends them nothing.
func (c Conn) SetOptedOut(ctx context.Context, channel domain.Channel, address string, out bool, now time.Time) error {
	if _, err := c.q.ExecContext(ctx, `UPDATE conversations SET opted_out = $3, updated_at = $4
		WHERE channel = $1 AND address = $2`, channel, address, out, now); err != nil {
		return fmt.Errorf("set opted out: %w", err)
	}
	return nil
}
