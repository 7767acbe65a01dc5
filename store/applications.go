package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"stagebot/conversation"
)

// ApplicationState is where an application stands.
type ApplicationState string

// The application states. The happy path is draft → awaiting_parent → sent → accepted → confirmed.
const (
	Draft          ApplicationState = "draft"           // prepared by the student, not submitted
	AwaitingParent ApplicationState = "awaiting_parent" // submitted; waits for the parent's agreement
	Sent           ApplicationState = "sent"            // transmitted to the host
	Accepted       ApplicationState = "accepted"        // the host took the student; a place is held
	Confirmed      ApplicationState = "confirmed"       // the student confirmed: their stage
	Declined       ApplicationState = "declined"        // the host said no
	Withdrawn      ApplicationState = "withdrawn"       // the student (or the parent) withdrew it
	Cancelled      ApplicationState = "cancelled"       // the student confirmed another stage
	Expired        ApplicationState = "expired"         // nobody answered in time
)

// Actor is who moves an application.
type Actor string

// The actors.
const (
	ByStudent Actor = "student"
	ByParent  Actor = "parent"
	ByHost    Actor = "host"
	BySystem  Actor = "system"
)

// transitions is the one place that says who may move an application from one state to another.
var transitions = map[ApplicationState]map[ApplicationState][]Actor{
	Draft:          {AwaitingParent: {ByStudent}, Withdrawn: {ByStudent}},
	AwaitingParent: {Sent: {ByParent}, Withdrawn: {ByStudent, ByParent}, Expired: {BySystem}, Cancelled: {BySystem}},
	Sent:           {Accepted: {ByHost}, Declined: {ByHost}, Withdrawn: {ByStudent, ByParent}, Expired: {BySystem}, Cancelled: {BySystem}},
	Accepted:       {Confirmed: {ByStudent}, Withdrawn: {ByStudent, ByParent}, Expired: {BySystem}, Cancelled: {BySystem}},
	Confirmed:      {Withdrawn: {ByStudent, ByParent}},
}

// ErrTransition is returned when an application cannot move to the asked state, or not by that actor.
var ErrTransition = errors.New("store: application transition not allowed")

// CanMove reports whether actor may move an application from one state to another.
func CanMove(from, to ApplicationState, actor Actor) bool {
	for _, a := range transitions[from][to] {
		if a == actor {
			return true
		}
	}
	return false
}

// Live reports whether an application in state s is still in progress or holds a stage.
func (s ApplicationState) Live() bool {
	_, ok := transitions[s]
	return ok
}

// ApplyParams ask for a new application.
type ApplyParams struct {
	StudentID       int64
	OfferID         int64
	Motivation      string
	Today           time.Time
	MaxApplications int // live applications a student may have at once
}

