package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"stagebot/store"
)

// School file kinds, recognised by their header.
const (
	KindREPList       = "rep-list"       // the official REP/REP+ list (NUMERO, EP, TYPE_DETABLISSEMENT…)
	KindParisColleges = "paris-colleges" // uai,name,dnb_admitted_2022,ips
	KindSeedSchools   = "seed-schools"   // Code UAI, zipcode, Commune, ETABLISSEMENT, coordinates
)

// FileSummary tells what became of one input file's lines.
type FileSummary struct {
	Name     string
	Kind     string
	Rows     int // data lines, header excluded
	Used     int // lines that gave a school
	Ignored  int // lines about something else (a primary school in the REP list)
	Rejected int // bad lines, reported in the problems
}

// SchoolReport tells what an import of school files did.
type SchoolReport struct {
	Files     []FileSummary
	Problems  []LineError // skipped lines, with the reason
	Schools   int         // distinct collèges read
	Inserted  int
	Updated   int
	Unchanged int
	Counts    store.CatalogCounts // the catalog after the import
}

// schoolRecord gathers what the files say about one collège.
type schoolRecord struct {
	uai                             string
	repName, parisName, seedName    string
	repCommune, seedCommune         string
	repDepartment, seedDepartment   string
	parisList                       bool
	repArrondissement, seedArrondis *int
	priority                        string
	latitude, longitude             *float64
	ips                             *float64
	cohort                          *int
}

// namedData is the content of one input file.
type namedData struct {
	name string
	data []byte
}

// ImportSchools imports collèges from any of the three school files (the REP/REP+ list, the Paris
// public collèges, seed-schools), each recognised by its header. It reads every file, merges them
// by UAI in memory, then upserts every school in one transaction. Bad lines are skipped and listed
// in the report; a file that cannot be read or recognised fails the import before any write.
func ImportSchools(ctx context.Context, s *store.Store, paths ...string) (SchoolReport, error) {
	var files []namedData
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return SchoolReport{}, fmt.Errorf("import schools: %w", err)
		}
		files = append(files, namedData{name: filepath.Base(p), data: data})
	}
	return importSchools(ctx, s, files)
}

func importSchools(ctx context.Context, s *store.Store, files []namedData) (SchoolReport, error) {
	var report SchoolReport
	records := map[string]*schoolRecord{}
	record := func(uai string) *schoolRecord {
		r := records[uai]
		if r == nil {
			r = &schoolRecord{uai: uai}
			records[uai] = r
		}
		return r
	}
	sawREPList := false
	for _, nd := range files {
		f, err := parseCSV(nd.name, nd.data)
		if err != nil {
			return report, fmt.Errorf("import schools: %w", err)
		}
		sum := FileSummary{Name: nd.name, Rows: len(f.rows) + len(f.problems), Rejected: len(f.problems)}
		problems := f.problems
		var read func(csvRow) (bool, error)
		var uaiColumn string
		switch {
		case f.has("numero", "ep", "type_detablissement"):
			sum.Kind, uaiColumn, sawREPList = KindREPList, "numero", true
			read = func(row csvRow) (bool, error) { return readREPRow(f, row, record) }
		case f.has("uai", "name", "dnb_admitted_2022", "ips"):
			sum.Kind, uaiColumn = KindParisColleges, "uai"
			read = func(row csvRow) (bool, error) { return true, readParisRow(f, row, record) }
		case f.has("code uai", "coordinates"):
			sum.Kind, uaiColumn = KindSeedSchools, "code uai"
			read = func(row csvRow) (bool, error) { return true, readSeedRow(f, row, record) }
		default:
			return report, fmt.Errorf("import schools: %s: unrecognised header %q", nd.name, strings.Join(f.header, ","))
		}
		seen := map[string]int{}
		for _, row := range f.rows {
			uai := strings.ToUpper(f.get(row, uaiColumn))
			if first, dup := seen[uai]; dup && store.ValidUAI(uai) {
				problems = append(problems, f.lineError(row, "UAI %s already on line %d", uai, first))
				sum.Rejected++
				continue
			}
			used, err := read(row)
			switch {
			case err != nil:
				problems = append(problems, f.lineError(row, "%v", err))
				sum.Rejected++
			case used:
				seen[uai] = row.line
				sum.Used++
			default:
				sum.Ignored++
			}
		}
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		report.Problems = append(report.Problems, problems...)
		report.Files = append(report.Files, sum)
	}
	schools := make([]store.School, 0, len(records))
	for _, r := range records {
		schools = append(schools, r.school(sawREPList))
	}
	sort.Slice(schools, func(i, j int) bool { return schools[i].UAI < schools[j].UAI })
	report.Schools = len(schools)
	err := s.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.CatalogCounts(ctx)
		if err != nil {
			return err
		}
		changed := 0
		for _, sc := range schools {
			ch, err := tx.UpsertSchool(ctx, sc)
			if err != nil {
				return err
			}
			if ch {
				changed++
			}
		}
		if report.Counts, err = tx.CatalogCounts(ctx); err != nil {
			return err
		}
		report.Inserted = report.Counts.Schools - before.Schools
		report.Updated = changed - report.Inserted
		report.Unchanged = len(schools) - changed
		return nil
	})
	if err != nil {
		return report, fmt.Errorf("import schools: %w", err)
	}
	return report, nil
}

