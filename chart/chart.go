// Package chart draws stagebot's charts with gonum/plot, as SVG (for pages) or PNG: grouped bars, the
// kind every report and page of the service uses. It knows nothing of stagebot: labels and numbers.
package chart

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Series is one bar in every group: a policy, a kind of place.
type Series struct {
	Name   string
	Values []float64 // one per label
}

// Bars is a chart of groups of bars: one group per label, one bar per series in each.
type Bars struct {
	Title  string
	YLabel string
	Labels []string
	Series []Series
	YMax   float64 // the top of the axis; 0 leaves room above the highest bar for the legend
}

// Plot lays the chart out, for a caller that adds to it before rendering.
func (b Bars) Plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = b.Title
	p.Y.Label.Text = b.YLabel
	p.Y.Min = 0
	n := len(b.Series)
	// The groups share about 380 points of width; the bars of a group take 70 % of its share.
	width := vg.Points(min(50, 0.7*380/float64(max(len(b.Labels), 1))/float64(max(n, 1))))
	top := 0.0
	for i, s := range b.Series {
		for _, x := range s.Values {
			top = max(top, x)
		}
		bars, err := plotter.NewBarChart(plotter.Values(s.Values), width)
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", b.Title, err)
		}
		bars.LineStyle.Width = 0
		bars.Color = plotutil.Color(i)
		bars.Offset = width * vg.Length(float64(i)-float64(n-1)/2)
		p.Add(bars)
		p.Legend.Add(s.Name, bars)
	}
	p.Legend.Top = true
	p.Y.Max = top * (1.15 + 0.1*float64(n)) // room for the legend (a line per series) above the bars
	if b.YMax > 0 {
		p.Y.Max = b.YMax
	}
	if p.Y.Max == 0 {
		p.Y.Max = 1
	}
	p.NominalX(b.Labels...)
	return p, nil
}

// Render draws the chart as an image in format ("svg" or "png").
func (b Bars) Render(format string) ([]byte, error) {
	p, err := b.Plot()
	if err != nil {
		return nil, err
	}
	return Render(p, format)
}

// Render draws a plot as an image, 16 × 9 cm, in format ("svg" or "png").
func Render(p *plot.Plot, format string) ([]byte, error) {
	wt, err := p.WriterTo(16*vg.Centimeter, 9*vg.Centimeter, format)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// DataURI is an SVG document as a data: URL, for an <img>: the image draws its own styles, which a
// page's content security policy does not let inline SVG do.
func DataURI(svg []byte) template.URL {
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg)) //nolint:gosec // drawn from numbers
}

// Inline is an SVG document to put in an HTML page as is: drawn by gonum/plot from numbers and
// labels, whose text it escapes.
func Inline(svg []byte) template.HTML {
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:]
	}
	return template.HTML(svg) //nolint:gosec // drawn by the plotting library, which escapes the labels
}
