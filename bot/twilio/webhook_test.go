package twilio

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"

	"stagebot/bot/twilio/twiliotest"
	"stagebot/domain"
	"stagebot/store"
)

// The signature of Twilio's documentation, computed by twiliotest.Sign and checked by twilio-go's
// validator, which the webhooks use.
func TestSignaturePublishedVector(t *testing.T) {
	const token, u, want = "12345", "https://mycompany.com/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="
	params := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675309"}, "Digits": {"1234"},
		"From": {"+14158675309"}, "To": {"+18005551212"}}
	if got := twiliotest.Sign(token, u, params); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	flat := map[string]string{}
	for k, v := range params {
		flat[k] = v[0]
	}
	v := client.NewRequestValidator(token)
	if !v.Validate(u, flat, want) {
		t.Error("twilio-go refuses the published signature")
	}
	flat["Digits"] = "1235"
	if v.Validate(u, flat, want) {
		t.Error("twilio-go accepts a changed parameter")
	}
}

func inboundRequest(token, sid, from, body string) *http.Request {
	return twiliotest.NewInboundRequest(token, testPublic, InboundPath, twiliotest.InboundParams(sid, from, testFrom, body))
}

func TestInboundSMS(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if err := e.st.MarkUnreachable(ctx, "sms", student, "twilio:21610", time.Now()); err != nil {
		t.Fatal(err)
	}
	w := serve(e.a.InboundHandler(), inboundRequest(testToken, "SM1", student, "Bonjour"))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/xml" || w.Body.String() != emptyTwiML {
		t.Fatalf("got %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	if got := e.lastOutcome(); got != InboundPath+" accepted" {
		t.Errorf("outcome %q", got)
	}
	if n := e.count(t, `SELECT count(*) FROM inbound_messages WHERE channel = 'sms' AND provider_id = 'SM1'
		AND address = $1 AND body = ''`, student); n != 1 {
		t.Errorf("%d inbound rows (recorded once, without its text)", n)
	}
	replies := e.count(t, `SELECT count(*) FROM outbox WHERE channel = 'sms' AND address = $1`, student)
	if replies == 0 {
		t.Error("no reply queued")
	}
	if unreachable, _, err := e.st.IsUnreachable(ctx, "sms", student); err != nil || unreachable {
		t.Errorf("still unreachable after writing (%v)", err)
	}

	// Twilio delivers the same message again.
	w = serve(e.a.InboundHandler(), inboundRequest(testToken, "SM1", student, "Bonjour"))
	if w.Code != http.StatusOK || w.Body.String() != emptyTwiML {
		t.Fatalf("repeat: got %d %q", w.Code, w.Body)
	}
	if got := e.lastOutcome(); got != InboundPath+" duplicate" {
		t.Errorf("repeat outcome %q", got)
	}
	if n := e.count(t, `SELECT count(*) FROM inbound_messages`); n != 1 {
		t.Errorf("%d inbound rows after a repeat", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox`); n != replies {
		t.Errorf("repeat queued %d more replies", n-replies)
	}
}

func TestInboundWhatsAppAndMedia(t *testing.T) {
	e := newEnv(t, nil)
	params := twiliotest.InboundParams("SM2", "whatsapp:"+student, "whatsapp:+33757000001", "Bonjour")
	w := serve(e.a.InboundHandler(), twiliotest.NewInboundRequest(testToken, testPublic, InboundPath, params))
	if w.Code != http.StatusOK {
		t.Fatalf("got %d", w.Code)
	}
	if n := e.count(t, `SELECT count(*) FROM inbound_messages WHERE channel = 'whatsapp' AND address = $1`, student); n != 1 {
		t.Errorf("%d whatsapp rows with the bare number", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox WHERE channel = 'whatsapp' AND address = $1`, student); n == 0 {
		t.Error("no whatsapp reply queued")
	}

	media := twiliotest.InboundParams("SM3", student, testFrom, "")
	media.Set("NumMedia", "1")
	media.Set("MediaContentType0", "image/jpeg")
	media.Set("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/"+testSID+"/Messages/SM3/Media/ME1")
	w = serve(e.a.InboundHandler(), twiliotest.NewInboundRequest(testToken, testPublic, InboundPath, media))
	if w.Code != http.StatusOK {
		t.Fatalf("media: got %d", w.Code)
	}
	if n := e.count(t, `SELECT count(*) FROM inbound_messages WHERE provider_id = 'SM3' AND body = ''`); n != 1 {
		t.Errorf("%d media rows", n)
	}
}

func TestInboundFrom(t *testing.T) {
	form := func(edit func(url.Values)) url.Values {
		p := twiliotest.InboundParams("SM9", student, testFrom, "Salut")
		if edit != nil {
			edit(p)
		}
		return p
	}
	tests := []struct {
		name    string
		form    url.Values
		channel string
		address string
		text    string
		media   bool
		wantErr bool
	}{
		{"sms", form(nil), "sms", student, "Salut", false, false},
		{"whatsapp", form(func(p url.Values) { p.Set("From", "whatsapp:"+student) }), "whatsapp", student, "Salut", false, false},
		{"photo only", form(func(p url.Values) { p.Set("NumMedia", "1"); p.Set("Body", "") }), "sms", student, "", true, false},
		{"photo with text", form(func(p url.Values) { p.Set("NumMedia", "2") }), "sms", student, "Salut", false, false},
		{"no MessageSid", form(func(p url.Values) { p.Del("MessageSid") }), "", "", "", false, true},
		{"no From", form(func(p url.Values) { p.Del("From") }), "", "", "", false, true},
		{"From not E.164", form(func(p url.Values) { p.Set("From", "0612345678") }), "", "", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := inboundFrom(tt.form)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			if string(got.Channel) != tt.channel || got.Address != tt.address || got.Text != tt.text ||
				got.Media != tt.media || got.ProviderID != "SM9" {
				t.Errorf("got %+v", got)
			}
		})
	}
}

