package catalog_test

import (
	"context"
	"testing"
	"time"

	"stagebot/catalog"
	"stagebot/store/storetest"
)

func TestSeed(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
		t.Fatal(err)
	}
	// A collège that already has its week keeps it.
	kept := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := s.SetSchoolStageWeek(ctx, "0752526N", kept); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rep, err := catalog.Seed(ctx, s, catalog.SeedParams{})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	n := rep.Counts
	t.Logf("seed took %v: %+v", took, rep)
	ratio := float64(n.ReservedPlaces) / float64(n.Places)
	switch {
	case n.Offers < 1000 || rep.OffersInserted != n.Offers:
		t.Errorf("%d offers (%d inserted)", n.Offers, rep.OffersInserted)
	case n.Arrondissements != 20 || n.SectorsCovered != 42 || n.Sectors != 42:
		t.Errorf("%d arrondissements, %d of %d sectors covered", n.Arrondissements, n.SectorsCovered, n.Sectors)
	case n.Weeks != 6 || n.CityHosts == 0 || n.ESSHosts == 0 || n.HostContacts < n.Hosts:
		t.Errorf("counts %+v", n)
	case ratio < 0.41 || ratio > 0.43:
		t.Errorf("reserved ratio %.4f", ratio)
	case n.SchoolsWithWeek != n.Schools || n.Schools != 114 || rep.SchoolWeeksSet != 113:
		t.Errorf("%d of %d schools have a week, %d set", n.SchoolsWithWeek, n.Schools, rep.SchoolWeeksSet)
	}
	if took > 10*time.Second {
		t.Errorf("seed took %v", took)
	}
	sc, err := s.SchoolByUAI(ctx, "0752526N")
	if err != nil || !sc.StageWeek.Equal(kept) {
		t.Errorf("Henri IV's week: %v, %v", sc.StageWeek, err)
	}
	var weeks int
	if err := s.DB().GetContext(ctx, &weeks, `SELECT count(DISTINCT stage_week) FROM schools`); err != nil || weeks != 7 {
		t.Errorf("schools spread over %d weeks, %v", weeks, err)
	}

	start = time.Now()
	again, err := catalog.Seed(ctx, s, catalog.SeedParams{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second seed took %v", time.Since(start))
	if again.Changed() != 0 || again.OffersUnchanged != n.Offers || again.Counts != n {
		t.Errorf("second seed changed something: %+v", again)
	}

	// Other weeks: the offers move to them; weeks no longer listed are deleted.
	w1 := time.Date(2027, 3, 8, 0, 0, 0, 0, time.UTC)
	w2 := time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)
	other, err := catalog.Seed(ctx, s, catalog.SeedParams{Weeks: []time.Time{w1, w2}})
	if err != nil {
		t.Fatal(err)
	}
	if other.Counts.Weeks != 2 || other.OffersInserted != 0 || other.OffersUpdated != n.Offers {
		t.Errorf("seed with other weeks: %+v", other)
	}
	if _, err := catalog.Seed(ctx, s, catalog.SeedParams{Weeks: []time.Time{w1.AddDate(0, 0, 1)}}); err == nil {
		t.Error("a Tuesday was accepted as a stage week")
	}
}
