package simulate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"stagebot/locales"
)

// words writes the report in one language: its sentences (locales, report_…) and its numbers, as a
// reader of that language writes them (22,5 % and 1 150 in French).
type words struct {
	lang    string
	cat     *locales.Catalog
	printer *message.Printer
}

// reportLanguages are the languages the report is written in; the first is the default.
var reportLanguages = []string{"fr", "en"}

func newWords(lang string) (words, error) {
	cat, err := locales.Load()
	if err != nil {
		return words{}, err
	}
	tag := language.French
	if lang == "en" {
		tag = language.English
	} else if lang != "fr" {
		return words{}, fmt.Errorf("report: no report in %q (fr or en)", lang)
	}
	return words{lang: lang, cat: cat, printer: message.NewPrinter(tag)}, nil
}

// Lang is the report's language, for the page's lang attribute.
func (w words) Lang() string { return w.lang }

// T is the sentence id, filled with the pairs of kv ("Name", value, …).
func (w words) T(id string, kv ...any) string {
	var data map[string]any
	if len(kv) > 0 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				data[k] = kv[i+1]
			}
		}
	}
	return w.cat.Text(w.lang, id, data)
}

// N is a count, rounded, with the language's grouping (1 150, 1,150).
func (w words) N(v float64) string { return w.printer.Sprintf("%d", int(math.Round(v))) }

// Pct is a share as a percentage with one decimal (22,5 %, 22.5%).
func (w words) Pct(v float64) string {
	if w.lang == "fr" {
		return w.printer.Sprintf("%.1f", 100*v) + "\u00a0%"
	}
	return w.printer.Sprintf("%.1f%%", 100*v)
}

// D is a number with one decimal (1,5).
func (w words) D(v float64) string { return w.printer.Sprintf("%.1f", v) }

// G is a figure as given, in the language's decimals (0,45).
func (w words) G(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if w.lang == "fr" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// Euros is an amount in euros (124,32 €, €124.32).
func (w words) Euros(v float64) string {
	if w.lang == "fr" {
		return w.printer.Sprintf("%.2f", v) + "\u00a0€"
	}
	return "€" + w.printer.Sprintf("%.2f", v)
}

// Signed is a difference of counts with its sign (+37, −12, 0).
func (w words) Signed(v float64) string {
	n := math.Round(v)
	switch {
	case n > 0:
		return "+" + w.N(n)
	case n < 0:
		return "\u2212" + w.N(-n)
	}
	return "0"
}

// SignedPoints is a difference of shares in percentage points (+3,2 points).
func (w words) SignedPoints(v float64) string {
	p := math.Round(1000*v) / 10
	s := w.printer.Sprintf("%.1f", math.Abs(p))
	switch {
	case p > 0:
		s = "+" + s
	case p < 0:
		s = "\u2212" + s
	}
	return w.T("report_points", "N", s)
}

// kindOf says how a metric is written: a count, a share, days or euros.
func kindOf(key string) string {
	switch key {
	case "placement_rate", "placement_rate_rep", "placement_rate_other", "requests_answered", "applications_expired",
		"agreements_signed_by_j3":
		return "share"
	case "answer_median_days":
		return "days"
	case "sms_cost_eur":
		return "euros"
	}
	return "count"
}

// Value writes a metric's value.
func (w words) Value(key string, v float64) string {
	switch kindOf(key) {
	case "share":
		return w.Pct(v)
	case "days":
		return w.D(v)
	case "euros":
		return w.Euros(v)
	}
	return w.N(v)
}

// Difference writes a difference of a metric's values.
func (w words) Difference(key string, v float64) string {
	switch kindOf(key) {
	case "share":
		return w.SignedPoints(v)
	case "days":
		s := w.D(math.Abs(v))
		if v < 0 {
			return "\u2212" + s
		}
		return "+" + s
	case "euros":
		s := w.Euros(math.Abs(v))
		if v < 0 {
			return "\u2212" + s
		}
		return "+" + s
	}
	return w.Signed(v)
}

// Spread writes a metric over the seeds: its mean, and, over several seeds, the lowest and highest
// ("22,5 % (de 21,0 % à 23,9 %)"); one seed has no spread to give.
func (w words) Spread(m Metric, seeds int) string {
	s := w.Value(m.Key, m.Mean)
	if seeds > 1 {
		s += " " + w.T("report_range", "Low", w.Value(m.Key, m.Min), "High", w.Value(m.Key, m.Max))
	}
	return s
}

// DifferenceSpread writes a difference over the seeds, as Spread.
func (w words) DifferenceSpread(d Difference, seeds int) string {
	s := w.Difference(d.Key, d.Mean)
	if seeds > 1 {
		s += " " + w.T("report_range", "Low", w.Difference(d.Key, d.Min), "High", w.Difference(d.Key, d.Max))
	}
	return s
}

// shortDay writes a stage week's Monday, given as 2027-01-18, short (18/01, Jan 18) for a chart.
func (w words) shortDay(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	if w.lang == "fr" {
		return t.Format("02/01")
	}
	return t.Format("Jan 2")
}

// list writes items as a sentence's list ("a, b et c").
func (w words) list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + w.T("report_and") + items[len(items)-1]
}
