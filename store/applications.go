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
	student, err := c.applicant(ctx, p.StudentID, true)
	if err != nil {
		return ApplyResult{}, fmt.Errorf("apply: %w", err)
	}
	offer, err := c.offerFor(ctx, OfferParams{StudentID: p.StudentID, OfferID: p.OfferID, Today: p.Now, Rules: p.Rules})
	switch {
	case errors.Is(err, ErrNotFound):
		return ApplyResult{Problem: domain.ProblemNotFound}, nil
	case err != nil:
		return ApplyResult{}, fmt.Errorf("apply: %w", err)
	}
	if problem, opensOn := applyProblem(p.Rules, p.Now, student, offer); problem != domain.NoProblem {
		return ApplyResult{Problem: problem, OpensOn: opensOn}, nil
	}
	state := domain.AwaitingParent
	if student.Consent == domain.ConsentGranted {
		state = domain.Sent
	}
	if p.Now.IsZero() {
		return ApplyResult{}, errors.New("apply: no time given")
	}
	var id int64
	err = c.get(ctx, &id, `INSERT INTO applications (student_id, offer_id, week_start, state, motivation, created_at,
		updated_at, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6, CASE WHEN $4 = 'sent' THEN $6::timestamptz END) RETURNING id`,
		p.StudentID, p.OfferID, student.StageWeek, state, p.Motivation, p.Now)
	if IsUniqueViolation(err) {
		return ApplyResult{Problem: domain.ProblemAlready}, nil
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

// applicant is what the rules of an application read about a student.
type applicant struct {
	ID        int64          `db:"id"`
	StageWeek time.Time      `db:"stage_week"`
	Consent   domain.Consent `db:"consent"`
	Live      int            `db:"live"`      // live applications
	Confirmed bool           `db:"confirmed"` // one of them is a confirmed stage
}

// applicant reads a student for the application rules; lock holds their row until the transaction
// ends (two applications of one student are then made one after the other).
func (c Conn) applicant(ctx context.Context, studentID int64, lock bool) (applicant, error) {
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE OF s"
	}
	var a applicant
	if err := c.get(ctx, &a, `SELECT s.id, s.stage_week, s.consent,
		(SELECT count(*) FROM applications a WHERE a.student_id = s.id AND a.state IN `+liveStates()+`) AS live,
		EXISTS (SELECT 1 FROM applications a WHERE a.student_id = s.id AND a.state = `+sqlState(domain.Confirmed)+`) AS confirmed
		FROM students s WHERE s.id = $1`+forUpdate, studentID); err != nil {
		return applicant{}, fmt.Errorf("student %d: %w", studentID, err)
	}
	return a, nil
}

// applyProblem is why student may not apply to offer on the day of now under rules, checked in the
// order a student would want to hear it: the season's window, the parent's refusal, a confirmed
// stage, an application already made, the week, the age, the week's deadline, the places left, and
// the number of live applications. The offer's page and the application itself both ask it, so
// that a student is told before writing a motivation.
func applyProblem(rules Rules, now time.Time, st applicant, offer studentOffer) (domain.Problem, *time.Time) {
	today := calendar.Day(now)
	switch {
	case rules.OpensOn != nil && today.Before(calendar.Day(*rules.OpensOn)):
		return domain.ProblemNotOpen, rules.OpensOn
	case rules.ClosesOn != nil && today.After(calendar.Day(*rules.ClosesOn)):
		return domain.ProblemClosed, nil
	case st.Consent.Refused():
		return domain.ProblemNoConsent, nil
	case st.Confirmed:
		return domain.ProblemPlaced, nil
	case offer.AlreadyApplied:
		return domain.ProblemAlready, nil
	case !offer.RunsInWeek:
		return domain.ProblemNotWeek, nil
	case offer.TooYoung:
		return domain.ProblemTooYoung, nil
	case offer.Deadline != nil && offer.Deadline.Before(today):
		return domain.ProblemClosed, nil
	case offer.PlacesLeft <= 0:
		return domain.ProblemFull, nil
	case rules.MaxApplications > 0 && st.Live >= rules.MaxApplications:
		return domain.ProblemTooMany, nil
	}
	return domain.NoProblem, nil
}

// Applications lists a student's applications, live ones first, newest first; those a host took
// carry where and when to go.
func (c Conn) Applications(ctx context.Context, studentID int64) ([]domain.ApplicationSummary, error) {
	var rows []struct {
		ID         int64                   `db:"id"`
		OfferID    int64                   `db:"offer_id"`
		OfferTitle string                  `db:"title"`
		HostName   string                  `db:"host_name"`
		Week       time.Time               `db:"week_start"`
		State      domain.ApplicationState `db:"state"`
		Full       bool                    `db:"full"`
		CreatedAt  time.Time               `db:"created_at"`
		Address    string                  `db:"address"`
		Hours      string                  `db:"daily_hours"`
		Contact    string                  `db:"contact_name"`
	}
	err := c.all(ctx, &rows, `SELECT a.id, a.offer_id, o.title, h.name AS host_name, a.week_start, a.state, a.created_at,
		a.state = `+sqlState(domain.Declined)+` AND EXISTS (SELECT 1 FROM application_events e WHERE e.application_id = a.id
			AND e.to_state = `+sqlState(domain.Declined)+` AND e.actor = 'system') AS full,
		o.address, o.daily_hours,
		coalesce((SELECT hc.name FROM host_contacts hc WHERE hc.host_id = h.id ORDER BY hc.id LIMIT 1), '') AS contact_name
		FROM applications a JOIN offers o ON o.id = a.offer_id JOIN hosts h ON h.id = o.host_id
		WHERE a.student_id = $1
		ORDER BY a.state IN `+liveStates()+` DESC, a.created_at DESC, a.id DESC`, studentID)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	apps := make([]domain.ApplicationSummary, len(rows))
	for i, r := range rows {
		apps[i] = domain.ApplicationSummary{ID: r.ID, OfferID: r.OfferID, OfferTitle: r.OfferTitle,
			HostName: r.HostName, Week: r.Week, State: r.State, Full: r.Full, CreatedAt: r.CreatedAt}
		if r.State.HoldsPlace() {
			apps[i].Stage = domain.StageDetails{Address: r.Address, Hours: r.Hours, Contact: r.Contact}
		}
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
	if _, err := c.q.ExecContext(ctx, `UPDATE applications SET state = $2, updated_at = $3,
		sent_at = CASE WHEN $2 = 'sent' THEN $3 ELSE sent_at END WHERE id = $1`,
		applicationID, to, at); err != nil {
		return fmt.Errorf("move application %d: %w", applicationID, err)
	}
	if err := c.recordEvent(ctx, applicationID, from, to, actor, at); err != nil {
		return err
	}
	if from == domain.Confirmed {
		// The agreement follows its stage.
		return c.cancelAgreementOf(ctx, applicationID, at)
	}
	return nil
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
