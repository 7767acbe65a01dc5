package catalog

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// testWeeks are six stage weeks, as a seed on 2 December 2026 chooses them.
func testWeeks() []time.Time {
	var weeks []time.Time
	for _, d := range []string{"2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25", "2027-02-01", "2027-02-22"} {
		w, _ := time.Parse(time.DateOnly, d)
		weeks = append(weeks, w)
	}
	return weeks
}

func TestSeedPlanIsDeterministicAndRealistic(t *testing.T) {
	weeks := testWeeks()
	supply, err := DefaultSupply()
	if err != nil {
		t.Fatal(err)
	}
	plan := seedPlan(weeks, supply, supply)
	if !reflect.DeepEqual(plan, seedPlan(weeks, supply, supply)) {
		t.Fatal("two plans differ")
	}
	names, refs, phones := map[string]bool{}, map[string]bool{}, map[string]bool{}
	sectors, arrs := map[string]int{}, map[int]int{}
	offers, places, reserved, city := 0, 0, 0, 0
	for _, h := range plan {
		if names[h.host.Name] || refs[h.host.Ref] {
			t.Errorf("host %s %q twice", h.host.Ref, h.host.Name)
		}
		names[h.host.Name], refs[h.host.Ref] = true, true
		if h.host.Kind == "city" {
			city++
		}
		if len(h.contacts) == 0 || len(h.contacts) > 2 {
			t.Errorf("host %s has %d contacts", h.host.Ref, len(h.contacts))
		}
		for _, c := range h.contacts {
			if phones[c.Phone] || !strings.HasPrefix(c.Phone, "+3363998") || len(c.Phone) != 12 {
				t.Errorf("contact phone %q: repeated or not fictional", c.Phone)
			}
			phones[c.Phone] = true
		}
		titles := map[string]bool{}
		for _, o := range h.offers {
			offers++
			sectors[o.offer.SectorName]++
			arrs[o.offer.Arrondissement]++
			if refs[o.offer.Ref] || titles[o.offer.Title] {
				t.Errorf("offer %s %q repeated", o.offer.Ref, o.offer.Title)
			}
			refs[o.offer.Ref], titles[o.offer.Title] = true, true
			if !strings.HasSuffix(o.offer.Description, "(offre de démonstration)") || len([]rune(o.offer.Title)) > 120 ||
				len([]rune(o.offer.Description)) > 1000 {
				t.Errorf("offer %s: %q / %q", o.offer.Ref, o.offer.Title, o.offer.Description)
			}
			if len(o.weeks) < 1 || len(o.weeks) > 3 {
				t.Errorf("offer %s runs %d weeks", o.offer.Ref, len(o.weeks))
			}
			for _, w := range o.weeks {
				if w.Deadline == nil || !w.Deadline.Equal(w.WeekStart.AddDate(0, 0, -14)) {
					t.Errorf("offer %s: week %s has deadline %v", o.offer.Ref, w.WeekStart.Format(time.DateOnly), w.Deadline)
				}
				if w.WeekStart.Weekday() != time.Monday || w.Places < 1 || w.Places > 4 || w.ReservedPlaces < 0 || w.ReservedPlaces > w.Places {
					t.Errorf("offer %s: week %+v", o.offer.Ref, w)
				}
				places += w.Places
				reserved += w.ReservedPlaces
			}
		}
	}
	t.Logf("%d hosts (%d city), %d contacts, %d offers, %d places, %d reserved", len(plan), city, len(phones),
		offers, places, reserved)
	if offers < 650 || offers > 800 || len(plan) < 280 || len(plan) > 360 {
		t.Errorf("%d offers of %d hosts, want about 720 of about 320", offers, len(plan))
	}
	if places != supply.Places() || reserved != supply.CityReserved {
		t.Errorf("%d places, %d reserved: want %d and %d", places, reserved, supply.Places(), supply.CityReserved)
	}
	if len(arrs) != 20 {
		t.Errorf("%d arrondissements", len(arrs))
	}
	if len(sectors) != 42 {
		t.Errorf("%d sectors", len(sectors))
	}
	var counts []string
	for s, n := range sectors {
		counts = append(counts, fmt.Sprintf("%3d %s", n, s))
		if n < 3 {
			t.Errorf("sector %s has only %d offers", s, n)
		}
	}
	sort.Strings(counts)
	t.Logf("offers by sector:\n%s", strings.Join(counts, "\n"))
	t.Logf("offers by arrondissement: %v", arrs)
}

func TestSeedWeeksMustBeMondays(t *testing.T) {
	if _, err := seedWeeks([]time.Time{time.Date(2027, 1, 12, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("a Tuesday was accepted")
	}
	w, err := seedWeeks([]time.Time{time.Date(2027, 1, 18, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC),
		time.Date(2027, 1, 18, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(w) != 2 || w[0].Day() != 11 {
		t.Errorf("weeks %v, %v", w, err)
	}
}

func TestTitleCase(t *testing.T) {
	for in, want := range map[string]string{
		"JEAN DE LA FONTAINE": "Jean de la Fontaine", "SAINT-EXUPERY": "Saint-Exupery", "HENRI IV": "Henri IV",
		"W.A. MOZART": "W.A. Mozart", "YVONNE LE TAC": "Yvonne Le Tac", "LA GRANGE AUX BELLES": "La Grange aux Belles",
		"AIMÉ CÉSAIRE": "Aimé Césaire", "Évariste Galois": "Évariste Galois", "PARIS 18": "Paris 18",
	} {
		if got := titleCase(in); got != want {
			t.Errorf("titleCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// A smaller or larger supply (a simulation at another scale) is seeded exactly, with fewer hosts for
// fewer places, most offer weeks still with one place.
func TestSeedPlanFollowsTheSupply(t *testing.T) {
	weeks := testWeeks()
	full, err := DefaultSupply()
	if err != nil {
		t.Fatal(err)
	}
	for _, scale := range []float64{0.01, 0.05, 0.1, 0.5, 1, 1.5} {
		t.Run(fmt.Sprint(scale), func(t *testing.T) {
			want := full.Scaled(scale)
			got, weeksOf := Supply{}, map[string]int{}
			hosts := 0
			for _, h := range seedPlan(weeks, full, want) {
				hosts++
				for _, o := range h.offers {
					for _, w := range o.weeks {
						weeksOf[h.host.Kind]++
						if h.host.Kind == "city" {
							got.CityPlaces += w.Places
							got.CityReserved += w.ReservedPlaces
						} else {
							got.ESSPlaces += w.Places
							if w.ReservedPlaces != 0 {
								t.Errorf("an ESS place reserved: %+v", w)
							}
						}
					}
				}
			}
			if got != want {
				t.Errorf("seeded %+v, want %+v", got, want)
			}
			if scale <= 1 && float64(want.Places()) > 1.6*float64(weeksOf["city"]+weeksOf["ess"]) {
				t.Errorf("%d places in %v offer weeks: most should have one", want.Places(), weeksOf)
			}
			t.Logf("scale %g: %d hosts, offer weeks %v, %+v", scale, hosts, weeksOf, got)
		})
	}
}
