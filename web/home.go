package web

import (
	"net/http"

	"stagebot/store"
)

// home sends each person where they work: an official to the City's page, a member of staff to
// their collège (or the list of their collèges), anyone else to the sign-in page.
func (s *Server) home(q *request) error {
	switch {
	case q.session == nil:
		q.redirect("/connexion")
		return nil
	case q.session.Staff.Role == store.RoleCity:
		q.redirect("/ville")
		return nil
	case len(q.session.Staff.Schools) == 1:
		q.redirect("/colleges/" + q.session.Staff.Schools[0])
		return nil
	}
	var schools []store.School
	for _, uai := range q.session.Staff.Schools {
		sc, err := s.store.SchoolByUAI(q.r.Context(), uai)
		if err != nil {
			return err
		}
		schools = append(schools, sc)
	}
	s.render(q, http.StatusOK, "home", map[string]any{"Schools": schools})
	return nil
}