// Apply creates an application of the student to an offer for their stage week, after checking in
// the same transaction every rule that can refuse it. It answers with the reason when it refuses.
func (c Conn) Apply(ctx context.Context, p ApplyParams) (int64, conversation.ApplyProblem, error) {
	var student Student
	if err := c.get(ctx, &student, `SELECT id, stage_week FROM students WHERE id = $1 FOR UPDATE`, p.StudentID); err != nil {
		return 0, "", fmt.Errorf("apply: student %d: %w", p.StudentID, err)
	}
	offer, err := c.OfferForStudent(ctx, p.StudentID, p.OfferID)
	switch {
	case errors.Is(err, ErrNotFound):
		return 0, conversation.ApplyNotFound, nil
	case err != nil:
		return 0, "", err
	}
	var live struct {
		Count     int  `db:"count"`
		Confirmed bool `db:"confirmed"`
	}
	if err := c.get(ctx, &live, `SELECT count(*) AS count, bool_or(state = 'confirmed') IS TRUE AS confirmed
		FROM applications WHERE student_id = $1 AND state IN `+liveStates, p.StudentID); err != nil {
		return 0, "", fmt.Errorf("apply: count applications: %w", err)
	}
	switch {
	case live.Confirmed:
		return 0, conversation.ApplyPlaced, nil
	case offer.AlreadyApplied:
		return 0, conversation.ApplyAlready, nil
	case !offer.RunsInWeek:
		return 0, conversation.ApplyNotWeek, nil
	case offer.Deadline != nil && offer.Deadline.Before(dateOf(p.Today)):
		return 0, conversation.ApplyClosed, nil
	case offer.PlacesLeft <= 0:
		return 0, conversation.ApplyFull, nil
	case p.MaxApplications > 0 && live.Count >= p.MaxApplications:
		return 0, conversation.ApplyTooMany, nil
	}
	var id int64
	err = c.get(ctx, &id, `INSERT INTO applications (student_id, offer_id, week_start, state, motivation)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, p.StudentID, p.OfferID, student.StageWeek, AwaitingParent, p.Motivation)
	if IsUniqueViolation(err) {
		return 0, conversation.ApplyAlready, nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("apply: %w", err)
	}
	if err := c.recordEvent(ctx, id, "", AwaitingParent, ByStudent); err != nil {
		return 0, "", err
	}
	return id, conversation.ApplyOK, nil
}

// Applications lists a student's applications, live ones first, newest first.
func (c Conn) Applications(ctx context.Context, studentID int64) ([]conversation.ApplicationSummary, error) {
	var rows []struct {
		ID         int64     `db:"id"`
		OfferID    int64     `db:"offer_id"`
		OfferTitle string    `db:"title"`
		HostName   string    `db:"host_name"`
		Week       time.Time `db:"week_start"`
		State      string    `db:"state"`
		CreatedAt  time.Time `db:"created_at"`
	}
	err := c.all(ctx, &rows, `SELECT a.id, a.offer_id, o.title, h.name AS host_name, a.week_start, a.state, a.created_at
		FROM applications a JOIN offers o ON o.id = a.offer_id JOIN hosts h ON h.id = o.host_id
		WHERE a.student_id = $1
		ORDER BY a.state IN `+liveStates+` DESC, a.created_at DESC, a.id DESC`, studentID)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	apps := make([]conversation.ApplicationSummary, len(rows))
	for i, r := range rows {
		apps[i] = conversation.ApplicationSummary{ID: r.ID, OfferID: r.OfferID, OfferTitle: r.OfferTitle,
			HostName: r.HostName, Week: r.Week, State: r.State, CreatedAt: r.CreatedAt}
	}
	return apps, nil
}

// MoveApplication moves one application of a student to state to, if actor may; it returns
// ErrTransition when the application's current state does not allow it and ErrNotFound when the
// student has no such application.
func (c Conn) MoveApplication(ctx context.Context, studentID, applicationID int64, to ApplicationState, actor Actor) error {
	var from ApplicationState
	if err := c.get(ctx, &from, `SELECT state FROM applications WHERE id = $1 AND student_id = $2 FOR UPDATE`,
		applicationID, studentID); err != nil {
		return fmt.Errorf("application %d: %w", applicationID, err)
	}
	if !CanMove(from, to, actor) {
		return fmt.Errorf("%s → %s by %s: %w", from, to, actor, ErrTransition)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE applications SET state = $2, updated_at = now() WHERE id = $1`,
		applicationID, to); err != nil {
		return fmt.Errorf("move application: %w", err)
	}
	return c.recordEvent(ctx, applicationID, from, to, actor)
}

func (c Conn) recordEvent(ctx context.Context, applicationID int64, from, to ApplicationState, actor Actor) error {
	var fromState *ApplicationState
	if from != "" {
		fromState = &from
	}
	if _, err := c.q.ExecContext(ctx, `INSERT INTO application_events (application_id, from_state, to_state, actor)
		VALUES ($1, $2, $3, $4)`, applicationID, fromState, to, actor); err != nil {
		return fmt.Errorf("record application event: %w", err)
	}
	return nil
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
