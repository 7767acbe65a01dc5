package web

import "strconv"

// schoolAgreementPDF downloads an agreement's PDF for the collège.
func (s *Server) schoolAgreementPDF(q *request) error {
	a, err := s.schoolAgreement(q)
	if err != nil {
		return err
	}
	pdf, name, err := s.flow.AgreementPDF(q.r.Context(), a)
	if err != nil {
		return err
	}
	if err := s.audit(q, "download_agreement", &a.StudentID, "agreement="+strconv.FormatInt(a.ID, 10)); err != nil {
		return err
	}
	sendPDF(q, name, pdf)
	return nil
}
