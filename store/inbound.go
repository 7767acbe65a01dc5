package store

import (
	"context"
	"errors"
	"fmt"
	"stagebot/domain"
	"time"
)

// InboundMessage is one message received from a provider.
type InboundMessage struct {
	Channel    domain.Channel
	ProviderID string // the provider's id: Telegram update_id, Twilio MessageSid
	Address    string
	Body       string
	ReceivedAt time.Time
}

// RecordInbound stores a received message once. It reports false, and stores nothing, when the
// provider already delivered a message with the same id.
func (c Conn) RecordInbound(ctx context.Context, m InboundMessage) (bool, error) {
	var id int64
	err := c.get(ctx, &id, `INSERT INTO inbound_messages (channel, provider_id, address, body, received_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, provider_id) DO NOTHING RETURNING id`,
		m.Channel, m.ProviderID, m.Address, m.Body, m.ReceivedAt)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record inbound message: %w", err)
	}
	return true, nil
}
