package web

import (
	"net/mail"
	"slices"
	"strconv"

	"stagebot/store"
)

// colleagueInvite lets a principal bring a colleague in: a member of staff of the collège, sent a
// sign-in link that says who invited them.
func (s *Server) colleagueInvite(q *request) error {
	if q.session.Staff.Role != store.RolePrincipal {
		return errNotFound
	}
	email, name := store.NormalizeEmail(q.trimmed("email")), q.trimmed("nom")
	role := store.Role(q.trimmed("role"))
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || name == "" || len(name) > 120 ||
		!slices.Contains([]store.Role{store.RolePrincipal, store.RoleCPE, store.RoleTeacher}, role) {
		q.redirect("/colleges/" + q.uai + "?invite=bad#collegues")
		return nil
	}
	id, _, err := s.store.InviteStaff(q.r.Context(), q.session.Staff.ID, q.uai,
		store.Staff{Email: email, Name: name, Role: role, Lang: q.lang}, s.now())
	if err != nil {
		return err
	}
	staff, err := s.store.StaffByEmail(q.r.Context(), email)
	if err != nil {
		return err
	}
	if err := s.sendLink(q.r.Context(), staff, q.session.Staff.Name); err != nil {
		return err
	}
	if err := s.audit(q, "invite_colleague", nil, "staff="+strconv.FormatInt(id, 10)); err != nil {
		return err
	}
	q.redirect("/colleges/" + q.uai + "?invite=ok#collegues")
	return nil
}
