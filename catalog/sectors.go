package catalog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"stagebot/store"
)

// SectorReport tells what an import of the sectors file did.
type SectorReport struct {
	Problems  []LineError // skipped lines, with the reason
	Sectors   int         // sectors read
	Inserted  int
	Updated   int
	Unchanged int
}

// ImportSectors imports the ONISEP sectors from a CSV file with a header "name,onisep_url", in one
// transaction. Existing sectors keep their id; their link is updated.
func ImportSectors(ctx context.Context, s *store.Store, path string) (SectorReport, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return SectorReport{}, fmt.Errorf("import sectors: %w", err)
	}
	var report SectorReport
	err = s.InTx(ctx, func(tx *store.Tx) error {
		report, err = importSectors(ctx, tx, namedData{name: filepath.Base(path), data: data})
		return err
	})
	return report, err
}

// ImportEmbeddedSectors imports the 42 ONISEP sectors compiled into the program.
func ImportEmbeddedSectors(ctx context.Context, s *store.Store) (SectorReport, error) {
	files, err := embeddedFiles(embeddedSectors)
	if err != nil {
		return SectorReport{}, err
	}
	var report SectorReport
	err = s.InTx(ctx, func(tx *store.Tx) error {
		report, err = importSectors(ctx, tx, files[0])
		return err
	})
	return report, err
}

// importSectors reads and upserts the sectors of one file within a transaction.
func importSectors(ctx context.Context, tx *store.Tx, nd namedData) (SectorReport, error) {
	var report SectorReport
	f, err := parseCSV(nd.name, nd.data)
	if err != nil {
		return report, fmt.Errorf("import sectors: %w", err)
	}
	if !f.has("name", "onisep_url") {
		return report, fmt.Errorf("import sectors: %s: want the header name,onisep_url", nd.name)
	}
	report.Problems = f.problems
	before, err := tx.CatalogCounts(ctx)
	if err != nil {
		return report, fmt.Errorf("import sectors: %w", err)
	}
	seen := map[string]int{}
	changed := 0
	for _, row := range f.rows {
		sec := store.Sector{Name: f.get(row, "name"), OnisepURL: f.get(row, "onisep_url")}
		if sec.Name == "" {
			report.Problems = append(report.Problems, f.lineError(row, "no sector name"))
			continue
		}
		if first, dup := seen[sec.Name]; dup {
			report.Problems = append(report.Problems, f.lineError(row, "sector %q already on line %d", sec.Name, first))
			continue
		}
		seen[sec.Name] = row.line
		ch, err := tx.UpsertSector(ctx, sec)
		if err != nil {
			return report, fmt.Errorf("import sectors: %w", err)
		}
		if ch {
			changed++
		}
	}
	after, err := tx.CatalogCounts(ctx)
	if err != nil {
		return report, fmt.Errorf("import sectors: %w", err)
	}
	if err := importSearchData(ctx, tx); err != nil {
		return report, fmt.Errorf("import sectors: %w", err)
	}
	report.Sectors = len(seen)
	report.Inserted = after.Sectors - before.Sectors
	report.Updated = changed - report.Inserted
	report.Unchanged = len(seen) - changed
	return report, nil
}
