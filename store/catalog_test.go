package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"stagebot/store"
	"stagebot/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// catalogFixture fills a store with a few schools and sectors.
func catalogFixture(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	s := storetest.New(t)
	schools := []store.School{
		{UAI: "0752536Z", Name: "Voltaire", Commune: "Paris", Department: "75", IPS: ptr(124.3), CohortSize: ptr(95)},
		{UAI: "0650050B", Name: "Voltaire", Commune: "Tarbes", Department: "65"},
		{UAI: "0753937X", Name: "Évariste Galois", Commune: "Paris", Department: "75", Arrondissement: ptr(13), Priority: "REP"},
		{UAI: "0750478M", Name: "Jean-Baptiste Clément", Commune: "Paris", Department: "75", Arrondissement: ptr(20), Priority: "REP"},
		{UAI: "0753938Y", Name: "Georges Rouault", Commune: "Paris", Department: "75", Arrondissement: ptr(19), Priority: "REP+"},
		{UAI: "0132572A", Name: "Ampère", Commune: "Arles", Department: "13", Priority: "REP+",
			Latitude: ptr(43.68), Longitude: ptr(4.63)},
		{UAI: "0752526N", Name: "Henri IV", Commune: "Paris", Department: "75"},
	}
	for _, sc := range schools {
		changed, err := s.UpsertSchool(ctx, sc)
		if err != nil || !changed {
			t.Fatalf("upsert %s: %v, %v", sc.UAI, changed, err)
		}
	}
	for _, name := range []string{"Santé", "Sport", "Médical", "Paramédical", "Informatique et réseaux",
		"Édition, librairie, bibliothèque", "Énergie", "Armée - Défense", "Hôtellerie, restauration"} {
		if _, err := s.UpsertSector(ctx, store.Sector{Name: name, OnisepURL: "https://www.onisep.fr/x"}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestUpsertSchoolIsIdempotentAndMerges(t *testing.T) {
	ctx := context.Background()
	s := catalogFixture(t)
	// The same row again changes nothing.
	changed, err := s.UpsertSchool(ctx, store.School{UAI: "0752536z", Name: "Voltaire", Commune: "Paris", Department: "75",
		IPS: ptr(124.3), CohortSize: ptr(95)})
	if err != nil || changed {
		t.Fatalf("same row: changed %v, %v", changed, err)
	}
	// A partial source (no IPS, no priority) keeps what is stored and adds what it knows.
	changed, err = s.UpsertSchool(ctx, store.School{UAI: "0752536Z", Name: "Voltaire", Commune: "Paris", Department: "75",
		Arrondissement: ptr(11), Latitude: ptr(48.86), Longitude: ptr(2.38)})
	if err != nil || !changed {
		t.Fatalf("partial row: changed %v, %v", changed, err)
	}
	sc, err := s.SchoolByUAI(ctx, "0752536Z")
	if err != nil {
		t.Fatal(err)
	}
	if sc.IPS == nil || *sc.IPS != 124.3 || *sc.CohortSize != 95 || *sc.Arrondissement != 11 || sc.Priority != "none" || *sc.Latitude != 48.86 {
		t.Errorf("merged: %+v", sc)
	}
	// IPS is stored with one decimal: a more precise value is compared rounded.
	for i, step := range []struct {
		ips  float64
		want bool
	}{{124.34, false}, {124.36, true}, {124.36, false}, {124.4, false}} {
		changed, err = s.UpsertSchool(ctx, store.School{UAI: "0752536Z", Name: "Voltaire", Commune: "Paris", Department: "75",
			IPS: ptr(step.ips)})
		if err != nil || changed != step.want {
			t.Errorf("IPS step %d (%v): changed %v, %v", i, step.ips, changed, err)
		}
	}
	if _, err := s.UpsertSchool(ctx, store.School{UAI: "075253Z", Name: "X"}); err == nil {
		t.Error("an invalid UAI was accepted")
	}

	week := time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)
	if err := s.SetSchoolStageWeek(ctx, "0752536z", week); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSchoolStageWeek(ctx, "0752536Z", week.AddDate(0, 0, 1)); err == nil {
		t.Error("a Tuesday was accepted as a stage week")
	}
	if err := s.SetSchoolStageWeek(ctx, "0759999X", week); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown school: %v", err)
	}
	sc, _ = s.SchoolByUAI(ctx, "0752536Z")
	if sc.StageWeek == nil || sc.StageWeek.Format(time.DateOnly) != "2027-01-11" {
		t.Errorf("stage week %v", sc.StageWeek)
	}
	uais, err := s.SchoolsOutsideWeeks(ctx, []time.Time{week})
	if err != nil || len(uais) != 6 {
		t.Fatalf("without week: %v, %v", uais, err)
	}
	weeks := make([]time.Time, len(uais))
	for i := range weeks {
		weeks[i] = week.AddDate(0, 0, 7*(i%2))
	}
	if n, err := s.SetSchoolStageWeeks(ctx, uais, weeks); err != nil || n != 6 {
		t.Errorf("set weeks: %d, %v", n, err)
	}
	if n, err := s.SetSchoolStageWeeks(ctx, uais, weeks); err != nil || n != 0 {
		t.Errorf("set weeks again: %d, %v", n, err)
	}
}

func TestFindSchools(t *testing.T) {
	ctx := context.Background()
	s := catalogFixture(t)
	for _, tc := range []struct {
		query string
		first string // UAI of the best match; "" for no match
		n     int    // at least this many results
	}{
		{"voltaire", "0752536Z", 1}, // Paris's, not Tarbes's
		{"Volatire", "0752536Z", 1}, // typo
		{"collège Voltaire", "0752536Z", 1},
		{"COLLEGE VOLTAIRE", "0752536Z", 1},
		{"Évariste Galois", "0753937X", 1},
		{"evariste galois", "0753937X", 1},
		{"Evarist Galoi", "0753937X", 1},
		{"galois", "0753937X", 1},
		{"jean baptiste clement", "0750478M", 1},
		{"Jean-Baptiste Clément", "0750478M", 1},
		{"0753938Y", "0753938Y", 1},
		{"0753938y", "0753938Y", 1},
		{" 0132572A ", "0132572A", 1},
		{"0759999X", "", 0},             // a well-formed UAI that is not there
		{"ampere arles", "0132572A", 1}, // none in Paris: elsewhere
		{"henri 4", "0752526N", 1},
		{"henri IV", "0752526N", 1},
		{"zzzz", "", 0},
		{"voltaire galois", "0752536Z", 1},
		{"volter", "0752536Z", 1},
		{"collège", "", 0},
		{"", "", 0},
	} {
		got, err := s.FindSchools(ctx, tc.query, 5, paris)
		if err != nil {
			t.Fatalf("%q: %v", tc.query, err)
		}
		var uais []string
		for _, sc := range got {
			uais = append(uais, sc.UAI)
		}
		switch {
		case tc.first == "" && len(got) > 0:
			t.Errorf("%q: found %v, want nothing", tc.query, uais)
		case tc.first != "" && (len(got) < tc.n || got[0].UAI != tc.first):
			t.Errorf("%q: found %v, want %s first (at least %d)", tc.query, uais, tc.first, tc.n)
		}
	}
	got, err := s.FindSchools(ctx, "voltaire", 1, paris)
	if err != nil || len(got) != 1 {
		t.Errorf("limit 1: %d results, %v", len(got), err)
	}
	// In the territory of the season, only its collèges when one matches; with none, every one.
	if got, err := s.FindSchools(ctx, "voltaire", 5, paris); err != nil || len(got) != 1 {
		t.Errorf("voltaire in Paris: %+v, %v", got, err)
	}
	if got, err := s.FindSchools(ctx, "voltaire", 5, nil); err != nil || len(got) < 2 {
		t.Errorf("voltaire anywhere: %+v, %v", got, err)
	}
}

var paris = store.Territory{"75"}

func TestFindSectors(t *testing.T) {
	ctx := context.Background()
	s := catalogFixture(t)
	for _, tc := range []struct{ query, first string }{
		{"sante", "Santé"},
		{"SANTÉ", "Santé"},
		{"spor", "Sport"},
		{"sport", "Sport"},
		{"medical", "Médical"},
		{"paramedical", "Paramédical"},
		{"informatiqe", "Informatique et réseaux"},
		{"info", "Informatique et réseaux"},
		{"bibliotheque", "Édition, librairie, bibliothèque"},
		{"energie", "Énergie"},
		{"armee", "Armée - Défense"},
		{"defense", "Armée - Défense"},
		{"restauration", "Hôtellerie, restauration"},
		{"hotelerie", "Hôtellerie, restauration"},
		{"xyzw", ""},
		{"", ""},
	} {
		got, err := s.FindSectors(ctx, tc.query, 3)
		if err != nil {
			t.Fatalf("%q: %v", tc.query, err)
		}
		switch {
		case tc.first == "" && len(got) > 0:
			t.Errorf("%q: found %v", tc.query, got)
		case tc.first != "" && (len(got) == 0 || got[0].Name != tc.first):
			t.Errorf("%q: found %v, want %q first", tc.query, got, tc.first)
		}
	}
	all, err := s.Sectors(ctx)
	if err != nil || len(all) != 9 {
		t.Errorf("sectors: %d, %v", len(all), err)
	}
	if changed, err := s.UpsertSector(ctx, store.Sector{Name: "Sport", OnisepURL: "https://www.onisep.fr/x"}); err != nil || changed {
		t.Errorf("same sector: %v, %v", changed, err)
	}
}

func TestUpsertHostsAndOffers(t *testing.T) {
	ctx := context.Background()
	s := catalogFixture(t)
	sectors, err := s.FindSectors(ctx, "sport", 1)
	if err != nil || len(sectors) != 1 {
		t.Fatal(sectors, err)
	}
	h := store.Host{Ref: "h1", Name: "Piscine des Tilleuls", Kind: store.HostCity, Employer: store.EmployerPublic}
	id, changed, err := s.UpsertHost(ctx, h)
	if err != nil || !changed || id == 0 {
		t.Fatalf("host: %d, %v, %v", id, changed, err)
	}
	id2, changed, err := s.UpsertHost(ctx, h)
	if err != nil || changed || id2 != id {
		t.Errorf("same host: %d, %v, %v", id2, changed, err)
	}
	if _, _, err := s.UpsertHost(ctx, store.Host{Ref: "h2", Name: "X", Kind: "state", Employer: "public"}); err == nil {
		t.Error("a bad kind was accepted")
	}
	c := store.HostContact{HostID: id, Name: "Claire Martin", Phone: "+33639980001"}
	for i, want := range []bool{true, false} {
		if changed, err := s.UpsertHostContact(ctx, c); err != nil || changed != want {
			t.Errorf("contact run %d: %v, %v", i, changed, err)
		}
	}
	contacts, err := s.HostContacts(ctx, id)
	if err != nil || len(contacts) != 1 || contacts[0].Phone != "+33639980001" || contacts[0].Lang != "fr" || contacts[0].Email != "" {
		t.Errorf("contacts %+v, %v", contacts, err)
	}

	week := func(d string, places, reserved int) store.OfferWeek {
		w, _ := time.Parse(time.DateOnly, d)
		return store.OfferWeek{WeekStart: w, Places: places, ReservedPlaces: reserved}
	}
	o := store.Offer{Ref: "o1", HostID: id, Title: "Maître-nageur", Description: "Surveillance du bassin", SectorID: sectors[0].ID,
		Address: "5 allée des Peupliers, 75013 Paris", Arrondissement: 13, DailyHours: "9h-16h"}
	first := week("2027-01-11", 2, 1)
	deadline := time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC)
	first.Deadline = &deadline
	weeks := []store.OfferWeek{first, week("2027-01-18", 3, 0)}
	steps := []struct {
		name  string
		weeks []store.OfferWeek
		want  bool
	}{
		{"insert", weeks, true},
		{"same", weeks, false},
		{"deadline back to the default", []store.OfferWeek{week("2027-01-11", 2, 1), week("2027-01-18", 3, 0)}, true},
		{"places changed", []store.OfferWeek{week("2027-01-11", 2, 2), week("2027-01-18", 3, 0)}, true},
		{"week dropped", []store.OfferWeek{week("2027-01-11", 2, 2)}, true},
		{"same again", []store.OfferWeek{week("2027-01-11", 2, 2)}, false},
	}
	for _, st := range steps {
		changed, err := s.UpsertOffer(ctx, o, st.weeks)
		if err != nil || changed != st.want {
			t.Errorf("%s: changed %v, %v", st.name, changed, err)
		}
	}
	got, err := s.OfferByRef(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	if got.HostName != h.Name || got.SectorName != "Sport" {
		t.Errorf("offer %+v", got)
	}
	// Each week has its deadline: 14 days before it unless given.
	var deadlines []string
	if err := s.DB().SelectContext(ctx, &deadlines, `SELECT week_start || '>' || deadline FROM offer_weeks
		WHERE offer_id = $1 ORDER BY week_start`, got.ID); err != nil || fmt.Sprint(deadlines) != "[2027-01-11>2026-12-28]" {
		t.Errorf("week deadlines %v, %v", deadlines, err)
	}
	if _, err := s.UpsertOffer(ctx, o, []store.OfferWeek{{WeekStart: day("2027-01-11"), Places: 1,
		Deadline: func() *time.Time { d := day("2027-01-12"); return &d }()}}); err == nil {
		t.Error("a deadline after its week was accepted")
	}
	var searchText string
	if err := s.DB().GetContext(ctx, &searchText, `SELECT search_text FROM offers WHERE ref = 'o1'`); err != nil ||
		searchText != "maitre-nageur surveillance du bassin piscine des tilleuls sport paris 13e" {
		t.Errorf("search text %q, %v", searchText, err)
	}
	if _, err := s.UpsertOffer(ctx, o, []store.OfferWeek{week("2027-01-12", 1, 0)}); err == nil {
		t.Error("a Tuesday week was accepted")
	}
	if _, err := s.UpsertOffer(ctx, o, []store.OfferWeek{week("2027-01-11", 1, 2)}); err == nil {
		t.Error("more reserved places than places was accepted")
	}

	n, err := s.CatalogCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := store.CatalogCounts{Schools: 7, ParisSchools: 5, REP: 2, REPPlus: 2, ParisREP: 2, ParisREPPlus: 1, Sectors: 9,
		Hosts: 1, CityHosts: 1, HostContacts: 1, Offers: 1, OfferWeeks: 1, Places: 2, ReservedPlaces: 2, CityPlaces: 2, CityReserved: 2, Weeks: 1,
		Arrondissements: 1, SectorsCovered: 1}
	if n != want {
		t.Errorf("counts\n got %+v\nwant %+v", n, want)
	}
	supply, err := s.SupplyByWeek(ctx)
	if err != nil || len(supply) != 1 || supply[0].Offers != 1 || supply[0].CityPlaces != 2 || supply[0].CityReserved != 2 ||
		supply[0].ESSPlaces != 0 {
		t.Errorf("supply by week %+v, %v", supply, err)
	}
}
