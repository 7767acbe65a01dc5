// Package simulate plays whole seasons of stages on a synthetic population of Paris, through
// stagebot's real workflow, store and jobs (package season), and measures what the City's rules do:
// who gets a place, REP/REP+ first, how long hosts take, what stays empty, what the messages cost.
// Several policies are played on the same population and seeds and compared.
//
// Each season runs in a database of its own, created from a template that holds the collèges, the
// sectors and the catalog, on any cluster where the runner may create databases.
package simulate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/domain"
	"stagebot/season"
	"stagebot/store"
)

// Options say what to simulate.
type Options struct {
	// DatabaseURL is a database on the cluster to play on; the runner creates (and drops) databases
	// of its own there.
	DatabaseURL string
	// Start is the first day of the campaign (the service's clock); its stage weeks are the next
	// Weeks school weeks of Paris that start LeadDays after it or later.
	Start    time.Time
	LeadDays int // default 42
	Weeks    int // stage weeks (default 6)
	// Scale sizes the population: 1 is every 3e student of the Paris public collèges (about 11,500).
	Scale     float64
	Seeds     []uint64 // default {1}
	Policies  []Policy // default: DefaultPolicy and NoReminders
	Behaviour Behaviour
	// OffersCSV, when set, is an offers file (docs/offers-csv.md) played instead of the seeded
	// catalog; its weeks are the campaign's.
	OffersCSV string
	// SMSPrice is the price of one SMS segment, in euros, for the cost figures.
	SMSPrice float64
	// Parallel is how many seasons play at once (default 1).
	Parallel int
	// Progress, when set, is told how far each season's week has gone (0 to 1): unit is which, of
	// units (policies × seeds × weeks).
	Progress func(unit, units int, done float64)
	Log      *slog.Logger
}

// A run is one policy played with one seed.
type run struct {
	policy Policy
	seed   uint64
	index  int
}

