package web

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"stagebot/bot"
	"stagebot/store"
)

// schoolAgreementsSign signs for the collège, as its principal: one agreement (id), or every
// agreement of a class waiting for the collège's signature (classe). Only the collège's own
// agreements open to signatures are signed; the page says how many.
func (s *Server) schoolAgreementsSign(q *request) error {
	if q.session.Staff.Role != store.RolePrincipal {
		return errNotFound
	}
	list, err := s.store.AgreementsOfSchool(q.r.Context(), q.uai)
	if err != nil {
		return err
	}
	v, err := s.store.SchoolPage(q.r.Context(), q.uai, s.now())
	if err != nil {
		return err
	}
	rules, err := s.store.RulesOn(q.r.Context(), s.now())
	if err != nil {
		return err
	}
	rows := agreementRows(list, v.Students, s.now(), rules.Reminders.AgreementLate)
	one, _ := strconv.ParseInt(q.r.PostFormValue("id"), 10, 64)
	class, whole := q.r.PostFormValue("classe"), q.r.PostForm.Has("classe")
	var ids []int64
	for _, r := range rows {
		if r.ToSign && (r.ID == one || whole && r.Class == class) {
			ids = append(ids, r.ID)
		}
	}
	session := ""
	if c, err := q.r.Cookie(sessionCookie); err == nil {
		h := sha256.Sum256(bot.HashToken(c.Value))
		session = hex.EncodeToString(h[:])
	}
	n, err := s.flow.SignAsSchool(q.r.Context(), bot.SchoolSignParams{UAI: q.uai, Name: q.session.Staff.Name,
		Session: session, IDs: ids})
	if err != nil {
		return err
	}
	var names []string
	for _, id := range ids {
		names = append(names, strconv.FormatInt(id, 10))
	}
	if err := s.audit(q, "sign_agreements", nil, "agreements="+strings.Join(names, ",")); err != nil {
		return err
	}
	if one != 0 {
		q.redirect("/colleges/" + q.uai + "/conventions/" + strconv.FormatInt(one, 10) + "?m=signed")
		return nil
	}
	q.redirect("/colleges/" + q.uai + "?signees=" + strconv.Itoa(n) + "#conventions")
	return nil
}
