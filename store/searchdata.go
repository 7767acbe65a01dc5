package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"stagebot/fold"
)

// Synonym is what a searched word means besides itself: a sector, or another word to look for.
type Synonym struct {
	Word     string // folded: "sante"
	SectorID int    // 0 when Term is set
	Term     string // folded: "restauration"; "" when SectorID is set
}

// ReplaceSynonyms replaces every synonym with these.
func (c Conn) ReplaceSynonyms(ctx context.Context, syns []Synonym) error {
	return c.atomically(ctx, func(c Conn) error {
		if _, err := c.q.ExecContext(ctx, `DELETE FROM search_synonyms`); err != nil {
			return fmt.Errorf("replace synonyms: %w", err)
		}
		words := make([]string, len(syns))
		sectors := make([]int64, len(syns))
		terms := make([]string, len(syns))
		for i, s := range syns {
			words[i], sectors[i], terms[i] = fold.String(s.Word), int64(s.SectorID), fold.String(s.Term)
		}
		if _, err := c.q.ExecContext(ctx, `INSERT INTO search_synonyms (word, sector_id, term)
			SELECT w, nullif(s, 0), nullif(t, '') FROM unnest($1::text[], $2::int[], $3::text[]) AS x(w, s, t)
			ON CONFLICT DO NOTHING`, pq.Array(words), pq.Array(sectors), pq.Array(terms)); err != nil {
			return fmt.Errorf("replace synonyms: %w", err)
		}
		return nil
	})
}

// SetSectorFamilies files each sector (by name) under a family key; sectors not listed keep theirs.
// The families are offered in the order given (keys not in it come last).
func (c Conn) SetSectorFamilies(ctx context.Context, familyOf map[string]string, order []string) error {
	names := make([]string, 0, len(familyOf))
	families := make([]string, 0, len(familyOf))
	for name, family := range familyOf {
		names, families = append(names, name), append(families, family)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE sectors s SET family = f.family,
		family_rank = coalesce(array_position($3::text[], f.family), 1000)
		FROM unnest($1::text[], $2::text[]) AS f(name, family) WHERE s.name = f.name`,
		pq.Array(names), pq.Array(families), pq.Array(order)); err != nil {
		return fmt.Errorf("set sector families: %w", err)
	}
	return nil
}

// RefreshSearchWords rebuilds the lexicon of the words offers are written with (folded, three
// letters or more), which a misspelt search word is corrected against.
func (c Conn) RefreshSearchWords(ctx context.Context) error {
	return c.atomically(ctx, func(c Conn) error {
		if _, err := c.q.ExecContext(ctx, `DELETE FROM search_words`); err != nil {
			return fmt.Errorf("refresh search words: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `INSERT INTO search_words (word, offers)
			SELECT w, count(DISTINCT o.id) FROM offers o, regexp_split_to_table(o.search_text, '[^a-z0-9]+') AS w
			WHERE length(w) >= 3 GROUP BY w`); err != nil {
			return fmt.Errorf("refresh search words: %w", err)
		}
		return nil
	})
}
