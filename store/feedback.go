package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// FeedbackParams is what a student or a host said of a stage: a mark from 1 to 5 and a word.
type FeedbackParams struct {
	ApplicationID int64
	Author        string // "student" or "host"
	Mark          int
	Word          string // up to 60 characters; "" for none
	At            time.Time
}

// SaveFeedback keeps what a student or a host said of a confirmed stage (said again, it replaces
// what was said). ErrNotFound when the application is not a confirmed stage.
func (c Conn) SaveFeedback(ctx context.Context, p FeedbackParams) error {
	if p.At.IsZero() {
		return errors.New("save feedback: no time given")
	}
	var word *string
	if p.Word != "" {
		w := []rune(p.Word)
		if len(w) > 60 {
			w = w[:60]
		}
		s := string(w)
		word = &s
	}
	res, err := c.q.ExecContext(ctx, `INSERT INTO feedback (application_id, host_id, author, mark, word, at)
		SELECT a.id, o.host_id, $2, $3, $4, $5 FROM applications a JOIN offers o ON o.id = a.offer_id
		WHERE a.id = $1 AND a.state = 'confirmed'
		ON CONFLICT (application_id, author) DO UPDATE SET mark = excluded.mark, word = excluded.word, at = excluded.at`,
		p.ApplicationID, p.Author, p.Mark, word, p.At)
	if err != nil {
		return fmt.Errorf("save feedback: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("feedback on application %d: %w", p.ApplicationID, ErrNotFound)
	}
	return nil
}

// HostFeedback sums up what students and hosts said of one host's stages.
type HostFeedback struct {
	HostID       int64    `db:"host_id"`
	Host         string   `db:"host"`
	StudentMarks int      `db:"student_marks"` // marks students gave
	StudentMean  *float64 `db:"student_mean"`  // their mean, nil when none
	HostMarks    int      `db:"host_marks"`    // marks the host gave its students
	HostMean     *float64 `db:"host_mean"`
}

// FeedbackByHost sums the marks up host by host, the hosts with marks only, by name.
func (c Conn) FeedbackByHost(ctx context.Context) ([]HostFeedback, error) {
	var out []HostFeedback
	if err := c.all(ctx, &out, `SELECT f.host_id, h.name AS host,
		count(*) FILTER (WHERE f.author = 'student') AS student_marks,
		round(avg(f.mark) FILTER (WHERE f.author = 'student'), 2)::float8 AS student_mean,
		count(*) FILTER (WHERE f.author = 'host') AS host_marks,
		round(avg(f.mark) FILTER (WHERE f.author = 'host'), 2)::float8 AS host_mean
		FROM feedback f JOIN hosts h ON h.id = f.host_id
		GROUP BY f.host_id, h.name ORDER BY h.name`); err != nil {
		return nil, fmt.Errorf("feedback by host: %w", err)
	}
	return out, nil
}

// LastStage is a student's confirmed stage whose week has begun by today, the latest; ErrNotFound
// when there is none.
func (c Conn) LastStage(ctx context.Context, studentID int64, today time.Time) (int64, error) {
	var id int64
	if err := c.get(ctx, &id, `SELECT id FROM applications WHERE student_id = $1 AND state = 'confirmed'
		AND week_start <= $2::date ORDER BY week_start DESC, id DESC LIMIT 1`, studentID, day(dateOf(today))); err != nil {
		return 0, fmt.Errorf("last stage of student %d: %w", studentID, err)
	}
	return id, nil
}
