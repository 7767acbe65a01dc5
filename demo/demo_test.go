package demo_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stagebot/bot"
	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/demo"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/storetest"
	"stagebot/web/browsertest"
)

var screenshots = flag.Bool("screenshots", false, "write the page's screenshots to docs/demo")

func TestMain(m *testing.M) { storetest.Main(m) }

// seedDay is when the demo's world is seeded and its clock starts: a Sunday morning in Paris, so the
// parent's request waits for Monday's sending hours. Nothing compares it with the day the test runs.
func seedDay() time.Time { return time.Date(2026, 11, 29, 10, 0, 0, 0, calendar.Paris()) }

func seed(ctx context.Context, s *store.Store) error {
	_, err := catalog.SeedDemoWorld(ctx, s, seedDay())
	return err
}

// trial is the demo's page on its own database and clock, in a browser.
type trial struct {
	t     *testing.T
	ctx   context.Context
	base  string
	store *store.Store
}

func newTrial(t *testing.T) *trial {
	s := storetest.NewFrom(t, "demo-page", seed)
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewShifted(clock.NewManual(seedDay()))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	inbox := bot.NewInbox(s, conversation.New(cat, conversation.Config{}), bot.InboxConfig{Clock: clk}, log)
	page, err := demo.New(demo.Config{Store: s, Inbox: inbox, Catalog: cat, Clock: clk, Log: log,
		Reset: func(ctx context.Context) error {
			if err := s.Wipe(ctx); err != nil {
				return err
			}
			return seed(ctx, s)
		}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	page.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &trial{t: t, ctx: browsertest.Start(t, 1500, 1100), base: srv.URL, store: s}
}

func (tr *trial) open(query string) {
	tr.t.Helper()
	browsertest.Do(tr.t, tr.ctx, chromedp.Navigate(tr.base+"/essai?"+query), chromedp.WaitVisible(chromedp.CSS("#eleve")))
}

// say types text on who's phone (eleve, parent, hote) and sends it.
func (tr *trial) say(who, text string) {
	tr.t.Helper()
	browsertest.Do(tr.t, tr.ctx, chromedp.SendKeys(chromedp.CSS("#texte-"+who), text))
	browsertest.Submit(tr.t, tr.ctx, "#envoyer-"+who)
}

// tap taps the last button labelled label on who's phone (Telegram).
func (tr *trial) tap(who, label string) {
	tr.t.Helper()
	browsertest.Click(tr.t, tr.ctx, chromedp.Search(`(//section[@id='`+who+`']//button[normalize-space()="`+label+`"])[last()]`))
}

// sees checks that who's phone shows each of want.
func (tr *trial) sees(who string, want ...string) {
	tr.t.Helper()
	got := browsertest.Text(tr.t, tr.ctx, chromedp.CSS("#"+who))
	for _, w := range want {
		if !strings.Contains(got, w) {
			tr.t.Fatalf("%s's phone does not show %q:\n%s", who, w, got)
		}
	}
}

// ref is the reference of the request on the host's phone.
func (tr *trial) ref() string {
	tr.t.Helper()
	m := regexp.MustCompile(`Demande de stage \(réf\. (\d+)\)`).FindStringSubmatch(browsertest.Text(tr.t, tr.ctx, chromedp.CSS("#hote")))
	if m == nil {
		tr.t.Fatal("no request on the host's phone")
	}
	return m[1]
}

func (tr *trial) shoot(name string) {
	tr.t.Helper()
	if !*screenshots {
		return
	}
	c, cancel := context.WithTimeout(tr.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		tr.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "demo", name+".png"), png, 0o644); err != nil {
		tr.t.Fatal(err)
	}
}

// The whole three-party story on the page, the student on SMS: sign-up, search, apply; the parent's
// request held for Monday's sending hours, released by moving the clock; the parent's OUI; the
// host's question, the student's answer, the acceptance; CONFIRMER; then the clock moved to the
// eve of the stage, with the reminders on the way.
func TestThreePhonesSMS(t *testing.T) {
	tr := newTrial(t)
	tr.open("canal=sms")
	tr.sees("parent", "apparaît quand l'élève a donné son numéro")
	for _, line := range []string{"Bonjour", "Nora", "K", "Georges Clemenceau", "2", "18/01", "04/2012", "06 12 34 56 78", "1", "1"} {
		tr.say("eleve", line)
	}
	tr.sees("eleve", "C'est fait, Nora !", "SMS · GSM-7")
	tr.sees("parent", "06 12 34 56 78", "Etes-vous d'accord", "part le lundi 30 novembre, 08:30")
	tr.say("eleve", "musee")
	tr.say("eleve", "1")
	tr.say("eleve", "1")
	tr.say("eleve", "Je voudrais découvrir comment on accueille les visiteurs.")
	tr.sees("eleve", "Ta candidature part chez Bibliothèque Adèle-Rouvier dès que ton parent dit oui")
	tr.sees("hote", "Bibliothèque Adèle-Rouvier")

	browsertest.Submit(t, tr.ctx, "#jour")
	if got := browsertest.Text(t, tr.ctx, chromedp.CSS("#horloge")); !strings.Contains(got, "lundi 30 novembre, 10:00") {
		t.Fatalf("the clock reads %q", got)
	}
	page := browsertest.Text(t, tr.ctx, chromedp.CSS("#parent"))
	if strings.Contains(page, "part le") {
		t.Fatalf("the parent's request is still held: %s", page)
	}
	tr.say("parent", "OUI")
	tr.sees("parent", "La candidature de Nora K. est envoyée à Bibliothèque Adèle-Rouvier")
	tr.sees("hote", "Je voudrais découvrir")
	ref := tr.ref()
	tr.say("hote", ref+" Bonjour Nora, as-tu déjà visité un musée ?")
	tr.sees("eleve", "Question de Bibliothèque Adèle-Rouvier")
	tr.say("eleve", "Oui, le Louvre avec ma classe.")
	tr.sees("hote", "Réponse de Nora K. (réf. "+ref+")")
	tr.say("hote", "OUI "+ref)
	tr.sees("eleve", "t'accepte")
	tr.sees("parent", "accepte Nora K.")
	tr.say("eleve", "CONFIRMER")
	tr.sees("eleve", "C'est confirmé")
	tr.sees("hote", "Nora K. a confirmé")
	tr.shoot("three-phones-sms")

	browsertest.Submit(t, tr.ctx, "#stage")
	if got := browsertest.Text(t, tr.ctx, chromedp.CSS("#horloge")); !strings.Contains(got, "dimanche 17 janvier, 10:00") {
		t.Fatalf("the clock reads %q", got)
	}
	tr.sees("eleve", "demain")
	tr.shoot("three-phones-stage-eve")

	// Start again: the seed, the clock on time, the phones empty.
	browsertest.Submit(t, tr.ctx, "#recommencer")
	tr.sees("parent", "apparaît quand")
	if got := browsertest.Text(t, tr.ctx, chromedp.CSS("#eleve")); strings.Contains(got, "Nora") {
		t.Fatalf("the student's phone kept the story: %s", got)
	}
}

// The same story with the student on Telegram, tapping the buttons (the collège's week, the parent's
// language, the summary, the first result, Postuler); the reminders up to the eve of the stage.
func TestThreePhonesTelegram(t *testing.T) {
	tr := newTrial(t)
	tr.open("canal=telegram")
	tr.say("eleve", "/start")
	tr.say("eleve", "Maëlle")
	tr.say("eleve", "R")
	tr.say("eleve", "Voltaire")
	tr.tap("eleve", "Oui")
	tr.say("eleve", "05/2012")
	tr.say("eleve", "06 12 34 88 01")
	tr.tap("eleve", "Français")
	tr.tap("eleve", "C'est bon")
	tr.sees("eleve", "C'est fait, Maëlle !")
	tr.say("eleve", "musee")
	browsertest.Click(t, tr.ctx, chromedp.Search(`((//section[@id='eleve']//div[@class='keys'])[last()]//button)[1]`))
	tr.tap("eleve", "Postuler")
	tr.say("eleve", "J'aime raconter l'histoire des œuvres.")
	tr.sees("eleve", "C'est noté ! Ta candidature part chez")
	browsertest.Submit(t, tr.ctx, "#jour")
	tr.say("parent", "OUI")
	tr.sees("hote", "J'aime raconter")
	tr.say("hote", "OUI "+tr.ref())
	tr.sees("eleve", "t'accepte")
	tr.say("eleve", "CONFIRMER")
	tr.sees("eleve", "C'est confirmé")
	tr.sees("hote", "Maelle R. a confirmé") // folded to GSM-7 on the host's SMS
	tr.shoot("three-phones-telegram")
	browsertest.Submit(t, tr.ctx, "#stage")
	tr.sees("eleve", "demain")
}

// Another site cannot drive the demo: a form without the page's token is refused, and so is a
// request that reaches it under another name than this machine's.
func TestDemoRefusesOthers(t *testing.T) {
	tr := newTrial(t)
	resp, err := http.PostForm(tr.base+"/essai/message", url.Values{"qui": {"eleve"}, "texte": {"Bonjour"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a form without the token: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, tr.base+"/essai", nil)
	req.Host = "attacker.example"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("another host name: %d", resp.StatusCode)
	}
}
