package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// rosterShow is the page to import a class list.
func (s *Server) rosterShow(q *request) error {
	school, err := s.store.SchoolByUAI(q.r.Context(), q.uai)
	if err != nil {
		return err
	}
	s.render(q, http.StatusOK, "roster", map[string]any{"School": school})
	return nil
}

// rosterImport reads a class list sent from the page, adds its lines to the collège's lists and
// matches them to the students who signed up; it says what it did, and which lines it could not
// read, by number.
func (s *Server) rosterImport(q *request) error {
	school, err := s.store.SchoolByUAI(q.r.Context(), q.uai)
	if err != nil {
		return err
	}
	data := map[string]any{"School": school}
	file, _, err := q.r.FormFile("fichier")
	if err != nil {
		data["Error"] = "web_roster_no_file"
		s.render(q, http.StatusBadRequest, "roster", data)
		return nil
	}
	defer file.Close()
	raw, err := io.ReadAll(io.LimitReader(file, maxUpload))
	if err != nil {
		return fmt.Errorf("class list: %w", err)
	}
	lines, problems, err := parseRoster(raw)
	switch {
	case errors.Is(err, errRosterHeader):
		data["Error"] = "web_roster_bad_header"
		s.render(q, http.StatusBadRequest, "roster", data)
		return nil
	case err != nil:
		data["Error"] = "web_roster_unreadable"
		s.render(q, http.StatusBadRequest, "roster", data)
		return nil
	}
	res, err := s.store.ImportRoster(q.r.Context(), q.uai, lines, s.now())
	if err != nil {
		return err
	}
	if err := s.audit(q, "import_roster", nil, fmt.Sprintf("lines=%d added=%d matched=%d ambiguous=%d problems=%d",
		len(lines), res.Added, res.Matched, res.Ambiguous, len(problems))); err != nil {
		return err
	}
	data["Result"], data["Problems"] = res, problems
	s.render(q, http.StatusOK, "roster", data)
	return nil
}

// matchConfirm records which signed-up student a line of the collège's lists is, among its
// candidates.
func (s *Server) matchConfirm(q *request) error {
	entry, ok := q.pathID("entry")
	student, err := strconv.ParseInt(q.r.PostFormValue("eleve"), 10, 64)
	if !ok || err != nil {
		return errNotFound
	}
	if err := s.store.ConfirmMatch(q.r.Context(), q.uai, entry, student); err != nil {
		return err
	}
	if err := s.audit(q, "confirm_match", &student, "line="+strconv.FormatInt(entry, 10)); err != nil {
		return err
	}
	q.redirect("/colleges/" + q.uai + "#rapprochements")
	return nil
}
