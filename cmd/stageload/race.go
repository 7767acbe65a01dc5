package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/lib/pq" // the Postgres driver, for the drill's read-only lookups
)

// raceSetup is what the accept-race drill needs from the catalog: an offer week with exactly the
// places raced for, none taken, whose host has one contact on SMS, and a collège (not REP, so
// that reserved places do not count) whose stage week it is.
type raceSetup struct {
	OfferID   int64
	Title     string
	Arr       int
	Host      string
	HostPhone string
	Week      time.Time
	School    string
}

// findRace looks the setup up, read-only, in the service's database: an offer week of places
// places, none reserved, with no application on any of its host's offers.
func findRace(ctx context.Context, db *sql.DB, places int) (raceSetup, error) {
	var s raceSetup
	err := db.QueryRowContext(ctx, `
		SELECT o.id, o.title, o.arrondissement, h.name, c.phone, w.week_start, sc.name
		FROM offer_weeks w
		JOIN offers o ON o.id = w.offer_id
		JOIN hosts h ON h.id = o.host_id AND h.unreachable_since IS NULL
		JOIN host_contacts c ON c.host_id = h.id AND c.phone IS NOT NULL AND c.telegram_chat_id IS NULL
		JOIN LATERAL (SELECT name FROM schools WHERE stage_week = w.week_start AND education_priority = 'none'
			AND (SELECT count(*) FROM schools s2 WHERE lower(s2.name) = lower(schools.name)) = 1
			ORDER BY name LIMIT 1) sc ON true
		WHERE w.places = $1 AND w.reserved_places = 0 AND w.deadline >= $2::date AND w.week_start > $2::date
		  AND (SELECT count(*) FROM host_contacts c2 WHERE c2.host_id = h.id) = 1
		  AND NOT EXISTS (SELECT 1 FROM applications a JOIN offers o2 ON o2.id = a.offer_id WHERE o2.host_id = h.id)
		  AND (SELECT count(*) FROM offers o3 WHERE o3.host_id = h.id AND o3.title = o.title) = 1
		ORDER BY o.id LIMIT 1`, places, time.Now().Format(time.DateOnly)).Scan(&s.OfferID, &s.Title, &s.Arr, &s.Host, &s.HostPhone, &s.Week, &s.School)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("no offer week with %d places, none reserved, whose host has one SMS contact and no application yet: seed the database (stagebot seed)", places)
	}
	if err != nil {
		return s, fmt.Errorf("look the race up: %w", err)
	}
	return s, nil
}

// refPattern finds the reference of a request to a host: "Demande de stage (réf. 1042)".
var refPattern = regexp.MustCompile(`ref\. (\d+)`)

