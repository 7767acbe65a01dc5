package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"stagebot/domain"
	"time"
)

// hostContactColumns reads a host_contacts row into HostContact.
const hostContactColumns = `id, host_id, name, COALESCE(phone, '') AS phone, COALESCE(email, '') AS email, lang,
	COALESCE(telegram_chat_id, '') AS telegram_chat_id`

// HostContactsByAddress finds the host contacts writing from a channel's address: the phone (E.164)
// on "sms" and "whatsapp", the linked chat on "telegram". One person may be a contact of several
// hosts. ErrNotFound when nobody matches or the channel is another.
func (c Conn) HostContactsByAddress(ctx context.Context, channel domain.Channel, address string) ([]HostContact, error) {
	var column string
	switch channel {
	case domain.SMS, domain.WhatsApp:
		column = "phone"
	case domain.Telegram:
		column = "telegram_chat_id"
	default:
		return nil, fmt.Errorf("host contact on %q: %w", channel, ErrNotFound)
	}
	var contacts []HostContact
	if err := c.all(ctx, &contacts, `SELECT `+hostContactColumns+` FROM host_contacts WHERE `+column+` = $1
		ORDER BY id`, address); err != nil {
		return nil, fmt.Errorf("host contacts on %s: %w", channel, err)
	}
	if len(contacts) == 0 {
		return nil, fmt.Errorf("host contact on %s: %w", channel, ErrNotFound)
	}
	return contacts, nil
}

// CreateLinkCode makes a single-use code, valid for ttl from now, with which a host contact links
// their Telegram chat (LinkTelegram): 24 URL-safe characters from crypto/rand. ErrNotFound when
// there is no such contact.
func (c Conn) CreateLinkCode(ctx context.Context, contactID int64, ttl time.Duration, now time.Time) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("link code for contact %d: ttl %v is not positive", contactID, ttl)
	}
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("link code: %w", err)
	}
	code := base64.RawURLEncoding.EncodeToString(b)
	_, err := c.q.ExecContext(ctx, `INSERT INTO host_link_codes (code, contact_id, expires_at) VALUES ($1, $2, $3)`,
		code, contactID, now.Add(ttl))
	if isForeignKeyViolation(err) {
		return "", fmt.Errorf("link code for contact %d: %w", contactID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("link code for contact %d: %w", contactID, err)
	}
	return code, nil
}

// LinkTelegram uses a link code, in one transaction: the code's contact gets chatID as their
// Telegram chat and the code is spent. One person may link the same chat for several hosts. A used,
// expired or unknown code is ErrNotFound.
func (c Conn) LinkTelegram(ctx context.Context, code, chatID string, now time.Time) (HostContact, error) {
	if chatID == "" {
		return HostContact{}, errors.New("link telegram: empty chat id")
	}
	var hc HostContact
	err := c.atomically(ctx, func(c Conn) error {
		var contactID int64
		if err := c.get(ctx, &contactID, `UPDATE host_link_codes SET used_at = $2
			WHERE code = $1 AND used_at IS NULL AND expires_at > $2 RETURNING contact_id`, code, now); err != nil {
			return fmt.Errorf("link code: %w", err)
		}
		if err := c.get(ctx, &hc, `UPDATE host_contacts SET telegram_chat_id = $1 WHERE id = $2
			RETURNING `+hostContactColumns, chatID, contactID); err != nil {
			return fmt.Errorf("link telegram chat to contact %d: %w", contactID, err)
		}
		return nil
	})
	return hc, err
}
