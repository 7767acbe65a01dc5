package web

import (
	"html/template"
	"net/http"
	"stagebot/domain"

	"stagebot/chart"
	"stagebot/store"
)

// cityGroup is the collèges of one kind (REP+, REP, outside), added up.
type cityGroup struct {
	Priority                          string
	Schools, Cohort, SignedUp, Placed int
}

// cityFigures are the City's page's figures, worked out from the store's view.
type cityFigures struct {
	View                                      store.CityView
	Groups                                    []cityGroup
	All                                       cityGroup
	Places, Taken, Empty                      int
	Reserved, ReservedTaken                   int
	ReservedBefore                            int
	Segments, Messages                        int
	Cost                                      float64
	PlacementChart, ReservedChart, WeeksChart template.URL
}

// figures adds the City's view up.
func (s *Server) figures(v store.CityView, l Lang) (cityFigures, error) {
	f := cityFigures{View: v}
	groups := map[string]*cityGroup{}
	for _, p := range []string{"REP+", "REP", "none"} {
		groups[p] = &cityGroup{Priority: p}
	}
	for _, sc := range v.Schools {
		g := groups[sc.Priority]
		if g == nil {
			continue
		}
		g.Schools++
		g.Cohort += sc.Cohort
		g.SignedUp += sc.SignedUp
		g.Placed += sc.Placed
	}
	for _, p := range []string{"REP+", "REP", "none"} {
		g := *groups[p]
		f.Groups = append(f.Groups, g)
		f.All.Schools += g.Schools
		f.All.Cohort += g.Cohort
		f.All.SignedUp += g.SignedUp
		f.All.Placed += g.Placed
	}
	var weeks []string
	var offered, taken, empty, reserved, repTaken []float64
	for _, w := range v.Weeks {
		f.Places += w.Places
		f.Taken += w.Taken
		f.Reserved += w.Reserved
		f.ReservedTaken += w.ReservedTaken
		f.ReservedBefore += w.TakenBeforeRelease
		weeks = append(weeks, w.Week.Format("02/01"))
		offered, taken, empty = append(offered, float64(w.Places)), append(taken, float64(w.Taken)), append(empty, float64(w.Empty()))
		reserved, repTaken = append(reserved, float64(w.Reserved)), append(repTaken, float64(w.ReservedTaken))
	}
	f.Empty = f.Places - f.Taken
	for _, m := range v.SMS {
		f.Segments += m.Segments
		f.Messages += m.Messages
	}
	f.Cost = float64(f.Segments) * s.cfg.SMSPrice
	share := func(part, whole int) float64 {
		if whole == 0 {
			return 0
		}
		return 100 * float64(part) / float64(whole)
	}
	var signedUp, placed []float64
	var labels []string
	for _, g := range f.Groups {
		labels = append(labels, l.T(priorityKey(g.Priority)))
		signedUp = append(signedUp, share(g.SignedUp, g.Cohort))
		placed = append(placed, share(g.Placed, g.Cohort))
	}
	draws := []struct {
		into *template.URL
		bars chart.Bars
	}{
		{&f.PlacementChart, chart.Bars{Title: l.T("web_chart_placement"), YLabel: l.T("web_chart_share"), Labels: labels,
			Series: []chart.Series{{Name: l.T("web_col_signed_up"), Values: signedUp}, {Name: l.T("web_status_stage_confirmed"), Values: placed}},
			YMax:   100}},
		{&f.ReservedChart, chart.Bars{Title: l.T("web_chart_reserved"), YLabel: l.T("web_chart_places"), Labels: weeks,
			Series: []chart.Series{{Name: l.T("web_col_reserved"), Values: reserved}, {Name: l.T("web_col_reserved_taken"), Values: repTaken}}}},
		{&f.WeeksChart, chart.Bars{Title: l.T("web_chart_weeks"), YLabel: l.T("web_chart_places"), Labels: weeks,
			Series: []chart.Series{{Name: l.T("web_col_places"), Values: offered}, {Name: l.T("web_col_taken"), Values: taken},
				{Name: l.T("web_col_empty"), Values: empty}}}},
	}
	for _, d := range draws {
		svg, err := d.bars.Render("svg")
		if err != nil {
			return f, err
		}
		*d.into = chart.DataURI(svg)
	}
	return f, nil
}

// cityShow is the City's page: whether the season's rules work, in aggregates.
func (s *Server) cityShow(q *request) error {
	v, err := s.store.CityPage(q.r.Context(), s.now())
	if err != nil {
		return err
	}
	f, err := s.figures(v, Lang{cat: s.cat, lang: q.lang})
	if err != nil {
		return err
	}
	rules, err := s.store.RulesOn(q.r.Context(), s.now())
	if err != nil {
		return err
	}
	agreements, err := s.store.CountAgreements(q.r.Context(), s.now(), rules.Reminders.AgreementLate)
	if err != nil {
		return err
	}
	if err := s.audit(q, "view_city", nil, ""); err != nil {
		return err
	}
	s.render(q, http.StatusOK, "city", map[string]any{"F": f, "Price": s.cfg.SMSPrice, "Agreements": agreements,
		"AgreementStates": domain.AgreementStates(), "LateDays": rules.Reminders.AgreementLate,
		"Signed": agreements.ByState[domain.AgreementSigned]})
	return nil
}
