package bot

import (
	"context"
	"errors"

	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// What the providers say of the messages sent: one transaction each.

// DeliveryReport records a provider's status callback in one transaction: the message's new status
// (a late callback never moves it back), and when the report says so, that its recipient cannot be
// reached (see PersonUnreachable).
func (ib *Inbox) DeliveryReport(ctx context.Context, r domain.DeliveryReport) error {
	now := ib.now()
	return ib.inTx(ctx, now, func(tx txn) error {
		if _, err := tx.UpdateDeliveryStatus(ctx, r.ProviderID, r.Status, r.ErrorCode, now); err != nil {
			return err
		}
		if !r.Unreachable {
			return nil
		}
		return ib.unreachable(ctx, tx, domain.Unreachable{Channel: r.Channel, Address: r.Address, Reason: r.ErrorCode})
	})
}

// PersonUnreachable records, in one transaction, that a provider refused a send because its
// recipient cannot be reached: the outbox row fails, the person is remembered as unreachable on the
// channel (what is still queued for them there fails too); when they were a host's last contact
// that could be written to, the host is hidden and its requests closed; and when they are a parent
// whose child waits for their agreement, the child is asked for another number: a parent who
// cannot be reached must not silently block a student.
func (ib *Inbox) PersonUnreachable(ctx context.Context, u domain.Unreachable) error {
	now := ib.now()
	return ib.inTx(ctx, now, func(tx txn) error { return ib.unreachable(ctx, tx, u) })
}

func (ib *Inbox) unreachable(ctx context.Context, tx txn, u domain.Unreachable) error {
	if u.OutboxID != 0 {
		if err := tx.MarkFailed(ctx, u.OutboxID, u.Reason, tx.now); err != nil {
			return err
		}
	}
	if err := tx.MarkUnreachable(ctx, u.Channel, u.Address, u.Reason, tx.now); err != nil {
		return err
	}
	// A host whose last contact this was can no longer take requests.
	contacts, err := tx.HostContactsByAddress(ctx, u.Channel, u.Address)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	for _, c := range contacts {
		if err := ib.refreshHost(ctx, tx, c.HostID); err != nil {
			return err
		}
	}
	if !u.Channel.Phone() {
		return nil
	}
	parent, err := tx.ParentByPhone(ctx, u.Address)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	children, err := tx.Children(ctx, parent.ID)
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.Consent != domain.ConsentPending {
			continue // the parent answered once: the number works, or they chose to stop
		}
		if err := ib.tellStudent(ctx, tx, store.ApplicationInfo{StudentChannel: c.Channel, StudentAddress: c.Address,
			StudentLang: c.Lang}, conversation.Notice{Kind: conversation.NoticeParentUnreachable}); err != nil {
			return err
		}
	}
	return nil
}
