package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"stagebot/calendar"
	"stagebot/season/simulate"
	"stagebot/store/localpg"
)

// listFlag is a flag given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// simulate plays seasons on a synthetic Paris under one or more policies and writes the report
// (docs/simulate.md).
func (env environment) simulate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	scale := fs.Float64("scale", 1, "population size: 1 is every 3e student of the Paris public collèges (about 11,500)")
	seed := fs.Uint64("seed", 1, "the first random seed")
	seeds := fs.Int("seeds", 1, "how many seeds (seed, seed+1…) each policy is played with")
	var policies listFlag
	fs.Var(&policies, "policy", "a policy file (TOML; several: compared, the first is the reference); default: the shipped rules and no reminders")
	behaviour := fs.String("behaviour", "", "a TOML file changing the behaviour assumed (docs/simulate.md)")
	offers := fs.String("offers", "", "an offers CSV to play instead of the seeded catalog")
	out := fs.String("out", "simulation", "directory for report.html, report.json and placement.svg")
	price := fs.Float64("sms-price", 0.07, "price of one SMS segment, in euros")
	parallel := fs.Int("parallel", 2*runtime.NumCPU(), "stage weeks played at once")
	start := fs.String("start", "", "the campaign's first day (YYYY-MM-DD; default: today, by the service's clock)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	lang := fs.String("lang", "fr", "the report's language: fr or en")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *seeds < 1 || *scale <= 0 || *scale > 4 || (*lang != "fr" && *lang != "en") {
		return usageError("stagebot simulate [--scale 1.0] [--seed N] [--seeds K] [--policy FILE]… [--behaviour FILE] [--offers CSV] [--out DIR] [--sms-price EUR] [--start YYYY-MM-DD] [--lang fr|en]")
	}
	opt := simulate.Options{Scale: *scale, OffersCSV: *offers, SMSPrice: *price, Parallel: *parallel,
		Start: env.clock.Now(), Behaviour: simulate.DefaultBehaviour(),
		// The seasons' own workflow logs (a campaign purged…) would break the progress bar.
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if *start != "" {
		day, err := time.Parse(time.DateOnly, *start)
		if err != nil {
			return usageError("--start: " + err.Error())
		}
		opt.Start = calendar.AtParis(day, 8, 0)
	}
	for i := range *seeds {
		opt.Seeds = append(opt.Seeds, *seed+uint64(i))
	}
	for _, path := range policies {
		p, err := simulate.LoadPolicy(path)
		if err != nil {
			return err
		}
		opt.Policies = append(opt.Policies, p)
	}
	if *behaviour != "" {
		b, err := simulate.LoadBehaviour(*behaviour)
		if err != nil {
			return err
		}
		opt.Behaviour = b
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	opt.DatabaseURL = env.getenv("DATABASE_URL")
	if opt.DatabaseURL == "" {
		fmt.Fprintln(env.stdout, "Starting a private Postgres (removed at the end)…")
		cluster, err := localpg.Start(ctx)
		if err != nil {
			return err
		}
		defer cluster.Stop()
		opt.DatabaseURL = cluster.URL("postgres")
	}
	if !*quiet {
		opt.Progress = progress(env)
	}

	began := time.Now()
	report, err := simulate.Run(ctx, opt)
	if err != nil {
		return err
	}
	took := time.Since(began).Round(time.Second)
	if err := writeReport(report, *out, *lang); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "\n%d policies × %d seeds at scale %g played in %s; report in %s\n", len(report.Policies),
		len(report.Seeds), *scale, took, filepath.Join(*out, "report.html"))
	for i, p := range report.Policies {
		m := func(key string) float64 { return report.Summary(i, key).Mean }
		fmt.Fprintf(env.stdout, "  %-34s placed %5.0f of %5.0f users (%4.1f %%; REP/REP+ %4.0f, %4.1f %%), reserved taken by REP/REP+ %4.0f, "+
			"places empty %4.0f, requests expired %4.1f %%, agreements signed by J-3 %4.1f %%\n",
			p.Policy.Label("en"), m("placed"), m("users"), 100*m("placement_rate"), m("placed_rep"), 100*m("placement_rate_rep"),
			m("reserved_taken_by_rep"), m("places_empty"), 100*m("applications_expired"), 100*m("agreements_signed_by_j3"))
	}
	return nil
}

// progress draws one bar for the whole simulation on the terminal: each stage week of each run
// reports how far it is, and the bar shows their sum.
func progress(env environment) func(unit, units int, done float64) {
	var mu sync.Mutex
	var bar *progressbar.ProgressBar
	var parts []float64
	return func(unit, units int, done float64) {
		mu.Lock()
		defer mu.Unlock()
		if bar == nil {
			parts = make([]float64, units)
			bar = progressbar.NewOptions(1000*units, progressbar.OptionSetWriter(os.Stderr),
				progressbar.OptionSetDescription("seasons"), progressbar.OptionShowElapsedTimeOnFinish(),
				progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionClearOnFinish())
		}
		if unit < len(parts) && done > parts[unit] {
			_ = bar.Add(int(1000*done) - int(1000*parts[unit]))
			parts[unit] = done
		}
	}
}

// writeReport writes the report's HTML page (in lang), its JSON and its main chart into dir.
func writeReport(r *simulate.Report, dir, lang string) error {
	write := func(name string, fill func(f *os.File) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := fill(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := write("report.json", func(f *os.File) error { return r.WriteJSON(f) }); err != nil {
		return err
	}
	if err := write("report.html", func(f *os.File) error { return r.WriteHTML(f, lang) }); err != nil {
		return err
	}
	return write("placement.svg", func(f *os.File) error {
		svg, err := r.PlacementChart("svg", lang)
		if err != nil {
			return err
		}
		_, err = f.Write(svg)
		return err
	})
}
