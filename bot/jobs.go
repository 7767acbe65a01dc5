package bot

import (
	"context"
	"time"

	"stagebot/conversation"
	"stagebot/store"
)

// The scheduled jobs. Every replica runs them; the database makes each reminder go once.

// DayBefore reminds each student whose confirmed stage starts tomorrow, and their parent, where and
// when to go. It returns how many stages were reminded.
func (ib *Inbox) DayBefore(ctx context.Context) (int, error) {
	now := ib.cfg.Now().In(ib.cfg.Location)
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	n := 0
	err := ib.store.InTx(ctx, func(tx *store.Tx) error {
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
// them, and tells the students and the hosts. It returns how many expired.
func (ib *Inbox) ExpireOverdue(ctx context.Context) (int, error) {
	now := ib.cfg.Now()
	n := 0
	err := ib.store.InTx(ctx, func(tx *store.Tx) error {
		apps, err := tx.ExpireOverdue(ctx, now)
		if err != nil {
			return err
		}
		n = len(apps)
		for _, app := range apps {
			if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeExpired, app)); err != nil {
				return err
			}
			if err := ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeExpired, app)); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}
