package catalog

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"stagebot/store"
)

// SeedParams tune the demo catalog.
type SeedParams struct {
	// Weeks are the stage weeks (Mondays) offers run and collèges are given; nil means DefaultSeedWeeks.
	Weeks []time.Time
}

// SeedReport tells what Seed did; a second run with the same parameters changes nothing.
type SeedReport struct {
	SectorsInserted int
	HostsChanged    int // hosts inserted or updated
	ContactsChanged int // contacts inserted or updated
	OffersInserted  int
	OffersUpdated   int
	OffersUnchanged int
	SchoolWeeksSet  int                 // collèges that had no stage week and got one
	Counts          store.CatalogCounts // the catalog after the seed
}

// Changed counts the rows the seed inserted or updated.
func (r SeedReport) Changed() int {
	return r.SectorsInserted + r.HostsChanged + r.ContactsChanged + r.OffersInserted + r.OffersUpdated + r.SchoolWeeksSet
}

// ReservedShare is the share of the demo's places kept for REP/REP+ students: the City of Paris
// keeps 420 of its 1,000 places for them.
const ReservedShare = 0.42

// DefaultSeedWeeks are the six stage weeks of the demo: 7 and 14 December 2026, then 11, 18 and 25
// January and 1 February 2027.
func DefaultSeedWeeks() []time.Time {
	var weeks []time.Time
	for _, d := range []string{"2026-12-07", "2026-12-14", "2027-01-11", "2027-01-18", "2027-01-25", "2027-02-01"} {
		t, _ := time.Parse(time.DateOnly, d)
		weeks = append(weeks, t)
	}
	return weeks
}

// seedHost is a host of the demo with its contacts and offers.
type seedHost struct {
	host     store.Host
	contacts []store.HostContact
	offers   []seedOffer
}

type seedOffer struct {
	offer store.Offer // SectorName is set; HostID and SectorID are filled when written
	weeks []store.OfferWeek
}

// Seed writes a clearly synthetic demo catalog of Paris, the same every time: some 1,050 offers
// of about 320 City of Paris services and ESS structures, over the 20 arrondissements and the 42
// ONISEP sectors, running one to three of the stage weeks with 1 to 4 places a week, 42% of all
// places reserved for REP/REP+ students. Every description ends with "(offre de démonstration)"
// and every contact has a number of the range reserved for fiction (06 39 98 xx xx). It also
// imports the embedded sectors, and gives each collège without a stage week one of the weeks
// (chosen from its UAI). Everything is written in one transaction.
func Seed(ctx context.Context, s *store.Store, p SeedParams) (SeedReport, error) {
	var report SeedReport
	weeks, err := seedWeeks(p.Weeks)
	if err != nil {
		return report, fmt.Errorf("seed: %w", err)
	}
	plan := seedPlan(weeks)
	sectorFiles, err := embeddedFiles(embeddedSectors)
	if err != nil {
		return report, fmt.Errorf("seed: %w", err)
	}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		sr, err := importSectors(ctx, tx, sectorFiles[0])
		if err != nil {
			return err
		}
		report.SectorsInserted = sr.Inserted
		sectors, err := tx.Sectors(ctx)
		if err != nil {
			return err
		}
		sectorIDs := map[string]int{}
		for _, sec := range sectors {
			sectorIDs[sec.Name] = sec.ID
		}
		before, err := tx.CatalogCounts(ctx)
		if err != nil {
			return err
		}
		offers, changed := 0, 0
		for _, h := range plan {
			id, ch, err := tx.UpsertHost(ctx, h.host)
			if err != nil {
				return err
			}
			report.HostsChanged += b2i(ch)
			for _, c := range h.contacts {
				c.HostID = id
				ch, err := tx.UpsertHostContact(ctx, c)
				if err != nil {
					return err
				}
				report.ContactsChanged += b2i(ch)
			}
			for _, o := range h.offers {
				sectorID, ok := sectorIDs[o.offer.SectorName]
				if !ok {
					return fmt.Errorf("offer %s: no sector %q", o.offer.Ref, o.offer.SectorName)
				}
				o.offer.HostID, o.offer.SectorID = id, sectorID
				ch, err := tx.UpsertOffer(ctx, o.offer, o.weeks)
				if err != nil {
					return err
				}
				offers++
				changed += b2i(ch)
			}
		}
		if report.SchoolWeeksSet, err = assignSchoolWeeks(ctx, tx, weeks); err != nil {
			return err
		}
		if report.Counts, err = tx.CatalogCounts(ctx); err != nil {
			return err
		}
		report.OffersInserted = report.Counts.Offers - before.Offers
		report.OffersUpdated = changed - report.OffersInserted
		report.OffersUnchanged = offers - changed
		return nil
	})
	if err != nil {
		return report, fmt.Errorf("seed: %w", err)
	}
	return report, nil
}

