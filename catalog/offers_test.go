package catalog_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stagebot/catalog"
	"stagebot/store/storetest"
)

const sampleOffers = "../testdata/offers-sample.csv"

func TestImportSampleOffers(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	rep, err := catalog.ImportOffers(ctx, s, sampleOffers)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 {
		t.Fatalf("sample problems: %v", rep.Problems)
	}
	if !rep.SectorsImported || rep.Offers != 11 || rep.Inserted != 11 || rep.Hosts != 9 || rep.ContactsChanged != 10 {
		t.Errorf("report %+v", rep)
	}
	o, err := s.OfferByRef(ctx, "sample-001")
	if err != nil {
		t.Fatal(err)
	}
	if o.SectorName != "Édition, librairie, bibliothèque" || o.Arrondissement != 11 || o.HostName != "Médiathèque des Lilas (exemple)" ||
		o.Latitude == nil {
		t.Errorf("sample-001: %+v", o)
	}
	contacts, err := s.HostContacts(ctx, o.HostID)
	if err != nil {
		t.Fatal(err)
	}
	if len(contacts) != 1 || contacts[0].Phone != "+33639980001" {
		t.Errorf("contacts %+v", contacts)
	}
	var weeks []struct {
		Week     time.Time `db:"week_start"`
		Places   int       `db:"places"`
		Reserved int       `db:"reserved_places"`
		Deadline time.Time `db:"deadline"`
	}
	if err := s.DB().SelectContext(ctx, &weeks, `SELECT week_start, places, reserved_places, deadline FROM offer_weeks
		WHERE offer_id = $1 ORDER BY week_start`, o.ID); err != nil {
		t.Fatal(err)
	}
	// The file's deadline column is the first week's; the second week has its own, 14 days before it.
	if len(weeks) != 2 || weeks[0].Week.Format(time.DateOnly) != "2026-12-07" || weeks[0].Places != 2 || weeks[0].Reserved != 1 ||
		weeks[0].Deadline.Format(time.DateOnly) != "2026-11-23" || weeks[1].Deadline.Format(time.DateOnly) != "2026-12-28" {
		t.Errorf("weeks %+v", weeks)
	}

	again, err := catalog.ImportOffers(ctx, s, sampleOffers)
	if err != nil {
		t.Fatal(err)
	}
	if again.Inserted != 0 || again.Updated != 0 || again.Unchanged != 11 || again.HostsChanged != 0 || again.ContactsChanged != 0 {
		t.Errorf("re-import: %+v", again)
	}
}