// Requests that must not reach the inbox.
func TestWebhookRefusals(t *testing.T) {
	signed := func() *http.Request { return inboundRequest(testToken, "SM5", student, "Bonjour") }
	tests := []struct {
		name    string
		edit    func(*Config)
		handler func(*Adapter) http.Handler
		request func() *http.Request
		code    int
		outcome string
	}{
		{"forged signature", nil, (*Adapter).InboundHandler,
			func() *http.Request { return inboundRequest("forged0token", "SM5", student, "Bonjour") }, 403, "rejected_signature"},
		{"changed after signing", nil, (*Adapter).InboundHandler, func() *http.Request {
			p := twiliotest.InboundParams("SM5", student, testFrom, "Bonjour")
			r := twiliotest.NewInboundRequest(testToken, testPublic, InboundPath, p)
			p.Set("Body", "STOP")
			r2 := httptest.NewRequest(http.MethodPost, InboundPath, strings.NewReader(p.Encode()))
			r2.Header = r.Header
			return r2
		}, 403, "rejected_signature"},
		{"signed for another URL", nil, (*Adapter).InboundHandler, func() *http.Request {
			return twiliotest.NewInboundRequest(testToken, "https://evil.example.org", InboundPath,
				twiliotest.InboundParams("SM5", student, testFrom, "Bonjour"))
		}, 403, "rejected_signature"},
		{"missing signature", nil, (*Adapter).InboundHandler, func() *http.Request {
			r := signed()
			r.Header.Del("X-Twilio-Signature")
			return r
		}, 401, "missing_signature"},
		{"oversized", nil, (*Adapter).InboundHandler, func() *http.Request {
			return inboundRequest(testToken, "SM5", student, strings.Repeat("a", 70<<10))
		}, 413, "too_large"},
		{"wrong method", nil, (*Adapter).InboundHandler, func() *http.Request {
			return httptest.NewRequest(http.MethodGet, InboundPath, nil)
		}, 405, "bad_request"},
		{"no public URL", func(c *Config) { c.PublicURL = "" }, (*Adapter).InboundHandler, signed, 403, "rejected_signature"},
		{"signed, without MessageSid", nil, (*Adapter).InboundHandler, func() *http.Request {
			p := twiliotest.InboundParams("SM5", student, testFrom, "Bonjour")
			p.Del("MessageSid")
			return twiliotest.NewInboundRequest(testToken, testPublic, InboundPath, p)
		}, 400, "bad_request"},
		{"status: forged signature", nil, (*Adapter).StatusHandler, func() *http.Request {
			return twiliotest.NewInboundRequest("forged0token", testPublic, StatusPath,
				twiliotest.StatusParams("SM5", "undelivered", student, testFrom, "30003"))
		}, 403, "rejected_signature"},
		{"status: wrong method", nil, (*Adapter).StatusHandler, func() *http.Request {
			return httptest.NewRequest(http.MethodPut, StatusPath, nil)
		}, 405, "bad_request"},
		{"status: no MessageStatus", nil, (*Adapter).StatusHandler, func() *http.Request {
			p := twiliotest.StatusParams("SM5", "delivered", student, testFrom, "")
			p.Del("MessageStatus")
			p.Del("SmsStatus")
			return twiliotest.NewInboundRequest(testToken, testPublic, StatusPath, p)
		}, 400, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.edit)
			r := tt.request()
			w := serve(tt.handler(e.a), r)
			if w.Code != tt.code {
				t.Errorf("got %d, want %d", w.Code, tt.code)
			}
			if tt.code == 405 && w.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow %q", w.Header().Get("Allow"))
			}
			if got := e.lastOutcome(); !strings.HasSuffix(got, " "+tt.outcome) {
				t.Errorf("outcome %q, want %s", got, tt.outcome)
			}
			if n := e.count(t, `SELECT (SELECT count(*) FROM inbound_messages) + (SELECT count(*) FROM outbox)
				+ (SELECT count(*) FROM unreachable)`); n != 0 {
				t.Errorf("%d rows recorded", n)
			}
		})
	}
}

