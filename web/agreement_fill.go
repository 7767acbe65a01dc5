package web

import (
	"errors"
	"net/http"

	"stagebot/bot"
)

// agreementFill keeps the host's part sent from its link's page: the hours (checked against the
// legal limits for the student's age, each broken one said in plain words) and the activities.
func (s *Server) agreementFill(q *request) error {
	token := q.r.PathValue("token")
	posted := bot.FillParams{Hours: q.trimmed("horaires"), Activities: q.trimmed("activites")}
	res, err := s.flow.LinkFill(q.r.Context(), token, posted)
	if errors.Is(err, bot.ErrLinkInvalid) {
		s.refuse(q, http.StatusForbidden, "web_agreement_link_invalid")
		return nil
	}
	if err != nil {
		return err
	}
	la, err := s.flow.AgreementByLink(q.r.Context(), token)
	if errors.Is(err, bot.ErrLinkInvalid) {
		// Both parts kept: the link is spent.
		s.render(q, http.StatusOK, "agreement_done", map[string]any{"Filled": true})
		return nil
	}
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Hours.Unread || len(res.Hours.Breaches) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.renderAgreementLink(q, status, la, "", &res, &posted)
	return nil
}
