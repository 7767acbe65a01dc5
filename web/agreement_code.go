package web

import (
	"errors"
	"net/http"

	"stagebot/bot"
)

// agreementCode sends the link's party a signing code where the link went (their phone, their
// Telegram): the page never shows it.
func (s *Server) agreementCode(q *request) error {
	token := q.r.PathValue("token")
	sent, err := s.flow.LinkCode(q.r.Context(), token)
	if errors.Is(err, bot.ErrLinkInvalid) {
		s.refuse(q, http.StatusForbidden, "web_agreement_link_invalid")
		return nil
	}
	if err != nil {
		return err
	}
	m := "code_sent"
	if sent.Problem != "" {
		m = "code_" + string(sent.Problem)
	}
	q.redirect("/c/" + token + "?m=" + m + "#signer")
	return nil
}
