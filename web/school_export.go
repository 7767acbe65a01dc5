package web

import (
	"encoding/csv"
	"fmt"
	"strconv"
)

// schoolExport is the students' table of the collège's page, with its filters, as CSV (UTF-8 with
// its byte order mark and ";", as French spreadsheets open it).
func (s *Server) schoolExport(q *request) error {
	v, err := s.store.SchoolPage(q.r.Context(), q.uai, s.now())
	if err != nil {
		return err
	}
	f := filtersOf(q.r.URL.Query())
	students := f.apply(v.Students)
	if err := s.audit(q, "export_school", nil, f.Query()); err != nil {
		return err
	}
	l := Lang{cat: s.cat, lang: q.lang}
	w := startCSV(q, "eleves-"+q.uai+".csv")
	_ = w.Write([]string{l.T("web_col_first_name"), l.T("web_col_initial"), l.T("web_col_class"), l.T("web_col_status"),
		l.T("web_col_week"), l.T("web_col_signed_up_on"), l.T("web_col_activity"), l.T("web_col_applications"),
		l.T("web_tag_reserved"), l.T("web_tag_stuck"), l.T("web_tag_nudged")})
	for _, st := range students {
		_ = w.Write([]string{st.FirstName, st.Initial, st.Class, l.T("web_status_" + string(st.Status)), l.Day(st.Week),
			l.Day(st.SignedUpAt), l.Short(st.LastActivity), strconv.Itoa(len(st.Apps)), yesNo(l, st.Reserved),
			yesNo(l, st.Stuck), l.Day(st.NudgedAt)})
	}
	w.Flush()
	return w.Error()
}

// startCSV starts a CSV download named name.
func startCSV(q *request, name string) *csv.Writer {
	h := q.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	_, _ = q.w.Write([]byte("\uFEFF"))
	w := csv.NewWriter(q.w)
	w.Comma = ';'
	return w
}

func yesNo(l Lang, b bool) string {
	if b {
		return l.T("web_yes")
	}
	return ""
}
