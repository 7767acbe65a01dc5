package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"stagebot/domain"
	"time"
)

// Student is a registered student.
type Student struct {
	ID          int64          `db:"id"`
	Channel     domain.Channel `db:"channel"`
	Address     string         `db:"address"`
	FirstName   string         `db:"first_name"`
	LastInitial string         `db:"last_initial"`
	Consent     domain.Consent `db:"consent"` // the parent's answer
	ConsentAt   *time.Time     `db:"consent_at"`
	SchoolUAI   *string        `db:"school_uai"`
	SchoolName  string         `db:"school_name"`
	Priority    string         `db:"education_priority"`
	StageWeek   time.Time      `db:"stage_week"`
	BirthMonth  time.Time      `db:"birth_month"`
	ParentID    int64          `db:"parent_id"`
	Lang        string         `db:"lang"`
}

// RegisterParams are a student's sign-up answers.
type RegisterParams struct {
	Channel     domain.Channel
	Address     string
	FirstName   string
	LastInitial string // the first letter of the family name, upper case (only the initial is kept)
	SchoolUAI   string // empty when the collège is not in the list
	SchoolName  string
	StageWeek   time.Time
	BirthMonth  time.Time
	ParentPhone string // E.164
	ParentLang  string // the language to write to a new parent in; "" for the student's (Lang)
	Lang        string
	At          time.Time // when (the service's clock)
}

