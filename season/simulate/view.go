package simulate

import (
	"cmp"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"stagebot/store"
)

// fewStudents is the size under which a share of a group of students is flagged: on fewer, one
// student more or less moves it by several points.
const fewStudents = 30

// view is the report as its page shows it, in one language: every figure written, every sentence
// filled, the parameters' names kept for the footnotes.
type view struct {
	W     words
	Seeds int // how many seeds: ranges are given only over several
	Brief []string
	// Changes compares every policy with the first on the first screen's figures.
	Changes   changes
	Ranks     []ranking
	Supply    supplyView
	Policies  []policyLine
	Charts    charts
	Groups    []groupTable
	Weeks     []weekTable
	Answers   []answerLine
	Agreement []agreementLine
	Messages  []messageTable
	Final     []finalRow
	Checks    []checkRow
	Behaviour []assumptionLine
	Notes     []string
	// Few says some share in the page is of fewer than fewStudents students (flagged where it is).
	Few bool
}

// charts are the page's charts, as inline SVG.
type charts struct {
	Placement, Places, IPS, Answers, Empty, Messages template.HTML
}

// note is a footnote's number in the page.
type note int

// addNote keeps a footnote and gives its number.
func (v *view) addNote(text string) note {
	v.Notes = append(v.Notes, text)
	return note(len(v.Notes))
}

// changes is the first screen's table: each policy's figures, and after the first, how they differ.
type changes struct {
	Reference string
	Columns   []string
	Rows      []changeRow
}

type changeRow struct {
	Policy string
	Cells  []string
}

// briefKeys are the figures of the first screen.
var briefKeys = []string{"placed", "placed_rep", "reserved_taken_by_rep", "places_empty"}

// ranking orders the policies by one figure, best first.
type ranking struct {
	Title string
	Rows  []rankRow
}

type rankRow struct {
	Policy, Value string
}

type supplyView struct {
	Sentence string
	Weeks    []supplyRow
	Total    supplyRow
}

type supplyRow struct {
	Week, Offers, City, Reserved, ESS, All string
}

type policyLine struct {
	Name, Text string
	Note       note
}

type groupTable struct {
	Policy string
	Rows   []groupRow
}

type groupRow struct {
	Name, Users, Placed, Share string
	Few                        bool
}

type weekTable struct {
	Policy string
	Rows   []weekRow
}

type weekRow struct {
	Week, Places, Users, Confirmed, Empty string
}

type answerLine struct {
	Policy, Requests, Answered, Median string
}

type agreementLine struct {
	Policy, Agreements, Signed, States string
}

type messageTable struct {
	Policy string
	Rows   []messageRow
}

type messageRow struct {
	Party, Messages, SMS, Segments, Cost string
}

type finalRow struct {
	Policy, Seed                                               string
	Confirmed, Declined, Expired, Cancelled, Withdrawn, Booked string
}

type checkRow struct {
	Policy, Seed                           string
	Over, ToOthers, NotFinal, OutsideHours string
	Sound                                  bool
}

type assumptionLine struct {
	Text, Value string
	Note        note
}

// newView writes the report r in w's language.
func newView(r *Report, w words) (*view, error) {
	v := &view{W: w, Seeds: len(r.Seeds)}
	if len(r.Policies) == 0 {
		return v, nil
	}
	v.brief(r)
	v.changes(r)
	v.ranks(r)
	v.supply(r)
	for _, pr := range r.Policies {
		text, keys := describePolicy(pr.Policy, w)
		line := policyLine{Name: pr.Policy.Label(w.lang), Text: text}
		if keys != "" {
			line.Note = v.addNote(w.T("report_note_policy", "Keys", keys))
		}
		v.Policies = append(v.Policies, line)
	}
	v.groups(r)
	v.weeks(r)
	v.answers(r)
	v.agreements(r)
	v.messages(r)
	v.final(r)
	v.behaviour(r)
	c, err := r.charts(w)
	if err != nil {
		return nil, err
	}
	v.Charts = charts{Placement: inline(c.Placement), Places: inline(c.Places), IPS: inline(c.IPS),
		Answers: inline(c.AnswerDays), Empty: inline(c.EmptyPlaces), Messages: inline(c.Messages)}
	return v, nil
}

