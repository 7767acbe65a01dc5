package web

import "net/http"

// loginShow is the sign-in page: an e-mail address, to receive a link.
func (s *Server) loginShow(q *request) error {
	if q.session != nil {
		q.redirect("/")
		return nil
	}
	s.render(q, http.StatusOK, "login", map[string]any{})
	return nil
}
