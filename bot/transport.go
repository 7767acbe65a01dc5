package bot

import (
	"context"
	"errors"
	"fmt"
	"stagebot/domain"
	"time"
)

// Transport sends messages on one channel through its provider. Each provider adapter (Telegram,
// Twilio) implements it; nothing outside the adapter imports the provider's library.
type Transport interface {
	// Channel is the channel this transport sends on.
	Channel() domain.Channel
	// Parts renders a reply into the messages to send, in order: more than one when the reply is
	// longer than the channel allows.
	Parts(lang string, reply domain.Reply) []Part
	// Send sends one part to address and returns the provider's id for it. Errors that say more than
	// "try again" are *SendError.
	Send(ctx context.Context, address string, part Part) (providerID string, err error)
}

// Part is one provider message: text, and for Telegram the buttons under it.
type Part struct {
	Text    string
	Buttons [][]Button // Telegram only; nil elsewhere
}

// SendError is a provider's refusal, classified.
type SendError struct {
	Code        string        // the provider's code, e.g. "telegram:403", "twilio:21610"
	Permanent   bool          // trying again will not help
	Unreachable bool          // the person cannot be reached on this channel (blocked, unsubscribed, invalid number)
	RetryAfter  time.Duration // the provider asked to wait this long (rate limit)
	Err         error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("send failed (%s): %v", e.Code, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// classify reads any error from a transport: a *SendError as it says, anything else (network
// error, timeout, a 5xx HTML page) as transient.
func classify(err error) *SendError {
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	return &SendError{Code: "transient", Err: err}
}