// acceptRaceDrill has applicants students apply, over the webhooks, to one offer week with places
// places; their parents agree; then the host answers OUI to every request at the same moment.
// Exactly places acceptances may succeed, the others must be told the offer is full.
func acceptRaceDrill(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("drill accept-race", flag.ContinueOnError)
	var cfg runConfig
	cfg.common.register(fs)
	dsn := fs.String("database-url", os.Getenv("DATABASE_URL"), "the serve's database, read to choose the offer and check the outcome (DATABASE_URL)")
	applicants := fs.Int("applicants", 50, "students applying, and host acceptances sent at once")
	places := fs.Int("places", 3, "places of the offer week raced for")
	fs.IntVar(&cfg.concurrency, "concurrency", 16, "students signing up at once")
	fs.DurationVar(&cfg.replyTimeout, "reply-timeout", 120*time.Second, "a student waiting longer than this for a reply is stuck")
	wait := fs.Duration("wait", 300*time.Second, "how long to wait for the host's requests, then for its answers")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	if *dsn == "" {
		return usageError("--database-url (or DATABASE_URL) is required: the drill reads the catalog to pick the offer")
	}
	cfg.students, cfg.parentsAgree, cfg.grace = *applicants, true, 30*time.Second
	db, err := sql.Open("postgres", *dsn)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer db.Close()
	setup, err := findRace(ctx, db, *places)
	if err != nil {
		return err
	}
	fmt.Printf("accept-race: %q at %s (%de), week of %s, host phone %s, students of collège %s\n",
		setup.Title, setup.Host, setup.Arr, setup.Week.Format(time.DateOnly), setup.HostPhone, setup.School)
	r, stop, err := cfg.setup(ctx, max(*applicants, 16), log)
	if err != nil {
		return err
	}
	defer stop()
	rc := &race{setup: setup, refs: map[string]int{}}
	r.feed.Listen(setup.HostPhone, rc.hostReceived)

	// 1. The applicants sign up, find the offer and apply; their parents agree.
	ld := newLoad(r, cfg)
	start := time.Now()
	rc.apply(ctx, ld)
	fmt.Printf("  %d students in %.1f s: %s; %d applied\n", *applicants, time.Since(start).Seconds(), countsText(ld.outcomes), ld.applied)

	// 2. The requests reach the host.
	start = time.Now()
	ids := rc.requests(ctx, ld.applied, *wait)
	requestsTook := time.Since(start)
	if len(ids) <= *places {
		return verdict("accept-race", false, "only %d requests reached the host (%d students applied): nothing to race", len(ids), ld.applied)
	}

	// 3. The host accepts every request at once.
	start = time.Now()
	statuses := rc.acceptAll(ctx, r.hooks, ids)
	raceTook := time.Since(start)
	accepted, full, other := rc.answers(ctx, len(ids), *wait)
	var inDB int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM applications WHERE offer_id = $1 AND week_start = $2
		AND state IN ('accepted', 'confirmed')`, setup.OfferID, setup.Week).Scan(&inDB); err != nil {
		return fmt.Errorf("count the acceptances: %w", err)
	}
	return verdict("accept-race", accepted == *places && inDB == *places && full == len(ids)-*places,
		"%d acceptances sent at once in %s (%s) for %d places: host told %d accepted, %d full, %d other; database: %d accepted"+
			"\n  the %d requests reached the host in %s (%d of them twice)",
		len(ids), raceTook.Round(time.Millisecond), countsText(statuses), *places, accepted, full, other, inDB,
		len(ids), requestsTook.Round(time.Millisecond), rc.duplicateRequests())
}

// race is what the accept-race drill sees of the host: the requests it received, then its answers.
type race struct {
	setup raceSetup

	mu      sync.Mutex
	refs    map[string]int // requests received, by reference
	racing  bool           // the acceptances are sent: what the host receives now answers them
	replies []string       // folded
}

// hostReceived takes a message to the host (from the feed).
func (rc *race) hostReceived(m Message) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	f := fold1(m.Body)
	if sub := refPattern.FindStringSubmatch(f); sub != nil && strings.HasPrefix(f, "demande de stage") {
		rc.refs[sub[1]]++
	} else if rc.racing {
		rc.replies = append(rc.replies, f)
	}
}

// apply plays the applicants, cfg.concurrency at once: each signs up at the race's collège, finds
// the offer and applies.
func (rc *race) apply(ctx context.Context, ld *load) {
	tgt := &target{Search: fmt.Sprintf("%s %s %de", rc.setup.Title, rc.setup.Host, rc.setup.Arr),
		Title: rc.setup.Title, Host: rc.setup.Host, Arr: rc.setup.Arr}
	var wg sync.WaitGroup
	for range ld.cfg.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(ld.next.Add(1) - 1)
				if i >= ld.cfg.students {
					return
				}
				prof := newProfile(ld.cfg.runID, i, 1, true, time.Now())
				prof.School, prof.Target = rc.setup.School, tgt
				outcome := ld.play(ctx, i, prof, nil)
				ld.mu.Lock()
				ld.outcomes[outcome]++
				ld.mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// requests waits until want requests reached the host (or wait has passed) and returns their
// references; what the host receives from then on are answers.
func (rc *race) requests(ctx context.Context, want int, wait time.Duration) []string {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		rc.mu.Lock()
		n := len(rc.refs)
		rc.mu.Unlock()
		if n >= want {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.racing = true
	ids := make([]string, 0, len(rc.refs))
	for ref := range rc.refs {
		ids = append(ids, ref)
	}
	return ids
}

// acceptAll sends "OUI ref" from the host for every reference at the same moment and counts the
// webhooks' answers by status.
func (rc *race) acceptAll(ctx context.Context, hooks *webhooks, ids []string) map[string]int {
	gate := make(chan struct{})
	var mu sync.Mutex
	statuses := map[string]int{}
	var wg sync.WaitGroup
	for i, ref := range ids {
		wg.Go(func() {
			<-gate
			d := hooks.Deliver(ctx, sender{"host", "OUI ref"}, i, hooks.newMessageSID(), rc.setup.HostPhone, "OUI "+ref)
			mu.Lock()
			statuses[strconv.Itoa(d.Status)]++
			mu.Unlock()
		})
	}
	close(gate)
	wg.Wait()
	return statuses
}

// answers waits for the host's answers to the acceptances (want of them, or wait), then two
// seconds more for any surplus, and counts them: accepted, full, other.
func (rc *race) answers(ctx context.Context, want int, wait time.Duration) (accepted, full, other int) {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		rc.mu.Lock()
		n := len(rc.replies)
		rc.mu.Unlock()
		if n >= want {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, f := range rc.replies {
		switch {
		case strings.Contains(f, "vous accueillez"):
			accepted++
		case strings.Contains(f, "n'a plus de place"):
			full++
		default:
			other++
		}
	}
	return accepted, full, other
}

// duplicateRequests counts the requests the host received more than once.
func (rc *race) duplicateRequests() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, c := range rc.refs {
		n += c - 1
	}
	return n
}
