package web

import (
	"net/http"

	"stagebot/bot"
)

// linkShow is the page a sign-in link opens: a button that signs in. Opening the link does not
// spend it (mail scanners open links); the button does.
func (s *Server) linkShow(q *request) error {
	token := q.r.URL.Query().Get("t")
	ok, err := s.store.SignInLinkValid(q.r.Context(), bot.HashToken(token), s.now())
	if err != nil {
		return err
	}
	if !ok || token == "" {
		s.refuse(q, http.StatusForbidden, "web_link_invalid")
		return nil
	}
	s.render(q, http.StatusOK, "link", map[string]any{"Token": token})
	return nil
}