// readREPRow reads a line of the REP list; lines about other types of schools are ignored.
func readREPRow(f *csvFile, row csvRow, record func(string) *schoolRecord) (bool, error) {
	if !strings.EqualFold(f.get(row, "type_detablissement"), "COLLEGE") {
		return false, nil
	}
	uai, err := parseUAI(f.get(row, "numero"))
	if err != nil {
		return false, err
	}
	ep := strings.ToUpper(strings.ReplaceAll(f.get(row, "ep"), " ", ""))
	if ep != store.PriorityREP && ep != store.PriorityREPPlus {
		return false, fmt.Errorf("unknown EP %q (want REP or REP+)", f.get(row, "ep"))
	}
	name := f.get(row, "nom de l'etablissement")
	if name == "" {
		return false, fmt.Errorf("no name for %s", uai)
	}
	dept, err := departmentCode(f.get(row, "n°departement"))
	if err != nil {
		return false, err
	}
	commune := f.get(row, "commune")
	var arr *int
	if rest, ok := strings.CutPrefix(strings.ToUpper(commune), "PARIS"); ok && dept == store.ParisDepartment {
		rest = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(rest), "E"), "ER") // "PARIS 18", "PARIS 18E"
		if rest != "" {
			n, err := strconv.Atoi(rest)
			if err != nil || n < 1 || n > 20 {
				return false, fmt.Errorf("commune %q: no such Paris arrondissement", commune)
			}
			arr = &n
		}
	}
	r := record(uai)
	r.repName, r.repCommune, r.repDepartment, r.priority, r.repArrondissement = name, commune, dept, ep, arr
	return true, nil
}

// readParisRow reads a line of the Paris public collèges file.
func readParisRow(f *csvFile, row csvRow, record func(string) *schoolRecord) error {
	uai, err := parseUAI(f.get(row, "uai"))
	if err != nil {
		return err
	}
	name := f.get(row, "name")
	if name == "" {
		return fmt.Errorf("no name for %s", uai)
	}
	var cohort *int
	if v := f.get(row, "dnb_admitted_2022"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("dnb_admitted_2022 %q is not a number of students", v)
		}
		cohort = &n
	}
	var ips *float64
	if v := f.get(row, "ips"); v != "" {
		x, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil || !(x > 0 && x < 1000) { // NaN is no index
			return fmt.Errorf("ips %q is not a social position index", v)
		}
		ips = &x
	}
	r := record(uai)
	r.parisName, r.parisList, r.cohort, r.ips = name, true, cohort, ips
	return nil
}

