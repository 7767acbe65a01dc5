package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"stagebot/domain"
)

// HostName reads a host structure's name.
func (c Conn) HostName(ctx context.Context, hostID int64) (string, error) {
	var name string
	if err := c.get(ctx, &name, `SELECT name FROM hosts WHERE id = $1`, hostID); err != nil {
		return "", fmt.Errorf("host %d: %w", hostID, err)
	}
	return name, nil
}

// HostIDByRef finds a host structure by its reference in the offers file.
func (c Conn) HostIDByRef(ctx context.Context, ref string) (int64, error) {
	var id int64
	if err := c.get(ctx, &id, `SELECT id FROM hosts WHERE ref = $1`, ref); err != nil {
		return 0, fmt.Errorf("host %q: %w", ref, err)
	}
	return id, nil
}

// reachableContact is the SQL condition that host contact hc can be written to: on its channel
// (Telegram when linked, SMS otherwise) it has not sent STOP (for a phone, on SMS nor WhatsApp) and
// is not unreachable.
const reachableContact = `EXISTS (SELECT 1 FROM (SELECT
		CASE WHEN hc.telegram_chat_id IS NOT NULL THEN 'telegram' ELSE 'sms' END AS channel,
		coalesce(hc.telegram_chat_id, hc.phone) AS address) x
	WHERE x.address IS NOT NULL
	  AND NOT EXISTS (SELECT 1 FROM conversations cv WHERE cv.address = x.address AND cv.opted_out
	                  AND (cv.channel = x.channel OR x.channel = 'sms' AND cv.channel = 'whatsapp'))
	  AND NOT EXISTS (SELECT 1 FROM unreachable u WHERE u.channel = x.channel AND u.address = x.address))`

// RefreshHostReachable records, at time at, whether a host still has a contact stagebot can write
// to (see reachableContact). A host with none is hidden from search (unreachable_since is set) until
// one is back. It reports whether the host has just become unreachable: its pending requests are
// then to be closed (CloseHostRequests).
func (c Conn) RefreshHostReachable(ctx context.Context, hostID int64, at time.Time) (lost bool, err error) {
	var r struct {
		Since     *time.Time `db:"unreachable_since"`
		Reachable bool       `db:"reachable"`
	}
	if err := c.get(ctx, &r, `SELECT h.unreachable_since,
		EXISTS (SELECT 1 FROM host_contacts hc WHERE hc.host_id = h.id AND `+reachableContact+`) AS reachable
		FROM hosts h WHERE h.id = $1 FOR UPDATE`, hostID); err != nil {
		return false, fmt.Errorf("host %d reachable: %w", hostID, err)
	}
	switch {
	case r.Reachable && r.Since != nil:
		_, err = c.q.ExecContext(ctx, `UPDATE hosts SET unreachable_since = NULL WHERE id = $1`, hostID)
	case !r.Reachable && r.Since == nil:
		if at.IsZero() {
			return false, errors.New("host reachable: no time given")
		}
		_, err = c.q.ExecContext(ctx, `UPDATE hosts SET unreachable_since = $2 WHERE id = $1`, hostID, at)
		lost = true
	}
	if err != nil {
		return false, fmt.Errorf("host %d reachable: %w", hostID, err)
	}
	return lost, nil
}

// HostReachable reports whether a host has a contact stagebot can write to.
func (c Conn) HostReachable(ctx context.Context, hostID int64) (bool, error) {
	var ok bool
	if err := c.get(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM host_contacts hc WHERE hc.host_id = $1 AND `+
		reachableContact+`)`, hostID); err != nil {
		return false, fmt.Errorf("host %d reachable: %w", hostID, err)
	}
	return ok, nil
}

// CloseHostRequests cancels, at time at, the requests on a host's offers that wait for its answer or
// for a parent's agreement: the host can no longer be written to. Accepted and confirmed stages stay.
// It returns the applications cancelled.
func (c Conn) CloseHostRequests(ctx context.Context, hostID int64, at time.Time) ([]ApplicationInfo, error) {
	var apps []ApplicationInfo
	err := c.atomically(ctx, func(c Conn) error {
		var err error
		apps, err = c.moveAll(ctx, `offer_id IN (SELECT id FROM offers WHERE host_id = $1) AND state IN (`+
			sqlState(domain.AwaitingParent)+`, `+sqlState(domain.Sent)+`)`, []any{hostID}, domain.Cancelled, domain.BySystem, at)
		return err
	})
	return apps, err
}

// CancelApplication cancels, at time at, one application that waits for a parent or a host
// (awaiting_parent or sent): used when its request could not be sent to any contact of the host. It
// reports false when the application was not in one of those states.
func (c Conn) CancelApplication(ctx context.Context, id int64, at time.Time) (ApplicationInfo, bool, error) {
	var apps []ApplicationInfo
	err := c.atomically(ctx, func(c Conn) error {
		var err error
		apps, err = c.moveAll(ctx, `id = $1 AND state IN (`+sqlState(domain.AwaitingParent)+`, `+
			sqlState(domain.Sent)+`)`, []any{id}, domain.Cancelled, domain.BySystem, at)
		return err
	})
	if err != nil || len(apps) == 0 {
		return ApplicationInfo{}, false, err
	}
	return apps[0], true, nil
}
