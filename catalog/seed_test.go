package catalog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/store"
	"stagebot/store/storetest"
)

// seedDay is the day the seed tests seed on: every date they check follows from it, whatever day
// they run.
var seedDay = time.Date(2026, 12, 2, 9, 30, 0, 0, calendar.Paris())

func dates(ds []time.Time) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Format(time.DateOnly))
	}
	return strings.Join(out, " ")
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
		t.Fatal(err)
	}
	// A collège whose week is one of the campaign's keeps it; one whose week is not gets another.
	kept := time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)
	if err := s.SetSchoolStageWeek(ctx, "0752526N", kept); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSchoolStageWeek(ctx, "0753937X", time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	rep, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: seedDay})
	if err != nil {
		t.Fatal(err)
	}
	n := rep.Counts
	t.Logf("%v", rep)
	supply, err := catalog.DefaultSupply()
	if err != nil {
		t.Fatal(err)
	}
	if supply != (catalog.Supply{CityPlaces: 1000, CityReserved: 420, ESSPlaces: 150}) {
		t.Errorf("data/supply.toml says %+v; the README's and catalog/data/README.md's figures follow it", supply)
	}
	switch {
	case n.Offers < 600 || rep.OffersInserted != n.Offers:
		t.Errorf("%d offers (%d inserted)", n.Offers, rep.OffersInserted)
	case n.CityPlaces != supply.CityPlaces || n.CityReserved != supply.CityReserved || n.ReservedPlaces != n.CityReserved ||
		n.Places-n.CityPlaces != supply.ESSPlaces:
		t.Errorf("%d places, %d in the City's services (%d reserved), %d in ESS: want %+v", n.Places, n.CityPlaces,
			n.CityReserved, n.Places-n.CityPlaces, supply)
	case float64(n.Places) > 1.6*float64(n.OfferWeeks):
		t.Errorf("%d places in %d offer weeks: most offers have one place", n.Places, n.OfferWeeks)
	case n.Arrondissements != 20 || n.SectorsCovered != 42 || n.Sectors != 42:
		t.Errorf("%d arrondissements, %d of %d sectors covered", n.Arrondissements, n.SectorsCovered, n.Sectors)
	case n.Weeks != 6 || n.CityHosts == 0 || n.ESSHosts == 0 || n.HostContacts < n.Hosts:
		t.Errorf("counts %+v", n)
	case n.SchoolsWithWeek != n.Schools || n.Schools != 114 || rep.SchoolWeeksSet != 113:
		t.Errorf("%d of %d schools have a week, %d set", n.SchoolsWithWeek, n.Schools, rep.SchoolWeeksSet)
	}

	// The campaign follows the day: six school weeks from more than two weeks on, Christmas and the
	// winter holidays of zone C skipped.
	c := rep.Campaign
	if got := dates(c.Weeks); got != "2027-01-04 2027-01-11 2027-01-18 2027-01-25 2027-02-01 2027-02-22" {
		t.Errorf("campaign weeks %s", got)
	}
	if c.Name != "Démo 2026-2027" || dates([]time.Time{c.ApplicationsOpen, c.ApplicationsClose, *c.REPRelease, c.PurgeOn}) !=
		"2026-12-02 2027-02-08 2026-12-16 2027-04-19" || rep.EstimatedWeeks {
		t.Errorf("campaign %+v (estimated %v)", c, rep.EstimatedWeeks)
	}
	sc, err := s.SchoolByUAI(ctx, "0752526N")
	if err != nil || !sc.StageWeek.Equal(kept) {
		t.Errorf("Henri IV's week: %v, %v", sc.StageWeek, err)
	}
	var weeks int
	if err := s.DB().GetContext(ctx, &weeks, `SELECT count(DISTINCT stage_week) FROM schools`); err != nil || weeks != 6 {
		t.Errorf("schools spread over %d weeks, %v", weeks, err)
	}

	again, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: seedDay})
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed() != 0 || again.OffersUnchanged != n.Offers || again.Counts != n {
		t.Errorf("second seed changed something: %+v", again)
	}

	// Other weeks: the offers move to them; weeks no longer listed are deleted.
	w1 := time.Date(2027, 3, 8, 0, 0, 0, 0, time.UTC)
	w2 := time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)
	other, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: seedDay, Weeks: []time.Time{w1, w2}})
	if err != nil {
		t.Fatal(err)
	}
	if other.Counts.Weeks != 2 || other.OffersInserted != 0 || other.OffersUpdated != n.Offers {
		t.Errorf("seed with other weeks: %+v", other)
	}
	if _, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: seedDay, Weeks: []time.Time{w1.AddDate(0, 0, 1)}}); err == nil {
		t.Error("a Tuesday was accepted as a stage week")
	}
	if _, err := catalog.Seed(ctx, s, catalog.SeedParams{}); err == nil {
		t.Error("a seed without a day was accepted")
	}
}

