package simulate

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

// WriteHTML writes the report as one self-contained HTML page: the figures in tables, the charts
// inline (SVG), the behaviour assumed and the policies compared.
func (r *Report) WriteHTML(w io.Writer) error {
	charts, err := r.charts()
	if err != nil {
		return err
	}
	page := struct {
		R                                         *Report
		Placement, IPS, Answers, Empty, Messages  template.HTML
		Users, Students, ReservedPlaces, Policies int
		Invariants                                []Invariants
		PolicyNames                               []string
	}{R: r, Placement: inline(charts.Placement), IPS: inline(charts.IPS), Answers: inline(charts.AnswerDays),
		Empty: inline(charts.EmptyPlaces), Messages: inline(charts.Messages), Policies: len(r.Policies)}
	if len(r.Policies) > 0 && len(r.Policies[0].Runs) > 0 {
		f := r.Policies[0].Runs[0]
		page.Users, page.Students, page.ReservedPlaces = f.Users, f.Students, f.Reserved
	}
	if err := reportPage.Execute(w, page); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"value": formatValue,
	"signed": func(key string, v float64) string {
		s := strings.Replace(formatValue(key, v), " %", " points", 1)
		if v > 0 {
			s = "+" + s
		}
		return s
	},
	"policyText": describePolicy,
	"cost":       func(v float64) string { return fmt.Sprintf("%.2f €", v) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>stagebot: a simulated season</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
caption { text-align: left; font-weight: bold; margin-bottom: .3rem; }
.note { color: #555; font-size: .9rem; }
svg { max-width: 100%; height: auto; }
</style></head><body>
<h1>A simulated season of stages de 3e</h1>
<p>The season opens on {{.R.Start}}; its stage weeks are {{range $i, $w := .R.Weeks}}{{if $i}}, {{end}}{{$w}}{{end}}.
{{.Students}} students of the Paris public collèges (scale {{.R.Scale}}), of whom {{.Users}} look for their stage with
stagebot, on {{.R.Offers}} offers ({{.ReservedPlaces}} places reserved for REP/REP+ students). Each policy was played on
the same population with the seeds {{range $i, $s := .R.Seeds}}{{if $i}}, {{end}}{{$s}}{{end}}, through stagebot's real
workflow, store and jobs, each stage week in a database of its own.</p>

<h2>Policies</h2>
<ul>{{range .R.Policies}}<li><b>{{.Policy.Name}}</b>: {{policyText .Policy}}</li>{{end}}</ul>

<h2>Main figures</h2>
<table><caption>Mean over the seeds [lowest – highest]</caption>
<tr><th>figure</th>{{range .R.Policies}}<th>{{.Policy.Name}}</th>{{end}}</tr>
{{$p := .R.Policies}}{{if $p}}{{range $i, $m := (index $p 0).Summary}}<tr><td>{{$m.Label}}</td>
{{range $p}}{{with index .Summary $i}}<td>{{value .Key .Mean}} <span class="note">[{{value .Key .Min}} – {{value .Key .Max}}]</span></td>{{end}}{{end}}</tr>
{{end}}{{end}}</table>

{{if .R.Difference}}<h2>Differences</h2>
<table><caption>Each policy against the first, seed by seed: mean difference [lowest – highest]</caption>
<tr><th>figure</th><th>policy</th><th>difference</th></tr>
{{range .R.Difference}}<tr><td>{{.Label}}</td><td>{{.Policy}} − {{.Against}}</td>
<td>{{signed .Key .Mean}} <span class="note">[{{signed .Key .Min}} – {{signed .Key .Max}}]</span></td></tr>
{{end}}</table>{{end}}

<h2>Who got a place</h2>
{{.Placement}}
{{.IPS}}
{{range .R.Policies}}{{$name := .Policy.Name}}{{with index .Runs 0}}
<table><caption>{{$name}} (seed {{.Seed}}): students placed by group</caption>
<tr><th>group</th><th>students using stagebot</th><th>placed</th><th>share</th></tr>
{{range .ByPriority}}<tr><td>{{if eq .Name "none"}}outside REP/REP+{{else}}{{.Name}}{{end}}</td><td>{{.Users}}</td><td>{{.Placed}}</td><td>{{value "rate" .Rate}}</td></tr>{{end}}
{{range .ByIPS}}<tr><td>{{.Name}}</td><td>{{.Users}}</td><td>{{.Placed}}</td><td>{{value "rate" .Rate}}</td></tr>{{end}}
<tr><td>reserved places taken by REP/REP+ students</td><td colspan="3">{{.ReservedTakenREP}} of {{.Reserved}}</td></tr>
</table>{{end}}{{end}}

<h2>Hosts' answers</h2>
{{.Answers}}

<h2>Places left empty</h2>
{{.Empty}}
{{range .R.Policies}}{{$name := .Policy.Name}}{{with index .Runs 0}}
<table><caption>{{$name}} (seed {{.Seed}}): places by week</caption>
<tr><th>week</th><th>places</th><th>students of the week</th><th>confirmed</th><th>empty</th></tr>
{{range .Weeks}}<tr><td>{{.Week}}</td><td>{{.Places}}</td><td>{{.Users}}</td><td>{{.Confirmed}}</td><td>{{.Empty}}</td></tr>{{end}}
</table>{{end}}{{end}}

<h2>Messages and their cost</h2>
{{.Messages}}
{{$price := .R.SMSPrice}}{{range .R.Policies}}{{$name := .Policy.Name}}{{with index .Runs 0}}
<table><caption>{{$name}} (seed {{.Seed}}): messages sent, at {{$price}} € an SMS segment</caption>
<tr><th>party</th><th>messages</th><th>on SMS</th><th>SMS segments</th><th>cost</th></tr>
{{range .Messages}}<tr><td>{{.Party}}</td><td>{{.Messages}}</td><td>{{.SMSMessages}}</td><td>{{.Segments}}</td><td>{{cost .Cost}}</td></tr>{{end}}
</table>{{end}}{{end}}

<h2>Applications</h2>
<table><caption>Final states (all seeds)</caption>
<tr><th>policy</th><th>seed</th><th>confirmed</th><th>declined</th><th>expired</th><th>cancelled</th><th>withdrawn</th></tr>
{{range .R.Policies}}{{range .Runs}}<tr><td>{{.Policy}}</td><td>{{.Seed}}</td><td>{{index .Applications "confirmed"}}</td>
<td>{{index .Applications "declined"}}</td><td>{{index .Applications "expired"}}</td><td>{{index .Applications "cancelled"}}</td>
<td>{{index .Applications "withdrawn"}}</td></tr>{{end}}{{end}}
</table>

<h2>Checks</h2>
<table><caption>What must never happen (all zero in a sound season)</caption>
<tr><th>policy</th><th>seed</th><th>offer weeks over their places</th><th>reserved places to others before the release</th>
<th>applications not final at the end</th><th>messages nobody asked for outside the sending hours</th></tr>
{{range .R.Policies}}{{range .Runs}}<tr><td>{{.Policy}}</td><td>{{.Seed}}</td><td>{{.Invariants.OverPlaces}}</td>
<td>{{.Invariants.ReservedToOthers}}</td><td>{{.Invariants.NotFinal}}</td><td>{{.Invariants.OutsideHours}}</td></tr>{{end}}{{end}}
</table>

<h2>Behaviour assumed</h2>
<p class="note">Every figure below is an assumption, not a measure; a behaviour file changes them (docs/simulate.md).</p>
<table><tr><th>parameter</th><th>value</th><th>what it assumes</th></tr>
{{range .R.Behaviour}}<tr><td>{{.Key}}</td><td>{{.Value}}</td><td style="text-align:left">{{.Says}}</td></tr>{{end}}
</table>
</body></html>
`))

// formatValue prints a metric's value: shares as percentages, the rest as numbers.
func formatValue(key string, v float64) string {
	switch {
	case key == "rate" || strings.HasPrefix(key, "placement") || key == "reserved_taken_by_rep" ||
		key == "requests_answered" || key == "applications_expired":
		return fmt.Sprintf("%.1f %%", 100*v)
	case key == "sms_cost_eur":
		return fmt.Sprintf("%.2f €", v)
	case key == "answer_median_days":
		return fmt.Sprintf("%.1f", v)
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.1f", v)
	}
}

// describePolicy says what a policy changes, in a sentence.
func describePolicy(p Policy) string {
	var parts []string
	if p.Reminders.Off {
		parts = append(parts, "no reminders")
	} else {
		parts = append(parts, "reminders at their delays")
	}
	if days, ok := p.releaseDays(); ok {
		parts = append(parts, fmt.Sprintf("reserved places open to all %d days after the opening", days))
	} else {
		parts = append(parts, "reserved places never open to all")
	}
	if p.MaxApplications > 0 {
		parts = append(parts, fmt.Sprintf("at most %d applications at once", p.MaxApplications))
	}
	if p.ReservedShare != nil {
		parts = append(parts, fmt.Sprintf("%.0f %% of places reserved for REP/REP+", 100**p.ReservedShare))
	}
	return strings.Join(parts, "; ")
}
