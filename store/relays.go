package store

import (
	"context"
	"fmt"
	"stagebot/domain"
	"time"
)

// Relay is one message relayed between a host and a student about an application, kept so that
// the parent can read them.
type Relay struct {
	ApplicationID int64                 `db:"application_id"`
	HostName      string                `db:"host_name"`
	Direction     domain.RelayDirection `db:"direction"`
	Body          string                `db:"body"`
	At            time.Time             `db:"at"`
}

// RecordRelay keeps a message relayed about an application. ErrNotFound when there is no such
// application.
func (c Conn) RecordRelay(ctx context.Context, applicationID int64, direction domain.RelayDirection, body string,
	at time.Time) error {
	if direction != domain.HostToStudent && direction != domain.StudentToHost {
		return fmt.Errorf("record relay: unknown direction %q", direction)
	}
	_, err := c.q.ExecContext(ctx, `INSERT INTO relayed_messages (application_id, direction, body, at)
		VALUES ($1, $2, $3, $4)`, applicationID, direction, body, at)
	if isForeignKeyViolation(err) {
		return fmt.Errorf("record relay: application %d: %w", applicationID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("record relay: application %d: %w", applicationID, err)
	}
	return nil
}

// RelaysForStudent lists the messages relayed between a student and hosts, oldest first.
func (c Conn) RelaysForStudent(ctx context.Context, studentID int64) ([]Relay, error) {
	var relays []Relay
	if err := c.all(ctx, &relays, `SELECT r.application_id, h.name AS host_name, r.direction, r.body, r.at
		FROM relayed_messages r
		JOIN applications a ON a.id = r.application_id
		JOIN offers o ON o.id = a.offer_id
		JOIN hosts h ON h.id = o.host_id
		WHERE a.student_id = $1
		ORDER BY r.at, r.id`, studentID); err != nil {
		return nil, fmt.Errorf("relays for student %d: %w", studentID, err)
	}
	return relays, nil
}
