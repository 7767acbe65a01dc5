package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"stagebot/domain"
)

// InboundMessage is one message received from a provider.
type InboundMessage struct {
	Channel    domain.Channel
	ProviderID string // the provider's id: Telegram update_id, Twilio MessageSid
	Address    string
	Body       string
	ReceivedAt time.Time
}

// Arrival is what the workflow needs to know of a message as it arrives: whether it is new, and who
// sent it.
type Arrival struct {
	Fresh       bool          // false: the provider delivered this message before, and nothing was stored
	Contacts    []HostContact // the host contacts writing from this address (one person may be several)
	Parent      *Parent       // the parent with this phone (SMS and WhatsApp only), if any
	IsStudent   bool          // a student signed up from this address
	Unreachable bool          // the address was marked unreachable on this channel
}

// Arrive records a received message once, by its provider id, and in the same round trip reads who
// sent it: host contacts, parent, student, and whether the address was marked unreachable. When the
// message is a repeat, only Fresh (false) is meaningful.
func (c Conn) Arrive(ctx context.Context, m InboundMessage) (Arrival, error) {
	contactColumn := "telegram_chat_id"
	if m.Channel.Phone() {
		contactColumn = "phone"
	}
	var r struct {
		Fresh       bool   `db:"fresh"`
		Contacts    []byte `db:"contacts"`
		Parent      []byte `db:"parent"`
		IsStudent   bool   `db:"is_student"`
		Unreachable bool   `db:"unreachable"`
	}
	err := c.get(ctx, &r, `
		WITH recorded AS (
			INSERT INTO inbound_messages (channel, provider_id, address, body, received_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, provider_id) DO NOTHING RETURNING id)
		SELECT EXISTS (SELECT 1 FROM recorded) AS fresh,
		       (SELECT coalesce(json_agg(json_build_object('id', id, 'host_id', host_id, 'name', name,
		                   'phone', coalesce(phone, ''), 'email', coalesce(email, ''), 'lang', lang,
		                   'telegram_chat_id', coalesce(telegram_chat_id, '')) ORDER BY id), '[]')
		        FROM host_contacts WHERE `+contactColumn+` = $3) AS contacts,
		       (SELECT json_build_object('id', id, 'phone', phone, 'lang', lang) FROM parents
		        WHERE $6 AND phone = $3) AS parent,
		       EXISTS (SELECT 1 FROM students WHERE channel = $1 AND address = $3) AS is_student,
		       EXISTS (SELECT 1 FROM unreachable WHERE channel = $1 AND address = $3) AS unreachable`,
		m.Channel, m.ProviderID, m.Address, m.Body, m.ReceivedAt, m.Channel.Phone())
	if err != nil {
		return Arrival{}, fmt.Errorf("record inbound message: %w", err)
	}
	a := Arrival{Fresh: r.Fresh, IsStudent: r.IsStudent, Unreachable: r.Unreachable}
	var contacts []struct {
		ID             int64  `json:"id"`
		HostID         int64  `json:"host_id"`
		Name           string `json:"name"`
		Phone          string `json:"phone"`
		Email          string `json:"email"`
		Lang           string `json:"lang"`
		TelegramChatID string `json:"telegram_chat_id"`
	}
	if err := json.Unmarshal(r.Contacts, &contacts); err != nil {
		return Arrival{}, fmt.Errorf("host contacts of a message: %w", err)
	}
	for _, hc := range contacts {
		a.Contacts = append(a.Contacts, HostContact(hc))
	}
	if r.Parent != nil {
		var p struct {
			ID    int64  `json:"id"`
			Phone string `json:"phone"`
			Lang  string `json:"lang"`
		}
		if err := json.Unmarshal(r.Parent, &p); err != nil {
			return Arrival{}, fmt.Errorf("parent of a message: %w", err)
		}
		a.Parent = &Parent{ID: p.ID, Phone: p.Phone, Lang: p.Lang}
	}
	return a, nil
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
