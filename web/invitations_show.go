package web

import (
	"html/template"
	"net/http"
	"net/url"

	"stagebot/store"
)

// invitationsShow is a class's invitations, to print on A4 and cut: one slip per student of the
// class list, with the SMS to send (the collège's keyword) and the Telegram link as a QR code.
func (s *Server) invitationsShow(q *request) error {
	class := q.r.URL.Query().Get("classe")
	v, err := s.store.SchoolPage(q.r.Context(), q.uai, s.now())
	if err != nil {
		return err
	}
	var students []store.StudentRow
	for _, st := range v.Students {
		if st.Class == class && class != "" {
			students = append(students, st)
		}
	}
	if len(students) == 0 {
		return errNotFound
	}
	var qr template.HTML
	link := ""
	if s.cfg.TelegramBot != "" {
		link = "https://t.me/" + url.PathEscape(s.cfg.TelegramBot) + "?start=" + url.QueryEscape(q.uai)
		if qr, err = qrSVG(link); err != nil {
			return err
		}
	}
	if err := s.audit(q, "print_invitations", nil, "class="+class); err != nil {
		return err
	}
	s.render(q, http.StatusOK, "invitations", map[string]any{"School": v.School, "Class": class, "Students": students,
		"Keyword": "STAGE " + q.uai, "Number": s.cfg.SMSNumber, "Telegram": link, "QR": qr})
	return nil
}