func TestImportOffersRejectsBadLines(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	header := "ref,host_ref,host_name,host_kind,employer,contact_name,contact_phone,title,description,sector,address,arrondissement,latitude,longitude,daily_hours,deadline,weeks\n"
	good := func(ref, rest string) string {
		return ref + ",h1,Hôte (test),city,public,Ana,0639981111," + rest + "\n"
	}
	lines := []struct {
		line, want string
	}{
		{good("ok-1", "Titre,desc,sport,\"1 rue X, 75011 Paris\",11,,,9h-16h,2027-01-04,2027-01-11:2:1;2027-01-18:2"), ""},
		{good("b-sector", "Titre,desc,Sante,addr,11,,,,,2027-01-11:2:1"), `unknown sector "Sante"`},
		{good("b-arr", "Titre,desc,Sport,addr,21,,,,,2027-01-11:2:1"), `arrondissement "21" is not between 1 and 20`},
		{good("b-monday", "Titre,desc,Sport,addr,11,,,,,2027-01-12:2:1"), `week 2027-01-12 is a Tuesday, not a Monday`},
		{good("b-reserved", "Titre,desc,Sport,addr,11,,,,,2027-01-11:2:3"), `3 reserved places is more than its 2 places`},
		{"b-phone,h2,Autre,ess,private,Bob,01 45 67 89 01,Titre,desc,Sport,addr,11,,,,,2027-01-11:2:1\n", `contact_phone "01 45 67 89 01" is not a French mobile number`},
		{"b-phone2,h2,Autre,ess,private,Bob,12345,Titre,desc,Sport,addr,11,,,,,2027-01-11:2:1\n", `contact_phone "12345" is not a valid French number`},
		{good("b-deadline", "Titre,desc,Sport,addr,11,,,,11/01/2027,2027-01-11:2:1"), `deadline "11/01/2027" is not a date YYYY-MM-DD`},
		{good("b-late", "Titre,desc,Sport,addr,11,,,,2027-01-12,2027-01-11:2:1"), `deadline 2027-01-12 is after the first week 2027-01-11`},
		{good("b-week-late", "Titre,desc,Sport,addr,11,,,,,2027-01-11:2:1:2027-01-12"), `week 2027-01-11: deadline 2027-01-12 is after the week starts`},
		{good("b-week-date", "Titre,desc,Sport,addr,11,,,,,2027-01-11:2:1:demain"), `week 2027-01-11: deadline "demain" is not a date`},
		{good("b-two", "Titre,desc,Sport,addr,11,,,,2026-12-20,2027-01-11:2:1:2026-12-21"), `deadline 2026-12-20 and the first week's deadline 2026-12-21 differ`},
		{good("ok-week", "Titre,desc,Sport,addr,11,,,,,2027-01-11:2::2026-12-21;2027-01-18:1"), ""},
		{good("ok-1", "Titre,desc,Sport,addr,11,,,,,2027-01-11:2:1"), `ref "ok-1" already on line 2`},
		{"b-kind,h3,X,state,,,,Titre,desc,Sport,addr,11,,,,,2027-01-11:2:1\n", `host_kind "state" is not city or ess`},
		{"b-host,h1,Autre nom,city,public,,,Titre,desc,Sport,addr,11,,,,,2027-01-11:2:1\n", `host "h1" is "Hôte (test)"`},
		{good("b-geo", "Titre,desc,Sport,addr,11,45.0,2.35,,,2027-01-11:2:1"), `is not in Paris`},
		{good("b-nan", "Titre,desc,Sport,addr,11,NaN,NaN,,,2027-01-11:2:1"), `latitude NaN, longitude NaN is not in Paris`},
		{good("b-inf", "Titre,desc,Sport,addr,11,48.85,+Inf,,,2027-01-11:2:1"), `is not in Paris`},
		{good("b-empty", ",desc,Sport,,11,,,,,"), `title is empty; address is empty; weeks is empty`},
		{good("b-places", "Titre,desc,Sport,addr,11,,,,,2027-01-11:0"), `places "0" is not between 1 and 30`},
		{"short,line\n", `2 fields, the header has 17`},
		{good("ok-2", "Autre titre,,Édition librairie bibliothèque,addr,1er,,,,,2027-01-25:1"), ""},
		{good("b-typo", "Autre titre,,Informatiqe et reseau,addr,1er,,,,,2027-01-25:1"), `unknown sector "Informatiqe et reseau" (did you mean "Informatique et réseaux"?)`},
		{good("ok-3", "Autre titre,,\"EDITION, LIBRAIRIE, BIBLIOTHEQUE\",addr,1er,48.86,2.34,,,2027-01-25:1"), ""},
	}
	content := header
	for _, l := range lines {
		content += l.line
	}
	path := filepath.Join(t.TempDir(), "offers.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := catalog.ImportOffers(ctx, s, path)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for _, p := range rep.Problems {
		got[p.Line] = p.Error()
	}
	wantRejected := 0
	for i, l := range lines {
		n := i + 2
		msg, bad := got[n]
		switch {
		case l.want == "" && bad:
			t.Errorf("line %d rejected: %s", n, msg)
		case l.want != "" && !bad:
			t.Errorf("line %d accepted, want %q", n, l.want)
		case l.want != "":
			wantRejected++
			if !strings.HasPrefix(msg, "line ") || !strings.Contains(msg, l.want) {
				t.Errorf("line %d: %q, want %q", n, msg, l.want)
			}
		}
	}
	if rep.Rejected != wantRejected || rep.Inserted != 4 || rep.Offers != 4 {
		t.Errorf("report: %d rejected (want %d), %d inserted, %d offers", rep.Rejected, wantRejected, rep.Inserted, rep.Offers)
	}
	for _, p := range rep.Problems {
		t.Log(p)
	}

	again, err := catalog.ImportOffers(ctx, s, path)
	if err != nil {
		t.Fatal(err)
	}
	if again.Inserted+again.Updated != 0 || again.Unchanged != 4 {
		t.Errorf("re-import: %+v", again)
	}

	// A file saved as Windows-1252 is refused as a whole, before anything is written.
	latin1 := filepath.Join(t.TempDir(), "latin1.csv")
	if err := os.WriteFile(latin1, []byte(header+good("w-1", "Titre,desc,Sport,addr,11,,,,,2027-01-11:2:1")+
		"w-2,h9,Mus\xe9e,city,public,,,Titre,desc,Sport,addr,11,,,,,2027-01-11:2:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.ImportOffers(ctx, s, latin1); err == nil ||
		!strings.Contains(err.Error(), "latin1.csv: line 3: byte 0xE9 is not UTF-8: save the file as CSV UTF-8") {
		t.Errorf("Windows-1252 file: err = %v", err)
	}

	for _, h := range []string{"ref,host_ref\n", strings.Replace(header, "weeks", "semaines", 1)} {
		p := filepath.Join(t.TempDir(), "bad-header.csv")
		if err := os.WriteFile(p, []byte(h), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := catalog.ImportOffers(ctx, s, p); err == nil || !strings.Contains(err.Error(), "column") {
			t.Errorf("header %q: err = %v", h, err)
		}
	}
}

func TestImportOffersKeepsWeeksWithApplications(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	if _, err := catalog.ImportOffers(ctx, s, sampleOffers); err != nil {
		t.Fatal(err)
	}
	o, err := s.OfferByRef(ctx, "sample-006")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `
		INSERT INTO parents (phone, created_at) VALUES ('+33639980099', '2026-12-01');
		INSERT INTO students (channel, address, first_name, school_name, stage_week, birth_month, parent_id,
				created_at, updated_at)
			VALUES ('console', 'x', 'Léa', 'Collège test', '2027-01-11', '2012-05-01', (SELECT id FROM parents),
				'2026-12-01', '2026-12-01');`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO applications (student_id, offer_id, week_start, state, motivation,
			created_at, updated_at)
		VALUES ((SELECT id FROM students), $1, '2027-01-11', 'sent', 'Bonjour', '2026-12-01', '2026-12-01')`, o.ID); err != nil {
		t.Fatal(err)
	}
	// The new file drops two of the three weeks of sample-006; the one with an application stays.
	data, err := os.ReadFile(sampleOffers)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), "2027-01-11:2:1;2027-01-18:2:1;2027-01-25:1:0", "2027-01-25:1:0", 1)
	path := filepath.Join(t.TempDir(), "offers.csv")
	if err := os.WriteFile(path, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := catalog.ImportOffers(ctx, s, path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Unchanged != 10 {
		t.Errorf("report %+v", rep)
	}
	var weeks []string
	if err := s.DB().SelectContext(ctx, &weeks, `SELECT week_start::text FROM offer_weeks WHERE offer_id = $1
		ORDER BY week_start`, o.ID); err != nil {
		t.Fatal(err)
	}
	if strings.Join(weeks, " ") != "2027-01-11 2027-01-25" {
		t.Errorf("weeks %v, want the applied-for week kept and 2027-01-18 gone", weeks)
	}
}
