package web

import (
	"fmt"
	"strconv"
)

// cityExport is one table of the City's page as CSV: colleges.csv, semaines.csv, structures.csv or
// sms.csv.
func (s *Server) cityExport(q *request) error {
	table := q.r.PathValue("table")
	switch table {
	case "colleges.csv", "semaines.csv", "structures.csv", "sms.csv":
	default:
		return errNotFound
	}
	v, err := s.store.CityPage(q.r.Context(), s.now())
	if err != nil {
		return err
	}
	if err := s.audit(q, "export_city", nil, table); err != nil {
		return err
	}
	l := Lang{cat: s.cat, lang: q.lang}
	w := startCSV(q, "ville-"+table)
	itoa := strconv.Itoa
	switch table {
	case "colleges.csv":
		_ = w.Write([]string{"UAI", l.T("web_col_school"), l.T("web_col_priority"), "IPS", l.T("web_col_cohort"),
			l.T("web_col_signed_up"), l.T("web_col_applied"), l.T("web_status_stage_confirmed")})
		for _, sc := range v.Schools {
			ips := ""
			if sc.IPS != nil {
				ips = strconv.FormatFloat(*sc.IPS, 'f', 1, 64)
			}
			_ = w.Write([]string{sc.UAI, sc.Name, sc.Priority, ips, itoa(sc.Cohort), itoa(sc.SignedUp), itoa(sc.Applied),
				itoa(sc.Placed)})
		}
	case "semaines.csv":
		_ = w.Write([]string{l.T("web_col_week"), l.T("web_col_places"), l.T("web_col_taken"), l.T("web_col_empty"),
			l.T("web_col_reserved"), l.T("web_col_reserved_taken"), l.T("web_col_before_release")})
		for _, wk := range v.Weeks {
			_ = w.Write([]string{wk.Week.Format("2006-01-02"), itoa(wk.Places), itoa(wk.Taken), itoa(wk.Empty()),
				itoa(wk.Reserved), itoa(wk.ReservedTaken), itoa(wk.TakenBeforeRelease)})
		}
	case "structures.csv":
		_ = w.Write([]string{l.T("web_col_host"), l.T("web_col_kind"), l.T("web_col_waiting"), l.T("web_col_oldest"),
			l.T("web_col_contact"), l.T("web_col_phone")})
		for _, h := range v.SilentHosts {
			_ = w.Write([]string{h.Name, h.Kind, itoa(h.Waiting), l.Day(&h.Oldest), h.Contact, h.Phone})
		}
	case "sms.csv":
		_ = w.Write([]string{l.T("web_col_kind"), l.T("web_col_messages"), l.T("web_col_segments"), l.T("web_col_cost")})
		for _, m := range v.SMS {
			kind := l.T("web_sms_replies")
			if m.Proactive {
				kind = l.T("web_sms_notices")
			}
			_ = w.Write([]string{kind, itoa(m.Messages), itoa(m.Segments), fmt.Sprintf("%.2f", float64(m.Segments)*s.cfg.SMSPrice)})
		}
	}
	w.Flush()
	return w.Error()
}
