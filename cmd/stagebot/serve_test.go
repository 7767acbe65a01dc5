package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"stagebot/bot/telegram/telegramtest"
	"stagebot/bot/twilio/twiliotest"
	"stagebot/catalog"
	"stagebot/clock"
	"stagebot/store"
	"stagebot/store/localpg"
	"stagebot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const (
	tgToken     = "123456:TEST-token"
	tgSecret    = "webhook-secret-for-tests"
	twSID       = "AC00000000000000000000000000000001"
	twToken     = "secret0token"
	publicURL   = "https://stagebot.example.org"
	twilioFrom  = "+33757000000"
	studentSMS  = "+33698765432"
	studentChat = 424242
)

// rig is a whole service (`stagebot serve`) on a test database, with the Telegram and Twilio fakes
// as its providers, reached over HTTP like the real ones.
type rig struct {
	t       *testing.T
	st      *store.Store
	svc     *service
	web     *httptest.Server
	tg      *telegramtest.Server
	tw      *twiliotest.Server
	update  int
	pressed int
	sms     int
	seenTG  int
	seenTW  int
}

func demoCatalog(ctx context.Context, s *store.Store) error {
	if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
		return err
	}
	_, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: newStoryClock().Now()})
	return err
}

func newRig(t *testing.T, st *store.Store) *rig {
	t.Helper()
	// A clock of its own, in the daytime: messages nobody asked for wait for the sending hours (08:30
	// to 19:30), and the tests must not depend on when they run.
	return newRigWithClock(t, st, newStoryClock())
}

// newRigWithClock is newRig with a clock of the test's.
func newRigWithClock(t *testing.T, st *store.Store, clk clock.Clock) *rig {
	t.Helper()
	r := &rig{t: t, st: st, tg: telegramtest.NewServer(t, tgToken), tw: twiliotest.NewServer(t, twSID, twToken)}
	cfg := config{PublicURL: publicURL, TelegramToken: tgToken, TelegramEndpoint: r.tg.Endpoint(), TelegramSecret: tgSecret,
		TwilioAccountSID: twSID, TwilioAuthToken: twToken, TwilioFrom: twilioFrom, TwilioAPIBaseURL: r.tw.URL(),
		TwilioPerSecond: 100, MaxApplications: 5, ConfirmDays: 7, TelegramChatGap: time.Millisecond,
		random: rand.NewChaCha8([32]byte{})}
	svc, err := newService(context.Background(), cfg, clk, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r.svc = svc
	r.web = httptest.NewServer(svc.handler)
	t.Cleanup(r.web.Close)
	return r
}

// telegram posts one update to the webhook with the right secret and returns the HTTP status.
func (r *rig) telegram(update []byte) int {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.web.URL+"/webhooks/telegram", bytes.NewReader(update))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tgSecret)
	return r.do(req)
}

// say sends a text as the Telegram student and returns the replies the bot sent back.
func (r *rig) say(text string) []telegramtest.SentMessage {
	r.t.Helper()
	r.update++
	if code := r.telegram(telegramtest.TextUpdate(r.update, studentChat, text)); code != http.StatusOK {
		r.t.Fatalf("telegram %q: HTTP %d", text, code)
	}
	return r.telegramReplies()
}

// press presses the button of the last reply whose text contains label.
func (r *rig) press(replies []telegramtest.SentMessage, label string) []telegramtest.SentMessage {
	r.t.Helper()
	for i := len(replies) - 1; i >= 0; i-- {
		for _, row := range replies[i].Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, label) {
					r.update++
					r.pressed++
					if code := r.telegram(telegramtest.CallbackUpdate(r.update, studentChat, b.CallbackData)); code != http.StatusOK {
						r.t.Fatalf("press %q: HTTP %d", label, code)
					}
					return r.telegramReplies()
				}
			}
		}
	}
	r.t.Fatalf("no button %q in %s", label, texts(replies))
	return nil
}

