package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"stagebot/bot"
	"stagebot/domain"
)

// agreementShow is the page a party's one-time link opens (from an SMS or a Telegram message): the
// agreement as it stands, the host's form for its part while it is open, the signature with a code
// sent where the link went, and the PDF. Opening it changes nothing (link previews open links).
func (s *Server) agreementShow(q *request) error {
	la, err := s.flow.AgreementByLink(q.r.Context(), q.r.PathValue("token"))
	if errors.Is(err, bot.ErrLinkInvalid) {
		s.refuse(q, http.StatusForbidden, "web_agreement_link_invalid")
		return nil
	}
	if err != nil {
		return err
	}
	s.renderAgreementLink(q, http.StatusOK, la, q.r.URL.Query().Get("m"), nil, nil)
	return nil
}

// renderAgreementLink renders the link's page with a message (m: "code_sent", "signed"…) and, after
// the host's form, what it did and what it sent (kept in the form when refused).
func (s *Server) renderAgreementLink(q *request, status int, la bot.LinkedAgreement, m string, fill *bot.FillResult,
	posted *bot.FillParams) {
	a := la.Agreement
	doc := documentOf(la.Document, la.Template, bot.Signers(a))
	data := map[string]any{"Token": q.r.PathValue("token"), "Agreement": a, "As": la.Signatory, "Doc": doc, "Message": m,
		"Fill": fill, "Needs": a.Needs(),
		"CanFill":  la.Signatory == domain.SignHost && a.State.Open(),
		"CanSign":  a.State == domain.AgreementSigning && a.SignatureOf(la.Signatory) == nil && slices.Contains(a.Signers(), la.Signatory),
		"Signed":   a.SignatureOf(la.Signatory) != nil,
		"Masked":   whereCode(Lang{cat: s.cat, lang: q.lang}, la.Link.Address),
		"Activity": a.Activities, "Left": q.r.URL.Query().Get("left")}
	if sched := a.Schedule(); sched != nil {
		data["HoursText"] = hoursText(*sched)
	}
	if posted != nil {
		data["HoursText"], data["Activity"] = posted.Hours, posted.Activities
	}
	s.render(q, status, "agreement", data)
}

// hoursText writes a schedule back as the form's field reads it: day by day.
func hoursText(sched domain.Schedule) string {
	days := []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi"}
	out := ""
	for d := range sched {
		if len(sched[d]) == 0 {
			out += days[d] + " repos, "
			continue
		}
		out += days[d]
		for _, sp := range sched[d] {
			out += " " + clockText(sp.From) + "-" + clockText(sp.To)
		}
		out += ", "
	}
	return out[:len(out)-2]
}

func clockText(m int) string {
	if m%60 == 0 {
		return strconv.Itoa(m/60) + "h"
	}
	return strconv.Itoa(m/60) + "h" + strconv.Itoa(100 + m%60)[1:]
}

// whereCode says where a code goes without showing the number: "au 06 xx xx xx 78", or "par
// Telegram".
func whereCode(l Lang, address string) string {
	if len(address) > 4 && address[0] == '+' {
		return l.T("web_where_phone", "Phone", "06 xx xx xx "+address[len(address)-2:])
	}
	return l.T("web_where_telegram")
}
