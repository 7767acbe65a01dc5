package bot

import (
	"context"
	"errors"

	"stagebot/calendar"
	"stagebot/conversation"
	"stagebot/store"
)

// The scheduled jobs. Every replica runs them; the database makes each reminder go once.

// DayBefore reminds each student whose confirmed stage starts tomorrow, and their parent, where and
// when to go. It returns how many stages were reminded.
func (ib *Inbox) DayBefore(ctx context.Context) (int, error) {
	now := ib.now()
	tomorrow := calendar.Day(now).AddDate(0, 0, 1)
	n := 0
	err := ib.inTx(ctx, now, func(tx txn) error {
		n = 0
		apps, err := tx.ConfirmedStartingOn(ctx, tomorrow)
		if err != nil {
			return err
		}
		for _, app := range apps {
			first, err := tx.ClaimReminder(ctx, app.ID, "day_before", now)
			if err != nil {
				return err
			}
			if !first {
				continue
			}
			if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeDayBefore, app)); err != nil {
				return err
			}
			if err := ib.tellParent(ctx, tx, app, conversation.NoticeDayBefore); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// ExpireOverdue expires the places hosts accepted and students did not confirm in time, freeing
// them, and tells the students and the hosts. Each is expired in a transaction of its own that takes
// the student's conversation first, like every other transaction. It returns how many expired.
func (ib *Inbox) ExpireOverdue(ctx context.Context) (int, error) {
	now := ib.now()
	ids, err := ib.store.Overdue(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := ib.inTx(ctx, now, func(tx txn) error {
			app, err := tx.ApplicationByID(ctx, id)
			if err != nil {
				return err
			}
			if _, err := tx.LockConversation(ctx, app.StudentChannel, app.StudentAddress, tx.now); err != nil {
				return err
			}
			app, expired, err := tx.ExpireIfOverdue(ctx, id, now)
			if err != nil || !expired {
				return err
			}
			n++
			if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeExpired, app)); err != nil {
				return err
			}
			return ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeExpired, app))
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) { // erased meanwhile: nothing to expire
			return n, err
		}
	}
	return n, nil
}