// deliver runs the sender until the outbox is empty.
func (r *rig) deliver() {
	r.t.Helper()
	for range 50 {
		n, err := r.svc.sender.SendDue(context.Background())
		if err != nil {
			r.t.Fatal(err)
		}
		if n == 0 {
			var pending int
			// A message nobody asked for that SendDue left may wait for the sending hours: only replies
			// must all be gone.
			if err := r.st.DB().Get(&pending, `SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')
				AND NOT proactive`); err != nil {
				r.t.Fatal(err)
			}
			if pending == 0 {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	r.t.Fatal("outbox does not drain")
}

func (r *rig) telegramReplies() []telegramtest.SentMessage {
	r.deliver()
	sent := r.tg.Sent()
	out := sent[r.seenTG:]
	r.seenTG = len(sent)
	return out
}

// text sends an SMS as the student through the signed Twilio webhook and returns the SMS replies.
func (r *rig) text(body string) []twiliotest.Message {
	r.t.Helper()
	r.sms++
	sid := fmt.Sprintf("SM%032d", r.sms)
	if code := r.twilio(twiliotest.InboundParams(sid, studentSMS, twilioFrom, body), ""); code != http.StatusOK {
		r.t.Fatalf("sms %q: HTTP %d", body, code)
	}
	r.deliver()
	sent := r.tw.Sent()
	out := sent[r.seenTW:]
	r.seenTW = len(sent)
	return out
}

// twilio posts signed (or, with a forged signature, not) parameters to the inbound SMS webhook.
func (r *rig) twilio(params url.Values, forgedSignature string) int {
	r.t.Helper()
	req := twiliotest.NewInboundRequest(twToken, publicURL, "/webhooks/twilio", params)
	target, _ := url.Parse(r.web.URL)
	req.URL.Scheme, req.URL.Host, req.Host, req.RequestURI = target.Scheme, target.Host, target.Host, ""
	if forgedSignature != "" {
		req.Header.Set("X-Twilio-Signature", forgedSignature)
	}
	return r.do(req)
}

func (r *rig) do(req *http.Request) int {
	r.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (r *rig) count(query string) int {
	r.t.Helper()
	var n int
	if err := r.st.DB().Get(&n, query); err != nil {
		r.t.Fatal(err)
	}
	return n
}

func texts(ms []telegramtest.SentMessage) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Text + "\n---\n")
	}
	return b.String()
}

func expect(t *testing.T, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("the bot said:\n%s\nwant it to contain %q", got, want)
	}
}

// A student signs up, searches, applies and withdraws over the Telegram webhook, typing and
// pressing buttons; every button press is answered.
func TestStudentJourneyOverTelegramWebhooks(t *testing.T) {
	r := newRig(t, storetest.NewFrom(t, "demo", demoCatalog))
	replies := r.say("/start")
	expect(t, texts(replies), "stagebot")
	expect(t, texts(replies), "prénom")
	expect(t, texts(r.say("Léa")), "initiale")
	expect(t, texts(r.say("M")), "collège")
	replies = r.say("0751793S")
	expect(t, texts(replies), "Maurice Utrillo")
	replies = r.press(replies, "Oui")
	expect(t, texts(replies), "naissance")
	expect(t, texts(r.say("03/2012")), "portable")
	replies = r.say("06 12 34 56 78")
	expect(t, texts(replies), "langue")
	replies = r.press(replies, "Français")
	expect(t, texts(replies), "06 xx xx xx 78")
	replies = r.press(replies, "C'est bon")
	expect(t, texts(replies), "C'est fait, Léa")
	replies = r.say("musée")
	expect(t, texts(replies), "offres (musée)")
	replies = r.press(replies, "1.")
	expect(t, texts(replies), "postuler avant le")
	replies = r.press(replies, "Détails")
	expect(t, texts(replies), "Adresse")
	r.press(replies, "Postuler")
	replies = r.say("J'aimerais découvrir les métiers d'un musée.")
	expect(t, texts(replies), "C'est noté")
	replies = r.say("menu")
	replies = r.press(replies, "Mes candidatures")
	expect(t, texts(replies), "en attente de l'accord de ton parent")
	replies = r.press(replies, "1.")
	replies = r.press(replies, "Retirer")
	replies = r.press(replies, "Oui, retirer")
	expect(t, texts(replies), "retirée")

	if got, want := len(r.tg.CallbackAnswers()), r.pressed; got != want {
		t.Errorf("%d callback queries answered, want %d (one per button pressed)", got, want)
	}
	if n := r.count(`SELECT count(*) FROM applications WHERE state = 'withdrawn'`); n != 1 {
		t.Errorf("%d withdrawn applications, want 1", n)
	}
	// A repeated delivery of an update already handled: 200, nothing done twice.
	before := r.count(`SELECT count(*) FROM outbox`)
	if code := r.telegram(telegramtest.TextUpdate(r.update, studentChat, "Supprimer")); code != http.StatusOK {
		t.Fatalf("replayed update: HTTP %d", code)
	}
	if after := r.count(`SELECT count(*) FROM outbox`); after != before {
		t.Errorf("a replayed update queued %d replies", after-before)
	}
}

