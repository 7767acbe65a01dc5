package domain

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Channel is how a person reaches stagebot. SMS and WhatsApp show choices as a numbered menu,
// Telegram as buttons.
type Channel string

// The channels.
const (
	SMS      Channel = "sms"
	WhatsApp Channel = "whatsapp"
	Telegram Channel = "telegram"
)

// Phone reports whether the channel's addresses are phone numbers (E.164): SMS and WhatsApp.
func (c Channel) Phone() bool { return c == SMS || c == WhatsApp }

// Inbound is one message from a person, whatever the channel it came by: each channel adapter turns
// its provider's events into it.
type Inbound struct {
	Channel    Channel
	ProviderID string // unique per channel: a repeat with the same id is ignored
	Address    string // E.164 phone number, or Telegram chat id
	Text       string
	Choice     string // a pressed button's key (Telegram callback data)
	Media      bool   // carried a photo, sticker, voice note… with no text
	Start      string // a Telegram /start deep-link payload
	ReceivedAt time.Time
}

// ErrDuplicate says a provider delivered a message again that was already handled: nothing was done.
var ErrDuplicate = errors.New("message already handled")

// Reply is one message to a person, channel-neutral: the conversation writes it, the outbox keeps
// it, the renderer turns it into Parts for a channel.
type Reply struct {
	Text    string   `json:"text"`
	Choices []Choice `json:"choices,omitempty"`
}

// Choice is one option offered with a reply: a button on Telegram, a numbered line on SMS. The
// person picks it by its number, its label, or by pressing its button.
type Choice struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Number string `json:"number,omitempty"` // what to type to pick it; "" for its position from 1
}

// NumberOf is the number of the i-th choice (from 0): its Number, or else its position from 1.
func NumberOf(choices []Choice, i int) string {
	if n := choices[i].Number; n != "" {
		return n
	}
	return strconv.Itoa(i + 1)
}

// Part is one provider message: text, and for Telegram the buttons under it.
type Part struct {
	Text    string
	Buttons [][]Button // rows of buttons, top to bottom; nil when there is no choice (and off Telegram)
}

// Button is one inline keyboard button. Data is the choice's key, sent back as callback data.
// Telegram takes 1 to 64 bytes of callback data: keys are the conversation's own short codes, so a
// longer (or empty) key is a programming error; it is passed on unchanged and Telegram will refuse
// the message (BUTTON_DATA_INVALID).
type Button struct {
	Label string
	Data  string
}

// SendError is a provider's refusal to send, classified by the channel adapter.
type SendError struct {
	Code        string        // the provider's code, e.g. "telegram:403", "twilio:21610"
	Permanent   bool          // trying again will not help
	Unreachable bool          // the person cannot be reached on this channel (blocked, unsubscribed, invalid number)
	RetryAfter  time.Duration // the provider asked to wait this long (rate limit)
	Err         error
}

func (e *SendError) Error() string { return fmt.Sprintf("send failed (%s): %v", e.Code, e.Err) }

// Unwrap returns the provider's error.
func (e *SendError) Unwrap() error { return e.Err }

// Delivery statuses of a sent message, as the outbox records them; a status never moves back.
type DeliveryStatus string

// The statuses a provider reports after a send.
const (
	StatusSent        DeliveryStatus = "sent"
	StatusDelivered   DeliveryStatus = "delivered"
	StatusUndelivered DeliveryStatus = "undelivered"
	StatusFailed      DeliveryStatus = "failed"
)

// DeliveryReport is what a provider said of a message it was given (a status callback).
type DeliveryReport struct {
	ProviderID string // the provider's id of the message
	Status     DeliveryStatus
	ErrorCode  string // "twilio:30005"; empty when none
	// Unreachable is set when the error code says the recipient cannot be reached on Channel at
	// Address (unsubscribed, unknown number): they are remembered as such.
	Unreachable bool
	Channel     Channel
	Address     string
}

// Unreachable is a provider saying that a person cannot be reached on a channel, when a send of
// outbox row OutboxID (0 if none) was refused.
type Unreachable struct {
	Channel  Channel
	Address  string
	Reason   string // the provider's code
	OutboxID int64
}
