package catalog_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"stagebot/catalog"
	"stagebot/store"
	"stagebot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// sharedData returns the path of a file of ../shared/data, or skips the test when it is absent.
func sharedData(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	return p
}

// realSchoolFiles are the three public school files of ../shared/data.
func realSchoolFiles(t *testing.T) []string {
	return []string{
		sharedData(t, "liste-des-rep-et-rep-rentree-2022.csv"),
		sharedData(t, "paris-colleges-publics-2022.csv"),
		sharedData(t, "seed-schools.csv"),
	}
}

func checkParisCounts(t *testing.T, n store.CatalogCounts) {
	t.Helper()
	if n.ParisSchools != 114 || n.ParisREP+n.ParisREPPlus != 30 || n.ParisREP != 26 || n.ParisREPPlus != 4 {
		t.Errorf("Paris: %d schools, %d REP, %d REP+; want 114, 26, 4", n.ParisSchools, n.ParisREP, n.ParisREPPlus)
	}
}

func TestImportRealSchoolFiles(t *testing.T) {
	ctx := context.Background()
	files := realSchoolFiles(t)
	s := storetest.New(t)
	rep, err := catalog.ImportSchools(ctx, s, files...)
	if err != nil {
		t.Fatal(err)
	}
	checkParisCounts(t, rep.Counts)
	if got := rep.Counts.REP + rep.Counts.REPPlus; got != 1092 {
		t.Errorf("REP/REP+ collèges nationwide = %d, want 1092", got)
	}
	if rep.Inserted != rep.Schools || rep.Updated != 0 || rep.Counts.Schools != rep.Schools {
		t.Errorf("first import: %+v", rep)
	}
	for _, f := range rep.Files {
		t.Logf("%s (%s): %d rows, %d used, %d ignored, %d rejected", f.Name, f.Kind, f.Rows, f.Used, f.Ignored, f.Rejected)
	}
	for _, p := range rep.Problems {
		t.Logf("problem: %v", p)
	}
	// seed-schools.csv has 5 malformed UAI codes ("065 0740B", "06100057F"…); the lower-case
	// "0421688g" is accepted.
	if len(rep.Problems) != 4 {
		t.Errorf("%d problems, want the 4 bad UAIs of seed-schools.csv", len(rep.Problems))
	}
	for _, p := range rep.Problems {
		if p.File != "seed-schools.csv" || !strings.Contains(p.Reason, "invalid UAI") || p.Line < 2 {
			t.Errorf("unexpected problem %v", p)
		}
	}
	t.Logf("schools: %d in all, %d in Paris", rep.Counts.Schools, rep.Counts.ParisSchools)

	// Merged data: a Paris REP collège with its coordinates, IPS and cohort.
	sc, err := s.SchoolByUAI(ctx, "0755433y")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "Aimé Césaire" || sc.Priority != "REP" || sc.Commune != "Paris" || sc.Department != "75" ||
		sc.Arrondissement == nil || *sc.Arrondissement != 18 || sc.Latitude == nil || *sc.Latitude < 48.8 ||
		*sc.Longitude > 2.5 || sc.IPS == nil || *sc.IPS != 85.5 || sc.CohortSize == nil || *sc.CohortSize != 63 {
		t.Errorf("Aimé Césaire: %+v", sc)
	}
	if sc, err := s.SchoolByUAI(ctx, "0753938Y"); err != nil || sc.Priority != "REP+" || *sc.Arrondissement != 19 {
		t.Errorf("Georges Rouault: %+v, %v", sc, err)
	}
	// A Paris collège only in the Paris list: no arrondissement is known.
	sc, err = s.SchoolByUAI(ctx, "0752526N")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "Henri IV" || sc.Priority != "none" || sc.Arrondissement != nil || sc.Department != "75" {
		t.Errorf("Henri IV: %+v", sc)
	}
	// A collège outside Paris, from the REP list and seed-schools.
	sc, err = s.SchoolByUAI(ctx, "0132572A")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Priority != "REP+" || sc.Department != "13" || sc.Arrondissement != nil {
		t.Errorf("0132572A: %+v", sc)
	}

	again, err := catalog.ImportSchools(ctx, s, files...)
	if err != nil {
		t.Fatal(err)
	}
	if again.Inserted != 0 || again.Updated != 0 || again.Unchanged != rep.Schools {
		t.Errorf("re-import changed something: %d inserted, %d updated, %d unchanged",
			again.Inserted, again.Updated, again.Unchanged)
	}
}

