package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"stagebot/bot"
	"stagebot/conversation"
)

// agreementSign signs as the link's party with the code typed on the page. Signed, the link is spent:
// the page says so, with nothing more to do there.
func (s *Server) agreementSign(q *request) error {
	token := q.r.PathValue("token")
	code := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, q.r.PostFormValue("code"))
	res, err := s.flow.LinkSign(q.r.Context(), token, code)
	if errors.Is(err, bot.ErrLinkInvalid) {
		s.refuse(q, http.StatusForbidden, "web_agreement_link_invalid")
		return nil
	}
	if err != nil {
		return err
	}
	switch res.Outcome {
	case conversation.SignedOK, conversation.SignedByAll:
		s.render(q, http.StatusOK, "agreement_done", map[string]any{"All": res.Outcome == conversation.SignedByAll})
		return nil
	case conversation.SignWrongCode:
		q.redirect("/c/" + token + "?m=code_wrong&left=" + strconv.Itoa(res.TriesLeft) + "#signer")
	default:
		q.redirect("/c/" + token + "?m=sign_" + string(res.Outcome) + "#signer")
	}
	return nil
}