// mean is a figure of a policy's runs, averaged over the seeds.
func mean(pr PolicyRuns, of func(f *Figures) float64) float64 {
	if len(pr.Runs) == 0 {
		return 0
	}
	total := 0.0
	for _, f := range pr.Runs {
		total += of(f)
	}
	return total / float64(len(pr.Runs))
}

// brief is the first screen's answer for the reference policy: how many students got a place, how
// many of REP/REP+, how many reserved places they took, how many places stayed empty.
func (v *view) brief(r *Report) {
	w, ref := v.W, r.Policies[0]
	m := func(key string) Metric { return r.Summary(0, key) }
	places := float64(r.Supply.Total().Places())
	reserved := float64(r.Supply.Total().CityReserved)
	students := mean(ref, func(f *Figures) float64 { return float64(f.Students) })
	users := mean(ref, func(f *Figures) float64 { return float64(f.Users) })
	usersREP := mean(ref, func(f *Figures) float64 { return float64(f.usersIn(true)) })
	v.Brief = []string{
		w.T("report_brief_season", "Policy", ref.Policy.Label(w.lang), "Students", w.N(students), "Users", w.N(users),
			"Places", w.N(places)),
		w.T("report_brief_placed", "Placed", w.Spread(m("placed"), v.Seeds), "Share", w.Spread(m("placement_rate"), v.Seeds)),
		w.T("report_brief_placed_rep", "Placed", w.Spread(m("placed_rep"), v.Seeds), "Users", w.N(usersREP),
			"Share", w.Spread(m("placement_rate_rep"), v.Seeds)),
		w.T("report_brief_reserved", "Taken", w.Spread(m("reserved_taken_by_rep"), v.Seeds), "Reserved", w.N(reserved)),
		w.T("report_brief_empty", "Empty", w.Spread(m("places_empty"), v.Seeds), "Places", w.N(places)),
	}
	if usersREP < fewStudents {
		v.Few = true
		v.Brief[2] += " " + w.T("report_few")
	}
}

