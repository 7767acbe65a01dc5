package web

import (
	"strconv"

	"stagebot/bot"
)

// nudgeSend nudges the collège's stuck students: each gets one message from their collège, at
// the sending hours, at most once a week whoever clicks, never after their STOP. The page says how many
// went.
func (s *Server) nudgeSend(q *request) error {
	n, err := s.flow.Nudge(q.r.Context(), bot.NudgeParams{StaffID: q.session.Staff.ID, SchoolUAI: q.uai})
	if err != nil {
		return err
	}
	if err := s.audit(q, "nudge", nil, "nudged="+strconv.Itoa(n)); err != nil {
		return err
	}
	q.redirect("/colleges/" + q.uai + "?relances=" + strconv.Itoa(n))
	return nil
}