// When the database is down, Twilio is asked to try again later.
func TestWebhooksUnavailable(t *testing.T) {
	e := newEnv(t, nil)
	e.st.Close()
	if w := serve(e.a.InboundHandler(), inboundRequest(testToken, "SM6", student, "Bonjour")); w.Code != 503 {
		t.Errorf("inbound: got %d", w.Code)
	}
	if got := e.lastOutcome(); got != InboundPath+" unavailable" {
		t.Errorf("outcome %q", got)
	}
	status := twiliotest.NewInboundRequest(testToken, testPublic, StatusPath,
		twiliotest.StatusParams("SM6", "delivered", student, testFrom, ""))
	if w := serve(e.a.StatusHandler(), status); w.Code != 503 {
		t.Errorf("status: got %d", w.Code)
	}
	if got := e.lastOutcome(); got != StatusPath+" unavailable" {
		t.Errorf("outcome %q", got)
	}
}

// sentRow puts a message in the outbox as sent by Twilio with the given SID.
func sentRow(t *testing.T, st *store.Store, channel domain.Channel, address, sid string) int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Now() // the workflow's clock in these tests: the system's
	id, err := st.Enqueue(ctx, store.OutboxMessage{Channel: channel, Address: address, Body: "Bonjour", CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE outbox SET status = 'sent', provider_message_id = $1,
		sent_at = $3 WHERE id = $2`, sid, id, now); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestStatusCallbacks(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	sentRow(t, e.st, "sms", student, "SMaaa")
	callback := func(sid, status, to, from, errorCode string) {
		t.Helper()
		r := twiliotest.NewInboundRequest(testToken, testPublic, StatusPath, twiliotest.StatusParams(sid, status, to, from, errorCode))
		if w := serve(e.a.StatusHandler(), r); w.Code != http.StatusOK {
			t.Fatalf("%s %s: got %d", sid, status, w.Code)
		}
	}
	rowStatus := func(sid string) (status, code string) {
		t.Helper()
		var row struct {
			Status string  `db:"status"`
			Code   *string `db:"error_code"`
		}
		if err := e.st.DB().GetContext(ctx, &row, `SELECT status, error_code FROM outbox WHERE provider_message_id = $1`, sid); err != nil {
			t.Fatal(err)
		}
		if row.Code != nil {
			code = *row.Code
		}
		return row.Status, code
	}

	for _, step := range []struct{ status, want string }{
		{"sent", "sent"}, {"delivered", "delivered"}, {"sent", "delivered"}, {"queued", "delivered"},
	} {
		callback("SMaaa", step.status, student, testFrom, "")
		if got, _ := rowStatus("SMaaa"); got != step.want {
			t.Errorf("after %s: %s, want %s", step.status, got, step.want)
		}
	}
	if got := e.lastOutcome(); got != StatusPath+" accepted" {
		t.Errorf("outcome %q", got)
	}
	callback("SMaaa", "receiving", student, testFrom, "")
	if got := e.lastOutcome(); got != StatusPath+" ignored" {
		t.Errorf("unknown status: outcome %q", got)
	}

	// Undelivered, unknown destination: the person is remembered as unreachable by SMS, and what
	// is still queued for them fails.
	const other = "+33698765432"
	sentRow(t, e.st, "sms", other, "SMbbb")
	pending, err := e.st.Enqueue(ctx, store.OutboxMessage{Channel: "sms", Address: other, Body: "Encore",
		CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	callback("SMbbb", "undelivered", other, testFrom, "30005")
	if status, code := rowStatus("SMbbb"); status != "undelivered" || code != "twilio:30005" {
		t.Errorf("row %s %s", status, code)
	}
	if unreachable, reason, err := e.st.IsUnreachable(ctx, "sms", other); err != nil || !unreachable || reason != "twilio:30005" {
		t.Errorf("unreachable = %v %q (%v)", unreachable, reason, err)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox WHERE id = $1 AND status = 'failed'`, pending); n != 1 {
		t.Error("queued message not failed")
	}
	if unreachable, _, _ := e.st.IsUnreachable(ctx, "sms", student); unreachable {
		t.Error("the other person is unreachable too")
	}

	// Failed without a reason about the person: recorded, nobody marked.
	sentRow(t, e.st, "sms", student, "SMccc")
	callback("SMccc", "failed", student, testFrom, "30007")
	if status, code := rowStatus("SMccc"); status != "failed" || code != "twilio:30007" {
		t.Errorf("row %s %s", status, code)
	}
	if unreachable, _, _ := e.st.IsUnreachable(ctx, "sms", student); unreachable {
		t.Error("30007 marks the person unreachable")
	}
	// Unreachable handset (30003) is most often a phone switched off: it passes, nobody marked.
	sentRow(t, e.st, "sms", student, "SMhandset")
	callback("SMhandset", "undelivered", student, testFrom, "30003")
	if unreachable, _, _ := e.st.IsUnreachable(ctx, "sms", student); unreachable {
		t.Error("30003 marks the person unreachable")
	}

	// WhatsApp: read counts as delivered; an unsubscribed recipient is unreachable on WhatsApp only.
	sentRow(t, e.st, "whatsapp", student, "SMddd")
	callback("SMddd", "read", "whatsapp:"+student, "whatsapp:+33757000001", "")
	if status, _ := rowStatus("SMddd"); status != "delivered" {
		t.Errorf("read: %s", status)
	}
	callback("SMeee", "failed", "whatsapp:"+student, "whatsapp:+33757000001", "21610")
	if unreachable, _, _ := e.st.IsUnreachable(ctx, "whatsapp", student); !unreachable {
		t.Error("whatsapp 21610 does not mark the person unreachable")
	}
	if unreachable, _, _ := e.st.IsUnreachable(ctx, "sms", student); unreachable {
		t.Error("whatsapp 21610 marks the person unreachable by SMS")
	}
}
