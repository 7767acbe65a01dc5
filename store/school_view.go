package store

import (
	"context"
	"fmt"
	"time"

	"stagebot/domain"
	"stagebot/fold"
)

// The collège's page: where each of its students stands, class by class. It shows first names and
// initials, states and dates: never a phone number, an address or a message.

// StudentRow is one student of a collège, as its staff see them: signed up, or only on its list.
type StudentRow struct {
	StudentID    int64 // 0 for a line of the list whose student has not signed up
	EntryID      int64 // the line of the collège's list, 0 when the student is on none
	FirstName    string
	Initial      string
	Class        string // "" when the student is on no list
	Week         *time.Time
	Status       domain.SearchStatus
	SignedUpAt   *time.Time
	LastActivity *time.Time
	Reserved     bool // an application in progress on a place reserved for REP/REP+ students
	Stuck        bool // no application a week after signing up, or no place four weeks before the stage
	NudgedAt     *time.Time
	Apps         []StudentApp
}

// StudentApp is one application of a student, for their collège.
type StudentApp struct {
	ID        int64                   `db:"id"`
	Host      string                  `db:"host"`
	Offer     string                  `db:"offer"`
	State     domain.ApplicationState `db:"state"`
	Full      bool                    `db:"full"`      // closed because the offer filled up
	Reserved  bool                    `db:"reserved"`  // on an offer week with places reserved for REP/REP+ students
	Cancelled bool                    `db:"cancelled"` // withdrawn after it was confirmed: a stage called off
	CreatedAt time.Time               `db:"created_at"`
	UpdatedAt time.Time               `db:"updated_at"`
}

// RosterChoice is a line of a collège's list that several signed-up students fit, or a student that
// several lines fit: the staff confirm which.
type RosterChoice struct {
	EntryID    int64      `db:"entry_id"`
	Class      string     `db:"class"`
	FirstName  string     `db:"first_name"`
	LastName   string     `db:"last_name"`
	BirthMonth *time.Time `db:"birth_month"`
	Candidates []Candidate
}

// Candidate is a signed-up student a line of the list may be.
type Candidate struct {
	StudentID  int64     `db:"student_id"`
	FirstName  string    `db:"first_name"`
	Initial    string    `db:"last_initial"`
	BirthMonth time.Time `db:"birth_month"`
	SignedUpAt time.Time `db:"created_at"`
}

// SchoolView is what a collège's page shows.
type SchoolView struct {
	School   School
	Students []StudentRow // signed up first (by class, first name), then the lines of the lists not signed up
	Choices  []RosterChoice
	Nudges   int // nudges sent to the collège's students
}

// Stuck days: a student with no application a week after signing up, or with no place four weeks
// before their stage week, is stuck (their collège can nudge them).
const (
	StuckAfterSignUp = 7
	StuckBeforeStage = 28
	NudgeEveryDays   = 7
)

// stuckStudentQuery is the SQL condition that student s is stuck on day $2, $3 being StuckAfterSignUp
// days before now.
var stuckStudentQuery = `(NOT EXISTS (SELECT 1 FROM applications a WHERE a.student_id = s.id AND a.state = 'confirmed')
		AND s.consent NOT IN ('refused', 'withdrawn') AND s.stage_week > $2::date
		AND (NOT EXISTS (SELECT 1 FROM applications a WHERE a.student_id = s.id) AND s.created_at <= $3
		     OR s.stage_week - $2::date <= ` + fmt.Sprint(StuckBeforeStage) + `))`

