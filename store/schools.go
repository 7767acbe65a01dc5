package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stagebot/fold"
)

// School is a collège. Department holds the INSEE département code ("75" for Paris, "2A", "971");
// Commune is "Paris" for Paris, whose arrondissement (1–20) is in its own column when known.
type School struct {
	UAI            string     `db:"uai"`
	Name           string     `db:"name"`
	Commune        string     `db:"commune"`
	Department     string     `db:"department"`
	Arrondissement *int       `db:"arrondissement"`
	Priority       string     `db:"education_priority"` // "none", "REP" or "REP+"
	Latitude       *float64   `db:"latitude"`
	Longitude      *float64   `db:"longitude"`
	IPS            *float64   `db:"ips"`
	CohortSize     *int       `db:"cohort_size"`
	StageWeek      *time.Time `db:"stage_week"`
}

// Education priority levels of a school.
const (
	PriorityNone    = "none"
	PriorityREP     = "REP"
	PriorityREPPlus = "REP+"
)

// ParisDepartment is the département code of Paris.
const ParisDepartment = "75"

// IsPriority reports whether the school is in a priority-education network (REP or REP+).
func (s School) IsPriority() bool { return s.Priority == PriorityREP || s.Priority == PriorityREPPlus }

const schoolColumnList = `uai, name, commune, department, arrondissement, education_priority,
	latitude, longitude, ips, cohort_size, stage_week`

// ValidUAI reports whether s has the shape of a UAI code, the national school id: 7 digits and a
// letter (any case).
func ValidUAI(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := range 7 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	last := s[7] | 0x20 // lower case
	return last >= 'a' && last <= 'z'
}