// Run plays every policy with every seed and reports the figures.
func Run(ctx context.Context, opt Options) (*Report, error) {
	if opt.Scale <= 0 {
		opt.Scale = 1
	}
	if opt.LeadDays <= 0 {
		opt.LeadDays = 42
	}
	if opt.Weeks <= 0 {
		opt.Weeks = 6
	}
	// The season starts on the day, whatever the time: the same day gives the same season.
	opt.Start = calendar.AtParis(calendar.Day(opt.Start.In(calendar.Paris())), 8, 0)
	if len(opt.Seeds) == 0 {
		opt.Seeds = []uint64{1}
	}
	if len(opt.Policies) == 0 {
		opt.Policies = []Policy{DefaultPolicy(), NoReminders()}
	}
	if opt.Parallel <= 0 {
		opt.Parallel = 1
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if err := opt.Behaviour.Check(); err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, p := range opt.Policies {
		if names[p.Name] {
			return nil, fmt.Errorf("simulate: two policies are named %q: name them apart", p.Name)
		}
		names[p.Name] = true
	}
	admin, err := sqlx.Open("postgres", opt.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	defer admin.Close()
	prefix := "stagebot_sim_" + randomHex(4)
	tmpl := prefix + "_template"
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(tmpl)); err != nil {
		return nil, fmt.Errorf("simulate: create the template database: %w", err)
	}
	defer dropDatabase(admin, tmpl)
	world, err := prepare(ctx, withDatabase(opt.DatabaseURL, tmpl), opt)
	if err != nil {
		return nil, err
	}

	var runs []run
	for _, p := range opt.Policies {
		for _, seed := range opt.Seeds {
			runs = append(runs, run{policy: p, seed: seed, index: len(runs)})
		}
	}
	// Each seed's population, one per outreach the policies name (who uses stagebot depends on it).
	pops := map[popKey]Population{}
	for _, r := range runs {
		k := popKey{r.seed, r.policy.outreachKey()}
		if _, ok := pops[k]; !ok {
			pops[k] = populate(world.Schools, world.Hosts, world.Places, opt.Behaviour, r.policy, opt.Scale, r.seed, opt.Start)
		}
	}
	popOf := func(r run) Population { return pops[popKey{r.seed, r.policy.outreachKey()}] }
	// Each run plays each stage week on its own: a week's students compete only for that week's
	// places, so the weeks are markets of their own, played side by side.
	var units []unit
	for _, r := range runs {
		for k := range world.Weeks {
			units = append(units, unit{run: r, week: k, index: len(units)})
		}
	}
	for i := range units {
		units[i].of = len(units)
	}
	outcomes := make([]*season.Outcome, len(units))
	errs := make([]error, len(units))
	jobs := make(chan unit)
	var wg sync.WaitGroup
	for range min(opt.Parallel, len(units)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range jobs {
				name := fmt.Sprintf("%s_%d_%d", prefix, u.run.index, u.week)
				outcomes[u.index], errs[u.index] = playIn(ctx, admin, tmpl, name, opt, world, u, popOf(u.run))
				if errs[u.index] != nil {
					opt.Log.Error("season failed", slog.String("policy", u.run.policy.Name), slog.Any("error", errs[u.index]))
				}
			}
		}()
	}
	// The biggest weeks first, so that the last ones to finish are small.
	order := slices.Clone(units)
	sort.SliceStable(order, func(i, j int) bool {
		return len(weekStudents(popOf(order[i].run), world.Weeks[order[i].week])) >
			len(weekStudents(popOf(order[j].run), world.Weeks[order[j].week]))
	})
	for _, u := range order {
		if ctx.Err() != nil {
			break
		}
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(append(errs, ctx.Err())...); err != nil {
		return nil, err
	}
	results := make([]*Figures, len(runs))
	for _, r := range runs {
		pop := popOf(r)
		var weeks []*season.Outcome
		for _, u := range units {
			if u.run.index == r.index {
				weeks = append(weeks, outcomes[u.index])
			}
		}
		results[r.index] = measure(pop, merge(pop, world.Weeks, weeks), opt.SMSPrice)
	}
	return newReport(opt, world, runs, results), nil
}

// popKey names a population: a seed, and the collèges that relay the service.
type popKey struct {
	seed     uint64
	outreach string
}

// A unit is one stage week of one run.
type unit struct {
	run       run
	week      int // index in the campaign's weeks
	index, of int
}

// weekStudents are the indexes of the students of week k.
func weekStudents(pop Population, week time.Time) []int {
	var idx []int
	for i, st := range pop.World.Students {
		if st.Week.Equal(week) {
			idx = append(idx, i)
		}
	}
	return idx
}

// merge makes one season's outcome of its weeks' outcomes: the students' indexes are the
// population's again, and each week's places come from the season that played it.
func merge(pop Population, weeks []time.Time, parts []*season.Outcome) *season.Outcome {
	out := &season.Outcome{Final: map[domain.ApplicationState]int{}, Purged: true}
	for k, part := range parts {
		idx := weekStudents(pop, weeks[k])
		out.Sent = append(out.Sent, part.Sent...)
		for st, n := range part.Final {
			out.Final[st] += n
		}
		for _, a := range part.Applications {
			a.Student = idx[a.Student]
			out.Applications = append(out.Applications, a)
		}
		for _, w := range part.Weeks {
			if w.Week.Equal(weeks[k]) {
				out.Weeks = append(out.Weeks, w)
			}
		}
		out.Agreements = append(out.Agreements, part.Agreements...)
		out.Purged = out.Purged && part.Purged
		out.Inbound += part.Inbound
		out.Tries += part.Tries
		out.Applied += part.Applied
		out.Interrupted += part.Interrupted
		out.OverPlaces += part.OverPlaces
		out.ReservedToOthers += part.ReservedToOthers
	}
	return out
}

// catalogWorld is what every run starts from: the campaign's weeks, the collèges, the hosts and the
// places, as the template holds them.
type catalogWorld struct {
	Weeks   []time.Time
	Schools []store.School
	Hosts   []store.HostPhone
	Places  []store.SectorWeek
	Offers  int
	// Supply is the catalog's places week by week; File the seeded supply at scale 1
	// (catalog/data/supply.toml) and Scaled what the seed drew at the run's scale (nil for an offers
	// file).
	Supply       []store.WeekSupply
	File, Scaled *catalog.Supply
}

// prepare fills the template database: migrations, the Paris collèges, the sectors, and the
// catalog (the seeded one, or the offers file), every collège given one of the weeks.
func prepare(ctx context.Context, url string, opt Options) (*catalogWorld, error) {
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	if _, err := catalog.ImportEmbeddedSchools(ctx, st); err != nil {
		return nil, err
	}
	if _, err := catalog.ImportEmbeddedSectors(ctx, st); err != nil {
		return nil, err
	}
	w := &catalogWorld{}
	if opt.OffersCSV == "" {
		schools, err := calendar.ParisSchools()
		if err != nil {
			return nil, err
		}
		w.Weeks, _ = schools.NextSchoolWeeks(opt.Start, opt.Weeks, opt.LeadDays)
		file, err := catalog.DefaultSupply()
		if err != nil {
			return nil, err
		}
		scaled := file.Scaled(opt.Scale)
		w.File, w.Scaled = &file, &scaled
		if _, err := catalog.Seed(ctx, st, catalog.SeedParams{Today: opt.Start, Weeks: w.Weeks, Supply: &scaled}); err != nil {
			return nil, err
		}
	} else {
		report, err := catalog.ImportOffers(ctx, st, opt.OffersCSV)
		if err != nil {
			return nil, err
		}
		if report.Rejected > 0 {
			return nil, fmt.Errorf("simulate: %d lines of %s rejected", report.Rejected, opt.OffersCSV)
		}
		if err := st.DB().SelectContext(ctx, &w.Weeks, `SELECT DISTINCT week_start FROM offer_weeks ORDER BY 1`); err != nil {
			return nil, fmt.Errorf("simulate: weeks: %w", err)
		}
		for i, wk := range w.Weeks {
			w.Weeks[i] = calendar.Day(wk)
		}
		if len(w.Weeks) == 0 {
			return nil, errors.New("simulate: the offers file has no weeks")
		}
		if _, err := catalog.AssignSchoolWeeks(ctx, st, w.Weeks); err != nil {
			return nil, err
		}
	}
	// The season's campaign replaces the seed's.
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM campaigns`); err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	if w.Schools, err = st.Schools(ctx); err != nil {
		return nil, err
	}
	if w.Hosts, err = st.HostPhones(ctx); err != nil {
		return nil, err
	}
	if w.Places, err = st.PlacesBySectorWeek(ctx); err != nil {
		return nil, err
	}
	if w.Supply, err = st.SupplyByWeek(ctx); err != nil {
		return nil, err
	}
	counts, err := st.CatalogCounts(ctx)
	if err != nil {
		return nil, err
	}
	w.Offers = counts.Offers
	return w, nil
}

// playIn plays one week of one run in a database of its own, made from the template, and drops it
// after.
func playIn(ctx context.Context, admin *sqlx.DB, tmpl, name string, opt Options, w *catalogWorld, u unit,
	pop Population) (*season.Outcome, error) {
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)+` TEMPLATE `+pq.QuoteIdentifier(tmpl)); err != nil {
		return nil, fmt.Errorf("simulate: create a database: %w", err)
	}
	defer dropDatabase(admin, name)
	st, err := store.Open(ctx, withDatabase(opt.DatabaseURL, name))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return play(ctx, st, opt, w, u, pop)
}

// play sets the policy's rules on st and plays the week's season.
func play(ctx context.Context, st *store.Store, opt Options, w *catalogWorld, u unit, pop Population) (*season.Outcome, error) {
	r := u.run
	world := season.World{Campaign: campaign(opt.Start, w.Weeks, r.policy), Hosts: pop.World.Hosts, CatalogSaved: true,
		SchoolDays: pop.World.SchoolDays, Nudging: map[string]bool{}}
	for _, i := range weekStudents(pop, w.Weeks[u.week]) {
		st := pop.World.Students[i]
		world.Students = append(world.Students, st)
		if pop.World.Nudging[st.SchoolUAI] {
			world.Nudging[st.SchoolUAI] = true // the week's collèges that nudge
		}
	}
	if r.policy.ReservedShare != nil {
		if err := st.SetReservedShare(ctx, *r.policy.ReservedShare); err != nil {
			return nil, err
		}
	}
	start := calendar.AtParis(calendar.Day(opt.Start.In(calendar.Paris())), 7, 0)
	end := calendar.AtParis(world.Campaign.PurgeOn, 12, 0)
	cfg := season.Config{Store: st, World: world, Seed: r.seed, Start: start, End: end, Fast: true, Log: opt.Log}
	if opt.Progress != nil {
		cfg.Progress = func(done float64) { opt.Progress(u.index, u.of, done) }
	}
	began := time.Now()
	out, err := season.Run(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("simulate: policy %q, seed %d, week %s: %w", r.policy.Name, r.seed,
			w.Weeks[u.week].Format(time.DateOnly), err)
	}
	opt.Log.Debug("week played", slog.String("policy", r.policy.Name), slog.Uint64("seed", r.seed),
		slog.String("week", w.Weeks[u.week].Format(time.DateOnly)), slog.Int("students", len(world.Students)),
		slog.Int("inbound", out.Inbound), slog.Int("sent", len(out.Sent)), slog.Int("searches", out.Tries),
		slog.Int("motivations", out.Applied), slog.Duration("took", time.Since(began)))
	return out, nil
}

// campaign is the season's campaign under a policy: it opens on the first day and closes with the
// last week's deadline; the data is purged three weeks after the last week.
func campaign(start time.Time, weeks []time.Time, p Policy) store.Campaign {
	opens := calendar.Day(start.In(calendar.Paris()))
	last := weeks[len(weeks)-1]
	c := store.Campaign{Name: "Simulation " + calendar.SchoolYear(weeks[0]), ApplicationsOpen: opens,
		ApplicationsClose: last.AddDate(0, 0, -store.DefaultDeadlineDays), PurgeOn: last.AddDate(0, 0, 21),
		MaxApplications: store.DefaultMaxApplications, ConfirmDays: store.DefaultConfirmDays,
		DeadlineDays: store.DefaultDeadlineDays, Reminders: p.Reminders, Weeks: weeks,
		DirectBooking: p.DirectBooking, BookingDays: p.BookingDays}
	if p.MaxApplications > 0 {
		c.MaxApplications = p.MaxApplications
	}
	if days, ok := p.releaseDays(); ok {
		release := opens.AddDate(0, 0, days)
		c.REPRelease = &release
	}
	return c
}

// withDatabase is a connection string like conninfo (a URL or key=value pairs) for another
// database, whose commits do not wait for the disk (a season's databases are thrown away).
func withDatabase(conninfo, database string) string {
	if u, err := url.Parse(conninfo); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + database
		q := u.Query()
		q.Set("synchronous_commit", "off")
		u.RawQuery = q.Encode()
		return u.String()
	}
	var kept []string
	for _, kv := range strings.Fields(conninfo) {
		if !strings.HasPrefix(kv, "dbname=") && !strings.HasPrefix(kv, "synchronous_commit=") {
			kept = append(kept, kv)
		}
	}
	return strings.Join(append(kept, "dbname="+database, "synchronous_commit=off"), " ")
}

func dropDatabase(admin *sqlx.DB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)+` WITH (FORCE)`)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
