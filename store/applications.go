package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"stagebot/calendar"
	"stagebot/domain"
)

// ErrTransition is returned when an application cannot move to the asked state, or not by that
// actor (domain.CanMove).
var ErrTransition = errors.New("store: application transition not allowed")

// ApplyParams ask for a new application.
type ApplyParams struct {
	StudentID  int64
	OfferID    int64
	Motivation string
	Now        time.Time // the service's clock: when the application is made, and whose day is "today"
	Rules      Rules     // the season's: release, application window, most live applications
}

// ApplyResult is what became of an application: its id and state when it was made, or why not.
type ApplyResult struct {
	ID      int64
	State   domain.ApplicationState // AwaitingParent, or Sent when the parent had already agreed
	Problem domain.Problem
	OpensOn *time.Time // with ApplyNotOpen: the day applications open
}

// Apply creates an application of the student to an offer for their stage week, after checking in
// one transaction every rule that can refuse it (the season's application window, the parent's
// consent, a confirmed stage, the week, the age for a private employer, the week's deadline, the
// places left for this student, the number of live applications). It answers with the reason when
// it refuses.
//
// With the parent's consent already granted, the application goes straight to the host: it is
// recorded as two events, created awaiting_parent by the student then sent by the parent (their
// standing consent), so that the history only holds moves the transitions table allows.
func (c Conn) Apply(ctx context.Context, p ApplyParams) (ApplyResult, error) {
	var res ApplyResult
	err := c.atomically(ctx, func(c Conn) error {
		var err error
		res, err = c.apply(ctx, p)
		return err
	})
	return res, err
}

