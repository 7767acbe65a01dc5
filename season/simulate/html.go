package simulate

import (
	"fmt"
	"html/template"
	"io"
	"strings"
)

// WriteHTML writes the report as one self-contained HTML page in lang ("fr", the default, or
// "en"): the first screen answers how many students got a place and what each policy changes, then
// the supply, the policies, the charts each with how to read it, the tables, the assumptions, and
// the parameters' names in footnotes. No script; it reads on a phone as on a desktop.
func (r *Report) WriteHTML(out io.Writer, lang string) error {
	w, err := newWords(lang)
	if err != nil {
		return err
	}
	v, err := newView(r, w)
	if err != nil {
		return err
	}
	page := struct {
		*view
		R                                  *Report
		Intro                              string
		Booking, Outreach, Compare, NoRuns bool
	}{view: v, R: r, NoRuns: len(r.Policies) == 0, Compare: len(r.Policies) > 1}
	for _, pr := range r.Policies {
		page.Booking = page.Booking || pr.Policy.DirectBooking
		page.Outreach = page.Outreach || pr.Policy.outreaching()
	}
	if !page.NoRuns {
		weeks := make([]string, len(r.Weeks))
		for i, wk := range r.Weeks {
			weeks[i] = w.weekDay(wk)
		}
		seeds := make([]string, len(r.Seeds))
		for i, s := range r.Seeds {
			seeds[i] = fmt.Sprint(s)
		}
		page.Intro = w.T("report_intro", "Start", w.weekDay(r.Start), "Weeks", w.list(weeks), "Scale", w.G(r.Scale),
			"Seeds", w.list(seeds), "NSeeds", len(r.Seeds))
	}
	if err := reportPage.Execute(out, page); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": strings.Join,
	"inc":  func(i int) int { return i + 1 },
}).Parse(`<!doctype html>
<html lang="{{.W.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.W.T "report_title"}}</title>
<style>
:root { --ink: #1e1e1e; --soft: #555; --line: #d0d4da; --accent: #0b4f8a; --warn: #8a4b00; --band: #f3f5f8; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; color: var(--accent); }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
.brief { background: var(--band); border-left: 4px solid var(--accent); padding: .6rem 1rem; }
.brief li { margin: .3rem 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
.caption { font-weight: 600; margin: 1rem 0 .2rem; }
th, td { border: 1px solid var(--line); padding: .3rem .55rem; text-align: right; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
th:first-child, td:first-child { text-align: left; }
td.text { text-align: left; }
.ranks { display: flex; flex-wrap: wrap; gap: 0 2rem; }
.note, .how { color: var(--soft); font-size: .92rem; }
.few { color: var(--warn); font-weight: 600; }
.bad { color: #a40000; font-weight: 600; }
figure { margin: 1rem 0 1.5rem; }
figcaption { font-weight: 600; }
figure svg { width: 100%; max-width: 46rem; height: auto; display: block; }
sup a { text-decoration: none; }
#notes li { font-size: .9rem; color: var(--soft); }
code { font-size: .88rem; }
@media (max-width: 40rem) { body { font-size: 15px; } main { padding: .6rem; } th, td { padding: .25rem .4rem; } }
</style></head><body><main>
<h1>{{.W.T "report_title"}}</h1>
{{if .NoRuns}}<p>{{.W.T "report_no_runs"}}</p>{{else}}
<p>{{.Intro}}</p>

<section id="brief">
<h2>{{.W.T "report_h_brief"}}</h2>
<ul class="brief">{{range .Brief}}<li>{{.}}</li>{{end}}</ul>
{{if .Compare}}<p class="caption">{{.W.T "report_changes_caption" "Reference" .Changes.Reference}}</p>
<div class="scroll"><table>
<tr>{{range .Changes.Columns}}<th scope="col">{{.}}</th>{{end}}</tr>
{{range .Changes.Rows}}<tr><th scope="row">{{.Policy}}</th>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>
<p class="note">{{if gt .Seeds 1}}{{.W.T "report_changes_spread" "N" .Seeds}}{{else}}{{.W.T "report_changes_one_seed"}}{{end}}</p>
<div class="ranks">{{range .Ranks}}<div><h3>{{.Title}}</h3><ol>{{range .Rows}}<li>{{.Policy}}{{$.W.T "report_colon"}}{{.Value}}</li>{{end}}</ol></div>{{end}}</div>
{{else if eq .Seeds 1}}<p class="note">{{.W.T "report_one_seed"}}</p>{{end}}
{{if .Few}}<p class="note few">{{.W.T "report_few_explained" "N" 30}}</p>{{end}}
</section>

<section id="supply">
<h2>{{.W.T "report_h_supply"}}</h2>
<p>{{.Supply.Sentence}}</p>
<div class="scroll"><table>
<tr><th scope="col">{{.W.T "report_col_week"}}</th><th scope="col">{{.W.T "report_col_offers"}}</th><th scope="col">{{.W.T "report_col_city"}}</th>
<th scope="col">{{.W.T "report_col_reserved"}}</th><th scope="col">{{.W.T "report_col_ess"}}</th><th scope="col">{{.W.T "report_col_places"}}</th></tr>
{{range .Supply.Weeks}}<tr><td>{{.Week}}</td><td>{{.Offers}}</td><td>{{.City}}</td><td>{{.Reserved}}</td><td>{{.ESS}}</td><td>{{.All}}</td></tr>
{{end}}{{with .Supply.Total}}<tr><th scope="row">{{.Week}}</th><th>{{.Offers}}</th><th>{{.City}}</th><th>{{.Reserved}}</th><th>{{.ESS}}</th><th>{{.All}}</th></tr>{{end}}
</table></div>
</section>

<section id="policies">
<h2>{{.W.T "report_h_policies"}}</h2>
<dl>{{range .Policies}}<dt><b>{{.Name}}</b>{{if .Note}}<sup><a href="#note-{{.Note}}">{{.Note}}</a></sup>{{end}}</dt><dd>{{.Text}}</dd>{{end}}</dl>
</section>

<section id="charts">
<h2>{{.W.T "report_h_charts"}}</h2>
<figure><figcaption>{{.W.T "report_chart_placement"}}</figcaption>{{.Charts.Placement}}<p class="how">{{.W.T "report_chart_placement_how"}}</p></figure>
<figure><figcaption>{{.W.T "report_chart_places"}}</figcaption>{{.Charts.Places}}<p class="how">{{.W.T "report_chart_places_how"}}</p></figure>
<figure><figcaption>{{.W.T "report_chart_ips"}}</figcaption>{{.Charts.IPS}}<p class="how">{{.W.T "report_chart_ips_how"}}</p></figure>
<figure><figcaption>{{.W.T "report_chart_answers"}}</figcaption>{{.Charts.Answers}}<p class="how">{{.W.T "report_chart_answers_how"}}</p></figure>
<figure><figcaption>{{.W.T "report_chart_empty"}}</figcaption>{{.Charts.Empty}}<p class="how">{{.W.T "report_chart_empty_how"}}</p></figure>
<figure><figcaption>{{.W.T "report_chart_messages"}}</figcaption>{{.Charts.Messages}}<p class="how">{{.W.T "report_chart_messages_how"}}</p></figure>
</section>

<section id="reading">
<h2>{{.W.T "report_h_reading"}}</h2>
<p>{{.W.T "report_explain_answers"}}</p>
{{if .Booking}}<p>{{.W.T "report_explain_booking"}}</p>{{end}}
{{if .Outreach}}<p>{{.W.T "report_explain_outreach"}}</p>{{end}}
<p>{{.W.T "report_explain_means"}}</p>
</section>

<section id="groups">
<h2>{{.W.T "report_h_groups"}}</h2>
{{range .Groups}}<p class="caption">{{.Policy}}</p>
<div class="scroll"><table>
<tr><th scope="col">{{$.W.T "report_col_group"}}</th><th scope="col">{{$.W.T "report_col_users"}}</th><th scope="col">{{$.W.T "report_col_placed"}}</th><th scope="col">{{$.W.T "report_col_share"}}</th></tr>
{{range .Rows}}<tr><td>{{.Name}}</td><td>{{.Users}}</td><td>{{.Placed}}</td><td>{{.Share}}{{if .Few}} <span class="few" title="{{$.W.T "report_few_title"}}">⚠</span>{{end}}</td></tr>
{{end}}</table></div>{{end}}
</section>

<section id="weeks">
<h2>{{.W.T "report_h_weeks"}}</h2>
{{range .Weeks}}<p class="caption">{{.Policy}}</p>
<div class="scroll"><table>
<tr><th scope="col">{{$.W.T "report_col_week"}}</th><th scope="col">{{$.W.T "report_col_places"}}</th><th scope="col">{{$.W.T "report_col_week_users"}}</th><th scope="col">{{$.W.T "report_col_confirmed"}}</th><th scope="col">{{$.W.T "report_col_empty"}}</th></tr>
{{range .Rows}}<tr><td>{{.Week}}</td><td>{{.Places}}</td><td>{{.Users}}</td><td>{{.Confirmed}}</td><td>{{.Empty}}</td></tr>
{{end}}</table></div>{{end}}
</section>

<section id="answers">
<h2>{{.W.T "report_h_answers"}}</h2>
<div class="scroll"><table>
<tr><th scope="col">{{.W.T "report_col_policy"}}</th><th scope="col">{{.W.T "report_col_requests"}}</th><th scope="col">{{.W.T "report_metric_requests_answered"}}</th><th scope="col">{{.W.T "report_metric_answer_median_days"}}</th></tr>
{{range .Answers}}<tr><td>{{.Policy}}</td><td>{{.Requests}}</td><td>{{.Answered}}</td><td>{{.Median}}</td></tr>
{{end}}</table></div>
<h3>{{.W.T "report_h_agreements"}}</h3>
<div class="scroll"><table>
<tr><th scope="col">{{.W.T "report_col_policy"}}</th><th scope="col">{{.W.T "report_col_agreements"}}</th><th scope="col">{{.W.T "report_metric_agreements_signed_by_j3"}}</th><th scope="col">{{.W.T "report_col_agreement_states"}}</th></tr>
{{range .Agreement}}<tr><td>{{.Policy}}</td><td>{{.Agreements}}</td><td>{{.Signed}}</td><td class="text">{{.States}}</td></tr>
{{end}}</table></div>
</section>

<section id="messages">
<h2>{{.W.T "report_h_messages"}}</h2>
<p class="note">{{.W.T "report_messages_price" "Price" (.W.Euros .R.SMSPrice)}}</p>
{{range .Messages}}<p class="caption">{{.Policy}}</p>
<div class="scroll"><table>
<tr><th scope="col">{{$.W.T "report_col_party"}}</th><th scope="col">{{$.W.T "report_col_messages"}}</th><th scope="col">{{$.W.T "report_col_sms"}}</th><th scope="col">{{$.W.T "report_col_segments"}}</th><th scope="col">{{$.W.T "report_col_cost"}}</th></tr>
{{range .Rows}}<tr><td>{{.Party}}</td><td>{{.Messages}}</td><td>{{.SMS}}</td><td>{{.Segments}}</td><td>{{.Cost}}</td></tr>
{{end}}</table></div>{{end}}
</section>

<section id="applications">
<h2>{{.W.T "report_h_applications"}}</h2>
<div class="scroll"><table>
<tr><th scope="col">{{.W.T "report_col_policy"}}</th><th scope="col">{{.W.T "report_col_seed"}}</th><th scope="col">{{.W.T "report_col_confirmed"}}</th><th scope="col">{{.W.T "report_col_declined"}}</th>
<th scope="col">{{.W.T "report_col_expired"}}</th><th scope="col">{{.W.T "report_col_cancelled"}}</th><th scope="col">{{.W.T "report_col_withdrawn"}}</th><th scope="col">{{.W.T "report_metric_bookings_declined"}}</th></tr>
{{range .Final}}<tr><td>{{.Policy}}</td><td>{{.Seed}}</td><td>{{.Confirmed}}</td><td>{{.Declined}}</td><td>{{.Expired}}</td><td>{{.Cancelled}}</td><td>{{.Withdrawn}}</td><td>{{.Booked}}</td></tr>
{{end}}</table></div>
<h3>{{.W.T "report_h_checks"}}</h3>
<p class="note">{{.W.T "report_checks_how"}}</p>
<div class="scroll"><table>
<tr><th scope="col">{{.W.T "report_col_policy"}}</th><th scope="col">{{.W.T "report_col_seed"}}</th><th scope="col">{{.W.T "report_col_over"}}</th><th scope="col">{{.W.T "report_col_to_others"}}</th>
<th scope="col">{{.W.T "report_col_not_final"}}</th><th scope="col">{{.W.T "report_col_outside_hours"}}</th></tr>
{{range .Checks}}<tr{{if not .Sound}} class="bad"{{end}}><td>{{.Policy}}</td><td>{{.Seed}}</td><td>{{.Over}}</td><td>{{.ToOthers}}</td><td>{{.NotFinal}}</td><td>{{.OutsideHours}}</td></tr>
{{end}}</table></div>
</section>

<section id="behaviour">
<h2>{{.W.T "report_h_behaviour"}}</h2>
<p class="note">{{.W.T "report_behaviour_how"}}</p>
<div class="scroll"><table>
<tr><th scope="col">{{.W.T "report_col_assumption"}}</th><th scope="col">{{.W.T "report_col_value"}}</th></tr>
{{range .Behaviour}}<tr><td class="text">{{.Text}}<sup><a href="#note-{{.Note}}">{{.Note}}</a></sup></td><td>{{.Value}}</td></tr>
{{end}}</table></div>
</section>

<section id="notes">
<h2>{{.W.T "report_h_notes"}}</h2>
<ol>{{range $i, $n := .Notes}}<li id="note-{{$i | inc}}">{{$n}}</li>{{end}}</ol>
</section>
{{end}}
</main></body></html>
`))
