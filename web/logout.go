package web

import "stagebot/bot"

// logout ends this session.
func (s *Server) logout(q *request) error {
	if c, err := q.r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(q.r.Context(), bot.HashToken(c.Value)); err != nil {
			return err
		}
	}
	if err := s.audit(q, "sign_out", nil, ""); err != nil {
		return err
	}
	clearSession(q.w)
	q.redirect("/connexion")
	return nil
}

// logoutEverywhere ends every session of the person, on every device, and spends their links.
func (s *Server) logoutEverywhere(q *request) error {
	if err := s.store.DeleteSessions(q.r.Context(), q.session.Staff.ID, s.now()); err != nil {
		return err
	}
	if err := s.audit(q, "sign_out_everywhere", nil, ""); err != nil {
		return err
	}
	clearSession(q.w)
	q.redirect("/connexion")
	return nil
}
