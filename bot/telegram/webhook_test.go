package telegram

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"stagebot/bot/telegram/telegramtest"
)

// post sends body to the webhook with the secret header (none when secret is "-").
func post(st stack, method, secret string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, WebhookPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "-" {
		req.Header.Set(SecretHeader, secret)
	}
	rec := httptest.NewRecorder()
	st.a.WebhookHandler().ServeHTTP(rec, req)
	return rec
}

func TestWebhookRefusals(t *testing.T) {
	update := telegramtest.TextUpdate(1, 4242, "Bonjour")
	tests := []struct {
		name       string
		method     string
		secret     string
		noSecret   bool // the adapter has no WebhookSecret
		body       []byte
		wantStatus int
		outcome    string
	}{
		{name: "GET", method: http.MethodGet, secret: testSecret, body: nil, wantStatus: 405, outcome: OutcomeBadRequest},
		{name: "missing secret", method: http.MethodPost, secret: "-", body: update, wantStatus: 401, outcome: OutcomeRejectedSecret},
		{name: "wrong secret", method: http.MethodPost, secret: "guess", body: update, wantStatus: 403, outcome: OutcomeRejectedSecret},
		{name: "secret prefix", method: http.MethodPost, secret: testSecret[:5], body: update, wantStatus: 403, outcome: OutcomeRejectedSecret},
		{name: "no secret configured", method: http.MethodPost, secret: "", noSecret: true, body: update, wantStatus: 403, outcome: OutcomeRejectedSecret},
		{name: "no secret configured, header sent", method: http.MethodPost, secret: "anything", noSecret: true, body: update, wantStatus: 403, outcome: OutcomeRejectedSecret},
		{name: "too large", method: http.MethodPost, secret: testSecret,
			body: []byte(`{"update_id":1,"message":{"text":"` + strings.Repeat("a", 1<<20) + `"}}`), wantStatus: 413, outcome: OutcomeTooLarge},
		{name: "garbage", method: http.MethodPost, secret: testSecret, body: []byte("<xml>hello</xml>"), wantStatus: 400, outcome: OutcomeBadRequest},
		{name: "not an object", method: http.MethodPost, secret: testSecret, body: []byte(`[1,2]`), wantStatus: 400, outcome: OutcomeBadRequest},
		{name: "no update id", method: http.MethodPost, secret: testSecret, body: []byte(`{"message":{"text":"hi"}}`), wantStatus: 400, outcome: OutcomeBadRequest},
		{name: "empty body", method: http.MethodPost, secret: testSecret, body: nil, wantStatus: 400, outcome: OutcomeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStack(t, true)
			if tt.noSecret {
				st.a.cfg.WebhookSecret = ""
			}
			rec := post(st, tt.method, tt.secret, tt.body)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := st.outcomes.get(tt.outcome); got != 1 {
				t.Errorf("outcome %q counted %d times, want 1 (%v)", tt.outcome, got, st.outcomes.n)
			}
			if n := st.count(t, `SELECT count(*) FROM inbound_messages`); n != 0 {
				t.Errorf("%d inbound rows: the inbox was called", n)
			}
		})
	}
}

