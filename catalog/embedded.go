package catalog

import (
	"context"
	"embed"
	"fmt"
	"path"

	"stagebot/store"
)

// embedded holds the Paris extracts of the public school files, the sectors and the seeded supply;
// see data/README.md.
//
//go:embed data/*.csv data/supply.toml
var embedded embed.FS

// The embedded files.
const (
	embeddedREPList       = "data/liste-des-rep-et-rep-rentree-2022-paris.csv"
	embeddedParisColleges = "data/paris-colleges-publics-2022.csv"
	embeddedSeedSchools   = "data/seed-schools-paris.csv"
	embeddedSectors       = "data/sectors-onisep.csv"
)

// ImportEmbeddedSchools imports the Paris collèges compiled into the program (the Paris rows of the
// REP/REP+ list, the 114 Paris public collèges and the Paris rows of seed-schools), as ImportSchools.
func ImportEmbeddedSchools(ctx context.Context, s *store.Store) (SchoolReport, error) {
	files, err := embeddedFiles(embeddedREPList, embeddedParisColleges, embeddedSeedSchools)
	if err != nil {
		return SchoolReport{}, err
	}
	return importSchools(ctx, s, files)
}

func embeddedFiles(names ...string) ([]namedData, error) {
	var files []namedData
	for _, name := range names {
		data, err := embedded.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("embedded catalog data: %w", err)
		}
		files = append(files, namedData{name: path.Base(name), data: data})
	}
	return files, nil
}
