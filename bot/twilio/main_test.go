package twilio

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"stagebot/bot"
	"stagebot/bot/render"
	"stagebot/bot/twilio/twiliotest"
	"stagebot/conversation"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Test credentials: letters and digits only, or twilio-go refuses them before any request.
const (
	testSID    = "AC0123456789abcdef0123456789abcdef"
	testToken  = "0123456789abcdef0123456789abcdef"
	testFrom   = "+33757000000"
	testPublic = "https://stagebot.example.org"
	student    = "+33612345678"
)

// env is an adapter on a fresh database, sending to a fake Twilio.
type env struct {
	a        *Adapter
	st       *store.Store
	fake     *twiliotest.Server
	renderer *render.Renderer

	mu       sync.Mutex
	outcomes []string // "route outcome", in order
}

// newEnv builds an adapter on a new database with the test configuration, changed by edit if set.
func newEnv(t *testing.T, edit func(*Config)) *env {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st := storetest.New(t)
	fake := twiliotest.NewServer(t, testSID, testToken)
	cfg := Config{AccountSID: testSID, AuthToken: testToken, From: testFrom, WhatsAppFrom: "+33757000001",
		APIBaseURL: fake.URL(), PublicURL: testPublic}
	if edit != nil {
		edit(&cfg)
	}
	inbox := bot.NewInbox(st, conversation.New(cat, conversation.Config{}), bot.InboxConfig{}, log)
	renderer := render.NewRenderer(cat)
	a, err := New(cfg, inbox, inbox, log)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{a: a, st: st, fake: fake, renderer: renderer}
	a.OnWebhook(func(route, outcome string) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.outcomes = append(e.outcomes, route+" "+outcome)
	})
	return e
}

// serve runs one request through h.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// lastOutcome is the outcome reported for the last webhook request.
func (e *env) lastOutcome() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.outcomes) == 0 {
		return ""
	}
	return e.outcomes[len(e.outcomes)-1]
}

func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.st.DB().GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}