func TestImportEmbeddedSchools(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	rep, err := catalog.ImportEmbeddedSchools(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	checkParisCounts(t, rep.Counts)
	if rep.Counts.Schools != 114 || len(rep.Problems) != 0 {
		t.Errorf("embedded import: %d schools, problems %v", rep.Counts.Schools, rep.Problems)
	}
	again, err := catalog.ImportEmbeddedSchools(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if again.Inserted+again.Updated != 0 {
		t.Errorf("re-import changed %d schools", again.Inserted+again.Updated)
	}
	// The embedded data after the full files changes nothing either.
	if files := realSchoolFilesIfPresent(); files != nil {
		if _, err := catalog.ImportSchools(ctx, s, files...); err != nil {
			t.Fatal(err)
		}
		again, err := catalog.ImportEmbeddedSchools(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if again.Inserted+again.Updated != 0 {
			t.Errorf("embedded import after the full files changed %d schools", again.Inserted+again.Updated)
		}
	}
}

func realSchoolFilesIfPresent() []string {
	var files []string
	for _, name := range []string{"liste-des-rep-et-rep-rentree-2022.csv", "paris-colleges-publics-2022.csv", "seed-schools.csv"} {
		p := filepath.Join("..", "..", "shared", "data", name)
		if _, err := os.Stat(p); err != nil {
			return nil
		}
		files = append(files, p)
	}
	return files
}

func TestImportSchoolsReportsBadLines(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rep := write("rep.csv", "\ufeffACADEMIE;N°Département;DEPARTEMENT;COMMUNE;UAI tête de réseau;NUMERO;NOM DE L'ETABLISSEMENT;TYPE_DETABLISSEMENT;EP;circonscription ;contact\n"+
		"PARIS;75;PARIS;PARIS 19;0750484U;0750484U;W.A. MOZART;COLLEGE;REP;;x\n"+ // 2: good
		"PARIS;75;PARIS;PARIS 19;0750484U;0751234;BAD;COLLEGE;REP;;x\n"+ // 3: invalid UAI
		"PARIS;75;PARIS;PARIS 19;0750484U;0750001A;ECOLE;ECOLE MATERNELLE;REP;;x\n"+ // 4: ignored
		"PARIS;75;PARIS;PARIS 19;0750484U;0750002B;TRUC;COLLEGE;REP++;;x\n"+ // 5: bad EP
		"PARIS;75;PARIS;PARIS 19;0750484U;0750003C;SHORT\n"+ // 6: field count
		"PARIS;75;PARIS;PARIS 18;0750484U;0755433Y;AIMÉ CÉSAIRE;COLLEGE;REP+;;x\n") // 7: good
	paris := write("paris.csv", "uai,name,dnb_admitted_2022,ips\n"+
		"0750484U,W.A. MOZART,57,95.4\n"+ // 2: good
		"0755433Y,AIME CESAIRE,lots,85.5\n"+ // 3: bad cohort
		"\"0752526N\",\"HENRI IV\",157,151.1\n"+ // 4: good, quoted
		"0752526N,HENRI IV,157,151.1\n"+ // 5: duplicate
		"0750607C,ALAIN FOURNIER,129,NaN\n") // 6: IPS not a number
	seed := write("seed.csv", "Département,zipcode,Commune,ETABLISSEMENT,Code UAI,coordinates\n"+
		"Paris,75019,Paris,Mozart,0750484U,\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[2.379637,48.8897209]}\"\n"+ // 2
		"Paris,75018,Paris,Aimé Césaire,0755433Y,\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[2.36]}\"\n"+ // 3: bad point
		"Paris,7501,Paris,X,0750999Z,\"{}\"\n"+ // 4: bad zipcode
		"Paris,-7501,Paris,Camille Claudel,0752694W,\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[2.36,48.82]}\"\n") // 5: signed zipcode
	s := storetest.New(t)
	report, err := catalog.ImportSchools(ctx, s, rep, paris, seed)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"rep.csv:3: invalid UAI",
		"rep.csv:5: unknown EP",
		"rep.csv:6: 7 fields, the header has 11",
		"paris.csv:3: dnb_admitted_2022",
		"paris.csv:5: UAI 0752526N already on line 4",
		"seed.csv:3: coordinates",
		"seed.csv:4: invalid zipcode",
		"paris.csv:6: ips \"NaN\" is not a social position index",
		"seed.csv:5: invalid zipcode \"-7501\"",
	}
	if len(report.Problems) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(report.Problems), len(want), report.Problems)
	}
	got := map[string]bool{}
	for _, p := range report.Problems {
		for _, w := range want {
			if strings.HasPrefix(p.Error(), w) {
				got[w] = true
			}
		}
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no problem %q in %v", w, report.Problems)
		}
	}
	if report.Schools != 3 || report.Inserted != 3 || report.Counts.ParisREP != 1 || report.Counts.ParisREPPlus != 1 {
		t.Errorf("report: %+v", report)
	}
	if report.Files[0].Ignored != 1 || report.Files[0].Used != 2 || report.Files[0].Rejected != 3 {
		t.Errorf("REP file summary: %+v", report.Files[0])
	}
	sc, err := s.SchoolByUAI(ctx, "0750484U")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "Mozart" || *sc.Arrondissement != 19 || *sc.CohortSize != 57 || sc.Latitude == nil {
		t.Errorf("Mozart: %+v", sc)
	}
	// Aimé Césaire's Paris and seed lines were bad; the REP line still counts.
	sc, err = s.SchoolByUAI(ctx, "0755433Y")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "Aimé Césaire" || sc.CohortSize != nil || sc.Latitude != nil || *sc.Arrondissement != 18 {
		t.Errorf("Aimé Césaire: %+v", sc)
	}

	if _, err := catalog.ImportSchools(ctx, s, write("other.csv", "a,b\n1,2\n")); err == nil ||
		!strings.Contains(err.Error(), "unrecognised header") {
		t.Errorf("unknown file: err = %v", err)
	}

	// The header is the first line that is not empty; a file that is not UTF-8 (a spreadsheet saved
	// as Windows-1252, or as UTF-16) is refused as a whole, naming its first bad line.
	for _, tc := range []struct{ content, err string }{
		{"\nuai;name;dnb_admitted_2022;ips\n0750484U;W.A. MOZART;57;95,4\n", ""},
		{"uai,name,dnb_admitted_2022,ips\n0750484U,MOZART,57,95.4\n0755433Y,AIM\xc9 C\xc9SAIRE,63,85.5\n",
			"latin1.csv: line 3: byte 0xC9 is not UTF-8: save the file as CSV UTF-8"},
		{"u\x00a\x00i\x00,\x00n\x00a\x00m\x00e\x00\n\x00", "latin1.csv: line 1: a NUL byte is not text"},
	} {
		report, err := catalog.ImportSchools(ctx, s, write("latin1.csv", tc.content))
		switch {
		case tc.err == "" && (err != nil || len(report.Problems) != 0 || report.Files[0].Used != 1):
			t.Errorf("%q: %v, %+v", tc.content, err, report)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: err = %v, want %q", tc.content, err, tc.err)
		}
	}
}

func TestFindSchoolsInRealData(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	if _, err := catalog.ImportSchools(ctx, s, realSchoolFiles(t)...); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, first string }{
		{"voltaire", "0752536Z"}, // Paris's only, not Tarbes's, Besançon's…
		{"Volatire", "0752536Z"},
		{"collège Voltaire", "0752536Z"},
		{"Évariste Galois", "0753937X"},
		{"evariste galois", "0753937X"},
		{"marx dormoy", "0752196E"},
		{"Marx Dormoi", "0752196E"},
		{"0752196e", "0752196E"},
		{"aime cesaire", "0755433Y"},
		{"henri iv", "0752526N"},
		{"jean baptiste clement", "0750478M"},
	} {
		got, err := s.FindSchools(ctx, tc.query, 5, store.Territory{"75"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, sc := range got {
			names = append(names, sc.UAI+" "+sc.Name+" ("+sc.Commune+")")
		}
		if len(got) == 0 || got[0].UAI != tc.first || slices.ContainsFunc(got, func(sc store.School) bool { return sc.Department != "75" }) {
			t.Errorf("%q: %v, want %s first", tc.query, names, tc.first)
		} else {
			t.Logf("%q: %v", tc.query, names)
		}
	}
}
