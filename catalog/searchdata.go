package catalog

import (
	"context"
	"fmt"
	"strings"

	"stagebot/fold"
	"stagebot/store"
)

// The search's own data, compiled into the program: the sector families (data/sector-families.csv)
// and the synonyms (data/search-synonyms.csv).
const (
	embeddedFamilies = "data/sector-families.csv"
	embeddedSynonyms = "data/search-synonyms.csv"
)

func readFamilies() (familyOf map[string]string, order []string, err error) {
	files, err := embeddedFiles(embeddedFamilies)
	if err != nil {
		return nil, nil, err
	}
	f, err := parseCSV(files[0].name, files[0].data)
	if err != nil {
		return nil, nil, err
	}
	familyOf = map[string]string{}
	for _, row := range f.rows {
		family, sector := f.get(row, "family"), f.get(row, "sector")
		if _, seen := familyOf[sector]; seen || family == "" || sector == "" {
			return nil, nil, fmt.Errorf("%s:%d: a family and a sector, once each", files[0].name, row.line)
		}
		familyOf[sector] = family
		if len(order) == 0 || order[len(order)-1] != family {
			order = append(order, family)
		}
	}
	return familyOf, order, nil
}

// importSearchData files the sectors under their families and replaces the synonyms, in the
// transaction of a sectors import. Every sector a synonym names must exist.
func importSearchData(ctx context.Context, tx *store.Tx) error {
	familyOf, order, err := readFamilies()
	if err != nil {
		return fmt.Errorf("sector families: %w", err)
	}
	if err := tx.SetSectorFamilies(ctx, familyOf, order); err != nil {
		return err
	}
	sectors, err := tx.Sectors(ctx)
	if err != nil {
		return err
	}
	idOf := map[string]int{}
	for _, s := range sectors {
		idOf[s.Name] = s.ID
	}
	files, err := embeddedFiles(embeddedSynonyms)
	if err != nil {
		return err
	}
	f, err := parseCSV(files[0].name, files[0].data)
	if err != nil {
		return fmt.Errorf("synonyms: %w", err)
	}
	var syns []store.Synonym
	for _, row := range f.rows {
		word := fold.String(f.get(row, "word"))
		for _, name := range split(f.get(row, "sectors")) {
			id, ok := idOf[name]
			if !ok {
				return fmt.Errorf("%s:%d: unknown sector %q", f.name, row.line, name)
			}
			syns = append(syns, store.Synonym{Word: word, SectorID: id})
		}
		for _, term := range split(f.get(row, "words")) {
			syns = append(syns, store.Synonym{Word: word, Term: fold.String(term)})
		}
	}
	return tx.ReplaceSynonyms(ctx, syns)
}

// split reads a list separated by ";", without empty items.
func split(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ";") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
