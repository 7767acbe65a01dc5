package simulate

import (
	"fmt"
	"html/template"

	"stagebot/chart"
	"stagebot/store"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Charts are the report's charts, as SVG documents; their titles are the page's (words, report_chart_…).
type Charts struct {
	Placement, Places, IPS, AnswerDays, EmptyPlaces, Messages []byte
}

// charts draws the report's charts with gonum/plot, labelled in w's language.
func (r *Report) charts(w words) (Charts, error) {
	var c Charts
	for _, ch := range []struct {
		into *[]byte
		draw func(words) (*plot.Plot, error)
	}{{&c.Placement, r.placementChart}, {&c.Places, r.placesChart}, {&c.IPS, r.ipsChart}, {&c.AnswerDays, r.answerChart},
		{&c.EmptyPlaces, r.emptyChart}, {&c.Messages, r.messagesChart}} {
		p, err := ch.draw(w)
		if err != nil {
			return c, err
		}
		if *ch.into, err = render(p, "svg"); err != nil {
			return c, err
		}
	}
	return c, nil
}

// PlacementChart is the report's main chart: the share of students who got a place, by their
// collège's priority education status, for each policy, as an image in format ("svg" or "png"),
// in lang ("fr" or "en").
func (r *Report) PlacementChart(format, lang string) ([]byte, error) {
	w, err := newWords(lang)
	if err != nil {
		return nil, err
	}
	p, err := r.placementChart(w)
	if err != nil {
		return nil, err
	}
	return render(p, format)
}

func (r *Report) placementChart(w words) (*plot.Plot, error) {
	groups := []string{store.PriorityNone, store.PriorityREP, store.PriorityREPPlus}
	labels := []string{w.T("report_group_none"), "REP", "REP+", w.T("report_chart_all_students")}
	p, err := r.groupedBars(w, w.T("report_chart_placement_y"), labels,
		func(pr PolicyRuns) []float64 {
			v := make([]float64, len(labels))
			for _, f := range pr.Runs {
				for k, name := range groups {
					for _, g := range f.ByPriority {
						if g.Name == name {
							v[k] += 100 * g.Rate
						}
					}
				}
				v[3] += 100 * f.rate()
			}
			return meanOver(v, len(pr.Runs))
		})
	if err != nil {
		return nil, err
	}
	p.Y.Max = max(p.Y.Max, 110) // room for the legend above the bars
	return p, nil
}

// placesChart shows, per policy, the places filled, those left empty and the reserved places
// REP/REP+ students took.
func (r *Report) placesChart(w words) (*plot.Plot, error) {
	labels := []string{w.T("report_chart_places_filled"), w.T("report_chart_places_empty"), w.T("report_chart_places_reserved")}
	return r.groupedBars(w, w.T("report_chart_places_y"), labels, func(pr PolicyRuns) []float64 {
		v := make([]float64, len(labels))
		for _, f := range pr.Runs {
			for _, wk := range f.Weeks {
				v[0] += float64(wk.Confirmed)
			}
			v[1] += float64(f.empty())
			v[2] += float64(f.ReservedTakenREP)
		}
		return meanOver(v, len(pr.Runs))
	})
}

func (r *Report) emptyChart(w words) (*plot.Plot, error) {
	labels := make([]string, len(r.Weeks))
	for i, wk := range r.Weeks {
		labels[i] = w.shortDay(wk)
	}
	return r.groupedBars(w, w.T("report_chart_empty_y"), labels,
		func(pr PolicyRuns) []float64 {
			v := make([]float64, len(r.Weeks))
			for _, f := range pr.Runs {
				for k, wk := range f.Weeks {
					if k < len(v) {
						v[k] += float64(wk.Empty)
					}
				}
			}
			return meanOver(v, len(pr.Runs))
		})
}

func (r *Report) messagesChart(w words) (*plot.Plot, error) {
	parties := []string{"student", "parent", "host"}
	labels := make([]string, len(parties))
	for i, party := range parties {
		labels[i] = w.T("report_party_" + party)
	}
	return r.groupedBars(w, w.T("report_chart_messages_y"), labels,
		func(pr PolicyRuns) []float64 {
			v := make([]float64, len(parties))
			for _, f := range pr.Runs {
				for k, party := range parties {
					for _, p := range f.Messages {
						if p.Party == party {
							v[k] += float64(p.Messages)
						}
					}
				}
			}
			return meanOver(v, len(pr.Runs))
		})
}

// groupedBars draws one group of bars per label, one bar per policy.
func (r *Report) groupedBars(w words, yLabel string, labels []string, values func(PolicyRuns) []float64) (*plot.Plot, error) {
	b := chart.Bars{YLabel: yLabel, Labels: labels}
	for _, pr := range r.Policies {
		b.Series = append(b.Series, chart.Series{Name: pr.Policy.Label(w.lang), Values: values(pr)})
	}
	return b.Plot()
}

// ipsChart plots each collège's placement rate against its IPS, for each policy (first seed).
func (r *Report) ipsChart(w words) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = w.T("report_chart_ips_x")
	p.Y.Label.Text = w.T("report_chart_ips_y")
	for i, pr := range r.Policies {
		if len(pr.Runs) == 0 {
			continue
		}
		var pts plotter.XYs
		for _, s := range pr.Runs[0].Schools {
			if s.IPS != nil && s.Users > 0 {
				pts = append(pts, plotter.XY{X: *s.IPS, Y: 100 * float64(s.Placed) / float64(s.Users)})
			}
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, fmt.Errorf("chart ips: %w", err)
		}
		sc.GlyphStyle.Color = plotutil.Color(i)
		sc.GlyphStyle.Shape = plotutil.Shape(i)
		sc.GlyphStyle.Radius = vg.Points(2.5)
		p.Add(sc)
		p.Legend.Add(pr.Policy.Label(w.lang), sc)
	}
	p.Legend.Top = true
	return p, nil
}

// answerChart plots the share of requests a host had answered, day by day after the request.
func (r *Report) answerChart(w words) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = w.T("report_chart_answers_x")
	p.Y.Label.Text = w.T("report_chart_answers_y")
	p.Y.Min, p.Y.Max = 0, 100
	for i, pr := range r.Policies {
		days, requests := make([]int, 15), 0
		for _, f := range pr.Runs {
			requests += f.Requests
			for d, n := range f.AnswerDays {
				if d < len(days) {
					days[d] += n
				}
			}
		}
		if requests == 0 {
			continue
		}
		pts := make(plotter.XYs, len(days))
		sum := 0
		for d, n := range days {
			sum += n
			pts[d] = plotter.XY{X: float64(d + 1), Y: 100 * float64(sum) / float64(requests)}
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("chart answers: %w", err)
		}
		line.Color = plotutil.Color(i)
		line.Width = vg.Points(2)
		line.Dashes = plotutil.Dashes(i)
		p.Add(line)
		p.Legend.Add(pr.Policy.Label(w.lang), line)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	return p, nil
}

func meanOver(v []float64, n int) []float64 {
	if n > 0 {
		for i := range v {
			v[i] /= float64(n)
		}
	}
	return v
}

// render draws a plot as an image, 16 × 9 cm, in format ("svg" or "png").
func render(p *plot.Plot, format string) ([]byte, error) { return chart.Render(p, format) }

// inline is an SVG document to put in the HTML page as is.
func inline(svg []byte) template.HTML { return chart.Inline(svg) }