// readSeedRow reads a line of seed-schools, whose coordinates are a GeoJSON point: [lon, lat].
func readSeedRow(f *csvFile, row csvRow, record func(string) *schoolRecord) error {
	uai, err := parseUAI(f.get(row, "code uai"))
	if err != nil {
		return err
	}
	name := f.get(row, "etablissement")
	if name == "" {
		return fmt.Errorf("no name for %s", uai)
	}
	zip := f.get(row, "zipcode")
	dept, arr, err := zipcodePlace(zip)
	if err != nil {
		return err
	}
	var point struct {
		Type        string    `json:"type"`
		Coordinates []float64 `json:"coordinates"`
	}
	if err := json.Unmarshal([]byte(f.get(row, "coordinates")), &point); err != nil {
		return fmt.Errorf("coordinates: %w", err)
	}
	if point.Type != "Point" || len(point.Coordinates) != 2 {
		return fmt.Errorf("coordinates: want a GeoJSON Point [lon, lat]")
	}
	lon, lat := point.Coordinates[0], point.Coordinates[1]
	if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		return fmt.Errorf("coordinates [%g, %g] out of range", lon, lat)
	}
	r := record(uai)
	r.seedName, r.seedCommune, r.seedDepartment, r.seedArrondis = name, f.get(row, "commune"), dept, arr
	r.latitude, r.longitude = &lat, &lon
	return nil
}

// parseUAI checks and upper-cases a UAI code.
func parseUAI(s string) (string, error) {
	uai := strings.ToUpper(strings.TrimSpace(s))
	if !store.ValidUAI(uai) {
		return "", fmt.Errorf("invalid UAI %q (want 7 digits and a letter)", s)
	}
	return uai, nil
}

// departmentCode normalises a département number of the REP list: "2" → "02", "02A" → "2A".
func departmentCode(s string) (string, error) {
	t := strings.TrimLeft(strings.ToUpper(strings.TrimSpace(s)), "0")
	if t == "2A" || t == "2B" {
		return t, nil
	}
	n, err := strconv.Atoi(t)
	switch {
	case err == nil && n >= 1 && n <= 95:
		return fmt.Sprintf("%02d", n), nil
	case err == nil && n >= 971 && n <= 989:
		return t, nil
	}
	return "", fmt.Errorf("invalid département %q", s)
}

// zipcodePlace gives the département code of a French zipcode, and the arrondissement of a Paris one.
func zipcodePlace(zip string) (string, *int, error) {
	if len(zip) != 5 || !allDigits(zip) {
		return "", nil, fmt.Errorf("invalid zipcode %q", zip)
	}
	switch {
	case strings.HasPrefix(zip, "97"), strings.HasPrefix(zip, "98"):
		return zip[:3], nil, nil
	case strings.HasPrefix(zip, "20"):
		if zip < "20200" {
			return "2A", nil, nil
		}
		return "2B", nil, nil
	case strings.HasPrefix(zip, "75"):
		n, _ := strconv.Atoi(zip[2:])
		if n == 116 {
			n = 16
		}
		if n < 1 || n > 20 {
			return "", nil, fmt.Errorf("zipcode %s: no such Paris arrondissement", zip)
		}
		return store.ParisDepartment, &n, nil
	}
	return zip[:2], nil, nil
}

// allDigits reports whether s is made of ASCII digits only (strconv.Atoi also takes a sign).
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// school merges what the files say. Names: seed-schools (properly accented) over the Paris list over
// the REP list; département: REP list, zipcode, then Paris; priority: the REP list when it was read
// (a collège missing from it is "none"), else left as stored.
func (r *schoolRecord) school(sawREPList bool) store.School {
	s := store.School{UAI: r.uai, Latitude: r.latitude, Longitude: r.longitude, IPS: r.ips, CohortSize: r.cohort}
	s.Name = titleCase(firstNonEmpty(r.seedName, r.parisName, r.repName))
	s.Department = firstNonEmpty(r.repDepartment, r.seedDepartment)
	if s.Department == "" && r.parisList {
		s.Department = store.ParisDepartment
	}
	if s.Department == store.ParisDepartment {
		s.Commune = "Paris"
	} else {
		s.Commune = titleCase(firstNonEmpty(r.seedCommune, r.repCommune))
	}
	s.Arrondissement = r.repArrondissement
	if s.Arrondissement == nil {
		s.Arrondissement = r.seedArrondis
	}
	if sawREPList {
		s.Priority = firstNonEmpty(r.priority, store.PriorityNone)
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
