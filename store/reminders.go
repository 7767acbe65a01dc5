package store

import (
	"context"
	"errors"
	"fmt"
	"stagebot/domain"
	"time"
)

// ConfirmedStartingOn lists the confirmed stages whose week starts on monday.
func (c Conn) ConfirmedStartingOn(ctx context.Context, monday time.Time) ([]ApplicationInfo, error) {
	var apps []ApplicationInfo
	if err := c.all(ctx, &apps, applicationInfo+` WHERE a.state = `+sqlState(domain.Confirmed)+`
		AND a.week_start = $1::date ORDER BY a.id`,
		monday.Format(time.DateOnly)); err != nil {
		return nil, fmt.Errorf("stages starting on %s: %w", monday.Format(time.DateOnly), err)
	}
	return apps, nil
}

// ClaimReminder records that reminder kind about an application is being sent. It reports false
// when it was sent already (by this replica or another): each reminder goes once.
func (c Conn) ClaimReminder(ctx context.Context, applicationID int64, kind domain.ReminderKind, at time.Time) (bool, error) {
	var id int64
	err := c.get(ctx, &id, `INSERT INTO reminders_sent (application_id, kind, at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING RETURNING application_id`, applicationID, kind, at)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim reminder: %w", err)
	}
	return true, nil
}
