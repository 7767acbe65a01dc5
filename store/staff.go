package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Role is what a member of staff does, and so what they see.
type Role string

// The roles: the staff of a collège see their collège's page (the principal also invites colleagues);
// a City official sees the City's page, aggregates only.
const (
	RolePrincipal Role = "principal"
	RoleCPE       Role = "cpe"
	RoleTeacher   Role = "teacher"
	RoleCity      Role = "city"
)

// Roles lists the roles.
func Roles() []Role { return []Role{RolePrincipal, RoleCPE, RoleTeacher, RoleCity} }

// Staff is a member of a collège's staff, or a City official.
type Staff struct {
	ID        int64          `db:"id"`
	Email     string         `db:"email"`
	Name      string         `db:"name"`
	Role      Role           `db:"role"`
	Lang      string         `db:"lang"`
	Schools   pq.StringArray `db:"schools"` // the UAI codes of their collèges, in order
	CreatedAt time.Time      `db:"created_at"`
}

// SchoolStaff reports whether the member of staff works in a collège (not a City official).
func (s Staff) SchoolStaff() bool { return s.Role != RoleCity }

// WorksIn reports whether the member of staff is of the collège uai.
func (s Staff) WorksIn(uai string) bool {
	for _, u := range s.Schools {
		if u == uai {
			return true
		}
	}
	return false
}

// NormalizeEmail writes an address as it is kept: trimmed, in lower case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

const staffColumns = `s.id, s.email, s.name, s.role, s.lang, s.created_at,
	coalesce((SELECT array_agg(ss.uai ORDER BY ss.uai) FROM staff_schools ss WHERE ss.staff_id = s.id), '{}') AS schools`

// SaveStaff creates a member of staff, or updates the one with the same e-mail address (name, role,
// language and collèges: the file is the truth), in one transaction. It returns their id.
func (c Conn) SaveStaff(ctx context.Context, s Staff, at time.Time) (int64, error) {
	if at.IsZero() {
		return 0, errors.New("save staff: no time given")
	}
	var id int64
	err := c.atomically(ctx, func(c Conn) error {
		if err := c.get(ctx, &id, `INSERT INTO staff (email, name, role, lang, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, lang = excluded.lang, removed_at = NULL
			RETURNING id`, NormalizeEmail(s.Email), strings.TrimSpace(s.Name), s.Role, cmp.Or(s.Lang, "fr"), at); err != nil {
			return fmt.Errorf("save staff %q: %w", s.Email, err)
		}
		if _, err := c.q.ExecContext(ctx, `DELETE FROM staff_schools WHERE staff_id = $1 AND NOT (uai = ANY ($2))`,
			id, pq.StringArray(append([]string{}, s.Schools...))); err != nil {
			return fmt.Errorf("save staff %q: collèges: %w", s.Email, err)
		}
		if _, err := c.q.ExecContext(ctx, `INSERT INTO staff_schools (staff_id, uai) SELECT $1, unnest($2::text[])
			ON CONFLICT DO NOTHING`, id, pq.StringArray(append([]string{}, s.Schools...))); err != nil {
			return fmt.Errorf("save staff %q: collèges: %w", s.Email, err)
		}
		return nil
	})
	return id, err
}

