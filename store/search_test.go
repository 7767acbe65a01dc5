package store_test

import (
	"strconv"
	"testing"

	"stagebot/domain"
	"stagebot/store"
)

// A search reads each offer week's copy of its offer's text, sector, arrondissement and host
// (migration 12): an offer rewritten must be found by what it says now, in every week it has, and
// an offer week written without the copies gets them.
func TestSearchFollowsOfferChanges(t *testing.T) {
	w := newWorld(t)
	host, other := w.host(store.EmployerPublic), w.host(store.EmployerPrivate)
	id := w.offer(host, "Maître-nageur", 2, 0)
	student := w.consenting("Inès", false)
	find := func(f domain.Filters) []int64 {
		t.Helper()
		offers, _, err := w.s.SearchOffers(w.ctx, store.SearchParams{StudentID: student, Today: today,
			Filters: f, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(offers))
		for i, o := range offers {
			ids[i] = o.ID
		}
		return ids
	}
	found := func(f domain.Filters) bool { return len(find(f)) == 1 && find(f)[0] == id }
	if !found(domain.Filters{Keyword: "nageur"}) || !found(domain.Filters{Arrondissement: 4}) {
		t.Fatal("the offer as written is not found")
	}

	// Another student's application keeps the fixture week when the offer drops it.
	w.apply(w.consenting("Paul", false), id)
	var gardening int
	if err := w.s.DB().GetContext(w.ctx, &gardening, `INSERT INTO sectors (name) VALUES ('Jardinage') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	later := week.AddDate(0, 0, 7)
	ref := ""
	if err := w.s.DB().GetContext(w.ctx, &ref, `SELECT ref FROM offers WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.UpsertOffer(w.ctx, store.Offer{Ref: ref, HostID: other, Title: "Jardinier", SectorID: gardening,
		Address: "2 rue des Plantes", Arrondissement: 14, DailyHours: "9h-17h"},
		[]store.OfferWeek{{WeekStart: later, Places: 1}}); err != nil {
		t.Fatal(err)
	}
	var stale []string
	if err := w.s.DB().SelectContext(w.ctx, &stale, `SELECT w.week_start::text FROM offer_weeks w JOIN offers o ON o.id = w.offer_id
		WHERE w.offer_id = $1 AND (w.host_id, w.sector_id, w.arrondissement, w.search_doc)
			IS DISTINCT FROM (o.host_id, o.sector_id, o.arrondissement, o.search_doc)`, id); err != nil {
		t.Fatal(err)
	}
	var weeks int
	if err := w.s.DB().GetContext(w.ctx, &weeks, `SELECT count(*) FROM offer_weeks WHERE offer_id = $1`, id); err != nil || weeks != 2 {
		t.Fatalf("offer weeks: %d, %v (the applied week must stay)", weeks, err)
	}
	if len(stale) > 0 {
		t.Errorf("offer weeks with the old facets: %v", stale)
	}
	// The student's week is the fixture week: the offer is still there, by its new words only.
	for _, tc := range []struct {
		filters domain.Filters
		want    bool
	}{
		{domain.Filters{Keyword: "nageur"}, false},
		{domain.Filters{Keyword: "jardinier"}, true},
		{domain.Filters{Keyword: "jardinage"}, true}, // the sector's name
		{domain.Filters{SectorID: gardening}, true},
		{domain.Filters{SectorID: w.sector}, false},
		{domain.Filters{Arrondissement: 14}, true},
		{domain.Filters{Arrondissement: 4}, false},
		{domain.Filters{Kind: "ess"}, true}, // the new host's kind
		{domain.Filters{Kind: "city"}, false},
	} {
		if got := found(tc.filters); got != tc.want {
			t.Errorf("%+v: found %v, want %v", tc.filters, got, tc.want)
		}
	}

	// An offer week inserted without the copies (by hand, by an older writer) gets them.
	if _, err := w.s.DB().ExecContext(w.ctx, `INSERT INTO offer_weeks (offer_id, week_start, places, reserved_places, deadline)
		VALUES ($1, $2, 1, 0, $3)`, id, week.AddDate(0, 0, 14), week); err != nil {
		t.Fatal(err)
	}
	if err := w.s.DB().GetContext(w.ctx, &weeks, `SELECT count(*) FROM offer_weeks w JOIN offers o ON o.id = w.offer_id
		WHERE w.offer_id = $1 AND w.week_start = $2 AND (w.host_id, w.sector_id, w.arrondissement, w.search_doc)
			= (o.host_id, o.sector_id, o.arrondissement, o.search_doc)`, id, week.AddDate(0, 0, 14)); err != nil || weeks != 1 {
		t.Errorf("an offer week inserted by hand: %d with its offer's facets, %v", weeks, err)
	}
}

// Browsing a week with no filter counts its offers up to domain.CountedUpTo and one more, and shows
// the best of those (reserved places first for a REP/REP+ student); a filter counts them all.
func TestBrowsingCountsUpToTheCap(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	reserved := w.offer(host, "Accueil des visiteurs", 1, 1)
	for i := range domain.CountedUpTo + 20 {
		w.offer(host, "Atelier "+strconv.Itoa(i), 1, 0)
	}
	search := func(student int64, f domain.Filters) ([]domain.OfferSummary, int) {
		t.Helper()
		offers, total, err := w.s.SearchOffers(w.ctx, store.SearchParams{StudentID: student, Today: today, Filters: f, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		return offers, total
	}
	rep := w.consenting("Inès", true)
	offers, total := search(rep, domain.Filters{})
	if total != domain.CountedUpTo+1 || len(offers) != 3 {
		t.Fatalf("browsing: %d offers shown, %d counted, want 3 and %d", len(offers), total, domain.CountedUpTo+1)
	}
	if offers[0].ID != reserved {
		t.Errorf("a REP/REP+ student browsing sees %d first, not the offer with a reserved place", offers[0].ID)
	}
	if _, total := search(rep, domain.Filters{Keyword: "atelier"}); total != domain.CountedUpTo+20 {
		t.Errorf("a word counts %d, want every offer (%d)", total, domain.CountedUpTo+20)
	}
}