// The same journey by SMS through signed Twilio webhooks, answering with the menu numbers.
func TestStudentJourneyOverSignedTwilioWebhooks(t *testing.T) {
	r := newRig(t, storetest.NewFrom(t, "demo", demoCatalog))
	say := func(body, want string) string {
		t.Helper()
		replies := r.text(body)
		var b strings.Builder
		for _, m := range replies {
			if m.To == "+33781234567" { // the parent, asked to agree once the student signed up
				expect(t, m.Body, "Sam M. (Voltaire)")
				continue
			}
			if m.To != studentSMS || m.From != twilioFrom {
				t.Fatalf("reply from %s to %s", m.From, m.To)
			}
			if m.StatusCallback != publicURL+"/webhooks/twilio/status" {
				t.Fatalf("status callback %q", m.StatusCallback)
			}
			b.WriteString(m.Body + "\n---\n")
		}
		expect(t, b.String(), want)
		return b.String()
	}
	say("Hello", "first name")
	say("Sam", "initial")
	say("M", "collège")
	say("Voltaire", "Voltaire")
	say("1", "date of birth")
	say("07/2012", "mobile number")
	say("07 81 23 45 67", "Which language")
	say("1", "07 xx xx xx 67 (French)")
	say("1", "Done, Sam")
	say("jardin", "offers (jardin)")
	say("1", "6 Back\n0 Menu")
	say("2", "Address")
	say("1", "Why do you like this internship")
	say("I like plants.", "Noted!")
	say("menu", "4 Help")
	say("2", "waiting for your parent's agreement")
	say("1", "Withdraw my application")
	say("Withdraw my application", "really want to withdraw")
	say("1", "withdrawn")

	// A forged signature and a replayed MessageSid change nothing.
	before := r.count(`SELECT count(*) FROM inbound_messages`)
	if code := r.twilio(twiliotest.InboundParams("SMforged", studentSMS, twilioFrom, "SUPPRIMER"), "bm90IGEgc2lnbmF0dXJl"); code != http.StatusForbidden {
		t.Errorf("forged signature: HTTP %d, want 403", code)
	}
	if code := r.twilio(twiliotest.InboundParams(fmt.Sprintf("SM%032d", r.sms), studentSMS, twilioFrom, "SUPPRIMER"), ""); code != http.StatusOK {
		t.Errorf("replayed MessageSid: HTTP %d, want 200", code)
	}
	if after := r.count(`SELECT count(*) FROM inbound_messages`); after != before {
		t.Errorf("forged or replayed requests recorded %d messages", after-before)
	}
	if n := r.count(`SELECT count(*) FROM students`); n != 1 {
		t.Errorf("%d students, want 1 (the replayed SUPPRIMER must not erase)", n)
	}
}