// The demo follows the day it is seeded: on a day in October, one in late January and one in July,
// every Paris collège's stage week has at least 20 offers open to its students — checked for a
// 13-year-old (who may only go to a City service) before reserved places are released, the student
// who sees fewest — and every offer week's deadline is after that day.
func TestDemoFollowsToday(t *testing.T) {
	for _, today := range []time.Time{
		time.Date(2026, 10, 5, 14, 0, 0, 0, calendar.Paris()),
		time.Date(2027, 1, 25, 8, 0, 0, 0, calendar.Paris()),
		time.Date(2027, 7, 10, 18, 0, 0, 0, calendar.Paris()),
	} {
		t.Run(today.Format(time.DateOnly), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.New(t)
			if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
				t.Fatal(err)
			}
			rep, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			day := calendar.Day(today)
			if first := rep.Campaign.Weeks[0]; first.Sub(day) <= 14*24*time.Hour {
				t.Errorf("first week %s is not more than two weeks after %s", first.Format(time.DateOnly), day.Format(time.DateOnly))
			}
			var earliest time.Time
			if err := s.DB().GetContext(ctx, &earliest, `SELECT min(deadline) FROM offer_weeks`); err != nil {
				t.Fatal(err)
			}
			if !earliest.After(day) {
				t.Errorf("a deadline (%s) is not after the day of the seed", earliest.Format(time.DateOnly))
			}
			rules, err := s.RulesOn(ctx, today)
			if err != nil {
				t.Fatal(err)
			}
			var schools []store.School
			if err := s.DB().SelectContext(ctx, &schools, `SELECT uai, name, education_priority, stage_week FROM schools
				WHERE department = '75' ORDER BY uai`); err != nil {
				t.Fatal(err)
			}
			fewest, fewestAt := -1, ""
			for i, sc := range schools {
				// A student of the collège (REP/REP+ as it is), 13 and a half on the Monday of its week.
				week := *sc.StageWeek
				id, err := s.RegisterStudent(ctx, store.RegisterParams{Channel: "sms",
					Address: fmt.Sprintf("+3363998%04d", i), FirstName: "Léa", LastInitial: "M",
					SchoolUAI: sc.UAI, SchoolName: sc.Name, StageWeek: week, BirthMonth: week.AddDate(-13, -6, 0),
					ParentPhone: fmt.Sprintf("+3363997%04d", i), Lang: "fr", At: today})
				if err != nil {
					t.Fatal(err)
				}
				_, total, err := s.SearchOffers(ctx, store.SearchParams{StudentID: id, Today: today,
					ReleaseDate: rules.ReleaseDate, Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				if total < 20 {
					t.Errorf("%s (%s, week %s): %d offers open to a 13-year-old", sc.Name, sc.Priority,
						week.Format(time.DateOnly), total)
				}
				if fewest < 0 || total < fewest {
					fewest, fewestAt = total, sc.Name+" "+week.Format(time.DateOnly)
				}
			}
			t.Logf("weeks %s; fewest offers open to a 13-year-old: %d (%s)", dates(rep.Campaign.Weeks), fewest, fewestAt)
		})
	}
}
