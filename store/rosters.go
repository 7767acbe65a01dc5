package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"

	"stagebot/fold"
)

// RosterLine is one student of a collège's class list.
type RosterLine struct {
	Class      string
	LastName   string
	FirstName  string
	BirthMonth *time.Time // the first day of the month of birth, when the list gives it
}

// RosterImport is what importing a class list did.
type RosterImport struct {
	Added, Known int // lines new, and lines already there
	Matched      int // lines matched to a student who signed up, now
	Ambiguous    int // lines several students could be (or students several lines could be): to confirm
}

// ImportRoster adds a collège's class lists (lines already there are kept as they are, matches
// included), then matches the lines to the students who signed up (see MatchRoster), in one
// transaction.
func (c Conn) ImportRoster(ctx context.Context, uai string, lines []RosterLine, at time.Time) (RosterImport, error) {
	var res RosterImport
	if at.IsZero() {
		return res, errors.New("import roster: no time given")
	}
	err := c.atomically(ctx, func(c Conn) error {
		for _, l := range lines {
			var birth any
			if l.BirthMonth != nil {
				birth = day(*l.BirthMonth)
			}
			var added bool
			if err := c.get(ctx, &added, `INSERT INTO roster_entries (school_uai, class, last_name, first_name, birth_month,
				imported_at) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (school_uai, class, last_name, first_name, birth_month) DO UPDATE SET class = excluded.class
				RETURNING xmax = 0`, uai, l.Class, l.LastName, l.FirstName, birth, at); err != nil {
				return fmt.Errorf("import roster: %w", err)
			}
			if added {
				res.Added++
			} else {
				res.Known++
			}
		}
		m, err := c.MatchRoster(ctx, uai)
		res.Matched, res.Ambiguous = m.Matched, m.Ambiguous
		return err
	})
	return res, err
}

// RosterMatch counts what matching a collège's lists did.
type RosterMatch struct{ Matched, Ambiguous int }

