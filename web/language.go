package web

import (
	"net/http"
	"strings"
)

// language switches the pages between French and English, and goes back to the page the person was
// on (only a page of this site).
func (s *Server) language(q *request) error {
	lang := q.r.URL.Query().Get("l")
	if lang != "en" {
		lang = "fr"
	}
	http.SetCookie(q.w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	next := q.r.URL.Query().Get("suite")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		next = "/"
	}
	q.redirect(next)
	return nil
}
