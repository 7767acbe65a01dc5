// Package demo is the demo's page: three phones side by side — the student, their parent, the host
// they applied to — on the real engine. What is typed on a phone goes to the workflow as its
// channel's adapter would send it; what the engine queues leaves through the real sender, whose
// transports deliver to the page's phones. A control moves the demo's one clock (a day, a week, to
// the eve of the stage) with the jobs running on the way, so the reminders are seen happening;
// another starts again from the seed. It is served by `stagebot demo`, on this machine only, and
// never by `serve`.
package demo

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"stagebot/bot"
	"stagebot/bot/render"
	"stagebot/bot/sender"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/scheduler"
	"stagebot/store"
)

//go:embed templates/*.html
var templates embed.FS

// Config is what the page runs on.
type Config struct {
	Store   *store.Store
	Inbox   *bot.Inbox
	Catalog *locales.Catalog
	// Clock is the demo's one clock, the one the inbox and everything else read: the page moves it.
	Clock *clock.Shifted
	// Reset puts the database back to its seed ("start again").
	Reset func(ctx context.Context) error
	// SchoolLink, when set, makes a sign-in link to the demo collège's page (the fourth pane).
	SchoolLink func(ctx context.Context) (string, error)
	Log        *slog.Logger
}

// Page is the demo's page and the engine's driver: one action at a time.
type Page struct {
	cfg    Config
	hours  *calendar.Hours
	sender *sender.Sender
	jobs   scheduler.Jobs
	phones *phones
	render *render.Renderer
	page   *template.Template
	token  string // every form carries it: a page of another site cannot post to the demo

	mu  sync.Mutex // one action at a time
	seq int        // inbound messages typed, for their provider ids
}

// students are the demo student's phones, one per channel.
var students = map[domain.Channel]string{
	domain.SMS:      "+33639985555",
	domain.Telegram: "700000001",
	domain.WhatsApp: "+33639985557",
}

// New builds the page on the demo's engine.
func New(cfg Config) (*Page, error) {
	if cfg.Store == nil || cfg.Inbox == nil || cfg.Catalog == nil || cfg.Clock == nil {
		return nil, errors.New("demo: store, inbox, catalog and clock are needed")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	hours, err := calendar.SendingHours()
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	p := &Page{cfg: cfg, hours: hours, phones: newPhones(cfg.Clock), render: render.NewRenderer(cfg.Catalog)}
	transports := []sender.Transport{p.phones.transport(domain.SMS), p.phones.transport(domain.Telegram),
		p.phones.transport(domain.WhatsApp)}
	p.sender = sender.New(cfg.Store, transports, p.render, cfg.Inbox,
		sender.Config{Clock: cfg.Clock, Hours: hours, Unlimited: true, ChatGap: time.Nanosecond}, nil, cfg.Log)
	p.jobs = scheduler.Jobs{Store: cfg.Store, Workflow: cfg.Inbox, Clock: cfg.Clock, Hours: hours}
	token := make([]byte, 16)
	if _, err := rand.Read(token); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	p.token = hex.EncodeToString(token)
	p.page, err = template.ParseFS(templates, "templates/phones.html")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return p, nil
}

// Routes adds the page's routes to mux, each for this machine only.
func (p *Page) Routes(mux *http.ServeMux) {
	mux.Handle("GET /essai", p.local(p.show))
	mux.Handle("POST /essai/message", p.local(p.message))
	mux.Handle("POST /essai/horloge", p.local(p.moveClock))
	mux.Handle("POST /essai/recommencer", p.local(p.restart))
	mux.Handle("GET /essai/college", p.local(p.school))
}

// local serves requests addressed to this machine by name (a page elsewhere cannot reach the demo by
// rebinding a name of its own to 127.0.0.1), and forms that carry the page's token.
func (p *Page) local(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if host != "127.0.0.1" && host != "localhost" && host != "::1" && host != "[::1]" {
			http.Error(w, "the demo answers on this machine only", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
			if err := r.ParseForm(); err != nil || r.PostForm.Get("jeton") != p.token {
				http.Error(w, "this form is not the demo page's: reload the page", http.StatusForbidden)
				return
			}
		}
		if err := h(w, r); err != nil {
			p.cfg.Log.Error("demo", "path", r.URL.Path, "error", err)
			http.Error(w, "the demo failed: "+err.Error(), http.StatusInternalServerError)
		}
	})
}

// back sends the browser back to the page, on the same phones.
func back(w http.ResponseWriter, r *http.Request, v view) {
	http.Redirect(w, r, v.Query()+"#"+r.PostForm.Get("qui"), http.StatusSeeOther)
}

// flush sends everything the sender may send now, as the real sender would by itself.
func (p *Page) flush(ctx context.Context) error {
	if _, err := p.sender.Drain(ctx); err != nil {
		return fmt.Errorf("demo: send: %w", err)
	}
	return nil
}
