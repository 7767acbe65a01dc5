package web

import (
	"errors"
	"fmt"
	"net/http"

	"stagebot/bot"
)

// agreementPDF sends the agreement's PDF to the link's party, and spends the link.
func (s *Server) agreementPDF(q *request) error {
	pdf, name, err := s.flow.LinkPDF(q.r.Context(), q.r.PathValue("token"))
	if errors.Is(err, bot.ErrLinkInvalid) {
		s.refuse(q, http.StatusForbidden, "web_agreement_link_invalid")
		return nil
	}
	if err != nil {
		return err
	}
	sendPDF(q, name, pdf)
	return nil
}

// sendPDF answers with a PDF to download.
func sendPDF(q *request, name string, pdf []byte) {
	h := q.w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	_, _ = q.w.Write(pdf)
}
