package simulate

import (
	"fmt"
	"html/template"

	"stagebot/chart"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Charts are the report's charts, as SVG documents.
type Charts struct {
	Placement, IPS, AnswerDays, EmptyPlaces, Messages []byte
}

// charts draws the report's charts with gonum/plot.
func (r *Report) charts() (Charts, error) {
	var c Charts
	for _, ch := range []struct {
		into *[]byte
		draw func() (*plot.Plot, error)
	}{{&c.Placement, r.placementChart}, {&c.IPS, r.ipsChart}, {&c.AnswerDays, r.answerChart},
		{&c.EmptyPlaces, r.emptyChart}, {&c.Messages, r.messagesChart}} {
		p, err := ch.draw()
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
// collège's priority education status, for each policy, as an image in format ("svg" or "png").
func (r *Report) PlacementChart(format string) ([]byte, error) {
	p, err := r.placementChart()
	if err != nil {
		return nil, err
	}
	return render(p, format)
}

func (r *Report) placementChart() (*plot.Plot, error) {
	groups := []string{"none", "REP", "REP+"}
	labels := []string{"outside REP", "REP", "REP+", "all students"}
	p, err := r.groupedBars("Students who got a place (mean over seeds)", "share of students using stagebot (%)", labels,
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
	p.Y.Max = 110 // room for the legend above the bars
	return p, nil
}

func (r *Report) emptyChart() (*plot.Plot, error) {
	return r.groupedBars("Places left empty, by stage week (mean over seeds)", "places", r.Weeks,
		func(pr PolicyRuns) []float64 {
			v := make([]float64, len(r.Weeks))
			for _, f := range pr.Runs {
				for k, w := range f.Weeks {
					if k < len(v) {
						v[k] += float64(w.Empty)
					}
				}
			}
			return meanOver(v, len(pr.Runs))
		})
}

func (r *Report) messagesChart() (*plot.Plot, error) {
	parties := []string{"student", "parent", "host"}
	return r.groupedBars("Messages sent, by party (mean over seeds)", "messages", []string{"students", "parents", "hosts"},
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
func (r *Report) groupedBars(title, yLabel string, labels []string, values func(PolicyRuns) []float64) (*plot.Plot, error) {
	b := chart.Bars{Title: title, YLabel: yLabel, Labels: labels}
	for _, pr := range r.Policies {
		b.Series = append(b.Series, chart.Series{Name: pr.Policy.Name, Values: values(pr)})
	}
	return b.Plot()
}

// ipsChart plots each collège's placement rate against its IPS, for each policy (first seed).
func (r *Report) ipsChart() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Students placed by collège, against the collège's IPS (first seed)"
	p.X.Label.Text = "IPS (social position index of the collège)"
	p.Y.Label.Text = "students placed (%)"
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
		p.Legend.Add(pr.Policy.Name, sc)
	}
	p.Legend.Top = true
	return p, nil
}

// answerChart plots the share of requests a host had answered, day by day after the request.
func (r *Report) answerChart() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Requests answered by their host, by days after the request (all seeds)"
	p.X.Label.Text = "days after the request reached the host"
	p.Y.Label.Text = "requests answered (%)"
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
		p.Legend.Add(pr.Policy.Name, line)
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