// RegisterStudent saves a student and their parent (found again by phone when the parent already
// has a child on the service, and then written to in the language they already have). Signing up
// again from the same conversation updates the student. The REP status comes from the collège, never
// from what was typed.
func (c Conn) RegisterStudent(ctx context.Context, p RegisterParams) (int64, error) {
	if p.At.IsZero() {
		return 0, errors.New("register student: no time given")
	}
	parentID, err := c.parentFor(ctx, p.ParentPhone, cmp.Or(p.ParentLang, p.Lang), p.At)
	if err != nil {
		return 0, err
	}
	var uai *string
	if p.SchoolUAI != "" {
		uai = &p.SchoolUAI
	}
	var previousParent int64 // when signing up again, the parent given last time
	if err := c.get(ctx, &previousParent, `SELECT parent_id FROM students WHERE channel = $1 AND address = $2`,
		p.Channel, p.Address); err != nil && !errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("previous sign-up: %w", err)
	}
	var id int64
	if err := c.get(ctx, &id, `
		INSERT INTO students (channel, address, first_name, school_uai, school_name, education_priority,
		                      stage_week, birth_month, parent_id, lang, last_initial, created_at, updated_at,
		                      consent_asked_at)
		VALUES ($1, $2, $3, $4, $5,
		        coalesce((SELECT education_priority FROM schools WHERE uai = $4), 'none'),
		        date_trunc('week', $6::date)::date, date_trunc('month', $7::date)::date, $8, $9, $10, $11, $11, $11)
		ON CONFLICT (channel, address) DO UPDATE SET
		    first_name = EXCLUDED.first_name, last_initial = EXCLUDED.last_initial, school_uai = EXCLUDED.school_uai,
		    school_name = EXCLUDED.school_name, education_priority = EXCLUDED.education_priority,
		    stage_week = EXCLUDED.stage_week, birth_month = EXCLUDED.birth_month,
		    parent_id = EXCLUDED.parent_id, lang = EXCLUDED.lang, updated_at = EXCLUDED.updated_at,
		    consent_asked_at = EXCLUDED.consent_asked_at
		RETURNING id`,
		p.Channel, p.Address, p.FirstName, uai, p.SchoolName, p.StageWeek.Format(time.DateOnly),
		p.BirthMonth.Format(time.DateOnly), parentID, p.Lang, p.LastInitial, p.At); err != nil {
		return 0, fmt.Errorf("save student: %w", err)
	}
	if previousParent != 0 && previousParent != parentID {
		// A parent number given by mistake last time is forgotten, unless another child has it.
		if err := c.forgetParent(ctx, previousParent); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// parentFor finds the parent with this phone, or saves a new one who reads lang.
func (c Conn) parentFor(ctx context.Context, phone, lang string, at time.Time) (int64, error) {
	var id int64
	if err := c.get(ctx, &id, `
		INSERT INTO parents (phone, lang, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
		RETURNING id`, phone, lang, at); err != nil {
		return 0, fmt.Errorf("save parent: %w", err)
	}
	return id, nil
}

// forgetParent deletes a parent no child has any more.
func (c Conn) forgetParent(ctx context.Context, parentID int64) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM parents p WHERE p.id = $1
		AND NOT EXISTS (SELECT 1 FROM students WHERE parent_id = p.id)`, parentID); err != nil {
		return fmt.Errorf("forget previous parent: %w", err)
	}
	return nil
}

// ProfileChange is what a registered student changes after signing up; the zero value of a field
// keeps it as it is.
type ProfileChange struct {
	StudentID   int64
	FirstName   string    // the first name, corrected
	LastInitial string    // the initial of the family name, corrected
	BirthMonth  time.Time // the first day of the month of birth, corrected
	School      *School   // the new collège: UAI (empty when not in the list) and name
	StageWeek   time.Time // the Monday of the new stage week
	ParentPhone string    // E.164: a new parent's number, whose agreement is asked again
	ParentLang  string    // the language to write to a new parent in
	At          time.Time // when (the service's clock)
}

// ProfileChanged is what a profile change did.
type ProfileChanged struct {
	Problem      domain.Problem    // ProblemPlaced: a confirmed stage keeps its week (nothing changed)
	Withdrawn    []ApplicationInfo // live applications for the former week, withdrawn by the student
	NewParent    bool              // the parent's number changed: their agreement is asked again
	FormerParent *Parent           // with NewParent: the parent written to until now, when they had answered, to tell
}

// ChangeProfile changes a registered student's first name, initial, birth month, collège, stage
// week or parent, in one transaction.
// A new week withdraws the applications made for the former one (a confirmed stage refuses the
// change instead); a new parent's number puts the consent back to pending, and the former parent is
// returned to be told when they had answered (they stay known until the season's purge), forgotten
// otherwise when no other child has them. The REP status follows the collège.
func (c Conn) ChangeProfile(ctx context.Context, p ProfileChange) (ProfileChanged, error) {
	if p.At.IsZero() {
		return ProfileChanged{}, errors.New("change profile: no time given")
	}
	var res ProfileChanged
	err := c.atomically(ctx, func(c Conn) error {
		var st Student
		if err := c.get(ctx, &st, `SELECT id, stage_week, parent_id, consent FROM students WHERE id = $1 FOR UPDATE`,
			p.StudentID); err != nil {
			return fmt.Errorf("change profile: student %d: %w", p.StudentID, err)
		}
		week := dateOf(p.StageWeek)
		if !p.StageWeek.IsZero() && !week.Equal(dateOf(st.StageWeek)) {
			var placed bool
			if err := c.get(ctx, &placed, `SELECT EXISTS (SELECT 1 FROM applications WHERE student_id = $1
				AND state = `+sqlState(domain.Confirmed)+`)`, p.StudentID); err != nil {
				return fmt.Errorf("change profile: %w", err)
			}
			if placed {
				res.Problem = domain.ProblemPlaced
				return nil
			}
			var err error
			res.Withdrawn, err = c.moveAll(ctx, `student_id = $1 AND week_start <> $2 AND state IN `+liveStates(),
				[]any{p.StudentID, day(week)}, domain.Withdrawn, domain.ByStudent, p.At)
			if err != nil {
				return err
			}
			if _, err := c.q.ExecContext(ctx, `UPDATE students SET stage_week = $2, updated_at = $3 WHERE id = $1`,
				p.StudentID, day(week), p.At); err != nil {
				return fmt.Errorf("change stage week: %w", err)
			}
		}
		if p.FirstName != "" || p.LastInitial != "" || !p.BirthMonth.IsZero() {
			var birth *string
			if !p.BirthMonth.IsZero() {
				b := p.BirthMonth.Format(time.DateOnly)
				birth = &b
			}
			if _, err := c.q.ExecContext(ctx, `UPDATE students SET first_name = coalesce(nullif($2, ''), first_name),
				last_initial = coalesce(nullif($3, ''), last_initial),
				birth_month = coalesce(date_trunc('month', $4::date)::date, birth_month), updated_at = $5
				WHERE id = $1`, p.StudentID, p.FirstName, p.LastInitial, birth, p.At); err != nil {
				return fmt.Errorf("change name or birth: %w", err)
			}
		}
		if p.School != nil {
			var uai *string
			if p.School.UAI != "" {
				uai = &p.School.UAI
			}
			if _, err := c.q.ExecContext(ctx, `UPDATE students SET school_uai = $2, school_name = $3,
				education_priority = coalesce((SELECT education_priority FROM schools WHERE uai = $2), 'none'),
				updated_at = $4 WHERE id = $1`, p.StudentID, uai, p.School.Name, p.At); err != nil {
				return fmt.Errorf("change collège: %w", err)
			}
		}
		if p.ParentPhone != "" {
			parentID, err := c.parentFor(ctx, p.ParentPhone, cmp.Or(p.ParentLang, "fr"), p.At)
			if err != nil {
				return err
			}
			if parentID != st.ParentID {
				if _, err := c.q.ExecContext(ctx, `UPDATE students SET parent_id = $2, consent = 'pending',
					consent_at = NULL, consent_asked_at = $3, updated_at = $3 WHERE id = $1`, p.StudentID, parentID,
					p.At); err != nil {
					return fmt.Errorf("change parent: %w", err)
				}
				res.NewParent = true
				if st.Consent == domain.ConsentPending {
					// Never answered: perhaps a wrong number, a stranger's. It is forgotten, and told nothing.
					return c.forgetParent(ctx, st.ParentID)
				}
				// A parent who answered stays known, with no child, until the season's purge: a message
				// of theirs is a parent's, never a new student's; they are told of the change.
				former, err := c.ParentByID(ctx, st.ParentID)
				if err != nil {
					return err
				}
				res.FormerParent = &former
			}
		}
		return nil
	})
	return res, err
}

// StudentByID reads one student.
func (c Conn) StudentByID(ctx context.Context, id int64) (Student, error) {
	var s Student
	err := c.get(ctx, &s, `SELECT id, channel, address, first_name, last_initial, consent, consent_at, school_uai,
		school_name, education_priority, stage_week, birth_month, parent_id, lang FROM students WHERE id = $1`, id)
	if err != nil {
		return Student{}, fmt.Errorf("student %d: %w", id, err)
	}
	return s, nil
}

// SetStudentLanguage records, at time at, the language of the student behind a conversation, if any.
func (c Conn) SetStudentLanguage(ctx context.Context, channel domain.Channel, address, lang string, at time.Time) error {
	_, err := c.q.ExecContext(ctx, `UPDATE students SET lang = $3, updated_at = $4
		WHERE channel = $1 AND address = $2`, channel, address, lang, at)
	if err != nil {
		return fmt.Errorf("set student language: %w", err)
	}
	return nil
}

// EraseStudent deletes a student with their applications (and their agreements) and everything they
// wrote or were sent on their conversation, and their parent, with the parent's messages, when no
// other child of theirs is on the service; so too a second legal representative of one of their
// agreements who is party to no other.
func (c Conn) EraseStudent(ctx context.Context, id int64) error {
	var seconds []int64
	if err := c.all(ctx, &seconds, `SELECT g.parent2_id FROM agreements g JOIN applications a ON a.id = g.application_id
		WHERE a.student_id = $1 AND g.parent2_id IS NOT NULL`, id); err != nil {
		return fmt.Errorf("erase student %d: second parents: %w", id, err)
	}
	var s Student
	if err := c.get(ctx, &s, `DELETE FROM students WHERE id = $1 RETURNING id, channel, address, parent_id`, id); err != nil {
		return fmt.Errorf("erase student %d: %w", id, err)
	}
	for _, p := range append([]int64{s.ParentID}, seconds...) {
		if err := c.eraseLoneParent(ctx, p); err != nil {
			return err
		}
	}
	return c.EraseMessages(ctx, s.Channel, s.Address)
}

// eraseLoneParent deletes a parent, with their messages and conversation, when no child of theirs
// is on the service and no agreement names them.
func (c Conn) eraseLoneParent(ctx context.Context, id int64) error {
	var phone string
	err := c.get(ctx, &phone, `DELETE FROM parents p WHERE p.id = $1
		AND NOT EXISTS (SELECT 1 FROM students WHERE parent_id = p.id)
		AND NOT EXISTS (SELECT 1 FROM agreements WHERE parent2_id = p.id) RETURNING phone`, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("erase parent: %w", err)
	}
	if err := c.EraseMessages(ctx, domain.SMS, phone); err != nil {
		return err
	}
	if _, err := c.q.ExecContext(ctx, `DELETE FROM conversations WHERE channel IN ('sms', 'whatsapp')
		AND address = $1`, phone); err != nil {
		return fmt.Errorf("erase parent's conversation: %w", err)
	}
	return nil
}

// EraseMessages deletes the texts received from and sent to one person: inbound messages keep only
// their provider id (so a late repeat is still recognised), their outbox rows go, sent or waiting
// (but the one a sender is sending), and so does the memory that they were unreachable. A phone number is erased on SMS and WhatsApp both
// (a WhatsApp message may have gone by SMS).
func (c Conn) EraseMessages(ctx context.Context, channel domain.Channel, address string) error {
	channels := []domain.Channel{channel}
	if channel.Phone() {
		channels = []domain.Channel{domain.SMS, domain.WhatsApp}
	}
	for _, ch := range channels {
		if _, err := c.q.ExecContext(ctx, `UPDATE inbound_messages SET body = '', address = ''
			WHERE channel = $1 AND address = $2`, ch, address); err != nil {
			return fmt.Errorf("erase inbound messages: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `DELETE FROM outbox WHERE channel = $1 AND address = $2
			AND status <> 'sending'`, ch, address); err != nil {
			return fmt.Errorf("erase messages: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `DELETE FROM unreachable WHERE channel = $1 AND address = $2`, ch, address); err != nil {
			return fmt.Errorf("erase unreachable: %w", err)
		}
	}
	return nil
}

// ParentByID reads one parent.
func (c Conn) ParentByID(ctx context.Context, id int64) (Parent, error) {
	var p Parent
	if err := c.get(ctx, &p, `SELECT id, phone, lang FROM parents WHERE id = $1`, id); err != nil {
		return Parent{}, fmt.Errorf("parent %d: %w", id, err)
	}
	return p, nil
}

// IsStudent reports whether a student signed up from (channel, address).
func (c Conn) IsStudent(ctx context.Context, channel domain.Channel, address string) (bool, error) {
	var yes bool
	if err := c.get(ctx, &yes, `SELECT EXISTS (SELECT 1 FROM students WHERE channel = $1 AND address = $2)`,
		channel, address); err != nil {
		return false, fmt.Errorf("is student: %w", err)
	}
	return yes, nil
}