// Postgres goes away under a running service: webhooks answer 503 so the provider retries, the
// service is not ready, and once the database is back the retried update is handled, nothing lost.
func TestDatabaseOutageAnswers503ThenRecovers(t *testing.T) {
	ctx := context.Background()
	cluster, err := localpg.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cluster.Stop() })
	st, err := store.Open(ctx, cluster.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, st)
	expect(t, texts(r.say("Bonjour")), "stagebot")

	cluster.Halt()
	r.update++
	update := telegramtest.TextUpdate(r.update, studentChat, "1")
	if code := r.telegram(update); code != http.StatusServiceUnavailable {
		t.Fatalf("webhook with the database down: HTTP %d, want 503", code)
	}
	resp, err := http.Get(r.web.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database down: %d, want 503", resp.StatusCode)
	}

	if err := cluster.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if code := r.telegram(update); code != http.StatusOK { // Telegram delivers it again
		t.Fatalf("retried update after recovery: HTTP %d", code)
	}
	expect(t, texts(r.telegramReplies()), "prénom")
	if n := r.count(`SELECT count(*) FROM inbound_messages`); n != 2 {
		t.Errorf("%d inbound messages, want 2", n)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	r := newRig(t, storetest.New(t))
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "go_goroutines"} {
		resp, err := http.Get(r.web.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, truncate(string(body)))
		}
	}
	req, _ := http.NewRequest(http.MethodPost, r.web.URL+"/webhooks/telegram", strings.NewReader("{}"))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "wrong")
	if code := r.do(req); code != http.StatusForbidden {
		t.Errorf("wrong secret: %d, want 403", code)
	}
	resp, err := http.Get(r.web.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `stagebot_webhook_requests_total{outcome="rejected_secret",route="telegram"} 1`) {
		t.Errorf("the rejection is not counted:\n%s", truncate(string(body)))
	}
}

func truncate(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// A parent's number that cannot be reached does not block the student: they are asked for
// another one, and the new number's owner is asked to agree.
func TestUnreachableParentIsReplaced(t *testing.T) {
	r := newRig(t, storetest.NewFrom(t, "demo", demoCatalog))
	for _, text := range []string{"Bonjour", "Léa", "M", "Voltaire", "1", "03/2012", "06 12 34 56 78", "1"} {
		r.text(text)
	}
	r.tw.FailNextTo("+33612345678", twiliotest.InvalidNumber) // the consent request
	var got strings.Builder
	for _, m := range r.text("1") {
		got.WriteString(m.To + ": " + m.Body + "\n")
	}
	expect(t, got.String(), "n'arrivons pas à joindre ton parent au 06 xx xx xx 78")
	expect(t, strings.Join(bodies(r.text("06 12 34 56 78")), "\n"), "meme numéro")
	expect(t, strings.Join(bodies(r.text("07 81 23 45 67")), "\n"), "langue")
	replies := r.text("1")
	expect(t, strings.Join(bodies(replies), "\n"), "07 xx xx xx 67")
	var toNewParent bool
	for _, m := range replies {
		if m.To == "+33781234567" && strings.Contains(m.Body, "Léa M.") {
			toNewParent = true
		}
	}
	if !toNewParent {
		t.Errorf("the new number was not asked to agree: %v", bodies(replies))
	}
	if n := r.count(`SELECT count(*) FROM parents WHERE phone = '+33612345678'`); n != 0 {
		t.Errorf("the unreachable number is still kept as a parent")
	}
}

func bodies(ms []twiliotest.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.To + ": " + m.Body
	}
	return out
}

// serve runs until stopped: it answers on its address, registers the Telegram webhook with its
// secret and both command menus, and returns cleanly when its context ends.
func TestServeRunsAndStops(t *testing.T) {
	r := newRig(t, storetest.New(t))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r.svc.cfg.HTTPAddr = addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.svc.run(ctx) }()
	var resp *http.Response
	for range 100 {
		if resp, err = http.Get("http://" + addr + "/healthz"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("serve does not answer: %v", err)
	}
	resp.Body.Close()
	if url, secret := r.tg.Webhook(); url != publicURL+"/webhooks/telegram" || secret != tgSecret {
		t.Errorf("webhook registered as %q with secret %q", url, secret)
	}
	if menus := r.tg.Commands(); len(menus[""]) == 0 || len(menus["en"]) == 0 {
		t.Errorf("command menus: %v", menus)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}
