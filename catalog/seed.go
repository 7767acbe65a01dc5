package catalog

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"stagebot/calendar"
	"stagebot/phone"
	"stagebot/store"
)

// SeedParams tune the demo catalog.
type SeedParams struct {
	// Today is the day the demo follows (the service's clock): its campaign opens then, and its stage
	// weeks are the next six school weeks that start at least two weeks later (DemoWeeks). Required.
	Today time.Time
	// Weeks, when set, are the stage weeks (Mondays) instead.
	Weeks []time.Time
	// Supply, when set, is the places to seed instead of data/supply.toml's (a simulation at another
	// scale: DefaultSupply().Scaled). A smaller supply keeps fewer hosts, drawn at random.
	Supply *Supply
}

// SeedReport tells what Seed did; a second run with the same parameters changes nothing.
type SeedReport struct {
	SectorsInserted int
	HostsChanged    int // hosts inserted or updated
	ContactsChanged int // contacts inserted or updated
	OffersInserted  int
	OffersUpdated   int
	OffersUnchanged int
	SchoolWeeksSet  int                 // collèges that got one of the campaign's weeks (they had none, or another)
	Campaign        store.Campaign      // the demo campaign, as saved
	EstimatedWeeks  bool                // some weeks were chosen on estimated school holidays (a year not in the file)
	Counts          store.CatalogCounts // the catalog after the seed
}

// Changed counts the rows the seed inserted or updated.
func (r SeedReport) Changed() int {
	return r.SectorsInserted + r.HostsChanged + r.ContactsChanged + r.OffersInserted + r.OffersUpdated + r.SchoolWeeksSet
}

// The demo's calendar: six stage weeks, the first more than two weeks ahead, so that every week's
// deadline (two weeks before it) is still to come on the day of the seed.
const (
	demoWeeks     = 6
	demoLeadDays  = 15 // so that even the first week's deadline (14 days before it) is after the day of the seed
	demoRelease   = 14 // days after the campaign opens, unused reserved places open to all
	demoPurgeDays = 56 // days after the last stage week, the season's personal data is erased
)

// DemoWeeks are the stage weeks of a demo seeded on day today: the next six school weeks of Paris
// (zone C holidays skipped) that start at least two weeks after it; in July and August, the next
// school year's. estimated reports that the holidays of some week's school year were estimated.
func DemoWeeks(today time.Time) (weeks []time.Time, estimated bool, err error) {
	schools, err := calendar.ParisSchools()
	if err != nil {
		return nil, false, err
	}
	weeks, estimated = schools.NextSchoolWeeks(today, demoWeeks, demoLeadDays)
	return weeks, estimated, nil
}

