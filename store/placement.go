package store

import (
	"context"
	"errors"
	"fmt"
	"stagebot/calendar"
	"stagebot/domain"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ApplicationInfo is an application with everything a message about it needs: the student, their
// parent, the offer and its host.
type ApplicationInfo struct {
	ID                 int64                   `db:"id"`
	State              domain.ApplicationState `db:"state"`
	PreviousState      domain.ApplicationState `db:"-"` // the state before the move that returned it, if any
	StudentID          int64                   `db:"student_id"`
	StudentFirstName   string                  `db:"student_first_name"`
	StudentLastInitial string                  `db:"student_last_initial"`
	StudentChannel     domain.Channel          `db:"student_channel"`
	StudentAddress     string                  `db:"student_address"`
	StudentLang        string                  `db:"student_lang"`
	SchoolName         string                  `db:"school_name"`
	Priority           string                  `db:"priority"` // the student's collège: none, REP or REP+
	Week               time.Time               `db:"week"`     // the Monday of the stage week
	OfferID            int64                   `db:"offer_id"`
	OfferTitle         string                  `db:"offer_title"`
	Address            string                  `db:"address"` // where the stage takes place
	Arrondissement     int                     `db:"arrondissement"`
	DailyHours         string                  `db:"daily_hours"`
	HostID             int64                   `db:"host_id"`
	HostName           string                  `db:"host_name"`
	ContactName        string                  `db:"contact_name"` // the host's first contact, whom the student meets; "" if none
	Motivation         string                  `db:"motivation"`
	ParentID           int64                   `db:"parent_id"`
	ParentPhone        string                  `db:"parent_phone"`
	ParentLang         string                  `db:"parent_lang"`
	ConfirmBy          *time.Time              `db:"confirm_by"` // set when accepted: the student confirms before it
	HostKind           string                  `db:"host_kind"`  // HostCity or HostESS
	// BookedUntil is set on a booking (direct booking): the host may decline it until then.
	BookedUntil *time.Time `db:"booked_until"`
}

// applicationInfo reads ApplicationInfo rows; callers add a WHERE on a (applications), s, o or h.
const applicationInfo = `SELECT a.id, a.state, a.student_id, s.first_name AS student_first_name,
		s.last_initial AS student_last_initial, s.channel AS student_channel, s.address AS student_address,
		s.lang AS student_lang, s.school_name, s.education_priority AS priority, a.week_start AS week,
		a.offer_id, o.title AS offer_title, o.address, o.arrondissement, o.daily_hours, h.id AS host_id,
		h.name AS host_name,
		coalesce((SELECT hc.name FROM host_contacts hc WHERE hc.host_id = h.id ORDER BY hc.id LIMIT 1), '') AS contact_name,
		a.motivation, p.id AS parent_id, p.phone AS parent_phone, p.lang AS parent_lang, a.confirm_by,
		h.kind AS host_kind, a.booked_until
	FROM applications a
	JOIN students s ON s.id = a.student_id
	JOIN parents p ON p.id = s.parent_id
	JOIN offers o ON o.id = a.offer_id
	JOIN hosts h ON h.id = o.host_id`

// ApplicationByID reads one application for a message.
func (c Conn) ApplicationByID(ctx context.Context, id int64) (ApplicationInfo, error) {
	var a ApplicationInfo
	if err := c.get(ctx, &a, applicationInfo+` WHERE a.id = $1`, id); err != nil {
		return ApplicationInfo{}, fmt.Errorf("application %d: %w", id, err)
	}
	return a, nil
}

// HostPending lists the applications waiting for the host's answer (sent) on its offers, oldest
// first (by when they last moved, i.e. were sent).
func (c Conn) HostPending(ctx context.Context, hostID int64) ([]ApplicationInfo, error) {
	var apps []ApplicationInfo
	if err := c.all(ctx, &apps, applicationInfo+` WHERE h.id = $1 AND a.state = `+sqlState(domain.Sent)+`
		ORDER BY a.updated_at, a.id`, hostID); err != nil {
		return nil, fmt.Errorf("pending applications of host %d: %w", hostID, err)
	}
	return apps, nil
}

// HostActive lists the applications a host can still write about on its offers: waiting for its
// answer (sent), accepted, or confirmed; never one whose parent has not agreed. Oldest first.
func (c Conn) HostActive(ctx context.Context, hostIDs []int64) ([]ApplicationInfo, error) {
	var apps []ApplicationInfo
	if err := c.all(ctx, &apps, applicationInfo+` WHERE h.id = ANY($1) AND a.state IN `+reachedStates()+`
		ORDER BY a.updated_at, a.id`, pq.Array(hostIDs)); err != nil {
		return nil, fmt.Errorf("active applications of hosts: %w", err)
	}
	return apps, nil
}

// AcceptParams are a host's acceptance of an application, or a booking.
type AcceptParams struct {
	HostID        int64
	ApplicationID int64
	Now           time.Time
	ReleaseDate   *time.Time // from this day unused reserved places are open to all; nil: never
	ConfirmDays   int        // the student confirms within this many days; 0 or less: no deadline
	// BookingDays, for a booking (Book), are the days the host has to decline it.
	BookingDays int
}

// AcceptResult is what became of an acceptance. App is the application after it (empty on
// ProblemNotFound).
type AcceptResult struct {
	Problem domain.Problem // none, ProblemNotFound, ProblemNotPending or ProblemFull
	App     ApplicationInfo
}

// Accept lets a host take the student of one of its sent applications, in one transaction. The
// offer week is locked first so that concurrent acceptances on it are taken one after the other;
// then the places left for this applicant are counted (placesLeft). With a place, the application
// is accepted and the student must confirm by Now + ConfirmDays; without, it is declined by the
// system and the answer is ProblemFull. A host acts only on its own offers: any other application
// is ProblemNotFound, as if it did not exist.
func (c Conn) Accept(ctx context.Context, p AcceptParams) (AcceptResult, error) {
	return c.take(ctx, p, false)
}

// Book takes a place for the student of a sent application at once, as the system, where the
// campaign allows direct booking: like Accept, except that without a place the application stays
// sent (a request the host answers) and the answer is ProblemFull; with one, the host may decline it
// until the end of the BookingDays-th day after (booked_until; the Friday before the week at the
// latest).
func (c Conn) Book(ctx context.Context, p AcceptParams) (AcceptResult, error) {
	if p.BookingDays <= 0 {
		return AcceptResult{}, errors.New("book: no booking days")
	}
	return c.take(ctx, p, true)
}

// take accepts an application, as its host or as a booking.
func (c Conn) take(ctx context.Context, p AcceptParams, booking bool) (AcceptResult, error) {
	var res AcceptResult
	err := c.atomically(ctx, func(c Conn) error {
		var app struct {
			OfferID   int64     `db:"offer_id"`
			Week      time.Time `db:"week_start"`
			StudentID int64     `db:"student_id"`
		}
		err := c.get(ctx, &app, `SELECT a.offer_id, a.week_start, a.student_id FROM applications a
			JOIN offers o ON o.id = a.offer_id WHERE a.id = $1 AND o.host_id = $2`, p.ApplicationID, p.HostID)
		if errors.Is(err, ErrNotFound) {
			res.Problem = domain.ProblemNotFound
			return nil
		}
		if err != nil {
			return fmt.Errorf("accept application %d: %w", p.ApplicationID, err)
		}
		// FOR NO KEY UPDATE serializes acceptances on the offer week like FOR UPDATE, without
		// blocking the key-share lock a new application's foreign key takes on it.
		if _, err := c.q.ExecContext(ctx, `SELECT 1 FROM offer_weeks WHERE offer_id = $1 AND week_start = $2
			FOR NO KEY UPDATE`, app.OfferID, app.Week); err != nil {
			return fmt.Errorf("accept application %d: lock offer week: %w", p.ApplicationID, err)
		}
		from, err := c.lockApplication(ctx, p.ApplicationID)
		if errors.Is(err, ErrNotFound) { // erased meanwhile
			res.Problem = domain.ProblemNotFound
			return nil
		}
		if err != nil {
			return err
		}
		if from != domain.Sent {
			res.Problem = domain.ProblemNotPending
			res.App, err = c.ApplicationByID(ctx, p.ApplicationID)
			return err
		}
		var left int
		if err := c.get(ctx, &left, `WITH `+student("$1", "$2")+`
			SELECT `+placesLeft+` FROM me
			JOIN offer_weeks w ON w.offer_id = $3 AND w.week_start = $4`,
			app.StudentID, released(p.ReleaseDate, p.Now), app.OfferID, app.Week); err != nil {
			return fmt.Errorf("accept application %d: places left: %w", p.ApplicationID, err)
		}
		switch {
		case left <= 0 && booking:
			res.Problem = domain.ProblemFull
		case left <= 0:
			res.Problem = domain.ProblemFull
			if err := c.move(ctx, p.ApplicationID, from, domain.Declined, domain.BySystem, p.Now); err != nil {
				return err
			}
		default:
			by, bookedUntil := domain.ByHost, (*time.Time)(nil)
			if booking {
				until := confirmDeadline(p.Now, p.BookingDays, utcDay(app.Week)) // the whole last day
				by, bookedUntil = domain.BySystem, &until
			}
			if err := c.move(ctx, p.ApplicationID, from, domain.Accepted, by, p.Now); err != nil {
				return err
			}
			var confirmBy *time.Time
			if p.ConfirmDays > 0 {
				t := confirmDeadline(p.Now, p.ConfirmDays, utcDay(app.Week))
				confirmBy = &t
			}
			if _, err := c.q.ExecContext(ctx, `UPDATE applications SET accepted_at = $2, confirm_by = $3, booked_until = $4
				WHERE id = $1`, p.ApplicationID, p.Now, confirmBy, bookedUntil); err != nil {
				return fmt.Errorf("accept application %d: %w", p.ApplicationID, err)
			}
		}
		res.App, err = c.movedInfo(ctx, p.ApplicationID, from)
		return err
	})
	return res, err
}

// Decline lets a host say no, at time at, to one of its sent applications, or to a booking (accepted
// or confirmed) before its booked_until: a confirmed one's agreement is cancelled. problem is "",
// ProblemNotFound (no such application on the host's offers) or ProblemNotPending (neither).
func (c Conn) Decline(ctx context.Context, hostID, applicationID int64, at time.Time) (app ApplicationInfo, problem domain.Problem, err error) {
	err = c.atomically(ctx, func(c Conn) error {
		var cur struct {
			State       domain.ApplicationState `db:"state"`
			BookedUntil *time.Time              `db:"booked_until"`
		}
		err := c.get(ctx, &cur, `SELECT a.state, a.booked_until FROM applications a JOIN offers o ON o.id = a.offer_id
			WHERE a.id = $1 AND o.host_id = $2 FOR UPDATE OF a`, applicationID, hostID)
		from := cur.State
		if errors.Is(err, ErrNotFound) {
			problem = domain.ProblemNotFound
			return nil
		}
		if err != nil {
			return fmt.Errorf("decline application %d: %w", applicationID, err)
		}
		booked := from.HoldsPlace() && cur.BookedUntil != nil && at.Before(*cur.BookedUntil)
		if from != domain.Sent && !booked {
			problem = domain.ProblemNotPending
			app, err = c.ApplicationByID(ctx, applicationID)
			return err
		}
		if err := c.move(ctx, applicationID, from, domain.Declined, domain.ByHost, at); err != nil {
			return err
		}
		app, err = c.movedInfo(ctx, applicationID, from) // a confirmed one's agreement went with the move
		return err
	})
	return app, problem, err
}

// ConfirmResult is what became of a student's confirmation: App is the application after it (empty
// on ProblemNotFound) and Cancelled the student's other applications it cancelled, whose hosts are
// to be told.
type ConfirmResult struct {
	Problem   domain.Problem // none, ProblemNotFound, ProblemNotAccepted or ProblemExpired
	App       ApplicationInfo
	Cancelled []ApplicationInfo
}

// Confirm lets a student confirm their own accepted application before its confirm_by: it becomes
// their stage, and every other live application of theirs still in progress (awaiting_parent, sent,
// accepted) is cancelled by the system. Past confirm_by the application expires instead
// (ProblemExpired). A student has one confirmed stage: a second confirmation is ProblemNotAccepted.
func (c Conn) Confirm(ctx context.Context, studentID, applicationID int64, now time.Time) (ConfirmResult, error) {
	var res ConfirmResult
	err := c.atomically(ctx, func(c Conn) error {
		// The student's row first: one confirmation of theirs at a time.
		var id int64
		err := c.get(ctx, &id, `SELECT id FROM students WHERE id = $1 FOR UPDATE`, studentID)
		var app struct {
			State     domain.ApplicationState `db:"state"`
			ConfirmBy *time.Time              `db:"confirm_by"`
		}
		if err == nil {
			err = c.get(ctx, &app, `SELECT state, confirm_by FROM applications WHERE id = $1 AND student_id = $2
				FOR UPDATE`, applicationID, studentID)
		}
		if errors.Is(err, ErrNotFound) {
			res.Problem = domain.ProblemNotFound
			return nil
		}
		if err != nil {
			return fmt.Errorf("confirm application %d: %w", applicationID, err)
		}
		switch {
		case app.State != domain.Accepted:
			res.Problem = domain.ProblemNotAccepted
			res.App, err = c.ApplicationByID(ctx, applicationID)
			return err
		case app.ConfirmBy != nil && !now.Before(*app.ConfirmBy):
			res.Problem = domain.ProblemExpired
			if err := c.move(ctx, applicationID, app.State, domain.Expired, domain.BySystem, now); err != nil {
				return err
			}
			res.App, err = c.movedInfo(ctx, applicationID, app.State)
			return err
		}
		if err := c.move(ctx, applicationID, app.State, domain.Confirmed, domain.ByStudent, now); err != nil {
			return err
		}
		if err := c.createAgreement(ctx, applicationID, now); err != nil {
			return err
		}
		if res.App, err = c.movedInfo(ctx, applicationID, app.State); err != nil {
			return err
		}
		res.Cancelled, err = c.moveAll(ctx, `student_id = $1 AND id <> $2 AND state IN `+inProgressStates(),
			[]any{studentID, applicationID}, domain.Cancelled, domain.BySystem, now)
		return err
	})
	return res, err
}

// Overdue lists the accepted applications whose confirm_by has passed at now, without locking them.
func (c Conn) Overdue(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	if err := c.all(ctx, &ids, `SELECT id FROM applications WHERE state = `+sqlState(domain.Accepted)+`
		AND confirm_by <= $1 ORDER BY id`,
		now); err != nil {
		return nil, fmt.Errorf("overdue applications: %w", err)
	}
	return ids, nil
}

// ExpireIfOverdue expires one accepted application whose confirm_by has passed at now and returns
// it; ok is false when it is not (any more) overdue.
func (c Conn) ExpireIfOverdue(ctx context.Context, id int64, now time.Time) (ApplicationInfo, bool, error) {
	var apps []ApplicationInfo
	err := c.atomically(ctx, func(c Conn) error {
		var err error
		apps, err = c.moveAll(ctx, `id = $1 AND state = `+sqlState(domain.Accepted)+` AND confirm_by <= $2`, []any{id, now}, domain.Expired, domain.BySystem, now)
		return err
	})
	if err != nil || len(apps) == 0 {
		return ApplicationInfo{}, false, err
	}
	return apps[0], true, nil
}

// moveAll locks the applications matching where (on applications, with args) in id order, moves
// each to state to by actor at time at, and returns them after the move, with their PreviousState.
func (c Conn) moveAll(ctx context.Context, where string, args []any, to domain.ApplicationState, actor domain.Actor, at time.Time,
	lockOptions ...string) ([]ApplicationInfo, error) {
	var rows []struct {
		ID    int64                   `db:"id"`
		State domain.ApplicationState `db:"state"`
	}
	lock := "FOR UPDATE"
	for _, o := range lockOptions {
		lock += " " + o
	}
	if err := c.all(ctx, &rows, `SELECT id, state FROM applications WHERE `+where+` ORDER BY id `+lock, args...); err != nil {
		return nil, fmt.Errorf("applications to move to %s: %w", to, err)
	}
	apps := make([]ApplicationInfo, 0, len(rows))
	for _, r := range rows {
		if err := c.move(ctx, r.ID, r.State, to, actor, at); err != nil {
			return nil, err
		}
		a, err := c.movedInfo(ctx, r.ID, r.State)
		if err != nil {
			return nil, err
		}
		apps = append(apps, a)
	}
	return apps, nil
}

// lockApplication locks one application row in the transaction and returns its state.
func (c Conn) lockApplication(ctx context.Context, id int64) (domain.ApplicationState, error) {
	var state domain.ApplicationState
	if err := c.get(ctx, &state, `SELECT state FROM applications WHERE id = $1 FOR UPDATE`, id); err != nil {
		return "", fmt.Errorf("lock application %d: %w", id, err)
	}
	return state, nil
}

// movedInfo reads an application just moved from state from.
func (c Conn) movedInfo(ctx context.Context, id int64, from domain.ApplicationState) (ApplicationInfo, error) {
	a, err := c.ApplicationByID(ctx, id)
	a.PreviousState = from
	return a, err
}

// atomically runs fn in one transaction: the caller's when c already runs in one, a new one
// (committed when fn returns nil) when c is the pool.
func (c Conn) atomically(ctx context.Context, fn func(c Conn) error) error {
	p, ok := c.q.(prepared)
	db, onPool := p.ExtContext.(*sqlx.DB)
	if !ok || !onPool {
		return fn(c)
	}
	return (&Store{Conn: c, db: db, wake: c.wake, stmts: p.stmts}).InTx(ctx, func(tx *Tx) error { return fn(tx.Conn) })
}

// isForeignKeyViolation reports whether err is Postgres refusing a row that refers to a missing one.
func isForeignKeyViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23503"
}

// confirmDeadline is when a place accepted at now must be confirmed: by the end of the day (Paris)
// days later, so that "by Sunday 13 December at the latest" means the whole day; but never after
// the Friday before the stage week (end of day); accepted later than that, before the stage starts
// (Monday 08:00).
func confirmDeadline(now time.Time, days int, week time.Time) time.Time {
	t := calendar.AtParis(calendar.Day(now.AddDate(0, 0, days)), 23, 59)
	if friday := calendar.AtParis(week.AddDate(0, 0, -3), 23, 59); t.After(friday) {
		t = friday
	}
	if !t.After(now) {
		t = calendar.AtParis(week, 8, 0)
	}
	return t
}
