package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"stagebot/bot"
	"strconv"
	"time"

	"stagebot/store"
)

// access is who may open a route.
type access int

const (
	anyone       access = iota // signed in or not
	signedIn                   // any member of staff or official
	schoolStaff                // the staff of the collège in the path ({uai})
	cityOfficial               // a City official
)

// Cookie names. The session cookie holds a random token whose hash is the session's key.
const (
	sessionCookie = "stagebot_session"
	csrfCookie    = "stagebot_csrf" // before signing in: the token the sign-in forms carry
	langCookie    = "stagebot_lang"
)

// Limits of what a request may send.
const (
	maxForm   = 64 << 10 // a form without a file
	maxUpload = 2 << 20  // a class list
)

// request is one request being served: who asks, in which language, with which form token.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	session *store.Session // nil when not signed in
	lang    string
	csrf    string
	uai     string // the collège in the path, once its staff is checked
}

// handle wraps a page or an action: security headers, the language, the session, the CSRF check of
// every form, and the access the route needs. A collège's route answers "not found" to anyone but
// its staff, so that another collège's id tells nothing.
func (s *Server) handle(need access, fn func(*request) error) http.Handler {
	return s.serve(need, maxForm, fn)
}

// upload is handle for a form that sends a file (up to maxUpload).
func (s *Server) upload(need access, fn func(*request) error) http.Handler {
	return s.serve(need, maxUpload, fn)
}

func (s *Server) serve(need access, limit int64, fn func(*request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		ancestors := "'none'"
		if s.cfg.FramedBySelf {
			ancestors = "'self'"
		}
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors "+ancestors+"; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		q := &request{w: w, r: r, lang: s.languageOf(r)}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, err := s.store.SessionByToken(r.Context(), bot.HashToken(c.Value), s.now())
			switch {
			case err == nil:
				q.session = &sess
				q.csrf = sess.CSRF
			case !errors.Is(err, store.ErrNotFound):
				s.fail(q, err)
				return
			}
		}
		if q.session == nil {
			q.csrf = s.anonymousToken(q)
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if err := r.ParseMultipartForm(limit); err != nil && !errors.Is(err, http.ErrNotMultipart) {
				s.refuse(q, http.StatusRequestEntityTooLarge, "web_error_too_large")
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(q.csrf)) != 1 || q.csrf == "" {
				s.refuse(q, http.StatusForbidden, "web_error_csrf")
				return
			}
		}
		switch need {
		case signedIn, schoolStaff, cityOfficial:
			if q.session == nil {
				if r.Method == http.MethodGet {
					http.Redirect(w, r, "/connexion", http.StatusSeeOther)
					return
				}
				s.refuse(q, http.StatusForbidden, "web_error_signed_out")
				return
			}
		}
		switch need {
		case schoolStaff:
			uai := r.PathValue("uai")
			if !q.session.Staff.SchoolStaff() || !q.session.Staff.WorksIn(uai) {
				s.notFound(q)
				return
			}
			q.uai = uai
		case cityOfficial:
			if q.session.Staff.Role != store.RoleCity {
				s.notFound(q)
				return
			}
		}
		if err := fn(q); err != nil {
			if errors.Is(err, errNotFound) || errors.Is(err, store.ErrNotFound) {
				s.notFound(q)
				return
			}
			s.fail(q, err)
		}
	})
}

// anonymousToken is the form token of someone not signed in: a random value kept in a cookie, which
// the form must carry back (double submit).
func (s *Server) anonymousToken(q *request) string {
	if c, err := q.r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	token := newToken()
	http.SetCookie(q.w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteStrictMode})
	return token
}

// signIn opens a session for a member of staff: a new random token in a cookie, its hash in the
// database, valid sessionHours.
func (s *Server) signIn(q *request, staffID int64) error {
	token := newToken()
	now := s.now()
	if err := s.store.CreateSession(q.r.Context(), staffID, bot.HashToken(token), newToken(), now,
		now.Add(sessionHours*time.Hour)); err != nil {
		return err
	}
	http.SetCookie(q.w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteLaxMode, MaxAge: sessionHours * 3600})
	return nil
}

// sessionHours is how long a session lasts: a working day.
const sessionHours = 12

// clearSession drops the session cookie.
func clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// newToken is 32 random bytes, in base64url.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what is kept of a token: its SHA-256.

// audit writes an action of the signed-in person to the audit log.
func (s *Server) audit(q *request, action string, student *int64, detail string) error {
	e := store.AuditEntry{Action: action, StudentID: student, Detail: detail, At: s.now()}
	if q.session != nil {
		e.StaffID = q.session.Staff.ID
	}
	if q.uai != "" {
		uai := q.uai
		e.SchoolUAI = &uai
	}
	return s.store.Audit(q.r.Context(), e)
}

// notFound answers a page that does not exist, or is not the person's.
func (s *Server) notFound(q *request) { s.refuse(q, http.StatusNotFound, "web_error_not_found") }

// refuse answers with a status and a short page saying why.
func (s *Server) refuse(q *request, status int, message string) {
	s.render(q, status, "error", map[string]any{"Message": message})
}

// fail answers a request that could not be served (the database is down…): logged without any
// person's data, the person told to try again.
func (s *Server) fail(q *request, err error) {
	s.log.ErrorContext(q.r.Context(), "web page failed", slog.String("path", q.r.Pattern),
		slog.String("error", err.Error()))
	s.refuse(q, http.StatusInternalServerError, "web_error_failed")
}

// redirect sends the person to path after an action (303: the form is not posted again).
func (q *request) redirect(path string) {
	http.Redirect(q.w, q.r, path, http.StatusSeeOther)
}

// pathID reads a numeric path value; ok is false when it is not one.
func (q *request) pathID(name string) (int64, bool) {
	id, err := strconv.ParseInt(q.r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}
