package web_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stagebot/bot"
	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/storetest"
	"stagebot/web"
	"stagebot/web/browsertest"
	"stagebot/web/mail"
	"stagebot/web/mail/mailtest"
)

var screenshots = flag.Bool("screenshots", false, "write the pages' screenshots to docs/web")

func TestMain(m *testing.M) { storetest.Main(m) }

// seedDay is the day the tests' world is seeded, and the clock starts: a Sunday morning in Paris.
// Nothing compares it with the day the tests run.
func seedDay() time.Time { return time.Date(2026, 11, 29, 10, 0, 0, 0, calendar.Paris()) }

// peopleWorld is the demo's catalog and people: the Paris collèges, the offers, a principal of a
// REP+ collège, a City official, class lists and students at every stage.
func peopleWorld(ctx context.Context, s *store.Store) error {
	_, err := catalog.SeedDemoWorld(ctx, s, seedDay())
	return err
}

// site is the pages served for a test, on their own database, clock and SMTP server.
type site struct {
	t     testing.TB
	store *store.Store
	clock *clock.Manual
	mail  *mailtest.Server
	base  string
	pages *web.Server
}

func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteOn(t, storetest.NewFrom(t, "people", peopleWorld))
}

// newSiteOn serves the pages on a store.
func newSiteOn(t testing.TB, s *store.Store) *site {
	t.Helper()
	clk := clock.NewManual(seedDay().Add(2 * time.Hour))
	smtp := mailtest.Start(t)
	host, port, _ := net.SplitHostPort(smtp.Addr)
	p, _ := strconv.Atoi(port)
	mailer, err := mail.New(mail.Config{Host: host, Port: p, From: "stagebot <noreply@stagebot.example>", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	inbox := bot.NewInbox(s, conversation.New(cat, conversation.Config{}), bot.InboxConfig{Clock: clk, PublicURL: base}, log)
	pages, err := web.New(s, inbox, mailer, cat, web.Config{PublicURL: base, Clock: clk, SMSNumber: "06 39 98 99 99",
		TelegramBot: "stagebot_test_bot"}, log)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	pages.Routes(mux)
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = server.Serve(ln) }()
	t.Cleanup(func() { _ = server.Close() })
	return &site{t: t, store: s, clock: clk, mail: smtp, base: base, pages: pages}
}

// count runs a count query.
func (st *site) count(query string, args ...any) int {
	st.t.Helper()
	var n int
	if err := st.store.DB().Get(&n, query, args...); err != nil {
		st.t.Fatal(err)
	}
	return n
}

// principal is the demo principal's collège.
func (st *site) principalSchool() string {
	st.t.Helper()
	staff, err := st.store.StaffByEmail(context.Background(), catalog.DemoPrincipal)
	if err != nil || len(staff.Schools) != 1 {
		st.t.Fatal(staff, err)
	}
	return staff.Schools[0]
}

var linkIn = regexp.MustCompile(`https?://\S+/connexion/lien\?t=\S+`)

// linkOf is the sign-in link in an e-mail.
func linkOf(t testing.TB, text string) string {
	t.Helper()
	link := linkIn.FindString(text)
	if link == "" {
		t.Fatalf("no sign-in link in %q", text)
	}
	return link
}

// browser is a headless Chromium (Debian's) for the test, its viewport width × height.
func browser(t *testing.T, width, height int) context.Context {
	return browsertest.Start(t, width, height)
}

// do runs browser steps, with a timeout.
func do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browsertest.Do(t, ctx, steps...)
}

// text reads the text of the first element sel selects.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return s
}

// shoot saves a screenshot of the whole page as docs/web/name.png, with -screenshots.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !*screenshots {
		return
	}
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "web", name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// signIn signs a member of staff in through the pages: the sign-in page, the e-mail, the link.
func (st *site) signIn(ctx context.Context, email string) {
	st.t.Helper()
	before := len(st.mail.Messages())
	do(st.t, ctx, chromedp.Navigate(st.base+"/connexion"), chromedp.SendKeys(chromedp.CSS("#email"), email))
	submit(st.t, ctx, "#envoyer")
	msg := st.mail.Wait(st.t, before+1)
	if len(msg.To) != 1 || msg.To[0] != email {
		st.t.Fatalf("the link went to %v", msg.To)
	}
	do(st.t, ctx, chromedp.Navigate(linkOf(st.t, msg.Text)))
	submit(st.t, ctx, "#connexion")
}

// submit clicks a form's button and waits for the page the form leads to.
func submit(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	browsertest.Submit(t, ctx, sel)
}
