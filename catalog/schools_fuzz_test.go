package catalog

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"stagebot/store"
)

// readSchoolFile is the part of importSchools that needs no database, for one file: the kind its
// header says, each row read into records (the duplicate-UAI check left out), and the rows' errors
// as importSchools reports them. ok is false for a header importSchools refuses.
func readSchoolFile(f *csvFile, records map[string]*schoolRecord) (kind string, used, ignored int, problems []LineError, ok bool) {
	record := func(uai string) *schoolRecord {
		r := records[uai]
		if r == nil {
			r = &schoolRecord{uai: uai}
			records[uai] = r
		}
		return r
	}
	var read func(csvRow) (bool, error)
	switch {
	case f.has("numero", "ep", "type_detablissement"):
		kind = KindREPList
		read = func(row csvRow) (bool, error) { return readREPRow(f, row, record) }
	case f.has("uai", "name", "dnb_admitted_2022", "ips"):
		kind = KindParisColleges
		read = func(row csvRow) (bool, error) { return true, readParisRow(f, row, record) }
	case f.has("code uai", "coordinates"):
		kind = KindSeedSchools
		read = func(row csvRow) (bool, error) { return true, readSeedRow(f, row, record) }
	default:
		return "", 0, 0, nil, false
	}
	problems = append(problems, f.problems...)
	for _, row := range f.rows {
		u, err := read(row)
		switch {
		case err != nil:
			problems = append(problems, f.lineError(row, "%v", err))
		case u:
			used++
		default:
			ignored++
		}
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	return kind, used, ignored, problems, true
}

var departmentCodeRE = regexp.MustCompile(`^([0-9]{2}|2A|2B|9[78][0-9])$`)

// FuzzSchoolFile reads any bytes as a school file (the REP/REP+ list, the Paris collèges or
// seed-schools, recognised by the header) the way importSchools does before it writes: every line
// is used, ignored or a problem (a LineError naming the file, with a line of the file), and every
// collège merged from the lines (alone, and with the REP list read or not) is one the schools table
// accepts and the rest of stagebot understands: a UAI of 7 digits and a capital letter, a non-empty
// name of valid UTF-8 without NUL, a priority none, REP or REP+, an arrondissement 1 to 20 only in
// Paris, coordinates within -90..90 and -180..180, an IPS that numeric(5,1) holds, a cohort of 0 or
// more, and a département code of two digits, 2A, 2B or an overseas 97x/98x (or none).
func FuzzSchoolFile(f *testing.F) {
	addCSVSeeds(f)
	for _, s := range []string{
		"ACADEMIE;N°Département;DEPARTEMENT;COMMUNE;UAI tête de réseau;NUMERO;NOM DE L'ETABLISSEMENT;TYPE_DETABLISSEMENT;EP\n" +
			"PARIS;75;PARIS;PARIS 18E;0750546L;0750546L;GEORGES CLEMENCEAU;COLLEGE;REP+\n" +
			"CRETEIL;093;SEINE-SAINT-DENIS;BOBIGNY;0930001A;0930001A;JEAN JAURES;COLLEGE;REP\n" +
			"CORSE;2A;CORSE-DU-SUD;AJACCIO;0620001A;0620001A;ARC EN CIEL;COLLEGE;rep\n" +
			"PARIS;75;PARIS;PARIS 21;0750001A;0750001A;X;COLLEGE;REP\n" +
			"PARIS;75;PARIS;PARIS 18;0750985N;0750985N;RICHOMME;ECOLE ELEMENTAIRE OU PRIMAIRE;REP+\n",
		"uai,name,dnb_admitted_2022,ips\n0755433Y,AIME CESAIRE,63,85.5\n0750607C,ALAIN FOURNIER,-1,118\n0750608D,X,,1000\n0750609E,Y,3,85,5\n",
		"Département,zipcode,Commune,ETABLISSEMENT,Code UAI,coordinates\n" +
			"Paris,75116,Paris,Janson,0752694W,\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[2.27,48.86]}\"\n" +
			"Corse,20167,Ajaccio,Arc,0620001A,\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[8.7,41.9]}\"\n" +
			"Réunion,97400,Saint-Denis,Bourbon,9740001A,\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[55.4,-20.9]}\"\n" +
			"Nord,59000,Lille,Carnot,0590001A,\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[3.0,50.6,1]}\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parseCSV("schools.csv", data)
		if err != nil {
			return
		}
		records := map[string]*schoolRecord{}
		_, used, ignored, problems, ok := readSchoolFile(file, records)
		if !ok {
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		if used+ignored+len(problems) != len(file.rows)+len(file.problems) {
			t.Fatalf("%d used, %d ignored, %d problems for %d lines and %d unreadable", used, ignored, len(problems),
				len(file.rows), len(file.problems))
		}
		for _, p := range problems {
			checkLineError(t, p, "schools.csv", lines)
		}
		for _, r := range records {
			for _, sawREPList := range []bool{false, true} {
				checkSchool(t, r.school(sawREPList), sawREPList)
			}
		}
	})
}

// checkSchool checks a merged collège against the schools table.
func checkSchool(t *testing.T, s store.School, sawREPList bool) {
	t.Helper()
	if !store.ValidUAI(s.UAI) {
		t.Fatalf("UAI %q", s.UAI)
	}
	if strings.TrimSpace(s.Name) == "" || !utf8.ValidString(s.Name) || strings.ContainsRune(s.Name, 0) {
		t.Fatalf("%s: name %q", s.UAI, s.Name)
	}
	if !utf8.ValidString(s.Commune) || strings.ContainsRune(s.Commune, 0) {
		t.Fatalf("%s: commune %q", s.UAI, s.Commune)
	}
	switch s.Priority {
	case store.PriorityNone, store.PriorityREP, store.PriorityREPPlus:
	case "":
		if sawREPList {
			t.Fatalf("%s: no priority with the REP list read", s.UAI)
		}
	default:
		t.Fatalf("%s: priority %q", s.UAI, s.Priority)
	}
	if a := s.Arrondissement; a != nil && (*a < 1 || *a > 20 || s.Department != store.ParisDepartment) {
		t.Fatalf("%s: arrondissement %d in département %q", s.UAI, *a, s.Department)
	}
	if s.Department != "" && !departmentCodeRE.MatchString(s.Department) {
		t.Fatalf("%s: département %q", s.UAI, s.Department)
	}
	if la, lo := s.Latitude, s.Longitude; (la == nil) != (lo == nil) ||
		la != nil && (math.IsNaN(*la) || math.IsNaN(*lo) || *la < -90 || *la > 90 || *lo < -180 || *lo > 180) {
		t.Fatalf("%s: coordinates %v, %v", s.UAI, la, lo)
	}
	if x := s.IPS; x != nil && (math.IsNaN(*x) || *x <= 0 || *x >= 10000) {
		t.Fatalf("%s: IPS %v", s.UAI, *x)
	}
	if c := s.CohortSize; c != nil && *c < 0 {
		t.Fatalf("%s: cohort %d", s.UAI, *c)
	}
}
