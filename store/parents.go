package store

import (
	"context"
	"fmt"
	"stagebot/domain"
	"time"
)

// Parent is a parent of one or more students, known by their mobile phone (E.164).
type Parent struct {
	ID    int64  `db:"id"`
	Phone string `db:"phone"`
	Lang  string `db:"lang"`
}

// Child is one of a parent's children on the service, as the parent's conversation sees them.
type Child struct {
	StudentID   int64          `db:"id"`
	FirstName   string         `db:"first_name"`
	LastInitial string         `db:"last_initial"`
	SchoolName  string         `db:"school_name"`
	Consent     domain.Consent `db:"consent"`
	Channel     domain.Channel `db:"channel"` // the child's own conversation
	Address     string         `db:"address"`
	Lang        string         `db:"lang"`
}

// ParentByPhone finds the parent with that phone (E.164), or ErrNotFound.
func (c Conn) ParentByPhone(ctx context.Context, phone string) (Parent, error) {
	var p Parent
	if err := c.get(ctx, &p, `SELECT id, phone, lang FROM parents WHERE phone = $1`, phone); err != nil {
		return Parent{}, fmt.Errorf("parent by phone: %w", err)
	}
	return p, nil
}

// Children lists a parent's children, in the order they signed up.
func (c Conn) Children(ctx context.Context, parentID int64) ([]Child, error) {
	var children []Child
	if err := c.all(ctx, &children, `SELECT id, first_name, last_initial, school_name, consent, channel, address, lang
		FROM students WHERE parent_id = $1 ORDER BY id`, parentID); err != nil {
		return nil, fmt.Errorf("children of parent %d: %w", parentID, err)
	}
	return children, nil
}

// SetParentLanguage records a parent's language; ErrNotFound when there is no such parent.
func (c Conn) SetParentLanguage(ctx context.Context, parentID int64, lang string) error {
	res, err := c.q.ExecContext(ctx, `UPDATE parents SET lang = $2 WHERE id = $1`, parentID, lang)
	if err != nil {
		return fmt.Errorf("set language of parent %d: %w", parentID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("set language of parent %d: %w", parentID, err)
	} else if n == 0 {
		return fmt.Errorf("parent %d: %w", parentID, ErrNotFound)
	}
	return nil
}

// GrantConsent records the parent's agreement for their child, in one transaction: consent becomes
// granted (from pending, or again after a refusal or a withdrawal: a parent may change their mind)
// and every application waiting for it (awaiting_parent) is sent to its host by the parent. It
// returns those applications, now sent, so the caller can tell their hosts. Granting again moves
// nothing and keeps the first consent_at.
func (c Conn) GrantConsent(ctx context.Context, studentID int64, at time.Time) ([]ApplicationInfo, error) {
	var sent []ApplicationInfo
	err := c.atomically(ctx, func(c Conn) error {
		consent, err := c.lockConsent(ctx, studentID)
		if err != nil {
			return err
		}
		if consent != domain.ConsentGranted {
			if err := c.setConsent(ctx, studentID, domain.ConsentGranted, at); err != nil {
				return err
			}
		}
		sent, err = c.moveAll(ctx, `student_id = $1 AND state = `+sqlState(domain.AwaitingParent), []any{studentID}, domain.Sent, domain.ByParent, at)
		return err
	})
	return sent, err
}

// RefuseConsent records the parent's refusal for their child, in one transaction: consent becomes
// withdrawn when withdrawn is true or it had been granted, refused otherwise; and every application
// that had reached a host (sent, accepted, confirmed) is withdrawn by the parent. It returns those
// applications with the state they had (PreviousState), so the caller can tell their hosts. The
// applications that never left wait, unsent: a parent may change their mind, and their OUI
// (GrantConsent) sends those whose deadline has not passed. Until then, Apply refuses with
// ProblemNoConsent.
func (c Conn) RefuseConsent(ctx context.Context, studentID int64, at time.Time, withdrawn bool) ([]ApplicationInfo, error) {
	var apps []ApplicationInfo
	err := c.atomically(ctx, func(c Conn) error {
		consent, err := c.lockConsent(ctx, studentID)
		if err != nil {
			return err
		}
		to := domain.ConsentRefused
		if withdrawn || consent == domain.ConsentGranted {
			to = domain.ConsentWithdrawn
		}
		if consent != to {
			if err := c.setConsent(ctx, studentID, to, at); err != nil {
				return err
			}
		}
		apps, err = c.moveAll(ctx, `student_id = $1 AND state IN `+reachedStates(), []any{studentID}, domain.Withdrawn, domain.ByParent, at)
		return err
	})
	return apps, err
}

// Waiting counts a student's applications waiting for their parent's agreement.
func (c Conn) Waiting(ctx context.Context, studentID int64) (int, error) {
	var n int
	if err := c.get(ctx, &n, `SELECT count(*) FROM applications WHERE student_id = $1 AND state = `+
		sqlState(domain.AwaitingParent), studentID); err != nil {
		return 0, fmt.Errorf("applications waiting for the parent of student %d: %w", studentID, err)
	}
	return n, nil
}

// lockConsent locks a student's row in the transaction and returns their consent.
func (c Conn) lockConsent(ctx context.Context, studentID int64) (domain.Consent, error) {
	var consent domain.Consent
	if err := c.get(ctx, &consent, `SELECT consent FROM students WHERE id = $1 FOR UPDATE`, studentID); err != nil {
		return "", fmt.Errorf("consent of student %d: %w", studentID, err)
	}
	return consent, nil
}

func (c Conn) setConsent(ctx context.Context, studentID int64, consent domain.Consent, at time.Time) error {
	if _, err := c.q.ExecContext(ctx, `UPDATE students SET consent = $2, consent_at = $3, updated_at = $3
		WHERE id = $1`, studentID, consent, at); err != nil {
		return fmt.Errorf("set consent of student %d: %w", studentID, err)
	}
	return nil
}
