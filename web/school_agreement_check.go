package web

import (
	"net/http"
	"strconv"

	"stagebot/bot"
)

// schoolAgreementCheck records the collège's check of an agreement: the referent teacher, the class,
// the collège's address (kept for its next agreements), and who signs for the collège.
func (s *Server) schoolAgreementCheck(q *request) error {
	a, err := s.schoolAgreement(q)
	if err != nil {
		return err
	}
	principal, err := s.principalOf(q)
	if err != nil {
		return err
	}
	form := bot.CheckParams{UAI: q.uai, StaffID: q.session.Staff.ID, Principal: principal, Referent: q.trimmed("referent"),
		Class: q.trimmed("classe"), Address: q.trimmed("adresse")}
	if len(form.Referent) > 120 || len(form.Class) > 40 || len(form.Address) > 200 {
		s.renderSchoolAgreement(q, http.StatusUnprocessableEntity, a, form, "too_long")
		return nil
	}
	checked, problem, err := s.flow.CheckAgreement(q.r.Context(), a.ID, form)
	if err != nil {
		return err
	}
	if problem != "" {
		s.renderSchoolAgreement(q, http.StatusUnprocessableEntity, a, form, problem)
		return nil
	}
	if err := s.audit(q, "check_agreement", &a.StudentID, "agreement="+strconv.FormatInt(a.ID, 10)); err != nil {
		return err
	}
	q.redirect("/colleges/" + q.uai + "/conventions/" + strconv.FormatInt(checked.ID, 10) + "?m=checked")
	return nil
}
