package web_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"stagebot/catalog"
	"stagebot/store"
	"stagebot/store/storetest"
)

// parisSeason is the demo's world with a whole Paris season on top: every public collège's 3e
// students (11,500, its DNB cohort), each signed up, most with two applications in every state a
// season sees, and the hosts' answers.
func parisSeason(ctx context.Context, s *store.Store) error {
	if err := peopleWorld(ctx, s); err != nil {
		return err
	}
	at := seedDay()
	for _, q := range []string{
		`WITH pupils AS (
			SELECT sc.uai, sc.name, sc.education_priority, sc.stage_week, g,
			       row_number() OVER (ORDER BY sc.uai, g) AS n
			FROM schools sc, generate_series(1, sc.cohort_size) g
			WHERE sc.department = '75' AND sc.stage_week IS NOT NULL AND sc.cohort_size > 0),
		parents_in AS (
			INSERT INTO parents (phone, lang, created_at)
			SELECT '+3370' || lpad(n::text, 7, '0'), 'fr', $1::timestamptz FROM pupils RETURNING id, phone)
		INSERT INTO students (channel, address, first_name, last_initial, school_uai, school_name, education_priority,
			stage_week, birth_month, parent_id, lang, created_at, updated_at, consent, consent_asked_at)
		SELECT 'telegram', (800000000 + pu.n)::text, 'Élève', chr(65 + (pu.g % 26)::int), pu.uai, pu.name,
		       pu.education_priority, pu.stage_week, '2012-03-01', pa.id, 'fr', $1::timestamptz, $1::timestamptz,
		       CASE pu.g % 7 WHEN 0 THEN 'pending' WHEN 1 THEN 'refused' ELSE 'granted' END, $1::timestamptz
		FROM pupils pu JOIN parents_in pa ON pa.phone = '+3370' || lpad(pu.n::text, 7, '0')`,
		`WITH ow AS (
			SELECT offer_id, week_start, row_number() OVER (PARTITION BY week_start ORDER BY offer_id) AS k,
			       count(*) OVER (PARTITION BY week_start) AS c FROM offer_weeks),
		st AS (SELECT id, stage_week, row_number() OVER (ORDER BY id) AS n FROM students
			WHERE address LIKE '8%' AND consent = 'granted')
		INSERT INTO applications (student_id, offer_id, week_start, state, motivation, created_at, updated_at, sent_at,
			accepted_at)
		SELECT st.id, ow.offer_id, ow.week_start,
		       (ARRAY['sent', 'declined', 'accepted', 'confirmed', 'expired', 'withdrawn'])[1 + ((st.n + j) % 6)::int],
		       'Benchmark.', $1::timestamptz, $1::timestamptz, $1::timestamptz, $1::timestamptz + interval '2 days'
		FROM st CROSS JOIN generate_series(0, 1) j
		JOIN ow ON ow.week_start = st.stage_week AND ow.k = 1 + (st.n * 7 + j * 13) % ow.c`,
		`INSERT INTO application_events (application_id, from_state, to_state, actor, at)
		SELECT id, 'sent', CASE WHEN state = 'declined' THEN 'declined' ELSE 'accepted' END, 'host', $1::timestamptz + interval '2 days'
		FROM applications WHERE state IN ('accepted', 'confirmed', 'declined') AND motivation = 'Benchmark.'`,
	} {
		if _, err := s.DB().ExecContext(ctx, q, at); err != nil {
			return err
		}
	}
	_, err := s.DB().ExecContext(ctx, `ANALYZE`)
	return err
}

// The collège's page and the City's page with a whole Paris season in the database, through HTTP:
// each must render in ≤ 100 ms at the 95th percentile. The collège is the demo principal's, with
// its students the season added (about 110) and its class lists.
func BenchmarkPagesAtParisScale(b *testing.B) {
	st := newSiteOn(b, storetest.NewFrom(b, "season", parisSeason))
	students := st.count(`SELECT count(*) FROM students`)
	if students < 11000 {
		b.Fatalf("%d students: not a Paris season", students)
	}
	if apps := st.count(`SELECT count(*) FROM applications`); apps < 15000 {
		b.Fatalf("%d applications: not a Paris season", apps)
	}
	uai := st.principalSchool()
	for _, page := range []struct{ name, path, email, marker string }{
		{"school", "/colleges/" + uai, catalog.DemoPrincipal, `id="table-eleves"`},
		{"city", "/ville", catalog.DemoOfficial, `id="table-colleges"`},
	} {
		b.Run(page.name, func(b *testing.B) {
			c, _ := st.client(page.email)
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				resp, err := c.Get(st.base + page.path)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				times = append(times, time.Since(start))
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), page.marker) {
					b.Fatalf("%s: %d, the page is not whole", page.path, resp.StatusCode)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(students), "students")
		})
	}
}