func (c Conn) apply(ctx context.Context, p ApplyParams) (ApplyResult, error) {
	var student Student
	if err := c.get(ctx, &student, `SELECT id, stage_week, consent FROM students WHERE id = $1 FOR UPDATE`,
		p.StudentID); err != nil {
		return ApplyResult{}, fmt.Errorf("apply: student %d: %w", p.StudentID, err)
	}
	refuse := func(problem domain.Problem) (ApplyResult, error) {
		return ApplyResult{Problem: problem}, nil
	}
	today := calendar.Day(p.Now)
	switch {
	case p.Rules.OpensOn != nil && today.Before(calendar.Day(*p.Rules.OpensOn)):
		return ApplyResult{Problem: domain.ProblemNotOpen, OpensOn: p.Rules.OpensOn}, nil
	case p.Rules.ClosesOn != nil && today.After(calendar.Day(*p.Rules.ClosesOn)):
		return refuse(domain.ProblemClosed)
	case student.Consent.Refused():
		return refuse(domain.ProblemNoConsent)
	}
	offer, err := c.offerFor(ctx, OfferParams{StudentID: p.StudentID, OfferID: p.OfferID, Today: p.Now,
		ReleaseDate: p.Rules.ReleaseDate})
	switch {
	case errors.Is(err, ErrNotFound):
		return refuse(domain.ProblemNotFound)
	case err != nil:
		return ApplyResult{}, fmt.Errorf("apply: %w", err)
	}
	var live struct {
		Count     int  `db:"count"`
		Confirmed bool `db:"confirmed"`
	}
	if err := c.get(ctx, &live, `SELECT count(*) AS count, bool_or(state = `+sqlState(domain.Confirmed)+`) IS TRUE
		AS confirmed FROM applications WHERE student_id = $1 AND state IN `+liveStates(), p.StudentID); err != nil {
		return ApplyResult{}, fmt.Errorf("apply: count applications: %w", err)
	}
	switch {
	case live.Confirmed:
		return refuse(domain.ProblemPlaced)
	case offer.AlreadyApplied:
		return refuse(domain.ProblemAlready)
	case !offer.RunsInWeek:
		return refuse(domain.ProblemNotWeek)
	case offer.TooYoung:
		return refuse(domain.ProblemTooYoung)
	case offer.Deadline != nil && offer.Deadline.Before(today):
		return refuse(domain.ProblemClosed)
	case offer.PlacesLeft <= 0:
		return refuse(domain.ProblemFull)
	case p.Rules.MaxApplications > 0 && live.Count >= p.Rules.MaxApplications:
		return refuse(domain.ProblemTooMany)
	}
	state := domain.AwaitingParent
	if student.Consent == domain.ConsentGranted {
		state = domain.Sent
	}
	if p.Now.IsZero() {
		return ApplyResult{}, errors.New("apply: no time given")
	}
	var id int64
	err = c.get(ctx, &id, `INSERT INTO applications (student_id, offer_id, week_start, state, motivation, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, p.StudentID, p.OfferID, student.StageWeek, state, p.Motivation, p.Now)
	if IsUniqueViolation(err) {
		return refuse(domain.ProblemAlready)
	}
	if err != nil {
		return ApplyResult{}, fmt.Errorf("apply: %w", err)
	}
	if err := c.recordEvent(ctx, id, "", domain.AwaitingParent, domain.ByStudent, p.Now); err != nil {
		return ApplyResult{}, err
	}
	if state == domain.Sent {
		if err := c.recordEvent(ctx, id, domain.AwaitingParent, domain.Sent, domain.ByParent, p.Now); err != nil {
			return ApplyResult{}, err
		}
	}
	return ApplyResult{ID: id, State: state}, nil
}

// Applications lists a student's applications, live ones first, newest first.
func (c Conn) Applications(ctx context.Context, studentID int64) ([]domain.ApplicationSummary, error) {
	var rows []struct {
		ID         int64                   `db:"id"`
		OfferID    int64                   `db:"offer_id"`
		OfferTitle string                  `db:"title"`
		HostName   string                  `db:"host_name"`
		Week       time.Time               `db:"week_start"`
		State      domain.ApplicationState `db:"state"`
		CreatedAt  time.Time               `db:"created_at"`
	}
	err := c.all(ctx, &rows, `SELECT a.id, a.offer_id, o.title, h.name AS host_name, a.week_start, a.state, a.created_at
		FROM applications a JOIN offers o ON o.id = a.offer_id JOIN hosts h ON h.id = o.host_id
		WHERE a.student_id = $1
		ORDER BY a.state IN `+liveStates()+` DESC, a.created_at DESC, a.id DESC`, studentID)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	apps := make([]domain.ApplicationSummary, len(rows))
	for i, r := range rows {
		apps[i] = domain.ApplicationSummary{ID: r.ID, OfferID: r.OfferID, OfferTitle: r.OfferTitle,
			HostName: r.HostName, Week: r.Week, State: r.State, CreatedAt: r.CreatedAt}
	}
	return apps, nil
}

// MoveApplication moves one application of a student to state to at time at, if actor may; it
// returns ErrTransition when the application's current state does not allow it and ErrNotFound when
// the student has no such application.
func (c Conn) MoveApplication(ctx context.Context, studentID, applicationID int64, to domain.ApplicationState, actor domain.Actor,
	at time.Time) error {
	return c.atomically(ctx, func(c Conn) error {
		var from domain.ApplicationState
		if err := c.get(ctx, &from, `SELECT state FROM applications WHERE id = $1 AND student_id = $2 FOR UPDATE`,
			applicationID, studentID); err != nil {
			return fmt.Errorf("application %d: %w", applicationID, err)
		}
		return c.move(ctx, applicationID, from, to, actor, at)
	})
}

// move moves an application, locked in state from by the caller's transaction, to state to at time
// at if actor may, and records the event.
func (c Conn) move(ctx context.Context, applicationID int64, from, to domain.ApplicationState, actor domain.Actor, at time.Time) error {
	if !domain.CanMove(from, to, actor) {
		return fmt.Errorf("application %d: %s → %s by %s: %w", applicationID, from, to, actor, ErrTransition)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE applications SET state = $2, updated_at = $3 WHERE id = $1`,
		applicationID, to, at); err != nil {
		return fmt.Errorf("move application %d: %w", applicationID, err)
	}
	return c.recordEvent(ctx, applicationID, from, to, actor, at)
}

func (c Conn) recordEvent(ctx context.Context, applicationID int64, from, to domain.ApplicationState, actor domain.Actor, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("record application event %d: no time given", applicationID)
	}
	var fromState *domain.ApplicationState
	if from != "" {
		fromState = &from
	}
	if _, err := c.q.ExecContext(ctx, `INSERT INTO application_events (application_id, from_state, to_state, actor, at)
		VALUES ($1, $2, $3, $4, $5)`, applicationID, fromState, to, actor, at); err != nil {
		return fmt.Errorf("record application event: %w", err)
	}
	return nil
}

// dateOf is the calendar day of t in Paris.
func dateOf(t time.Time) time.Time { return calendar.Day(t) }
