package bot_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// scaleCopies is how many copies of the demo catalog (722 offers) make the catalog at scale: 139
// copies, about 100,000 offers, each copy in another arrondissement.
const scaleCopies = 139

// scaleCatalog fills a template database with the demo catalog copied to about 100,000 offers
// (120,000 offer weeks), and 20,000 students of whom half hold a place (accepted or confirmed): the
// catalog a search must stay fast on.
func scaleCatalog(ctx context.Context, s *store.Store) error {
	if err := demoCatalog(ctx, s); err != nil {
		return err
	}
	at := transcriptClock()
	for _, q := range []string{
		`INSERT INTO offers (ref, host_id, title, description, sector_id, address, arrondissement, latitude, longitude,
		                    daily_hours, search_text, created_at, updated_at, search_doc)
		 SELECT o.ref || '-x' || n, o.host_id, o.title, o.description, o.sector_id, o.address,
		        1 + (o.arrondissement + n) % 20, o.latitude, o.longitude, o.daily_hours, o.search_text, o.created_at,
		        o.updated_at, o.search_doc
		 FROM offers o CROSS JOIN generate_series(1, $1 - 1) AS n WHERE $2::timestamptz IS NOT NULL`,
		`INSERT INTO offer_weeks (offer_id, week_start, places, reserved_places, deadline, host_id, sector_id,
		                         arrondissement, search_doc)
		 SELECT c.id, w.week_start, w.places, w.reserved_places, w.deadline, c.host_id, c.sector_id,
		        c.arrondissement, c.search_doc
		 FROM offers c JOIN offers o ON o.ref = split_part(c.ref, '-x', 1) JOIN offer_weeks w ON w.offer_id = o.id
		 WHERE c.ref LIKE '%-x%' AND $1 > 0 AND $2::timestamptz IS NOT NULL`,
		`INSERT INTO parents (phone, created_at) SELECT '+33600000001', $2 WHERE $1 > 0`,
		`INSERT INTO students (channel, address, first_name, school_name, education_priority, stage_week, birth_month,
		                      parent_id, created_at, updated_at, consent)
		 WITH busiest AS (SELECT array_agg(week_start ORDER BY n DESC, week_start) AS weeks FROM (
		                    SELECT week_start, count(*) AS n FROM offer_weeks GROUP BY week_start
		                    ORDER BY n DESC, week_start LIMIT 4) b)
		 SELECT 'sms', '+3366' || lpad(n::text, 8, '0'), 'Élève', 'Collège', CASE WHEN n % 3 = 0 THEN 'REP' ELSE 'none' END,
		        busiest.weeks[1 + n % 4], date '2012-01-01', (SELECT id FROM parents LIMIT 1), $2, $2, 'granted'
		 FROM busiest, generate_series(1, 20000 + 0 * $1) AS n`,
		`INSERT INTO applications (student_id, offer_id, week_start, state, motivation, created_at, updated_at)
		 SELECT DISTINCT ON (s.id) s.id, w.offer_id, w.week_start,
		        CASE WHEN s.id % 2 = 0 THEN 'accepted' ELSE 'confirmed' END, 'Motivé', $2, $2
		 FROM students s JOIN offer_weeks w ON w.week_start = s.stage_week AND w.offer_id % 1000 = s.id % 1000
		 WHERE s.id % 2 = 0 OR s.id % 5 = 1 OR $1 = 0
		 ORDER BY s.id, w.offer_id`,
	} {
		if _, err := s.DB().ExecContext(ctx, q, scaleCopies, at); err != nil {
			return fmt.Errorf("scale catalog: %w", err)
		}
	}
	// As autovacuum leaves a catalog soon after its import: statistics gathered, pages marked all
	// visible (searches without words read the offer weeks from an index alone).
	_, err := s.DB().ExecContext(ctx, `VACUUM ANALYZE`)
	return err
}

// scaleSearches are the searches timed at scale: words, a misspelt word, two words, a word in one
// arrondissement, a sector, City offers in one arrondissement, and no filter at all.
var scaleSearches = []struct {
	name    string
	filters domain.Filters
}{
	{"word", domain.Filters{Keyword: "musee"}},
	{"misspelt", domain.Filters{Keyword: "bibliotheqe"}},
	{"two-words", domain.Filters{Keyword: "jardin animaux"}},
	{"word-arrondissement", domain.Filters{Keyword: "informatique", Arrondissement: 19}},
	{"sector", domain.Filters{SectorID: 1}},
	{"city-arrondissement", domain.Filters{Kind: "city", Arrondissement: 11}},
	{"everything", domain.Filters{}},
}

// reportPercentiles reports the 50th and 95th percentiles of the durations as ms.
func reportPercentiles(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	at := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

// BenchmarkSearchAtScale times the search query alone on about 100,000 offers, for a REP/REP+
// student and another, through every kind of search (scaleSearches), with the places left for each.
// Run: go test ./bot -run '^$' -bench 'BenchmarkSearchAtScale' -benchtime 100x
func BenchmarkSearchAtScale(b *testing.B) {
	ctx := context.Background()
	s := storetest.NewFrom(b, "scale", scaleCatalog)
	var students []int64
	if err := s.DB().Select(&students, `(SELECT id FROM students WHERE education_priority = 'REP' LIMIT 1)
		UNION ALL (SELECT id FROM students WHERE education_priority = 'none' LIMIT 1)`); err != nil {
		b.Fatal(err)
	}
	for _, search := range scaleSearches {
		b.Run(search.name, func(b *testing.B) {
			ds := make([]time.Duration, 0, b.N)
			for i := range b.N {
				start := time.Now()
				offers, _, err := s.SearchOffers(ctx, store.SearchParams{StudentID: students[i%2], Today: transcriptClock(),
					Limit: 3, NotApplied: true, Filters: search.filters})
				if err != nil {
					b.Fatal(err)
				}
				if len(offers) == 0 {
					b.Fatalf("%s found nothing: the benchmark would time an empty search", search.name)
				}
				ds = append(ds, time.Since(start))
			}
			reportPercentiles(b, ds)
		})
	}
}

// BenchmarkHandleSearchAtScale times one inbound message handled end to end on about 100,000 offers:
// recorded, routed, the conversation locked, a search run, the session saved, the reply queued, in
// one transaction.
// Run: go test ./bot -run '^$' -bench HandleSearchAtScale -benchtime 300x
func BenchmarkHandleSearchAtScale(b *testing.B) {
	ctx := context.Background()
	s := storetest.NewFrom(b, "scale", scaleCatalog)
	ib := newInbox(b, s)
	const student = "+33639989999"
	n := 0
	say := func(text string) {
		n++
		if err := ib.Handle(ctx, domain.Inbound{Channel: domain.SMS, ProviderID: fmt.Sprint("SM", n), Address: student,
			Text: text}); err != nil {
			b.Fatal(err)
		}
	}
	for _, text := range []string{"Bonjour", "Léa", "M", "Voltaire", "1", "03/2012", "06 12 34 56 78", "1", "1"} {
		say(text)
	}
	words := []string{"musee", "bibliotheqe", "jardin animaux", "informatique", "sport", "cuisine", "theatre"}
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		say(words[i%len(words)]) // a word is a new search, from any screen
		ds = append(ds, time.Since(start))
	}
	reportPercentiles(b, ds)
}