// InviteStaff adds a colleague to a collège on behalf of one of its staff: a new member of staff of
// that collège, or the collège added to the colleague's when they are already known (their role and
// name stay theirs). It reports whether the colleague is new.
func (c Conn) InviteStaff(ctx context.Context, by int64, uai string, s Staff, at time.Time) (int64, bool, error) {
	var id int64
	created := false
	err := c.atomically(ctx, func(c Conn) error {
		err := c.get(ctx, &id, `SELECT id FROM staff WHERE email = $1`, NormalizeEmail(s.Email))
		switch {
		case errors.Is(err, ErrNotFound):
			if err := c.get(ctx, &id, `INSERT INTO staff (email, name, role, lang, invited_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, NormalizeEmail(s.Email), strings.TrimSpace(s.Name), s.Role,
				cmp.Or(s.Lang, "fr"), by, at); err != nil {
				return fmt.Errorf("invite staff: %w", err)
			}
			created = true
		case err != nil:
			return fmt.Errorf("invite staff: %w", err)
		}
		// Someone removed comes back as the colleague invited, not as what they were.
		if _, err := c.q.ExecContext(ctx, `UPDATE staff SET role = $2, name = $3, removed_at = NULL
			WHERE id = $1 AND removed_at IS NOT NULL`, id, s.Role, strings.TrimSpace(s.Name)); err != nil {
			return fmt.Errorf("invite staff: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `INSERT INTO staff_schools (staff_id, uai) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, id, uai); err != nil {
			return fmt.Errorf("invite staff: %w", err)
		}
		return nil
	})
	return id, created, err
}

// StaffByEmail reads a member of staff by their address, or ErrNotFound.
func (c Conn) StaffByEmail(ctx context.Context, email string) (Staff, error) {
	var s Staff
	if err := c.get(ctx, &s, `SELECT `+staffColumns+` FROM staff s WHERE s.email = $1
		AND s.removed_at IS NULL`, NormalizeEmail(email)); err != nil {
		return Staff{}, fmt.Errorf("staff by e-mail: %w", err)
	}
	return s, nil
}

// StaffOf lists the staff of a collège, by name.
func (c Conn) StaffOf(ctx context.Context, uai string) ([]Staff, error) {
	var out []Staff
	if err := c.all(ctx, &out, `SELECT `+staffColumns+` FROM staff s
		WHERE s.removed_at IS NULL AND EXISTS (SELECT 1 FROM staff_schools ss WHERE ss.staff_id = s.id AND ss.uai = $1)
		ORDER BY s.name, s.id`, uai); err != nil {
		return nil, fmt.Errorf("staff of %s: %w", uai, err)
	}
	return out, nil
}

// RemoveStaff removes the member of staff with that address at time at: their collèges, sessions
// and links go, they can no longer sign in, and the audit log keeps their actions (and this one).
// It reports whether there was someone to remove. Importing or inviting them again brings them back.
func (c Conn) RemoveStaff(ctx context.Context, email string, at time.Time) (bool, error) {
	if at.IsZero() {
		return false, errors.New("remove staff: no time given")
	}
	removed := false
	err := c.atomically(ctx, func(c Conn) error {
		var id int64
		err := c.get(ctx, &id, `UPDATE staff SET removed_at = $2 WHERE email = $1 AND removed_at IS NULL RETURNING id`,
			NormalizeEmail(email), at)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("remove staff: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `DELETE FROM staff_schools WHERE staff_id = $1`, id); err != nil {
			return fmt.Errorf("remove staff: %w", err)
		}
		if err := c.DeleteSessions(ctx, id, at); err != nil {
			return err
		}
		removed = true
		return c.Audit(ctx, AuditEntry{StaffID: id, Action: "staff_removed", At: at})
	})
	return removed, err
}

// CreateSignInLink keeps a sign-in link's token (its hash only) for a member of staff, valid until
// expires.
func (c Conn) CreateSignInLink(ctx context.Context, staffID int64, tokenHash []byte, now, expires time.Time) error {
	if _, err := c.q.ExecContext(ctx, `INSERT INTO sign_in_links (token_hash, staff_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, tokenHash, staffID, now, expires); err != nil {
		return fmt.Errorf("create sign-in link: %w", err)
	}
	return nil
}

// UseSignInLink spends a sign-in link at time now and returns whom it signs in; ErrNotFound when
// it is unknown, already used or expired (the caller cannot tell which, nor can the person).
func (c Conn) UseSignInLink(ctx context.Context, tokenHash []byte, now time.Time) (int64, error) {
	var id int64
	err := c.get(ctx, &id, `UPDATE sign_in_links SET used_at = $2
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING staff_id`, tokenHash, now)
	if err != nil {
		return 0, fmt.Errorf("use sign-in link: %w", err)
	}
	return id, nil
}

// SignInLinkValid reports whether a sign-in link can still be used at now (without spending it).
func (c Conn) SignInLinkValid(ctx context.Context, tokenHash []byte, now time.Time) (bool, error) {
	var ok bool
	if err := c.get(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM sign_in_links WHERE token_hash = $1 AND used_at IS NULL
		AND expires_at > $2)`, tokenHash, now); err != nil {
		return false, fmt.Errorf("sign-in link: %w", err)
	}
	return ok, nil
}

// CountSignInRequests counts the requests for a link made under key since a time.
func (c Conn) CountSignInRequests(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	if err := c.get(ctx, &n, `SELECT count(*) FROM sign_in_requests WHERE key = $1 AND at > $2`, key, since); err != nil {
		return 0, fmt.Errorf("count sign-in requests: %w", err)
	}
	return n, nil
}

// RecordSignInRequest records a request for a link under each key, at time at, and forgets the
// requests older than a day.
func (c Conn) RecordSignInRequest(ctx context.Context, keys []string, at time.Time) error {
	if _, err := c.q.ExecContext(ctx, `INSERT INTO sign_in_requests (key, at) SELECT unnest($1::text[]), $2`,
		pq.StringArray(keys), at); err != nil {
		return fmt.Errorf("record sign-in request: %w", err)
	}
	if _, err := c.q.ExecContext(ctx, `DELETE FROM sign_in_requests WHERE at < $1`, at.Add(-24*time.Hour)); err != nil {
		return fmt.Errorf("forget old sign-in requests: %w", err)
	}
	return nil
}

// Session is a signed-in member of staff, and the token their forms carry.
type Session struct {
	Staff     Staff
	CSRF      string
	ExpiresAt time.Time
}

// CreateSession keeps a session (its token's hash) for a member of staff until expires.
func (c Conn) CreateSession(ctx context.Context, staffID int64, tokenHash []byte, csrf string, now, expires time.Time) error {
	if _, err := c.q.ExecContext(ctx, `INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, tokenHash, staffID, csrf, now, expires); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if _, err := c.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now); err != nil {
		return fmt.Errorf("forget expired sessions: %w", err)
	}
	return nil
}

// SessionByToken reads the session of a token at time now; ErrNotFound when there is none or it
// expired.
func (c Conn) SessionByToken(ctx context.Context, tokenHash []byte, now time.Time) (Session, error) {
	var row struct {
		Staff
		CSRF      string    `db:"csrf"`
		ExpiresAt time.Time `db:"expires_at"`
	}
	if err := c.get(ctx, &row, `SELECT `+staffColumns+`, x.csrf, x.expires_at FROM sessions x
		JOIN staff s ON s.id = x.staff_id WHERE x.token_hash = $1 AND x.expires_at > $2 AND s.removed_at IS NULL`, tokenHash, now); err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	return Session{Staff: row.Staff, CSRF: row.CSRF, ExpiresAt: row.ExpiresAt}, nil
}

// DeleteSession ends one session.
func (c Conn) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteSessions ends every session of a member of staff, and spends their links: signed out
// everywhere.
func (c Conn) DeleteSessions(ctx context.Context, staffID int64, now time.Time) error {
	if _, err := c.q.ExecContext(ctx, `DELETE FROM sessions WHERE staff_id = $1`, staffID); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE sign_in_links SET used_at = $2 WHERE staff_id = $1 AND used_at IS NULL`,
		staffID, now); err != nil {
		return fmt.Errorf("spend links: %w", err)
	}
	return nil
}

// AuditEntry is one action of a member of staff.
type AuditEntry struct {
	StaffID   int64     `db:"staff_id"`
	Action    string    `db:"action"`     // "sign_in", "view_school", "import_roster", "nudge"…
	SchoolUAI *string   `db:"school_uai"` // the collège it was on, if any
	StudentID *int64    `db:"student_id"` // the student it was about, if any
	Detail    string    `db:"detail"`     // counts, a file name: never a person's data
	At        time.Time `db:"at"`
}

// Audit writes one action to the audit log.
func (c Conn) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		return errors.New("audit: no time given")
	}
	if _, err := c.q.ExecContext(ctx, `INSERT INTO audit (staff_id, action, school_uai, student_id, detail, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, e.StaffID, e.Action, e.SchoolUAI, e.StudentID, e.Detail, e.At); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog lists the audit entries since a time, newest first (at most limit).
func (c Conn) AuditLog(ctx context.Context, since time.Time, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	if err := c.all(ctx, &out, `SELECT coalesce(staff_id, 0) AS staff_id, action, school_uai, student_id, detail, at
		FROM audit WHERE at >= $1 ORDER BY at DESC, id DESC LIMIT $2`, since, limit); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}
