package web

import (
	"net/http"
	"strconv"

	"stagebot/bot"
	"stagebot/domain"
	"stagebot/store"
)

// schoolAgreement reads one agreement of the collège in the path (another collège's is "not found").
func (s *Server) schoolAgreement(q *request) (store.Agreement, error) {
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil {
		return store.Agreement{}, errNotFound
	}
	a, err := s.store.AgreementByID(q.r.Context(), id)
	if err != nil {
		return a, err
	}
	if a.SchoolUAI != q.uai {
		return a, errNotFound
	}
	return a, nil
}

// schoolAgreementShow is one agreement for the collège: its content, what it lacks, the collège's
// part to give when it checks it, and its signature (the principal's).
func (s *Server) schoolAgreementShow(q *request) error {
	a, err := s.schoolAgreement(q)
	if err != nil {
		return err
	}
	if err := s.audit(q, "view_agreement", &a.StudentID, "agreement="+strconv.FormatInt(a.ID, 10)); err != nil {
		return err
	}
	s.renderSchoolAgreement(q, http.StatusOK, a, bot.CheckParams{}, "")
	return nil
}

// renderSchoolAgreement renders an agreement's page for the collège, with the form as it was sent
// and the problem it met, if any.
func (s *Server) renderSchoolAgreement(q *request, status int, a store.Agreement, form bot.CheckParams, problem bot.CheckProblem) {
	doc, tmpl, err := bot.Document(a)
	if err != nil {
		s.fail(q, err)
		return
	}
	school, err := s.store.SchoolByUAI(q.r.Context(), q.uai)
	if err != nil {
		s.fail(q, err)
		return
	}
	if form == (bot.CheckParams{}) {
		form = bot.CheckParams{Referent: a.Referent, Class: a.Class, Address: doc.SchoolAddress}
		if form.Class == "" {
			if row, err := s.store.StudentOf(q.r.Context(), q.uai, a.StudentID, s.now()); err == nil {
				form.Class = row.Class
			}
		}
	}
	principal, err := s.principalOf(q)
	if err != nil {
		s.fail(q, err)
		return
	}
	s.render(q, status, "school_agreement", map[string]any{"School": school, "Agreement": a,
		"Doc": documentOf(doc, tmpl, bot.Signers(a)), "Needs": a.Needs(), "Form": form, "Problem": problem,
		"Principal": principal, "IsPrincipal": q.session.Staff.Role == store.RolePrincipal,
		"CanCheck": a.State == domain.AgreementCompleted || a.State == domain.AgreementChecked || a.State == domain.AgreementSigning,
		"CanSign":  a.State == domain.AgreementSigning && a.SignatureOf(domain.SignSchool) == nil,
		"Message":  q.r.URL.Query().Get("m")})
}

// principalOf is who signs for the collège: the principal who is signed in, or else the collège's
// first principal ("" when it has none).
func (s *Server) principalOf(q *request) (string, error) {
	if q.session.Staff.Role == store.RolePrincipal {
		return q.session.Staff.Name, nil
	}
	staff, err := s.store.StaffOf(q.r.Context(), q.uai)
	if err != nil {
		return "", err
	}
	for _, st := range staff {
		if st.Role == store.RolePrincipal {
			return st.Name, nil
		}
	}
	return "", nil
}