// demoCampaign is the demo's season, for the collèges of Paris: it opens on the day of the seed and closes with the last
// week's deadline; reserved places open to all two weeks after it opens; its data is purged eight
// weeks after the last stage week.
func demoCampaign(today time.Time, weeks []time.Time) store.Campaign {
	opens := calendar.Day(today)
	last := weeks[len(weeks)-1]
	closes := last.AddDate(0, 0, -store.DefaultDeadlineDays)
	if closes.Before(opens) {
		closes = opens
	}
	release := opens.AddDate(0, 0, demoRelease)
	return store.Campaign{Name: "Démo " + calendar.SchoolYear(weeks[0]), ApplicationsOpen: opens,
		ApplicationsClose: closes, REPRelease: &release, PurgeOn: last.AddDate(0, 0, demoPurgeDays),
		MaxApplications: store.DefaultMaxApplications, ConfirmDays: store.DefaultConfirmDays,
		DeadlineDays: store.DefaultDeadlineDays, Territory: store.Territory{"75"}, Weeks: weeks}
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

// Seed writes a clearly synthetic demo catalog of Paris that follows the day it is seeded: a demo
// campaign whose six stage weeks are the next school weeks (see DemoWeeks), and some 700 offers of
// about 320 City of Paris services and ESS structures, over the 20 arrondissements and the 42 ONISEP
// sectors, each running one or two of those weeks, most with one place, some two or three, each
// week with its own deadline two weeks before it, with exactly the places of data/supply.toml (or
// p.Supply): those in the City's services, some reserved for REP/REP+ students, and those in ESS
// structures (one offer each). Every description
// ends with "(offre de démonstration)" and every contact has a number of the range reserved for
// fiction (06 39 98 xx xx). It also imports the embedded sectors, and gives each collège without
// one of the campaign's weeks one of them (chosen from its UAI). The same day gives the same
// catalog. Everything is written in one transaction.
func Seed(ctx context.Context, s *store.Store, p SeedParams) (SeedReport, error) {
	var report SeedReport
	if p.Today.IsZero() {
		return report, errors.New("seed: no day given (SeedParams.Today)")
	}
	weeks := p.Weeks
	if len(weeks) == 0 {
		var err error
		if weeks, report.EstimatedWeeks, err = DemoWeeks(p.Today); err != nil {
			return report, fmt.Errorf("seed: %w", err)
		}
	}
	weeks, err := seedWeeks(weeks)
	if err != nil {
		return report, fmt.Errorf("seed: %w", err)
	}
	supply, err := DefaultSupply()
	if err != nil {
		return report, fmt.Errorf("seed: %w", err)
	}
	full := supply
	if p.Supply != nil {
		supply = *p.Supply
		if err := supply.check(); err != nil {
			return report, fmt.Errorf("seed: %w", err)
		}
	}
	campaign := demoCampaign(p.Today, weeks)
	plan := seedPlan(weeks, full, supply)
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
		if _, err := tx.SaveCampaign(ctx, campaign); err != nil {
			return err
		}
		if report.Campaign, err = tx.CampaignByName(ctx, campaign.Name); err != nil {
			return err
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
		if changed > 0 {
			if err := tx.RefreshSearchWords(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return report, fmt.Errorf("seed: %w", err)
	}
	return report, nil
}

// seedWeeks checks the stage weeks (Mondays), sorted and without repeats.
func seedWeeks(weeks []time.Time) ([]time.Time, error) {
	if len(weeks) == 0 {
		return nil, errors.New("no stage weeks")
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

// assignSchoolWeeks gives every school whose stage week is not one of weeks (or that has none) one of
// them, chosen by a hash of its UAI so that the choice does not depend on the order or the number of
// schools.
func assignSchoolWeeks(ctx context.Context, tx *store.Tx, weeks []time.Time) (int, error) {
	uais, err := tx.SchoolsOutsideWeeks(ctx, weeks)
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

// seedPlan builds the demo catalog in memory, for the supply full (data/supply.toml) or a smaller
// one. Fixed random streams make it deterministic: one for the hosts and their offers (independent of
// the weeks), one for weeks, places and reservations, one for the hosts a smaller supply keeps.
func seedPlan(weeks []time.Time, full, supply Supply) []seedHost {
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
					Phone: fmt.Sprintf("%s%04d", phone.FictionPrefix, contactN*7919%10000), Lang: "fr"})
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
			if t.kind == store.HostESS {
				n = 1 // an ESS structure takes one student a season (data/supply.toml)
			}
			for j := range n {
				job := t.jobs[(i+j)%len(t.jobs)]
				o := store.Offer{Ref: fmt.Sprintf("demo-offer-%04d", countOffers(plan)+len(h.offers)+1), HostName: name,
					Title: job.titles[rs.IntN(len(job.titles))], Description: seedDescription(rs, job),
					SectorName: job.sector, Address: address, Arrondissement: arr, Latitude: &lat, Longitude: &lon,
					DailyHours: daily}
				ws := seedOfferWeeks(rw, weeks, t.kind)
				h.offers = append(h.offers, seedOffer{offer: o, weeks: ws})
			}
			plan = append(plan, h)
		}
	}
	rk := rand.New(rand.NewPCG(20270301, 7)) // the hosts a smaller supply keeps
	if supply.CityPlaces < full.CityPlaces {
		plan = keepHosts(rk, plan, store.HostCity, supply.CityPlaces)
	}
	if supply.ESSPlaces < full.ESSPlaces {
		plan = keepHosts(rk, plan, store.HostESS, supply.ESSPlaces)
	}
	fitPlaces(rw, plan, store.HostCity, supply.CityPlaces)
	fitPlaces(rw, plan, store.HostESS, supply.ESSPlaces)
	reservePlaces(rw, plan, supply.CityReserved)
	return plan
}

// keepHosts keeps, of a kind of host, those drawn at random until their offer weeks would hold the
// places with about three weeks for four places, as the whole supply has (a host's last offers left
// out when they would be more weeks than places); the other kind's hosts all stay.
func keepHosts(rk *rand.Rand, plan []seedHost, kind string, places int) []seedHost {
	target := int(math.Ceil(float64(places) * 3 / 4))
	keep := make([]bool, len(plan))
	weeks := 0
	for _, i := range rk.Perm(len(plan)) {
		if plan[i].host.Kind != kind {
			keep[i] = true
			continue
		}
		if weeks >= target {
			continue
		}
		var offers []seedOffer
		for _, o := range plan[i].offers {
			if weeks+len(o.weeks) <= places {
				offers = append(offers, o)
				weeks += len(o.weeks)
			}
		}
		plan[i].offers, keep[i] = offers, len(offers) > 0
	}
	var out []seedHost
	for i, h := range plan {
		if keep[i] {
			out = append(out, h)
		}
	}
	return out
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

// seedOfferWeeks draws the weeks of an offer: a City service's runs one week, or two, with one place
// a week, sometimes two or three; an ESS structure's one week with one place.
func seedOfferWeeks(rw *rand.Rand, weeks []time.Time, kind string) []store.OfferWeek {
	n, places := 1, []int{1}
	if kind == store.HostCity {
		n, places = min(len(weeks), []int{1, 1, 1, 2}[rw.IntN(4)]), []int{1, 1, 1, 1, 1, 1, 1, 2, 2, 3}
	}
	picked := rw.Perm(len(weeks))[:n]
	sort.Ints(picked)
	var ws []store.OfferWeek
	for _, i := range picked {
		deadline := weeks[i].AddDate(0, 0, -store.DefaultDeadlineDays)
		ws = append(ws, store.OfferWeek{WeekStart: weeks[i], Places: places[rw.IntN(len(places))], Deadline: &deadline})
	}
	return ws
}

// offerWeeksOf lists the offer weeks of a kind of host, to change in place.
func offerWeeksOf(plan []seedHost, kind string) []*store.OfferWeek {
	var out []*store.OfferWeek
	for h := range plan {
		if plan[h].host.Kind != kind {
			continue
		}
		for o := range plan[h].offers {
			for w := range plan[h].offers[o].weeks {
				out = append(out, &plan[h].offers[o].weeks[w])
			}
		}
	}
	return out
}

// fitPlaces brings a kind of host's places to exactly total: single places added to offer weeks
// (three at most, more only for a supply larger than the seed's hosts hold) or taken from those that
// have more than one, in a random order.
func fitPlaces(rw *rand.Rand, plan []seedHost, kind string, total int) {
	weeks := offerWeeksOf(plan, kind)
	places, most := 0, 3
	if len(weeks) > 0 {
		most = max(most, (total+len(weeks)-1)/len(weeks))
	}
	for _, w := range weeks {
		places += w.Places
	}
	for places != total {
		moved := false
		for _, i := range rw.Perm(len(weeks)) {
			w := weeks[i]
			switch {
			case places < total && w.Places < most:
				w.Places++
				places++
				moved = true
			case places > total && w.Places > 1:
				w.Places--
				places--
				moved = true
			}
			if places == total {
				break
			}
		}
		if !moved {
			panic(fmt.Sprintf("seed: %d offer weeks of %s cannot hold %d places", len(weeks), kind, total))
		}
	}
}

// reservePlaces reserves exactly want of the City's places for REP/REP+ students: each
// offer keeps a share of its own (none, a third, half, two thirds or all), then single places are
// added or removed, in a random order, until the count is reached. ESS places are not reserved (the
// City's reservation is of its own places).
func reservePlaces(rw *rand.Rand, plan []seedHost, want int) {
	var weeks []*store.OfferWeek
	reserved := 0
	for h := range plan {
		if plan[h].host.Kind != store.HostCity {
			continue
		}
		for o := range plan[h].offers {
			share := []float64{0, 1.0 / 3, 0.5, 0.5, 2.0 / 3, 1}[rw.IntN(6)]
			for w := range plan[h].offers[o].weeks {
				ow := &plan[h].offers[o].weeks[w]
				ow.ReservedPlaces = int(math.Round(float64(ow.Places) * share))
				reserved += ow.ReservedPlaces
				weeks = append(weeks, ow)
			}
		}
	}
	for reserved != want {
		for _, i := range rw.Perm(len(weeks)) {
			w := weeks[i]
			switch {
			case reserved < want && w.ReservedPlaces < w.Places:
				w.ReservedPlaces++
				reserved++
			case reserved > want && w.ReservedPlaces > 0:
				w.ReservedPlaces--
				reserved--
			}
			if reserved == want {
				break
			}
		}
	}
}

// AssignSchoolWeeks gives every collège whose stage week is not one of weeks (or that has none) one
// of them, chosen from its UAI code as Seed does, in one transaction. It returns how many it changed.
func AssignSchoolWeeks(ctx context.Context, s *store.Store, weeks []time.Time) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = assignSchoolWeeks(ctx, tx, weeks)
		return err
	})
	return n, err
}