// SchoolPage reads a collège's page at time now.
func (c Conn) SchoolPage(ctx context.Context, uai string, now time.Time) (SchoolView, error) {
	var v SchoolView
	var err error
	if v.School, err = c.SchoolByUAI(ctx, uai); err != nil {
		return v, err
	}
	today := dateOf(now)
	var rows []struct {
		ID           int64          `db:"id"`
		FirstName    string         `db:"first_name"`
		Initial      string         `db:"last_initial"`
		Week         time.Time      `db:"stage_week"`
		Consent      domain.Consent `db:"consent"`
		CreatedAt    time.Time      `db:"created_at"`
		EntryID      *int64         `db:"entry_id"`
		Class        *string        `db:"class"`
		LastActivity *time.Time     `db:"last_activity"`
		NudgedAt     *time.Time     `db:"nudged_at"`
		Stuck        bool           `db:"stuck"`
	}
	if err := c.all(ctx, &rows, `SELECT s.id, s.first_name, s.last_initial, s.stage_week, s.consent, s.created_at,
		e.id AS entry_id, e.class,
		GREATEST(s.updated_at, cv.last_inbound_at, (SELECT max(a.updated_at) FROM applications a WHERE a.student_id = s.id))
			AS last_activity,
		(SELECT max(n.at) FROM nudges n WHERE n.student_id = s.id) AS nudged_at,
		`+stuckStudentQuery+` AS stuck
		FROM students s
		LEFT JOIN roster_entries e ON e.student_id = s.id
		LEFT JOIN conversations cv ON cv.channel = s.channel AND cv.address = s.address
		WHERE s.school_uai = $1
		ORDER BY e.class NULLS LAST, s.first_name, s.last_initial, s.id`,
		uai, day(today), now.AddDate(0, 0, -StuckAfterSignUp)); err != nil {
		return v, fmt.Errorf("collège %s: students: %w", uai, err)
	}
	var apps []struct {
		StudentID int64 `db:"student_id"`
		StudentApp
	}
	if err := c.all(ctx, &apps, `SELECT a.student_id, a.id, h.name AS host, o.title AS offer,
		a.state, a.created_at, a.updated_at, w.reserved_places > 0 AS reserved,
		a.state = `+sqlState(domain.Declined)+` AND EXISTS (SELECT 1 FROM application_events ev WHERE ev.application_id = a.id
			AND ev.to_state = `+sqlState(domain.Declined)+` AND ev.actor = 'system') AS full,
		a.state = `+sqlState(domain.Withdrawn)+` AND EXISTS (SELECT 1 FROM application_events ev WHERE ev.application_id = a.id
			AND ev.from_state = `+sqlState(domain.Confirmed)+`) AS cancelled
		FROM applications a JOIN students s ON s.id = a.student_id
		JOIN offers o ON o.id = a.offer_id JOIN hosts h ON h.id = o.host_id
		JOIN offer_weeks w ON w.offer_id = a.offer_id AND w.week_start = a.week_start
		WHERE s.school_uai = $1 ORDER BY a.student_id, a.created_at, a.id`, uai); err != nil {
		return v, fmt.Errorf("collège %s: applications: %w", uai, err)
	}
	byStudent := map[int64][]StudentApp{}
	for _, a := range apps {
		byStudent[a.StudentID] = append(byStudent[a.StudentID], a.StudentApp)
	}
	for _, r := range rows {
		week, signed := utcDay(r.Week), r.CreatedAt
		row := StudentRow{StudentID: r.ID, FirstName: r.FirstName, Initial: r.Initial, Week: &week, SignedUpAt: &signed,
			LastActivity: r.LastActivity, NudgedAt: r.NudgedAt, Stuck: r.Stuck, Apps: byStudent[r.ID]}
		if r.EntryID != nil {
			row.EntryID, row.Class = *r.EntryID, *r.Class
		}
		states := make([]domain.ApplicationState, len(row.Apps))
		for i, a := range row.Apps {
			states[i] = a.State
			row.Reserved = row.Reserved || a.Reserved && a.State.Live()
		}
		row.Status = domain.StatusOf(r.Consent, states)
		v.Students = append(v.Students, row)
	}
	var lines []struct {
		ID        int64  `db:"id"`
		Class     string `db:"class"`
		FirstName string `db:"first_name"`
		LastName  string `db:"last_name"`
	}
	if err := c.all(ctx, &lines, `SELECT id, class, first_name, last_name FROM roster_entries
		WHERE school_uai = $1 AND student_id IS NULL ORDER BY class, first_name, last_name, id`, uai); err != nil {
		return v, fmt.Errorf("collège %s: lists: %w", uai, err)
	}
	for _, l := range lines {
		v.Students = append(v.Students, StudentRow{EntryID: l.ID, FirstName: l.FirstName, Initial: firstLetter(fold.String(l.LastName)),
			Class: l.Class, Status: domain.NotSignedUp})
	}
	if v.Choices, err = c.rosterChoices(ctx, uai); err != nil {
		return v, err
	}
	if err := c.get(ctx, &v.Nudges, `SELECT count(*) FROM nudges n JOIN students s ON s.id = n.student_id
		WHERE s.school_uai = $1`, uai); err != nil {
		return v, fmt.Errorf("collège %s: nudges: %w", uai, err)
	}
	return v, nil
}

