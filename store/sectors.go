package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Sector is one of the ONISEP career sectors offers are filed under.
type Sector struct {
	ID        int    `db:"id"`
	Name      string `db:"name"`
	OnisepURL string `db:"onisep_url"`
	Family    string `db:"family"` // the family it is browsed under (see SetSectorFamilies)
}

// sectorFoldedName folds a sector name in SQL the way fold.String does for French text (lower case,
// no accents) whatever the database's locale, for typo-tolerant matching; the sectors table keeps
// no search column of its own.
const sectorFoldedName = `lower(replace(replace(replace(replace(translate(name,
	'àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ’',
	'aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy'''),
	'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'))`

// UpsertSector inserts the sector or updates its ONISEP link by name, and reports whether a row
// changed. The sector's ID is ignored.
func (c Conn) UpsertSector(ctx context.Context, s Sector) (bool, error) {
	name := strings.TrimSpace(s.Name)
	res, err := c.q.ExecContext(ctx, `INSERT INTO sectors AS s (name, onisep_url) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET onisep_url = excluded.onisep_url
		WHERE s.onisep_url IS DISTINCT FROM excluded.onisep_url`, name, strings.TrimSpace(s.OnisepURL))
	if err != nil {
		return false, fmt.Errorf("upsert sector %q: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("upsert sector %q: %w", name, err)
	}
	return n > 0, nil
}

// Sectors returns every sector, by name.
func (c Conn) Sectors(ctx context.Context) ([]Sector, error) {
	var sectors []Sector
	if err := sqlx.SelectContext(ctx, c.q, &sectors,
		`SELECT id, name, onisep_url, family FROM sectors ORDER BY name`); err != nil {
		return nil, fmt.Errorf("sectors: %w", err)
	}
	return sectors, nil
}

// FindSectors returns up to limit sectors that query names: the sectors a word of it stands for
// (search_synonyms: "santé" is Médical, Paramédical and Social), else those whose name matches,
// ignoring case and accents and tolerant of typos ("spor", "informatiqe") as FindSchools is, best
// matches first.
func (c Conn) FindSectors(ctx context.Context, query string, limit int) ([]Sector, error) {
	if limit <= 0 {
		limit = 10
	}
	q := searchWords(query, nil)
	if q == "" {
		return nil, nil
	}
	var sectors []Sector
	if err := sqlx.SelectContext(ctx, c.q, &sectors, `SELECT DISTINCT s.id, s.name, s.onisep_url, s.family
		FROM search_synonyms sy JOIN sectors s ON s.id = sy.sector_id
		WHERE sy.word = ANY($1::text[]) ORDER BY s.name LIMIT $2`, pq.Array(strings.Fields(q)), limit); err != nil {
		return nil, fmt.Errorf("find sectors %q: %w", query, err)
	}
	if len(sectors) > 0 {
		return sectors, nil
	}
	err := sqlx.SelectContext(ctx, c.q, &sectors, `WITH folded AS (
			SELECT id, name, onisep_url, family, `+sectorFoldedName+` AS folded FROM sectors),
		scored AS (
			SELECT id, name, onisep_url, family,
				GREATEST(word_similarity($1, folded), CASE WHEN folded LIKE $2 THEN 1 ELSE 0 END,
					CASE WHEN ' ' || folded LIKE $4 THEN 2 ELSE 0 END) AS score -- a word that starts with the query first
			FROM folded WHERE word_similarity($1, folded) >= `+fuzzyLoose+` OR folded LIKE $2)
		SELECT id, name, onisep_url, family FROM scored
		WHERE score >= (SELECT CASE WHEN max(score) >= 2 THEN 2 WHEN max(score) >= `+fuzzyGood+` THEN `+fuzzyGood+`
		                        ELSE 0 END FROM scored)
		ORDER BY score DESC, name
		LIMIT $3`, q, containsPattern(q), limit, "% "+strings.TrimPrefix(containsPattern(q), "%"))
	if err != nil {
		return nil, fmt.Errorf("find sectors %q: %w", query, err)
	}
	return sectors, nil
}
