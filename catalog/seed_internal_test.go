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
	plan := seedPlan(weeks)
	if !reflect.DeepEqual(plan, seedPlan(weeks)) {
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
	ratio := float64(reserved) / float64(places)
	t.Logf("%d hosts (%d city), %d contacts, %d offers, %d places, %d reserved (%.4f)", len(plan), city, len(phones),
		offers, places, reserved, ratio)
	if offers < 1000 || offers > 1100 || len(plan) < 280 || len(plan) > 360 {
		t.Errorf("%d offers of %d hosts, want about 1,050 of about 300", offers, len(plan))
	}
	if ratio < 0.41 || ratio > 0.43 {
		t.Errorf("reserved ratio %.4f", ratio)
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
		if n < 5 {
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