// rosterChoices lists the lines of a collège's lists that wait for the staff to say which student
// they are, with their candidates.
func (c Conn) rosterChoices(ctx context.Context, uai string) ([]RosterChoice, error) {
	var rows []struct {
		EntryID    int64      `db:"entry_id"`
		Class      string     `db:"class"`
		FirstName  string     `db:"first_name"`
		LastName   string     `db:"last_name"`
		BirthMonth *time.Time `db:"birth_month"`
		Candidate  Candidate  `db:"c"`
	}
	if err := c.all(ctx, &rows, `SELECT e.id AS entry_id, e.class, e.first_name, e.last_name, e.birth_month,
		s.id AS "c.student_id", s.first_name AS "c.first_name", s.last_initial AS "c.last_initial",
		s.birth_month AS "c.birth_month", s.created_at AS "c.created_at"
		FROM roster_candidates k JOIN roster_entries e ON e.id = k.entry_id JOIN students s ON s.id = k.student_id
		WHERE e.school_uai = $1 ORDER BY e.class, e.first_name, e.id, s.created_at, s.id`, uai); err != nil {
		return nil, fmt.Errorf("collège %s: lines to confirm: %w", uai, err)
	}
	var out []RosterChoice
	for _, r := range rows {
		if n := len(out); n == 0 || out[n-1].EntryID != r.EntryID {
			out = append(out, RosterChoice{EntryID: r.EntryID, Class: r.Class, FirstName: r.FirstName, LastName: r.LastName,
				BirthMonth: r.BirthMonth})
		}
		out[len(out)-1].Candidates = append(out[len(out)-1].Candidates, r.Candidate)
	}
	return out, nil
}

// StudentOf reads one student of collège uai for its staff; ErrNotFound when the student is not the
// collège's (another collège's staff learn nothing).
func (c Conn) StudentOf(ctx context.Context, uai string, studentID int64, now time.Time) (StudentRow, error) {
	v, err := c.SchoolPage(ctx, uai, now)
	if err != nil {
		return StudentRow{}, err
	}
	for _, s := range v.Students {
		if s.StudentID == studentID && studentID != 0 {
			return s, nil
		}
	}
	return StudentRow{}, fmt.Errorf("student %d of collège %s: %w", studentID, uai, ErrNotFound)
}

// StuckStudents lists the students of collège uai whom its staff may nudge at time now: stuck (see
// StudentRow.Stuck), not nudged in the last NudgeEveryDays days, and who did not send STOP.
func (c Conn) StuckStudents(ctx context.Context, uai string, now time.Time) ([]int64, error) {
	var ids []int64
	if err := c.all(ctx, &ids, `SELECT s.id FROM students s
		LEFT JOIN conversations cv ON cv.channel = s.channel AND cv.address = s.address
		WHERE s.school_uai = $1 AND `+stuckStudentQuery+` AND NOT coalesce(cv.opted_out, false)
		  AND NOT EXISTS (SELECT 1 FROM nudges n WHERE n.student_id = s.id AND n.at > $4)
		ORDER BY s.id`, uai, day(dateOf(now)), now.AddDate(0, 0, -StuckAfterSignUp),
		now.AddDate(0, 0, -NudgeEveryDays)); err != nil {
		return nil, fmt.Errorf("stuck students of %s: %w", uai, err)
	}
	return ids, nil
}

// RecordNudge records, at time now, that a member of staff nudged a student of collège uai, if the
// student may be nudged: still stuck, not nudged in the last NudgeEveryDays days (whoever clicked),
// and did not send STOP. The student's row is locked first, so that two clicks at once nudge once.
func (c Conn) RecordNudge(ctx context.Context, uai string, studentID, staffID int64, now time.Time) (bool, error) {
	var ok bool
	err := c.atomically(ctx, func(c Conn) error {
		if _, err := c.q.ExecContext(ctx, `SELECT 1 FROM students WHERE id = $1 FOR UPDATE`, studentID); err != nil {
			return fmt.Errorf("nudge: %w", err)
		}
		if err := c.get(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM students s
			LEFT JOIN conversations cv ON cv.channel = s.channel AND cv.address = s.address
			WHERE s.id = $5 AND s.school_uai = $1 AND `+stuckStudentQuery+` AND NOT coalesce(cv.opted_out, false)
			  AND NOT EXISTS (SELECT 1 FROM nudges n WHERE n.student_id = s.id AND n.at > $4))`,
			uai, day(dateOf(now)), now.AddDate(0, 0, -StuckAfterSignUp), now.AddDate(0, 0, -NudgeEveryDays),
			studentID); err != nil {
			return fmt.Errorf("nudge: %w", err)
		}
		if !ok {
			return nil
		}
		if _, err := c.q.ExecContext(ctx, `INSERT INTO nudges (student_id, staff_id, at) VALUES ($1, $2, $3)`,
			studentID, staffID, now); err != nil {
			return fmt.Errorf("nudge: %w", err)
		}
		return nil
	})
	return ok, err
}
