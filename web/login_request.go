package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"stagebot/bot"
	"time"

	"stagebot/store"
)

// Sign-in links: valid a quarter of an hour, once; at most linksPerAddress requests for one
// address and linksPerNetwork from one network address in that time.
const (
	linkTTL         = 15 * time.Minute
	linksPerAddress = 5
	linksPerNetwork = 30
)

// loginRequest sends a sign-in link to the address typed, if it is a known member of staff's. The
// answer is the same whether it is known or not, and whether the limits held the request back or
// not: the page tells nobody who has an account.
func (s *Server) loginRequest(q *request) error {
	email := store.NormalizeEmail(q.r.PostFormValue("email"))
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > 200 {
		s.render(q, http.StatusOK, "login", map[string]any{"Sent": true})
		return nil
	}
	ctx, now := q.r.Context(), s.now()
	keys := []string{"email:" + digest(email), "ip:" + digest(clientIP(q.r))}
	allowed := true
	for i, limit := range []int{linksPerAddress, linksPerNetwork} {
		n, err := s.store.CountSignInRequests(ctx, keys[i], now.Add(-linkTTL))
		if err != nil {
			return err
		}
		allowed = allowed && n < limit
	}
	if err := s.store.RecordSignInRequest(ctx, keys, now); err != nil {
		return err
	}
	if allowed {
		staff, err := s.store.StaffByEmail(ctx, email)
		switch {
		case err == nil:
			if err := s.sendLink(ctx, staff, ""); err != nil {
				return err
			}
			if err := s.store.Audit(ctx, store.AuditEntry{StaffID: staff.ID, Action: "sign_in_link", At: now}); err != nil {
				return err
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	s.render(q, http.StatusOK, "login", map[string]any{"Sent": true})
	return nil
}

// sendLink e-mails a member of staff a new sign-in link, valid linkTTL, once; invitedBy names the
// colleague who invited them, when they did.
func (s *Server) sendLink(ctx context.Context, staff store.Staff, invitedBy string) error {
	link, err := s.NewSignInLink(ctx, staff.ID)
	if err != nil {
		return err
	}
	l := Lang{cat: s.cat, lang: staff.Lang}
	subject, body := l.T("web_mail_subject"), l.T("web_mail_body", "Name", staff.Name, "Link", link,
		"Minutes", int(linkTTL/time.Minute))
	if invitedBy != "" {
		subject, body = l.T("web_mail_invite_subject"), l.T("web_mail_invite_body", "Name", staff.Name,
			"By", invitedBy, "Link", link, "Minutes", int(linkTTL/time.Minute))
	}
	if err := s.mail.Send(ctx, staff.Email, subject, body); err != nil {
		return fmt.Errorf("sign-in link: %w", err)
	}
	return nil
}

// NewSignInLink makes a single-use sign-in link for a member of staff, valid linkTTL from now (the
// demo prints one for its accounts).
func (s *Server) NewSignInLink(ctx context.Context, staffID int64) (string, error) {
	token := newToken()
	now := s.now()
	if err := s.store.CreateSignInLink(ctx, staffID, bot.HashToken(token), now, now.Add(linkTTL)); err != nil {
		return "", err
	}
	return s.cfg.PublicURL + "/connexion/lien?t=" + url.QueryEscape(token), nil
}

// digest is what the rate limits keep of an address: its SHA-256, in hexadecimal.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// clientIP is the network address a request came from (the proxy's, behind one).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
