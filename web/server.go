package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"stagebot/bot"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/locales"
	"stagebot/store"
)

// Config is what the pages need to know of the deployment.
type Config struct {
	PublicURL   string      // where people reach the pages: the sign-in links in e-mails start with it
	Clock       clock.Clock // the service's one clock (default the system's)
	SMSNumber   string      // the number students text, printed on the invitations ("06 12 34 56 78")
	TelegramBot string      // the bot's username, for the invitations' deep links and QR codes
	SMSPrice    float64     // euros per SMS segment, for the City's costs (default 0.07)
	// FramedBySelf lets a page of the same site show the pages in a frame: the demo's page of phones
	// does, in its fourth pane. Off, no site may frame them.
	FramedBySelf bool
}

// Workflow is what the pages ask of the workflow (bot.Inbox): nudging a collège's stuck students, and
// the agreements (the parties' links, the collège's check and signature, the PDF).
type Workflow interface {
	Nudge(ctx context.Context, p bot.NudgeParams) (int, error)
	AgreementByLink(ctx context.Context, token string) (bot.LinkedAgreement, error)
	LinkCode(ctx context.Context, token string) (conversation.CodeSent, error)
	LinkSign(ctx context.Context, token, code string) (conversation.SignResult, error)
	LinkFill(ctx context.Context, token string, f bot.FillParams) (bot.FillResult, error)
	LinkPDF(ctx context.Context, token string) ([]byte, string, error)
	AgreementPDF(ctx context.Context, a store.Agreement) ([]byte, string, error)
	CheckAgreement(ctx context.Context, id int64, p bot.CheckParams) (store.Agreement, bot.CheckProblem, error)
	SignAsSchool(ctx context.Context, p bot.SchoolSignParams) (int, error)
}

// Mailer sends a plain-text e-mail (package web/mail over SMTP; the demo prints it).
type Mailer interface {
	Send(ctx context.Context, to, subject, text string) error
}

// Server serves the pages.
type Server struct {
	store  *store.Store
	flow   Workflow
	mail   Mailer
	cat    *locales.Catalog
	cfg    Config
	log    *slog.Logger
	pages  map[string]*page
	static http.Handler
}

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// New builds the pages' server. It parses every template at once: a broken one fails here.
func New(s *store.Store, flow Workflow, mail Mailer, cat *locales.Catalog, cfg Config, log *slog.Logger) (*Server, error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.System()
	}
	if cfg.SMSPrice == 0 {
		cfg.SMSPrice = 0.07
	}
	srv := &Server{store: s, flow: flow, mail: mail, cat: cat, cfg: cfg, log: log}
	var err error
	if srv.pages, err = parsePages(); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	srv.static = http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return srv, nil
}

// Routes puts the pages on a mux, beside the webhooks and the health checks.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", cached(s.static))
	mux.Handle("GET /{$}", s.handle(anyone, s.home))
	mux.Handle("GET /langue", s.handle(anyone, s.language))
	mux.Handle("GET /connexion", s.handle(anyone, s.loginShow))
	mux.Handle("POST /connexion", s.handle(anyone, s.loginRequest))
	mux.Handle("GET /connexion/lien", s.handle(anyone, s.linkShow))
	mux.Handle("POST /connexion/lien", s.handle(anyone, s.linkCheck))
	mux.Handle("POST /deconnexion", s.handle(signedIn, s.logout))
	mux.Handle("POST /deconnexion/partout", s.handle(signedIn, s.logoutEverywhere))
	mux.Handle("GET /colleges/{uai}", s.handle(schoolStaff, s.schoolShow))
	mux.Handle("GET /colleges/{uai}/eleves.csv", s.handle(schoolStaff, s.schoolExport))
	mux.Handle("GET /colleges/{uai}/eleves/{id}", s.handle(schoolStaff, s.studentShow))
	mux.Handle("GET /colleges/{uai}/listes", s.handle(schoolStaff, s.rosterShow))
	mux.Handle("POST /colleges/{uai}/listes", s.upload(schoolStaff, s.rosterImport))
	mux.Handle("POST /colleges/{uai}/listes/{entry}", s.handle(schoolStaff, s.matchConfirm))
	mux.Handle("GET /colleges/{uai}/invitations", s.handle(schoolStaff, s.invitationsShow))
	mux.Handle("POST /colleges/{uai}/relances", s.handle(schoolStaff, s.nudgeSend))
	mux.Handle("POST /colleges/{uai}/collegues", s.handle(schoolStaff, s.colleagueInvite))
	mux.Handle("GET /colleges/{uai}/conventions/{id}", s.handle(schoolStaff, s.schoolAgreementShow))
	mux.Handle("GET /colleges/{uai}/conventions/{id}/pdf", s.handle(schoolStaff, s.schoolAgreementPDF))
	mux.Handle("POST /colleges/{uai}/conventions/{id}/verifier", s.handle(schoolStaff, s.schoolAgreementCheck))
	mux.Handle("POST /colleges/{uai}/conventions/signer", s.handle(schoolStaff, s.schoolAgreementsSign))
	mux.Handle("GET /c/{token}", s.handle(anyone, s.agreementShow))
	mux.Handle("POST /c/{token}/code", s.handle(anyone, s.agreementCode))
	mux.Handle("POST /c/{token}/signer", s.handle(anyone, s.agreementSign))
	mux.Handle("POST /c/{token}/remplir", s.handle(anyone, s.agreementFill))
	mux.Handle("POST /c/{token}/pdf", s.handle(anyone, s.agreementPDF))
	mux.Handle("GET /ville", s.handle(cityOfficial, s.cityShow))
	mux.Handle("GET /ville/{table}", s.handle(cityOfficial, s.cityExport))
}

// now reads the service's clock.
func (s *Server) now() time.Time { return s.cfg.Clock.Now() }

// cached serves the static files with a day's cache.
func cached(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

// errNotFound is what a request for something that is not the person's gets: nothing said of why.
var errNotFound = errors.New("web: not found")