// UpsertSchool inserts the school or updates it by UAI, and reports whether a row changed (a re-run
// with the same data changes nothing). Name, Commune and Department are written as given; a nil
// Arrondissement, Latitude, Longitude, IPS, CohortSize or StageWeek, and an empty Priority, keep the
// stored value (a new school gets NULL and "none"), so partial sources merge without erasing.
func (c Conn) UpsertSchool(ctx context.Context, s School) (bool, error) {
	uai := strings.ToUpper(strings.TrimSpace(s.UAI))
	if !ValidUAI(uai) {
		return false, fmt.Errorf("upsert school %q: invalid UAI", s.UAI)
	}
	var priority *string
	if s.Priority != "" {
		priority = &s.Priority
	}
	res, err := c.q.ExecContext(ctx, `
		INSERT INTO schools AS s (uai, name, commune, department, arrondissement, education_priority,
			latitude, longitude, ips, cohort_size, stage_week, search_text)
		VALUES ($1, $2, $3, $4, $5, COALESCE($6, 'none'), $7, $8, $9, $10, $11, $12)
		ON CONFLICT (uai) DO UPDATE SET
			name = excluded.name, commune = excluded.commune, department = excluded.department,
			arrondissement = COALESCE($5, s.arrondissement),
			education_priority = COALESCE($6, s.education_priority),
			latitude = COALESCE($7, s.latitude), longitude = COALESCE($8, s.longitude),
			ips = COALESCE($9, s.ips), cohort_size = COALESCE($10, s.cohort_size),
			stage_week = COALESCE($11, s.stage_week), search_text = excluded.search_text,
			updated_at = now() -- audit only: the database clock
		WHERE (s.name, s.commune, s.department, s.arrondissement, s.education_priority, s.latitude,
				s.longitude, s.ips, s.cohort_size, s.stage_week, s.search_text)
			IS DISTINCT FROM (excluded.name, excluded.commune, excluded.department,
				COALESCE($5, s.arrondissement), COALESCE($6, s.education_priority),
				COALESCE($7, s.latitude), COALESCE($8, s.longitude), COALESCE($9::numeric(5,1), s.ips),
				COALESCE($10, s.cohort_size), COALESCE($11, s.stage_week), excluded.search_text)`,
		uai, s.Name, s.Commune, s.Department, s.Arrondissement, priority,
		s.Latitude, s.Longitude, s.IPS, s.CohortSize, dayParam(s.StageWeek),
		fold.String(s.Name+" "+s.Commune))
	if err != nil {
		return false, fmt.Errorf("upsert school %s: %w", uai, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("upsert school %s: %w", uai, err)
	}
	return n > 0, nil
}

// SchoolByUAI returns the school with that UAI code (any case), or ErrNotFound.
func (c Conn) SchoolByUAI(ctx context.Context, uai string) (School, error) {
	var s School
	err := c.get(ctx, &s, `SELECT `+schoolColumnList+` FROM schools WHERE uai = $1`,
		strings.ToUpper(strings.TrimSpace(uai)))
	if err != nil {
		return School{}, fmt.Errorf("school %s: %w", uai, err)
	}
	return s, nil
}

// SetSchoolStageWeek records the week (a Monday) the school's 3e students do their stage.
func (c Conn) SetSchoolStageWeek(ctx context.Context, uai string, week time.Time) error {
	res, err := c.q.ExecContext(ctx, `UPDATE schools SET stage_week = $2, updated_at = now() -- audit only: the database clock

		WHERE uai = $1 AND stage_week IS DISTINCT FROM $2::date`,
		strings.ToUpper(strings.TrimSpace(uai)), dayParam(&week))
	if err != nil {
		return fmt.Errorf("set stage week of %s: %w", uai, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		if _, err := c.SchoolByUAI(ctx, uai); err != nil {
			return fmt.Errorf("set stage week: %w", err)
		}
	}
	return nil
}

// SchoolsOutsideWeeks returns, in order, the UAI codes of the schools whose stage week is not one of
// weeks (or that have none).
func (c Conn) SchoolsOutsideWeeks(ctx context.Context, weeks []time.Time) ([]string, error) {
	days := make([]string, len(weeks))
	for i, w := range weeks {
		days[i] = w.Format(time.DateOnly)
	}
	var uais []string
	if err := c.all(ctx, &uais, `SELECT uai FROM schools
		WHERE stage_week IS NULL OR NOT (stage_week = ANY ($1::date[])) ORDER BY uai`, pq.Array(days)); err != nil {
		return nil, fmt.Errorf("schools outside the stage weeks: %w", err)
	}
	return uais, nil
}

// SetSchoolStageWeeks gives school uais[i] the stage week weeks[i], in one statement, and returns
// how many schools changed.
func (c Conn) SetSchoolStageWeeks(ctx context.Context, uais []string, weeks []time.Time) (int, error) {
	if len(uais) != len(weeks) {
		return 0, fmt.Errorf("set stage weeks: %d schools but %d weeks", len(uais), len(weeks))
	}
	days := make([]string, len(weeks))
	for i := range weeks {
		days[i] = weeks[i].Format(time.DateOnly)
	}
	res, err := c.q.ExecContext(ctx, `UPDATE schools s SET stage_week = w.week, updated_at = now() -- audit only: the database clock

		FROM unnest($1::text[], $2::date[]) AS w(uai, week)
		WHERE s.uai = w.uai AND s.stage_week IS DISTINCT FROM w.week`, pq.Array(uais), pq.Array(days))
	if err != nil {
		return 0, fmt.Errorf("set stage weeks: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("set stage weeks: %w", err)
	}
	return int(n), nil
}

// schoolQueryNoise tells the words of a school search that name no particular school.
func schoolQueryNoise(word string) bool {
	return word == "college" || word == "colleges" || word == "clg"
}

// FindSchools returns up to limit schools matching query: a UAI code matches exactly; any other
// text is folded (case and accents ignored, the word "collège" dropped) and matched against the
// school's name and commune: as a substring, or tolerant of typos by pg_trgm word similarity.
// When any school of the territory (its départements; the season's) matches, only those are
// returned; schools elsewhere only when none there does. Good matches (similarity ≥ 0.5) hide poor
// ones (≥ 0.3), which are only returned when there is nothing better. The best matches come first,
// then by name.
func (c Conn) FindSchools(ctx context.Context, query string, limit int, territory Territory) ([]School, error) {
	if limit <= 0 {
		limit = 10
	}
	query = strings.TrimSpace(query)
	var schools []School
	if ValidUAI(query) {
		err := sqlx.SelectContext(ctx, c.q, &schools, `SELECT `+schoolColumnList+` FROM schools WHERE uai = $1`,
			strings.ToUpper(query))
		if err != nil {
			return nil, fmt.Errorf("find schools: %w", err)
		}
		return schools, nil
	}
	q := searchWords(query, schoolQueryNoise)
	if q == "" {
		return nil, nil
	}
	err := sqlx.SelectContext(ctx, c.q, &schools, `WITH scored AS (
			SELECT *, GREATEST(word_similarity($1, search_text), CASE WHEN search_text LIKE $2 THEN 1 ELSE 0 END) AS score
			FROM schools WHERE word_similarity($1, search_text) >= `+fuzzyLoose+` OR search_text LIKE $2),
		here AS (SELECT * FROM scored WHERE department = ANY ($4::text[])),
		found AS (SELECT * FROM here UNION ALL SELECT * FROM scored WHERE NOT EXISTS (SELECT 1 FROM here))
		SELECT `+schoolColumnList+` FROM found
		WHERE score >= `+fuzzyGood+` OR NOT EXISTS (SELECT 1 FROM found WHERE score >= `+fuzzyGood+`)
		ORDER BY score DESC, name, uai
		LIMIT $3`, q, containsPattern(q), limit, pq.StringArray(append(Territory{}, territory...)))
	if err != nil {
		return nil, fmt.Errorf("find schools %q: %w", query, err)
	}
	return schools, nil
}

// Word-similarity thresholds of the typo-tolerant searches: a transposition in an 8-letter word
// ("volatire") scores about 0.38.
const (
	fuzzyGood  = "0.5"
	fuzzyLoose = "0.3"
)

// searchWords folds a search into words joined by spaces, without its noise words; "" when none
// is left.
func searchWords(query string, noise func(string) bool) string {
	words := fold.Words(query)
	kept := words[:0:0]
	for _, w := range words {
		if noise == nil || !noise(w) {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return strings.Join(kept, " ")
}

// containsPattern is the LIKE pattern matching text that contains s.
func containsPattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// dayParam turns an optional day into a date parameter ("2006-01-02"), or NULL.
func dayParam(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.DateOnly)
}

// Schools lists every school, by UAI.
func (c Conn) Schools(ctx context.Context) ([]School, error) {
	var schools []School
	if err := c.all(ctx, &schools, `SELECT `+schoolColumnList+` FROM schools ORDER BY uai`); err != nil {
		return nil, fmt.Errorf("schools: %w", err)
	}
	return schools, nil
}