// changes fills the first screen's table: the figures of each policy, and how each differs from the
// first, seed by seed.
func (v *view) changes(r *Report) {
	w := v.W
	v.Changes.Reference = r.Policies[0].Policy.Label(w.lang)
	v.Changes.Columns = []string{w.T("report_col_policy")}
	for _, key := range briefKeys {
		v.Changes.Columns = append(v.Changes.Columns, w.T("report_metric_"+key))
	}
	for i, pr := range r.Policies {
		row := changeRow{Policy: pr.Policy.Label(w.lang)}
		for _, key := range briefKeys {
			cell := w.Value(key, r.Summary(i, key).Mean)
			if i > 0 {
				for _, d := range r.Difference {
					if d.Policy == pr.Policy.Name && d.Key == key {
						cell += " (" + w.DifferenceSpread(d, v.Seeds) + ")"
					}
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Changes.Rows = append(v.Changes.Rows, row)
	}
}

// ranks orders the policies by places filled, and by reserved places taken by REP/REP+ students.
func (v *view) ranks(r *Report) {
	w := v.W
	for _, by := range []struct{ title, key string }{{"report_rank_placed", "placed"}, {"report_rank_reserved", "reserved_taken_by_rep"}} {
		idx := make([]int, len(r.Policies))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			return cmp.Compare(r.Summary(b, by.key).Mean, r.Summary(a, by.key).Mean)
		})
		rk := ranking{Title: w.T(by.title)}
		for _, i := range idx {
			rk.Rows = append(rk.Rows, rankRow{Policy: r.Policies[i].Policy.Label(w.lang), Value: w.Spread(r.Summary(i, by.key), v.Seeds)})
		}
		v.Ranks = append(v.Ranks, rk)
	}
}

// supply states the places the seasons were played on, and where their figures come from.
func (v *view) supply(r *Report) {
	w, s := v.W, r.Supply
	total := s.Total()
	switch {
	case s.File != nil && s.Scaled != nil:
		v.Supply.Sentence = w.T("report_supply_seeded", "City", w.N(float64(s.File.CityPlaces)),
			"Reserved", w.N(float64(s.File.CityReserved)), "ESS", w.N(float64(s.File.ESSPlaces)),
			"Scale", w.G(r.Scale), "ScaledCity", w.N(float64(s.Scaled.CityPlaces)),
			"ScaledReserved", w.N(float64(s.Scaled.CityReserved)), "ScaledESS", w.N(float64(s.Scaled.ESSPlaces)),
			"Offers", w.N(float64(r.Offers)), "Whole", r.Scale == 1)
	default:
		v.Supply.Sentence = w.T("report_supply_file", "Offers", w.N(float64(r.Offers)), "Places", w.N(float64(total.Places())),
			"Reserved", w.N(float64(total.CityReserved)))
	}
	row := func(week string, offers int, c storeSupply) supplyRow {
		return supplyRow{Week: week, Offers: w.N(float64(offers)), City: w.N(float64(c.city)), Reserved: w.N(float64(c.reserved)),
			ESS: w.N(float64(c.ess)), All: w.N(float64(c.city + c.ess))}
	}
	offers := 0
	for _, wk := range s.Weeks {
		offers += wk.Offers
		v.Supply.Weeks = append(v.Supply.Weeks, row(w.longDay(wk.Week), wk.Offers,
			storeSupply{wk.CityPlaces, wk.CityReserved, wk.ESSPlaces}))
	}
	v.Supply.Total = row(w.T("report_total"), offers, storeSupply{total.CityPlaces, total.CityReserved, total.ESSPlaces})
}

type storeSupply struct{ city, reserved, ess int }

// longDay writes a stage week's Monday ("lundi 18 janvier 2027").
func (w words) longDay(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if w.lang == "fr" && t.Day() == 1 {
		day = "1er"
	}
	return w.T("report_day", "Weekday", w.T("weekday_"+strconv.Itoa(isoWeekday(t))), "Day", day,
		"Month", w.T("month_"+strconv.Itoa(int(t.Month()))), "Year", t.Year())
}

func isoWeekday(t time.Time) int {
	if t.Weekday() == time.Sunday {
		return 7
	}
	return int(t.Weekday())
}

// weekDay parses a week written as 2027-01-18 and writes it long.
func (w words) weekDay(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return w.longDay(t)
}

// describePolicy says what a policy changes in plain words, and the keys of its file (for the
// footnote).
func describePolicy(p Policy, w words) (text, keys string) {
	var parts, set []string
	rem := p.Reminders
	switch {
	case rem.Off:
		parts = append(parts, w.T("report_policy_no_reminders"))
		set = append(set, "reminders.off = true")
	default:
		parts = append(parts, w.T("report_policy_reminders"))
	}
	if rem.HostExpiry > 0 {
		waiting := make([]string, len(rem.HostWaiting))
		for i, d := range rem.HostWaiting {
			waiting[i] = strconv.Itoa(d)
		}
		parts = append(parts, w.T("report_policy_host_expiry", "Days", rem.HostExpiry, "Waiting", w.list(waiting)))
		set = append(set, "reminders.host_expiry = "+strconv.Itoa(rem.HostExpiry))
		if len(rem.HostWaiting) > 0 {
			set = append(set, "reminders.host_waiting = ["+strings.Join(waiting, ", ")+"]")
		}
	}
	if rem.MinApplications > 0 {
		parts = append(parts, w.T("report_policy_min_applications", "N", rem.MinApplications))
		set = append(set, "reminders.min_applications = "+strconv.Itoa(rem.MinApplications))
	}
	if days, ok := p.releaseDays(); ok {
		parts = append(parts, w.T("report_policy_release", "Days", days))
	} else {
		parts = append(parts, w.T("report_policy_never_released"))
	}
	if p.ReleaseDays != nil {
		set = append(set, "release_days = "+strconv.Itoa(*p.ReleaseDays))
	}
	maxApps := p.MaxApplications
	if maxApps == 0 {
		maxApps = store.DefaultMaxApplications
	} else {
		set = append(set, "max_applications = "+strconv.Itoa(p.MaxApplications))
	}
	parts = append(parts, w.T("report_policy_max_applications", "N", maxApps))
	if p.ReservedShare != nil {
		parts = append(parts, w.T("report_policy_reserved_share", "Share", w.Pct(*p.ReservedShare)))
		set = append(set, "reserved_share = "+strconv.FormatFloat(*p.ReservedShare, 'g', -1, 64))
	}
	if p.DirectBooking {
		days := cmp.Or(p.BookingDays, store.DefaultBookingDays)
		parts = append(parts, w.T("report_policy_booking", "Days", days))
		set = append(set, "direct_booking = true")
		if p.BookingDays > 0 {
			set = append(set, "booking_days = "+strconv.Itoa(p.BookingDays))
		}
	}
	switch p.Outreach {
	case OutreachREP:
		parts = append(parts, w.T("report_policy_outreach_rep"))
	case OutreachAll:
		parts = append(parts, w.T("report_policy_outreach_all"))
	default:
		parts = append(parts, w.T("report_policy_outreach_none"))
	}
	if p.Outreach != "" && p.Outreach != OutreachNone {
		set = append(set, `outreach = "`+p.Outreach+`"`)
	}
	if len(p.OutreachColleges) > 0 {
		parts = append(parts, w.T("report_policy_outreach_list", "N", len(p.OutreachColleges)))
		set = append(set, "outreach_colleges = ["+strings.Join(p.OutreachColleges, ", ")+"]")
	}
	text = strings.Join(parts, w.T("report_semicolon")) + "."
	return strings.ToUpper(text[:1]) + text[1:], strings.Join(set, ", ")
}

// groups fills the tables of who got a place, by collège status and IPS band, means over the seeds.
func (v *view) groups(r *Report) {
	w := v.W
	name := func(n string) string {
		switch n {
		case store.PriorityNone:
			return w.T("report_group_none")
		case store.PriorityREP, store.PriorityREPPlus:
			return n
		}
		return strings.Replace(n, "IPS", w.T("report_ips"), 1)
	}
	for _, pr := range r.Policies {
		t := groupTable{Policy: pr.Policy.Label(w.lang)}
		n := len(pr.Runs[0].ByPriority) + len(pr.Runs[0].ByIPS)
		for k := range n {
			at := func(f *Figures) Group {
				if k < len(f.ByPriority) {
					return f.ByPriority[k]
				}
				return f.ByIPS[k-len(f.ByPriority)]
			}
			users := mean(pr, func(f *Figures) float64 { return float64(at(f).Users) })
			placed := mean(pr, func(f *Figures) float64 { return float64(at(f).Placed) })
			row := groupRow{Name: name(at(pr.Runs[0]).Name), Users: w.N(users), Placed: w.N(placed), Share: "–"}
			if users > 0 {
				row.Share = w.Pct(placed / users)
			}
			if users < fewStudents {
				row.Few, v.Few = true, true
			}
			t.Rows = append(t.Rows, row)
		}
		v.Groups = append(v.Groups, t)
	}
}

// weeks fills the tables of places by week, means over the seeds.
func (v *view) weeks(r *Report) {
	w := v.W
	for _, pr := range r.Policies {
		t := weekTable{Policy: pr.Policy.Label(w.lang)}
		for k, wk := range pr.Runs[0].Weeks {
			at := func(of func(WeekFigures) int) float64 {
				return mean(pr, func(f *Figures) float64 {
					if k < len(f.Weeks) {
						return float64(of(f.Weeks[k]))
					}
					return 0
				})
			}
			t.Rows = append(t.Rows, weekRow{Week: w.weekDay(wk.Week), Places: w.N(at(func(x WeekFigures) int { return x.Places })),
				Users: w.N(at(func(x WeekFigures) int { return x.Users })), Confirmed: w.N(at(func(x WeekFigures) int { return x.Confirmed })),
				Empty: w.N(at(func(x WeekFigures) int { return x.Empty }))})
		}
		v.Weeks = append(v.Weeks, t)
	}
}

// answers fills the hosts' answers, per policy.
func (v *view) answers(r *Report) {
	w := v.W
	for i, pr := range r.Policies {
		v.Answers = append(v.Answers, answerLine{Policy: pr.Policy.Label(w.lang),
			Requests: w.N(mean(pr, func(f *Figures) float64 { return float64(f.Requests) })),
			Answered: w.Spread(r.Summary(i, "requests_answered"), v.Seeds),
			Median:   w.Spread(r.Summary(i, "answer_median_days"), v.Seeds)})
	}
}

// agreements fills the agreements signed in time, per policy.
func (v *view) agreements(r *Report) {
	w := v.W
	states := []string{"draft", "completed", "checked", "signing", "signed"}
	for i, pr := range r.Policies {
		var parts []string
		for _, st := range states {
			n := mean(pr, func(f *Figures) float64 { return float64(f.AgreementStates[st]) })
			if n > 0 {
				parts = append(parts, w.T("report_agreement_state", "State", w.T("agreement_state_"+st), "N", w.N(n)))
			}
		}
		v.Agreement = append(v.Agreement, agreementLine{Policy: pr.Policy.Label(w.lang),
			Agreements: w.N(mean(pr, func(f *Figures) float64 { return float64(f.Agreements) })),
			Signed:     w.Spread(r.Summary(i, "agreements_signed_by_j3"), v.Seeds), States: strings.Join(parts, ", ")})
	}
}

// messages fills the messages sent and their cost, per policy and party, means over the seeds.
func (v *view) messages(r *Report) {
	w := v.W
	for _, pr := range r.Policies {
		t := messageTable{Policy: pr.Policy.Label(w.lang)}
		for _, party := range []string{"student", "parent", "host", "other"} {
			of := func(field func(PartyFigures) float64) float64 {
				return mean(pr, func(f *Figures) float64 {
					for _, p := range f.Messages {
						if p.Party == party {
							return field(p)
						}
					}
					return 0
				})
			}
			n := of(func(p PartyFigures) float64 { return float64(p.Messages) })
			if n == 0 {
				continue
			}
			t.Rows = append(t.Rows, messageRow{Party: w.T("report_party_" + party), Messages: w.N(n),
				SMS:      w.N(of(func(p PartyFigures) float64 { return float64(p.SMSMessages) })),
				Segments: w.N(of(func(p PartyFigures) float64 { return float64(p.Segments) })),
				Cost:     w.Euros(of(func(p PartyFigures) float64 { return p.Cost }))})
		}
		v.Messages = append(v.Messages, t)
	}
}

// final fills the applications' final states and the checks, seed by seed.
func (v *view) final(r *Report) {
	w := v.W
	for _, pr := range r.Policies {
		for _, f := range pr.Runs {
			n := func(st string) string { return w.N(float64(f.Applications[st])) }
			name, seed := pr.Policy.Label(w.lang), strconv.FormatUint(f.Seed, 10)
			v.Final = append(v.Final, finalRow{Policy: name, Seed: seed, Confirmed: n("confirmed"), Declined: n("declined"),
				Expired: n("expired"), Cancelled: n("cancelled"), Withdrawn: n("withdrawn"),
				Booked: w.N(float64(f.BookingsDeclined))})
			inv := f.Invariants
			v.Checks = append(v.Checks, checkRow{Policy: name, Seed: seed, Over: w.N(float64(inv.OverPlaces)),
				ToOthers: w.N(float64(inv.ReservedToOthers)), NotFinal: w.N(float64(inv.NotFinal)),
				OutsideHours: w.N(float64(inv.OutsideHours)), Sound: inv == Invariants{}})
		}
	}
}

// behaviour writes each assumed figure in plain words, its parameter's name in a footnote.
func (v *view) behaviour(r *Report) {
	w := v.W
	for _, a := range r.Behaviour {
		v.Behaviour = append(v.Behaviour, assumptionLine{Text: w.T("report_assumption_" + a.Key), Value: w.assumed(a),
			Note: v.addNote(w.T("report_note_parameter", "Key", a.Key, "Value", a.Value))})
	}
}

// assumed writes an assumed figure as the reader reads it: shares as percentages, lists of shares
// one after the other, the rest as numbers.
func (w words) assumed(a Assumption) string {
	parse := func(s string) float64 {
		f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return f
	}
	if strings.HasPrefix(a.Value, "[") {
		var parts []string
		for _, s := range strings.Split(strings.Trim(a.Value, "[]"), ",") {
			parts = append(parts, w.Pct(parse(s)))
		}
		return strings.Join(parts, " / ")
	}
	switch a.Key {
	case "uptake", "outreach_uptake", "sms", "whatsapp", "nudge_rep", "nudge_other", "parent_agree", "host_accept",
		"review", "booking_decline":
		return w.Pct(parse(a.Value))
	}
	x := parse(a.Value)
	if x == math.Trunc(x) {
		return w.N(x)
	}
	return w.G(x)
}