// seedWeeks checks the stage weeks (Mondays), sorted and without repeats; nil gives the defaults.
func seedWeeks(weeks []time.Time) ([]time.Time, error) {
	if len(weeks) == 0 {
		return DefaultSeedWeeks(), nil
	}
	seen := map[string]bool{}
	var out []time.Time
	for _, w := range weeks {
		day := time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
		if day.Weekday() != time.Monday {
			return nil, fmt.Errorf("stage week %s is a %s, not a Monday", day.Format(time.DateOnly), day.Weekday())
		}
		if !seen[day.Format(time.DateOnly)] {
			seen[day.Format(time.DateOnly)] = true
			out = append(out, day)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out, nil
}

// assignSchoolWeeks gives every school without a stage week one of weeks, chosen by a hash of its
// UAI so that the choice does not depend on the order or the number of schools.
func assignSchoolWeeks(ctx context.Context, tx *store.Tx, weeks []time.Time) (int, error) {
	uais, err := tx.SchoolsWithoutStageWeek(ctx)
	if err != nil || len(uais) == 0 {
		return 0, err
	}
	chosen := make([]time.Time, len(uais))
	for i, uai := range uais {
		h := fnv.New32a()
		h.Write([]byte(uai))
		chosen[i] = weeks[h.Sum32()%uint32(len(weeks))]
	}
	return tx.SetSchoolStageWeeks(ctx, uais, chosen)
}

// seedPlan builds the demo catalog in memory. Two fixed random streams make it deterministic: one
// for the hosts and their offers (independent of the weeks), one for weeks, places and reservations.
func seedPlan(weeks []time.Time) []seedHost {
	rs := rand.New(rand.NewPCG(20261207, 3))  // hosts, names, offers
	rw := rand.New(rand.NewPCG(20270111, 42)) // weeks and places
	streets, firsts, lasts, hours := streetNames(), firstNames(), lastNames(), dailyHours()
	arrs := arrondissementDeck(rs)
	nextArr := 0
	used := map[string]bool{}
	var plan []seedHost
	contactN := 0
	for _, t := range append(cityHostTemplates(), essHostTemplates()...) {
		pool := namePool(t.pool)
		perm := rs.Perm(max(len(pool), 1))
		for i := range t.count {
			var arr int
			var name string
			for k := 0; name == "" || used[name]; k++ {
				if t.perArr {
					arr = i%20 + 1
				} else {
					arr = arrs[nextArr%len(arrs)]
					nextArr++
				}
				pattern := t.patterns[(i+k)%len(t.patterns)]
				if t.pool == "" {
					name = fmt.Sprintf(pattern, arrondissementLabel(arr))
				} else {
					name = fmt.Sprintf(pattern, pool[perm[(i+k)%len(pool)]])
				}
				if k > 2*len(pool)+40 { // a pool too small for its count: number the name
					name = fmt.Sprintf("%s (%d)", name, k)
				}
			}
			used[name] = true
			h := seedHost{host: store.Host{Ref: fmt.Sprintf("demo-host-%03d", len(plan)+1), Name: name, Kind: t.kind,
				Employer: store.EmployerPublic}}
			if t.kind == store.HostESS {
				h.host.Employer = store.EmployerPrivate
			}
			for c := range 1 + b2i(rs.IntN(3) == 0) {
				contactN++
				h.contacts = append(h.contacts, store.HostContact{
					Name:  fmt.Sprintf("%s %s", firsts[rs.IntN(len(firsts))], lasts[(rs.IntN(len(lasts))+c)%len(lasts)]),
					Phone: fmt.Sprintf("%s%04d", fictionPrefix, contactN*7919%10000), Lang: "fr"})
			}
			if len(h.contacts) == 2 && h.contacts[0].Name == h.contacts[1].Name {
				h.contacts = h.contacts[:1]
			}
			lat, lon := arrondissementCentre(arr)
			lat = math.Round((lat+(rs.Float64()*2-1)*0.004)*1e5) / 1e5
			lon = math.Round((lon+(rs.Float64()*2-1)*0.006)*1e5) / 1e5
			zip := fmt.Sprintf("750%02d", arr)
			address := fmt.Sprintf("%d %s, %s Paris", 1+rs.IntN(140), streets[rs.IntN(len(streets))], zip)
			daily := hours[rs.IntN(len(hours))]
			n := min(len(t.jobs), []int{2, 3, 3, 3, 3, 4, 4, 4, 5, 5}[rs.IntN(10)])
			for j := range n {
				job := t.jobs[(i+j)%len(t.jobs)]
				o := store.Offer{Ref: fmt.Sprintf("demo-offer-%04d", countOffers(plan)+len(h.offers)+1), HostName: name,
					Title: job.titles[rs.IntN(len(job.titles))], Description: seedDescription(rs, job),
					SectorName: job.sector, Address: address, Arrondissement: arr, Latitude: &lat, Longitude: &lon,
					DailyHours: daily}
				ws := seedOfferWeeks(rw, weeks)
				deadline := ws[0].WeekStart.AddDate(0, 0, -14)
				o.Deadline = &deadline
				h.offers = append(h.offers, seedOffer{offer: o, weeks: ws})
			}
			plan = append(plan, h)
		}
	}
	reservePlaces(rw, plan)
	return plan
}

func countOffers(plan []seedHost) int {
	n := 0
	for _, h := range plan {
		n += len(h.offers)
	}
	return n
}

// arrondissementDeck is a shuffled deck of arrondissements, each as often as it is large and
// populous, so that hosts cover all twenty and the outer ones more.
func arrondissementDeck(rs *rand.Rand) []int {
	weight := [21]int{0, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 5, 5, 5, 5, 5, 4, 5, 6, 6, 6}
	var deck []int
	for arr := 1; arr <= 20; arr++ {
		for range weight[arr] {
			deck = append(deck, arr)
		}
	}
	rs.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
	return deck
}

// seedDescription tells in a few words what the student will observe, marked as demo data.
func seedDescription(rs *rand.Rand, job jobTemplate) string {
	tasks := rs.Perm(len(job.tasks))[:3]
	endings := []string{
		"Un tuteur ou une tutrice t'accompagne toute la semaine.",
		"Un bilan de la semaine est fait avec toi le vendredi.",
		"Curiosité et bonne humeur bienvenues !",
		"Tu présenteras à l'équipe ce que tu as retenu.",
	}
	return fmt.Sprintf("Pendant ta semaine, tu découvres avec l'équipe %s, %s et %s. %s (offre de démonstration)",
		job.tasks[tasks[0]], job.tasks[tasks[1]], job.tasks[tasks[2]], endings[rs.IntN(len(endings))])
}

// seedOfferWeeks draws one to three of the weeks, with 1 to 4 places each.
func seedOfferWeeks(rw *rand.Rand, weeks []time.Time) []store.OfferWeek {
	n := min(len(weeks), []int{1, 1, 1, 1, 2, 2, 2, 2, 3, 3}[rw.IntN(10)])
	picked := rw.Perm(len(weeks))[:n]
	sort.Ints(picked)
	var ws []store.OfferWeek
	for _, i := range picked {
		ws = append(ws, store.OfferWeek{WeekStart: weeks[i], Places: []int{1, 1, 1, 2, 2, 2, 3, 3, 4, 4}[rw.IntN(10)]})
	}
	return ws
}

// reservePlaces reserves places for REP/REP+ students: each offer keeps a share of its own (none,
// a third, half, two thirds or all), then single places are added or removed, in a random order,
// until exactly ReservedShare of all places (rounded) are reserved.
func reservePlaces(rw *rand.Rand, plan []seedHost) {
	var weeks []*store.OfferWeek
	total, reserved := 0, 0
	for h := range plan {
		for o := range plan[h].offers {
			share := []float64{0, 1.0 / 3, 0.5, 0.5, 2.0 / 3, 1}[rw.IntN(6)]
			for w := range plan[h].offers[o].weeks {
				ow := &plan[h].offers[o].weeks[w]
				ow.ReservedPlaces = int(math.Round(float64(ow.Places) * share))
				total += ow.Places
				reserved += ow.ReservedPlaces
				weeks = append(weeks, ow)
			}
		}
	}
	target := int(math.Round(float64(total) * ReservedShare))
	for reserved != target {
		for _, i := range rw.Perm(len(weeks)) {
			w := weeks[i]
			switch {
			case reserved < target && w.ReservedPlaces < w.Places:
				w.ReservedPlaces++
				reserved++
			case reserved > target && w.ReservedPlaces > 0:
				w.ReservedPlaces--
				reserved--
			}
			if reserved == target {
				break
			}
		}
	}
}
