package simulate

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"stagebot/catalog"
	"stagebot/store"
)

// Report is what a simulation found: the season's setting, the behaviour assumed, each policy's
// figures over the seeds, and how each policy differs from the first.
type Report struct {
	Start      string       `json:"start"`
	Weeks      []string     `json:"weeks"`
	Scale      float64      `json:"scale"`
	Seeds      []uint64     `json:"seeds"`
	Offers     int          `json:"offers"`
	Supply     Supply       `json:"supply"`
	SMSPrice   float64      `json:"sms_price_eur"`
	Behaviour  []Assumption `json:"behaviour"`
	Policies   []PolicyRuns `json:"policies"`
	Difference []Difference `json:"differences"`
}

// Supply is the catalog's places the seasons were played on: week by week, and, for the seeded
// catalog, the data file's supply (a whole season of Paris) and what it comes to at the run's scale.
type Supply struct {
	File   *catalog.Supply    `json:"file,omitempty"`   // catalog/data/supply.toml (nil: an offers file)
	Scaled *catalog.Supply    `json:"scaled,omitempty"` // File at the run's scale, as seeded
	Weeks  []store.WeekSupply `json:"weeks"`
}

// Total adds the weeks up.
func (s Supply) Total() catalog.Supply {
	var t catalog.Supply
	for _, w := range s.Weeks {
		t.CityPlaces += w.CityPlaces
		t.CityReserved += w.CityReserved
		t.ESSPlaces += w.ESSPlaces
	}
	return t
}

// PolicyRuns are a policy's seasons, one per seed, and its main figures over them.
type PolicyRuns struct {
	Policy  Policy     `json:"policy"`
	Summary []Metric   `json:"summary"`
	Runs    []*Figures `json:"runs"`
}

// Metric is a figure over the seeds: its mean, lowest and highest.
type Metric struct {
	Key  string  `json:"key"`
	Mean float64 `json:"mean"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

// Difference is how a policy's figure differs from the first policy's, seed by seed: the mean of
// the differences and their spread.
type Difference struct {
	Policy  string  `json:"policy"`
	Against string  `json:"against"`
	Key     string  `json:"key"`
	Mean    float64 `json:"mean"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
}

// metrics are the figures compared between policies, each under its key (the report's words for
// each: locales, report_metric_ and the key). Counts are the season's (at the run's scale); shares
// are of the students who used stagebot, of the places, or of the requests.
var metrics = []struct {
	key string
	of  func(f *Figures) float64
}{
	{"placed", func(f *Figures) float64 { return float64(f.Placed) }},
	{"users", func(f *Figures) float64 { return float64(f.Users) }},
	{"placement_rate", (*Figures).rate},
	{"placed_rep", func(f *Figures) float64 { return float64(f.placedIn(true)) }},
	{"placement_rate_rep", func(f *Figures) float64 { return f.priorityRate(true) }},
	{"placed_other", func(f *Figures) float64 { return float64(f.placedIn(false)) }},
	{"placement_rate_other", func(f *Figures) float64 { return f.priorityRate(false) }},
	{"reserved_taken_by_rep", func(f *Figures) float64 { return float64(f.ReservedTakenREP) }},
	{"places_empty", func(f *Figures) float64 { return float64(f.empty()) }},
	{"requests_answered", func(f *Figures) float64 { return ratio(f.Answered, f.Requests) }},
	{"answer_median_days", func(f *Figures) float64 { return f.MedianDays }},
	{"applications_expired", func(f *Figures) float64 {
		total := 0
		for _, n := range f.Applications {
			total += n
		}
		return ratio(f.Applications["expired"], total)
	}},
	{"bookings_declined", func(f *Figures) float64 { return float64(f.BookingsDeclined) }},
	{"agreements_signed_by_j3", func(f *Figures) float64 { return ratio(f.SignedByJ3, f.Agreements) }},
	{"messages", func(f *Figures) float64 { return f.sent(func(p PartyFigures) float64 { return float64(p.Messages) }) }},
	{"sms_segments", func(f *Figures) float64 { return f.sent(func(p PartyFigures) float64 { return float64(p.Segments) }) }},
	{"sms_cost_eur", func(f *Figures) float64 { return f.sent(func(p PartyFigures) float64 { return p.Cost }) }},
}

// empty counts the places left empty (no confirmed student), over the weeks.
func (f *Figures) empty() int {
	n := 0
	for _, w := range f.Weeks {
		n += w.Empty
	}
	return n
}

// sent sums a figure of the messages over the parties.
func (f *Figures) sent(of func(PartyFigures) float64) float64 {
	total := 0.0
	for _, p := range f.Messages {
		total += of(p)
	}
	return total
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// newReport gathers the runs' figures by policy, in the order given.
func newReport(opt Options, w *catalogWorld, runs []run, results []*Figures) *Report {
	r := &Report{Start: opt.Start.Format(time.DateOnly), Scale: opt.Scale, Seeds: opt.Seeds, Offers: w.Offers,
		SMSPrice: opt.SMSPrice, Behaviour: opt.Behaviour.Assumptions(),
		Supply: Supply{File: w.File, Scaled: w.Scaled, Weeks: w.Supply}}
	for _, wk := range w.Weeks {
		r.Weeks = append(r.Weeks, wk.Format(time.DateOnly))
	}
	for _, p := range opt.Policies {
		pr := PolicyRuns{Policy: p}
		for i, run := range runs {
			if run.policy.Name == p.Name {
				results[i].Policy, results[i].Seed = p.Name, run.seed
				pr.Runs = append(pr.Runs, results[i])
			}
		}
		for _, m := range metrics {
			values := make([]float64, len(pr.Runs))
			for i, f := range pr.Runs {
				values[i] = m.of(f)
			}
			mean, lo, hi := spread(values)
			pr.Summary = append(pr.Summary, Metric{Key: m.key, Mean: mean, Min: lo, Max: hi})
		}
		r.Policies = append(r.Policies, pr)
	}
	if len(r.Policies) > 1 {
		base := r.Policies[0]
		for _, pr := range r.Policies[1:] {
			for _, m := range metrics {
				var diffs []float64
				for i, f := range pr.Runs {
					if i < len(base.Runs) {
						diffs = append(diffs, m.of(f)-m.of(base.Runs[i]))
					}
				}
				mean, lo, hi := spread(diffs)
				r.Difference = append(r.Difference, Difference{Policy: pr.Policy.Name, Against: base.Policy.Name,
					Key: m.key, Mean: mean, Min: lo, Max: hi})
			}
		}
	}
	return r
}

// spread is the mean, lowest and highest of values, rounded to 4 decimals.
func spread(values []float64) (mean, lo, hi float64) {
	if len(values) == 0 {
		return 0, 0, 0
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range values {
		mean += v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return round(mean/float64(len(values)), 4), round(lo, 4), round(hi, 4)
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// Summary is the metric key of policy i, or zero.
func (r *Report) Summary(i int, key string) Metric {
	if i < len(r.Policies) {
		for _, m := range r.Policies[i].Summary {
			if m.Key == key {
				return m
			}
		}
	}
	return Metric{}
}
