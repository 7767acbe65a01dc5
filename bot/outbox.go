package bot

import (
	"context"
	"encoding/json"
	"fmt"

	"stagebot/domain"
	"stagebot/store"
)

// sendProactive queues a message nobody just asked for, unless its recipient sent STOP (on either
// channel of a phone number). about is the student the message is about (0: none): it is erased
// with them.
func (ib *Inbox) sendProactive(ctx context.Context, tx txn, channel domain.Channel, address, lang string, r domain.Reply,
	about int64) error {
	_, err := ib.sendProactiveCounted(ctx, tx, channel, address, lang, r, about)
	return err
}

// sendProactiveCounted is sendProactive, reporting whether the message was queued: not for someone
// who sent STOP, nor for an address that cannot be reached.
func (ib *Inbox) sendProactiveCounted(ctx context.Context, tx txn, channel domain.Channel, address, lang string,
	r domain.Reply, about int64) (bool, error) {
	if r.Text == "" {
		return false, nil
	}
	if ok, err := ib.canWrite(ctx, tx, channel, address); err != nil || !ok {
		return false, err
	}
	return true, ib.enqueue(ctx, tx, channel, address, lang, r, true, about)
}

// canWrite reports whether a message nobody asked for may go to a person: not after their STOP, nor
// to an address found unreachable.
func (ib *Inbox) canWrite(ctx context.Context, tx txn, channel domain.Channel, address string) (bool, error) {
	stopped, err := ib.stopped(ctx, tx, channel, address)
	if err != nil || stopped {
		return false, err
	}
	unreachable, _, err := tx.IsUnreachable(ctx, channel, address)
	return !unreachable, err
}

// stopped reports whether a person sent STOP: on the channel, or for a phone number on SMS or
// WhatsApp, either.
func (ib *Inbox) stopped(ctx context.Context, tx txn, channel domain.Channel, address string) (bool, error) {
	channels := []domain.Channel{channel}
	if channel.Phone() {
		channels = []domain.Channel{domain.SMS, domain.WhatsApp}
	}
	for _, ch := range channels {
		if stopped, err := tx.OptedOut(ctx, ch, address); err != nil || stopped {
			return stopped, err
		}
	}
	return false, nil
}

// reply queues a conversation's direct answers, ahead of the notices its effects send to others.
// about is the student they speak of (0: none), so that they go when the student is erased.
func (ib *Inbox) reply(ctx context.Context, tx txn, conv store.Conversation, lang string, replies []domain.Reply,
	about int64) error {
	for _, r := range replies {
		if err := ib.enqueue(ctx, tx, conv.Channel, conv.Address, lang, r, false, about); err != nil {
			return err
		}
	}
	return nil
}

// enqueue queues one reply for the sender, at the transaction's time; about is the student it
// concerns (0: none).
func (ib *Inbox) enqueue(ctx context.Context, tx txn, channel domain.Channel, address, lang string, r domain.Reply,
	proactive bool, about int64) error {
	choices, err := json.Marshal(r.Choices)
	if err != nil {
		return fmt.Errorf("encode choices: %w", err)
	}
	m := store.OutboxMessage{Channel: channel, Address: address, Lang: lang, Body: r.Text, Choices: choices,
		Proactive: proactive, CreatedAt: tx.now, Reminder: tx.reminder}
	if about != 0 {
		m.StudentID = &about
	}
	_, err = tx.Enqueue(ctx, m)
	return err
}