func TestWebhookHandlesUpdates(t *testing.T) {
	tests := []struct {
		name    string
		update  []byte
		outcome string
		rows    int // inbound rows afterwards
		replies bool
	}{
		{name: "text", update: telegramtest.TextUpdate(100, 4242, "Bonjour"), outcome: OutcomeAccepted, rows: 1, replies: true},
		{name: "callback", update: telegramtest.CallbackUpdate(101, 4242, "lang:fr"), outcome: OutcomeAccepted, rows: 1, replies: true},
		{name: "photo", update: telegramtest.PhotoUpdate(102, 4242), outcome: OutcomeAccepted, rows: 1, replies: true},
		{name: "start link", update: telegramtest.TextUpdate(103, 4242, "/start 0751234X"), outcome: OutcomeAccepted, rows: 1, replies: true},
		{name: "edited message", outcome: OutcomeIgnored,
			update: []byte(`{"update_id":104,"edited_message":{"message_id":1,"date":1,"edit_date":2,"chat":{"id":4242,"type":"private"},"text":"oups"}}`)},
		{name: "my_chat_member", outcome: OutcomeIgnored,
			update: []byte(`{"update_id":105,"my_chat_member":{"chat":{"id":4242,"type":"private"},"from":{"id":4242,"is_bot":false,"first_name":"A"},"date":1,"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"B"}},"new_chat_member":{"status":"kicked","user":{"id":1,"is_bot":true,"first_name":"B"}}}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStack(t, true)
			if rec := post(st, http.MethodPost, testSecret, tt.update); rec.Code != http.StatusOK {
				t.Fatalf("status = %d (%s)", rec.Code, rec.Body)
			}
			if got := st.outcomes.get(tt.outcome); got != 1 {
				t.Fatalf("outcomes %v, want one %q", st.outcomes.n, tt.outcome)
			}
			if n := st.count(t, `SELECT count(*) FROM inbound_messages WHERE channel = 'telegram' AND address = '4242'`); n != tt.rows {
				t.Errorf("%d inbound rows, want %d", n, tt.rows)
			}
			if n := st.count(t, `SELECT count(*) FROM outbox WHERE channel = 'telegram' AND address = '4242'`); (n > 0) != tt.replies {
				t.Errorf("%d replies queued", n)
			}
			if len(st.api.Sent()) != 0 {
				t.Error("the webhook sent a message itself: replies go through the outbox")
			}
		})
	}
}

func TestWebhookRepeatIsAcknowledgedOnce(t *testing.T) {
	st := newStack(t, true)
	update := telegramtest.TextUpdate(200, 4242, "Bonjour")
	for i := range 2 {
		if rec := post(st, http.MethodPost, testSecret, update); rec.Code != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i+1, rec.Code)
		}
	}
	if n := st.count(t, `SELECT count(*) FROM inbound_messages`); n != 1 {
		t.Errorf("%d inbound rows, want 1", n)
	}
	if st.outcomes.get(OutcomeAccepted) != 1 || st.outcomes.get(OutcomeDuplicate) != 1 {
		t.Errorf("outcomes = %v", st.outcomes.n)
	}
}

func TestWebhookAnswersCallbackAfterCommit(t *testing.T) {
	st := newStack(t, true)
	if rec := post(st, http.MethodPost, testSecret, telegramtest.CallbackUpdate(300, 4242, "lang:en")); rec.Code != 200 {
		t.Fatalf("status = %d", rec.Code)
	}
	if got := st.api.CallbackAnswers(); !slices.Equal(got, []string{telegramtest.CallbackID(300)}) {
		t.Errorf("callback answers = %v", got)
	}
	// When the Inbox fails, the button is not answered and Telegram is asked to deliver again.
	repair := st.breakInbox(t)
	if rec := post(st, http.MethodPost, testSecret, telegramtest.CallbackUpdate(301, 4242, "lang:fr")); rec.Code != 503 {
		t.Fatalf("broken inbox: status = %d, want 503", rec.Code)
	}
	if len(st.api.CallbackAnswers()) != 1 || st.outcomes.get(OutcomeUnavailable) != 1 {
		t.Errorf("answers %v, outcomes %v", st.api.CallbackAnswers(), st.outcomes.n)
	}
	repair()
	if rec := post(st, http.MethodPost, testSecret, telegramtest.CallbackUpdate(301, 4242, "lang:fr")); rec.Code != 200 {
		t.Fatalf("redelivery: status = %d", rec.Code)
	}
	if n := st.count(t, `SELECT count(*) FROM inbound_messages`); n != 2 {
		t.Errorf("%d inbound rows, want 2", n)
	}
	if len(st.api.CallbackAnswers()) != 2 {
		t.Errorf("callback answers = %v", st.api.CallbackAnswers())
	}
}

func TestWebhookAnswerFailureIsNotAnError(t *testing.T) {
	st := newStack(t, true)
	// The Bot API cannot be reached: answering fails, the update is still acknowledged.
	st.a.bot.SetAPIEndpoint("http://127.0.0.1:1/bot%s/%s")
	if rec := post(st, http.MethodPost, testSecret, telegramtest.CallbackUpdate(400, 4242, "lang:fr")); rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if st.outcomes.get(OutcomeAccepted) != 1 {
		t.Errorf("outcomes = %v", st.outcomes.n)
	}
}

func TestWebhookPassesStartPayload(t *testing.T) {
	st := newStack(t, true)
	if rec := post(st, http.MethodPost, testSecret, telegramtest.TextUpdate(500, 4242, "/start 0751234X")); rec.Code != 200 {
		t.Fatalf("status = %d", rec.Code)
	}
	var uai string
	if err := st.store.DB().Get(&uai, `SELECT coalesce(session->'profile'->>'school_uai', '') FROM conversations
		WHERE channel = 'telegram' AND address = '4242'`); err != nil {
		t.Fatal(err)
	}
	if uai != "0751234X" {
		t.Errorf("the conversation kept school %q, want 0751234X from the /start payload", uai)
	}
}
