package bot

import (
	"context"
	"errors"

	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// The work the scheduler's jobs ask for, one application and one transaction at a time. Each takes
// the student's conversation before the student's rows, like every transaction.

// RemindDayBefore reminds the student of a confirmed stage that starts tomorrow, and their parent,
// where and when to go. The reminder is claimed in the same transaction as its messages, so that it
// goes once however many replicas run the job. It reports whether it was sent now.
func (ib *Inbox) RemindDayBefore(ctx context.Context, applicationID int64) (bool, error) {
	sent := false
	err := ib.onApplication(ctx, applicationID, func(tx txn, app store.ApplicationInfo) error {
		first, err := tx.ClaimReminder(ctx, app.ID, domain.ReminderDayBefore, tx.now)
		if err != nil || !first {
			return err
		}
		sent = true
		if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeDayBefore, app)); err != nil {
			return err
		}
		return ib.tellParent(ctx, tx, app, conversation.NoticeDayBefore)
	})
	return sent, err
}

// ExpireUnconfirmed expires an accepted application whose confirmation deadline has passed,
// freeing its place, and tells the student and the host. It reports whether it expired now.
func (ib *Inbox) ExpireUnconfirmed(ctx context.Context, applicationID int64) (bool, error) {
	expired := false
	err := ib.onApplication(ctx, applicationID, func(tx txn, _ store.ApplicationInfo) error {
		app, ok, err := tx.ExpireIfOverdue(ctx, applicationID, tx.now)
		if err != nil || !ok {
			return err
		}
		expired = true
		if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeExpired, app)); err != nil {
			return err
		}
		if err := ib.tellParent(ctx, tx, app, conversation.NoticeExpired); err != nil {
			return err
		}
		_, err = ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeExpired, app))
		return err
	})
	return expired, err
}

// onApplication runs fn in one transaction on an application, its student's conversation locked
// first. An application erased meanwhile is nothing to do.
func (ib *Inbox) onApplication(ctx context.Context, id int64, fn func(tx txn, app store.ApplicationInfo) error) error {
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		app, err := tx.ApplicationByID(ctx, id)
		if err != nil {
			return err
		}
		if _, err := tx.LockConversation(ctx, app.StudentChannel, app.StudentAddress, tx.now); err != nil {
			return err
		}
		return fn(tx, app)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
