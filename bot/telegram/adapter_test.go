package telegram

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"stagebot/bot/telegram/telegramtest"
	"stagebot/domain"
)

func TestNewFailsClearlyWhenGetMeFails(t *testing.T) {
	api := telegramtest.NewServer(t, testToken)
	_, err := New(context.Background(), Config{Token: "999:wrong", Endpoint: api.Endpoint()}, nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "getMe") || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("err = %v, want a getMe failure saying Unauthorized", err)
	}
	if _, err := New(context.Background(), Config{}, nil, nil); err == nil {
		t.Fatal("no token: want an error")
	}
}

func TestSend(t *testing.T) {
	buttons := [][]domain.Button{{{Label: "Français", Data: "lang:fr"}, {Label: "English", Data: "lang:en"}}, {{Label: "Aide", Data: "help"}}}
	tests := []struct {
		name        string
		chatID      string
		part        domain.Part
		fail        telegramtest.Failure
		code        string // "" for success
		permanent   bool
		unreachable bool
		retryAfter  time.Duration
	}{
		{name: "text", chatID: "4242", part: domain.Part{Text: "Bonjour 👋"}},
		{name: "buttons", chatID: "4242", part: domain.Part{Text: "Choisis", Buttons: buttons}},
		{name: "negative chat id", chatID: "-1001234", part: domain.Part{Text: "ok"}},
		{name: "bad chat id", chatID: "+33612345678", part: domain.Part{Text: "x"}, code: "telegram:bad_chat_id", permanent: true},
		{name: "flood control", chatID: "4242", part: domain.Part{Text: "x"}, fail: telegramtest.TooManyRequests(3),
			code: "telegram:429", retryAfter: 3 * time.Second},
		{name: "HTML 502", chatID: "4242", part: domain.Part{Text: "x"}, fail: telegramtest.ServerErrorHTML, code: "telegram:transient"},
		{name: "blocked", chatID: "4242", part: domain.Part{Text: "x"}, fail: telegramtest.Forbidden,
			code: "telegram:403", permanent: true, unreachable: true},
		{name: "chat not found", chatID: "4242", part: domain.Part{Text: "x"}, fail: telegramtest.ChatNotFound,
			code: "telegram:400", permanent: true, unreachable: true},
		{name: "other bad request", chatID: "4242", part: domain.Part{Text: ""}, code: "telegram:400", permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStack(t, false)
			if tt.fail != nil {
				st.api.FailNext(1, tt.fail)
			}
			id, err := st.a.Send(context.Background(), tt.chatID, tt.part)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				sent := st.api.Sent()
				if len(sent) != 1 || id != "1" || sent[0].Text != tt.part.Text || sent[0].ChatID == 0 {
					t.Fatalf("id %q, sent %+v", id, sent)
				}
				if len(sent[0].Buttons) != len(tt.part.Buttons) {
					t.Fatalf("keyboard rows = %d, want %d", len(sent[0].Buttons), len(tt.part.Buttons))
				}
				for i, row := range tt.part.Buttons {
					for j, b := range row {
						if got := sent[0].Buttons[i][j]; got.Text != b.Label || got.CallbackData != b.Data {
							t.Errorf("button %d,%d = %+v, want %+v", i, j, got, b)
						}
					}
				}
				return
			}
			var se *domain.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *bot.SendError", err, err)
			}
			if se.Code != tt.code || se.Permanent != tt.permanent || se.Unreachable != tt.unreachable || se.RetryAfter != tt.retryAfter {
				t.Errorf("got %+v, want code %s permanent %v unreachable %v retry after %v",
					se, tt.code, tt.permanent, tt.unreachable, tt.retryAfter)
			}
			if len(st.api.Sent()) != 0 {
				t.Error("a refused message was recorded as sent")
			}
		})
	}
}

func TestSendRecoversAfterFailures(t *testing.T) {
	st := newStack(t, false)
	st.api.FailNext(2, telegramtest.ServerErrorHTML)
	for i := range 2 {
		if _, err := st.a.Send(context.Background(), "1", domain.Part{Text: "x"}); err == nil {
			t.Fatalf("send %d: want an error", i)
		}
	}
	if id, err := st.a.Send(context.Background(), "1", domain.Part{Text: "x"}); err != nil || id != "1" {
		t.Fatalf("third send: %q, %v", id, err)
	}
}

func TestSendRespectsContext(t *testing.T) {
	st := newStack(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := st.a.Send(ctx, "4242", domain.Part{Text: "x"})
	var se *domain.SendError
	if !errors.As(err, &se) || se.Permanent || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a transient SendError wrapping context.Canceled", err)
	}
	if len(st.api.Sent()) != 0 {
		t.Error("sent with a cancelled context")
	}
}

func TestErrorsDoNotShowTheToken(t *testing.T) {
	st := newStack(t, false)
	st.a.bot.SetAPIEndpoint("http://127.0.0.1:1/bot%s/%s")
	_, err := st.a.Send(context.Background(), "4242", domain.Part{Text: "x"})
	var se *domain.SendError
	if !errors.As(err, &se) || se.Permanent {
		t.Fatalf("unreachable API: err = %v, want a transient SendError", err)
	}
	if strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "sendMessage") {
		t.Errorf("error %q: want the method and no token", err)
	}
	api := telegramtest.NewServer(t, testToken)
	_, err = New(context.Background(), Config{Token: testToken, Endpoint: strings.Replace(api.Endpoint(), "127.0.0.1", "127.0.0.1:1", 1)}, nil, nil)
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("New with a bad endpoint: %v", err)
	}
}

func TestRegister(t *testing.T) {
	st := newStack(t, false)
	if err := st.a.Register(context.Background(), "https://stagebot.example.fr/"); err != nil {
		t.Fatal(err)
	}
	url, secret := st.api.Webhook()
	if url != "https://stagebot.example.fr/webhooks/telegram" || secret != testSecret {
		t.Errorf("webhook = %q, %q", url, secret)
	}
	cmds := st.api.Commands()
	wantWords := map[string][]string{
		"":   {"start", "aide", "menu", "langue", "stop", "supprimer"},
		"en": {"start", "help", "menu", "language", "stop", "delete"},
	}
	if len(cmds) != len(wantWords) {
		t.Fatalf("menus for %d languages, want 2: %v", len(cmds), cmds)
	}
	for lang, words := range wantWords {
		if len(cmds[lang]) != len(words) {
			t.Fatalf("menu %q = %v", lang, cmds[lang])
		}
		for i, w := range words {
			if cmds[lang][i].Command != w || cmds[lang][i].Description == "" {
				t.Errorf("menu %q entry %d = %+v, want /%s", lang, i, cmds[lang][i], w)
			}
		}
	}
	if cmds[""][0].Description != "Commencer" || cmds[""][5].Description != "Effacer mes données" {
		t.Errorf("French descriptions = %v", cmds[""])
	}

	noSecret := newStack(t, false)
	noSecret.a.cfg.WebhookSecret = ""
	if err := noSecret.a.Register(context.Background(), "https://stagebot.example.fr"); err == nil {
		t.Error("registered a webhook without a secret")
	}
	if err := st.a.Register(context.Background(), "stagebot.example.fr"); err == nil {
		t.Error("registered a relative URL")
	}
}
