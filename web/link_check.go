package web

import (
	"errors"
	"net/http"
	"stagebot/bot"

	"stagebot/store"
)

// linkCheck spends a sign-in link and opens a session: a used, expired or unknown link is refused,
// and which of the three it was is not said.
func (s *Server) linkCheck(q *request) error {
	staffID, err := s.store.UseSignInLink(q.r.Context(), bot.HashToken(q.r.PostFormValue("t")), s.now())
	if errors.Is(err, store.ErrNotFound) {
		s.refuse(q, http.StatusForbidden, "web_link_invalid")
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.signIn(q, staffID); err != nil {
		return err
	}
	if err := s.store.Audit(q.r.Context(), store.AuditEntry{StaffID: staffID, Action: "sign_in", At: s.now()}); err != nil {
		return err
	}
	q.redirect("/")
	return nil
}