// MatchRoster matches a collège's class lists to the students of the collège who signed up: a line
// fits a student with the same first name (case and accents aside), the initial of its last name,
// and its month of birth (when the list gives one). A line that fits one student, who fits no other
// line, is theirs; when several fit, the candidates are kept for the staff to confirm one. Matches
// the staff confirmed are kept as they are; automatic ones are made again (a student may have
// corrected their name).
func (c Conn) MatchRoster(ctx context.Context, uai string) (RosterMatch, error) {
	var res RosterMatch
	var entries []struct {
		ID         int64      `db:"id"`
		LastName   string     `db:"last_name"`
		FirstName  string     `db:"first_name"`
		BirthMonth *time.Time `db:"birth_month"`
	}
	if err := c.all(ctx, &entries, `SELECT id, last_name, first_name, birth_month FROM roster_entries
		WHERE school_uai = $1 AND matched <> 'confirmed' ORDER BY id FOR UPDATE`, uai); err != nil {
		return res, fmt.Errorf("match roster: %w", err)
	}
	if len(entries) == 0 {
		return res, nil
	}
	var students []struct {
		ID          int64     `db:"id"`
		FirstName   string    `db:"first_name"`
		LastInitial string    `db:"last_initial"`
		BirthMonth  time.Time `db:"birth_month"`
	}
	if err := c.all(ctx, &students, `SELECT s.id, s.first_name, s.last_initial, s.birth_month FROM students s
		WHERE s.school_uai = $1 AND NOT EXISTS (SELECT 1 FROM roster_entries e WHERE e.student_id = s.id
		AND e.matched = 'confirmed') ORDER BY s.id`, uai); err != nil {
		return res, fmt.Errorf("match roster: %w", err)
	}
	ids := make([]int64, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE roster_entries SET student_id = NULL, matched = 'none'
		WHERE id = ANY ($1)`, pq.Array(ids)); err != nil {
		return res, fmt.Errorf("match roster: %w", err)
	}
	if _, err := c.q.ExecContext(ctx, `DELETE FROM roster_candidates WHERE entry_id = ANY ($1)`, pq.Array(ids)); err != nil {
		return res, fmt.Errorf("match roster: %w", err)
	}
	fits := map[int64][]int64{}     // entry → students
	fitsBack := map[int64][]int64{} // student → entries
	for _, e := range entries {
		first, initial := fold.String(e.FirstName), firstLetter(fold.String(e.LastName))
		for _, s := range students {
			if fold.String(s.FirstName) != first || firstLetter(fold.String(s.LastInitial)) != initial ||
				e.BirthMonth != nil && !utcDay(*e.BirthMonth).Equal(utcDay(s.BirthMonth)) {
				continue
			}
			fits[e.ID] = append(fits[e.ID], s.ID)
			fitsBack[s.ID] = append(fitsBack[s.ID], e.ID)
		}
	}
	for _, e := range entries {
		candidates := fits[e.ID]
		switch {
		case len(candidates) == 0:
		case len(candidates) == 1 && len(fitsBack[candidates[0]]) == 1:
			if _, err := c.q.ExecContext(ctx, `UPDATE roster_entries SET student_id = $2, matched = 'auto' WHERE id = $1`,
				e.ID, candidates[0]); err != nil {
				return res, fmt.Errorf("match roster: %w", err)
			}
			res.Matched++
		default:
			for _, s := range candidates {
				if _, err := c.q.ExecContext(ctx, `INSERT INTO roster_candidates (entry_id, student_id) VALUES ($1, $2)`,
					e.ID, s); err != nil {
					return res, fmt.Errorf("match roster: %w", err)
				}
			}
			res.Ambiguous++
		}
	}
	// An agreement still without the student's last name or class takes them from their line.
	if _, err := c.q.ExecContext(ctx, `UPDATE agreements g SET student_last_name = r.last_name,
		student_class = CASE WHEN g.student_class = '' THEN r.class ELSE g.student_class END
		FROM applications a, roster_entries r
		WHERE a.id = g.application_id AND r.student_id = a.student_id AND r.school_uai = $1
		  AND r.matched IN ('auto', 'confirmed') AND g.student_last_name = ''
		  AND g.state IN ('draft', 'completed', 'checked')`, uai); err != nil {
		return res, fmt.Errorf("match roster: agreements: %w", err)
	}
	return res, nil
}

// ConfirmMatch records that the staff of collège uai say line entryID is student studentID, one of
// its candidates; ErrNotFound when the line is not the collège's or the student not a candidate.
func (c Conn) ConfirmMatch(ctx context.Context, uai string, entryID, studentID int64) error {
	return c.atomically(ctx, func(c Conn) error {
		var ok bool
		if err := c.get(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM roster_candidates k JOIN roster_entries e ON e.id = k.entry_id
			WHERE k.entry_id = $1 AND k.student_id = $2 AND e.school_uai = $3)`, entryID, studentID, uai); err != nil {
			return fmt.Errorf("confirm match: %w", err)
		}
		if !ok {
			return fmt.Errorf("confirm match: line %d, student %d: %w", entryID, studentID, ErrNotFound)
		}
		if _, err := c.q.ExecContext(ctx, `UPDATE roster_entries SET student_id = NULL, matched = 'none'
			WHERE student_id = $1`, studentID); err != nil {
			return fmt.Errorf("confirm match: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `UPDATE roster_entries SET student_id = $2, matched = 'confirmed' WHERE id = $1`,
			entryID, studentID); err != nil {
			return fmt.Errorf("confirm match: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `DELETE FROM roster_candidates WHERE entry_id = $1 OR student_id = $2`,
			entryID, studentID); err != nil {
			return fmt.Errorf("confirm match: %w", err)
		}
		return nil
	})
}

// MatchStudent matches a student who signed up, or changed their name, birth month or collège, to
// their collège's class lists.
func (c Conn) MatchStudent(ctx context.Context, studentID int64) error {
	var uai *string
	if err := c.get(ctx, &uai, `SELECT school_uai FROM students WHERE id = $1`, studentID); err != nil {
		return fmt.Errorf("match student: %w", err)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE roster_entries SET student_id = NULL, matched = 'none'
		WHERE student_id = $1 AND school_uai IS DISTINCT FROM $2`, studentID, uai); err != nil {
		return fmt.Errorf("match student: %w", err)
	}
	if uai == nil {
		return nil
	}
	_, err := c.MatchRoster(ctx, *uai)
	return err
}

// firstLetter is the first letter of s, upper case.
func firstLetter(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return ""
	}
	return strings.ToUpper(string(r))
}
