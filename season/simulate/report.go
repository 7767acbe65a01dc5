package simulate

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"
)

// Report is what a simulation found: the season's setting, the behaviour assumed, each policy's
// figures over the seeds, and how each policy differs from the first.
type Report struct {
	Start      string       `json:"start"`
	Weeks      []string     `json:"weeks"`
	Scale      float64      `json:"scale"`
	Seeds      []uint64     `json:"seeds"`
	Offers     int          `json:"offers"`
	SMSPrice   float64      `json:"sms_price_eur"`
	Behaviour  []Assumption `json:"behaviour"`
	Policies   []PolicyRuns `json:"policies"`
	Difference []Difference `json:"differences"`
}

// PolicyRuns are a policy's seasons, one per seed, and its main figures over them.
type PolicyRuns struct {
	Policy  Policy     `json:"policy"`
	Summary []Metric   `json:"summary"`
	Runs    []*Figures `json:"runs"`
}

// Metric is a figure over the seeds: its mean, lowest and highest.
type Metric struct {
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Mean  float64 `json:"mean"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
}

// Difference is how a policy's figure differs from the first policy's, seed by seed: the mean of
// the differences and their spread.
type Difference struct {
	Policy  string  `json:"policy"`
	Against string  `json:"against"`
	Key     string  `json:"key"`
	Label   string  `json:"label"`
	Mean    float64 `json:"mean"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
}

// metrics are the main figures compared between policies.
var metrics = []struct {
	key, label string
	of         func(f *Figures) float64
}{
	{"placement_rate", "students placed (share of users)", (*Figures).rate},
	{"placement_rate_rep", "REP/REP+ students placed (share)", func(f *Figures) float64 { return f.priorityRate(true) }},
	{"placement_rate_other", "other students placed (share)", func(f *Figures) float64 { return f.priorityRate(false) }},
	{"reserved_taken_by_rep", "reserved places taken by REP/REP+ students (share)", func(f *Figures) float64 {
		return ratio(f.ReservedTakenREP, f.Reserved)
	}},
	{"requests_answered", "requests a host answered (share)", func(f *Figures) float64 { return ratio(f.Answered, f.Requests) }},
	{"answer_median_days", "days to a host's answer (median)", func(f *Figures) float64 { return f.MedianDays }},
	{"places_empty", "places left empty", func(f *Figures) float64 {
		n := 0
		for _, w := range f.Weeks {
			n += w.Empty
		}
		return float64(n)
	}},
	{"applications_expired", "applications ending expired (share)", func(f *Figures) float64 {
		total := 0
		for _, n := range f.Applications {
			total += n
		}
		return ratio(f.Applications["expired"], total)
	}},
	{"agreements_signed_by_j3", "agreements signed by all 3 days before the stage (share)", func(f *Figures) float64 {
		return ratio(f.SignedByJ3, f.Agreements)
	}},
	{"messages", "messages sent", func(f *Figures) float64 { return f.sent(func(p PartyFigures) float64 { return float64(p.Messages) }) }},
	{"sms_segments", "SMS segments", func(f *Figures) float64 { return f.sent(func(p PartyFigures) float64 { return float64(p.Segments) }) }},
	{"sms_cost_eur", "SMS cost (euros)", func(f *Figures) float64 { return f.sent(func(p PartyFigures) float64 { return p.Cost }) }},
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
		SMSPrice: opt.SMSPrice, Behaviour: opt.Behaviour.Assumptions()}
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
			pr.Summary = append(pr.Summary, Metric{Key: m.key, Label: m.label, Mean: mean, Min: lo, Max: hi})
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
					Key: m.key, Label: m.label, Mean: mean, Min: lo, Max: hi})
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
