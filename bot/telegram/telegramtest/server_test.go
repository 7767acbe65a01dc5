package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const token = "42:fake"

// answer is the Bot API's response envelope.
type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func callForm(t *testing.T, s *Server, tok, method string, form url.Values) (int, answer, string) {
	t.Helper()
	resp, err := http.PostForm(fmt.Sprintf(s.Endpoint(), tok, method), form)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

func callJSON(t *testing.T, s *Server, method string, body any) (int, answer, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(fmt.Sprintf(s.Endpoint(), token, method), "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

func read(t *testing.T, resp *http.Response) (int, answer, string) {
	t.Helper()
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var a answer
	_ = json.Unmarshal(raw, &a)
	return resp.StatusCode, a, string(raw)
}

func TestRoutingAndErrors(t *testing.T) {
	s := NewServer(t, token)
	tests := []struct {
		name, token, method string
		status              int
		description         string
	}{
		{"getMe", token, "getMe", 200, ""},
		{"method names ignore case", token, "GETME", 200, ""},
		{"wrong token", "1:other", "getMe", 401, "Unauthorized"},
		{"unknown method", token, "sendPhoto", 404, "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, a, _ := callForm(t, s, tt.token, tt.method, nil)
			if status != tt.status || a.OK != (tt.status == 200) || a.Description != tt.description {
				t.Errorf("got %d %+v", status, a)
			}
			if status != 200 && a.ErrorCode != status {
				t.Errorf("error_code %d, status %d", a.ErrorCode, status)
			}
		})
	}
}

func TestSendMessageRecordsFormAndJSON(t *testing.T) {
	s := NewServer(t, token)
	markup := `{"inline_keyboard":[[{"text":"Oui","callback_data":"yes"},{"text":"Non","callback_data":"no"}]]}`
	status, a, body := callForm(t, s, token, "sendMessage", url.Values{"chat_id": {"4242"}, "text": {"Salut"},
		"reply_markup": {markup}, "entities": {"null"}})
	if status != 200 {
		t.Fatalf("form: %d %s", status, body)
	}
	var msg struct {
		MessageID int `json:"message_id"`
		Chat      struct {
			ID int64 `json:"id"`
		} `json:"chat"`
	}
	if err := json.Unmarshal(a.Result, &msg); err != nil || msg.MessageID != 1 || msg.Chat.ID != 4242 {
		t.Fatalf("result %s (%v)", a.Result, err)
	}
	var kb any
	_ = json.Unmarshal([]byte(markup), &kb)
	if status, _, body := callJSON(t, s, "sendMessage", map[string]any{"chat_id": -100, "text": "Re", "reply_markup": kb}); status != 200 {
		t.Fatalf("json: %d %s", status, body)
	}
	sent := s.Sent()
	if len(sent) != 2 || sent[1].MessageID != 2 || sent[1].ChatID != -100 || sent[1].Text != "Re" {
		t.Fatalf("sent = %+v", sent)
	}
	for _, m := range sent {
		if len(m.Buttons) != 1 || m.Buttons[0][1] != (SentButton{Text: "Non", CallbackData: "no"}) || m.At.IsZero() {
			t.Errorf("buttons = %+v", m.Buttons)
		}
	}
	for _, bad := range []url.Values{
		{"chat_id": {"4242"}},
		{"chat_id": {"4242"}, "text": {"x"}, "reply_markup": {"{nope"}},
		{"chat_id": {"4242"}, "text": {"x"}, "reply_markup": {`{"inline_keyboard":[[{"text":"a","callback_data":""}]]}`}},
	} {
		if status, _, _ := callForm(t, s, token, "sendMessage", bad); status != 400 {
			t.Errorf("%v: status %d, want 400", bad, status)
		}
	}
}

func TestFailNext(t *testing.T) {
	s := NewServer(t, token)
	s.FailNext(1, TooManyRequests(3))
	s.FailNext(1, ServerErrorHTML)
	s.FailNext(1, Forbidden)
	s.FailNext(1, ChatNotFound)
	send := url.Values{"chat_id": {"1"}, "text": {"x"}}
	status, a, _ := callForm(t, s, token, "sendMessage", send)
	if status != 429 || a.ErrorCode != 429 || a.Parameters.RetryAfter != 3 || a.Description != "Too Many Requests: retry after 3" {
		t.Errorf("429: %d %+v", status, a)
	}
	if status, _, body := callForm(t, s, token, "sendMessage", send); status != 502 || !strings.HasPrefix(body, "<html>") {
		t.Errorf("502: %d %q", status, body)
	}
	if status, a, _ := callForm(t, s, token, "sendMessage", send); status != 403 || a.Description != "Forbidden: bot was blocked by the user" {
		t.Errorf("403: %d %+v", status, a)
	}
	if status, a, _ := callForm(t, s, token, "sendMessage", send); status != 400 || a.Description != "Bad Request: chat not found" {
		t.Errorf("400: %d %+v", status, a)
	}
	if status, _, _ := callForm(t, s, token, "sendMessage", send); status != 200 {
		t.Errorf("after the failures: %d", status)
	}
	if len(s.Sent()) != 1 || s.Calls("sendMessage") != 5 {
		t.Errorf("sent %d, calls %d", len(s.Sent()), s.Calls("sendMessage"))
	}
}

func TestGetUpdatesHonoursOffsetAndWebhook(t *testing.T) {
	s := NewServer(t, token)
	ids := func(a answer) []int {
		var us []struct {
			UpdateID int `json:"update_id"`
		}
		_ = json.Unmarshal(a.Result, &us)
		var out []int
		for _, u := range us {
			out = append(out, u.UpdateID)
		}
		return out
	}
	s.PushUpdate(TextUpdate(6, 1, "b"))
	s.PushUpdate(TextUpdate(5, 1, "a"))
	s.PushUpdate(CallbackUpdate(7, 1, "k"))
	_, a, _ := callForm(t, s, token, "getUpdates", url.Values{"limit": {"2"}})
	if got := fmt.Sprint(ids(a)); got != "[5 6]" {
		t.Errorf("first batch %s", got)
	}
	_, a, _ = callForm(t, s, token, "getUpdates", url.Values{"offset": {"7"}})
	if got := fmt.Sprint(ids(a)); got != "[7]" || s.Pending() != 1 {
		t.Errorf("after offset 7: %s, %d pending", got, s.Pending())
	}
	start := time.Now()
	_, a, _ = callForm(t, s, token, "getUpdates", url.Values{"offset": {"8"}, "timeout": {"30"}})
	if len(ids(a)) != 0 || time.Since(start) > 3*time.Second || time.Since(start) < 500*time.Millisecond {
		t.Errorf("empty long poll: %v after %v", ids(a), time.Since(start))
	}
	go func() { time.Sleep(100 * time.Millisecond); s.PushUpdate(PhotoUpdate(8, 1)) }()
	start = time.Now()
	_, a, _ = callForm(t, s, token, "getUpdates", url.Values{"offset": {"8"}, "timeout": {"30"}})
	if fmt.Sprint(ids(a)) != "[8]" || time.Since(start) > 900*time.Millisecond {
		t.Errorf("push during long poll: %v after %v", ids(a), time.Since(start))
	}

	if status, _, _ := callJSON(t, s, "setWebhook", map[string]any{"url": "https://x/webhooks/telegram", "secret_token": "k"}); status != 200 {
		t.Fatal(status)
	}
	if u, k := s.Webhook(); u != "https://x/webhooks/telegram" || k != "k" {
		t.Errorf("webhook %q %q", u, k)
	}
	if status, a, _ := callForm(t, s, token, "getUpdates", nil); status != 409 || !strings.HasPrefix(a.Description, "Conflict") {
		t.Errorf("getUpdates with a webhook: %d %+v", status, a)
	}
	callForm(t, s, token, "deleteWebhook", nil)
	if u, _ := s.Webhook(); u != "" {
		t.Errorf("webhook after delete: %q", u)
	}
}

func TestCommandsAndCallbackAnswers(t *testing.T) {
	s := NewServer(t, token)
	callForm(t, s, token, "setMyCommands", url.Values{"commands": {`[{"command":"aide","description":"Aide"}]`}})
	callForm(t, s, token, "setMyCommands", url.Values{"commands": {`[{"command":"help","description":"Help"}]`}, "language_code": {"en"}})
	if status, _, _ := callForm(t, s, token, "setMyCommands", url.Values{"commands": {`[{"command":"x","description":""}]`}}); status != 400 {
		t.Errorf("invalid command: %d", status)
	}
	cmds := s.Commands()
	if len(cmds) != 2 || cmds[""][0] != (Command{"aide", "Aide"}) || cmds["en"][0] != (Command{"help", "Help"}) {
		t.Errorf("commands = %v", cmds)
	}
	callForm(t, s, token, "answerCallbackQuery", url.Values{"callback_query_id": {CallbackID(3)}})
	if got := s.CallbackAnswers(); len(got) != 1 || got[0] != "cbq3" {
		t.Errorf("answers = %v", got)
	}
}

func TestUpdateHelpersAreRealUpdates(t *testing.T) {
	var u struct {
		UpdateID int `json:"update_id"`
		Message  struct {
			Chat struct {
				ID   int64  `json:"id"`
				Type string `json:"type"`
			} `json:"chat"`
			Text     string `json:"text"`
			Entities []struct {
				Type   string `json:"type"`
				Offset int    `json:"offset"`
				Length int    `json:"length"`
			} `json:"entities"`
		} `json:"message"`
	}
	if err := json.Unmarshal(TextUpdate(3, 99, "/start 0751234X"), &u); err != nil {
		t.Fatal(err)
	}
	if u.UpdateID != 3 || u.Message.Chat.ID != 99 || u.Message.Chat.Type != "private" || len(u.Message.Entities) != 1 ||
		u.Message.Entities[0].Type != "bot_command" || u.Message.Entities[0].Length != len("/start") {
		t.Errorf("command update = %+v", u)
	}
	defer func() {
		if recover() == nil {
			t.Error("PushUpdate accepted JSON without update_id")
		}
	}()
	NewServer(t, token).PushUpdate([]byte(`{"message":{}}`))
}

func TestConcurrentUse(t *testing.T) {
	s := NewServer(t, token)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.PushUpdate(TextUpdate(i+1, int64(i), "x"))
			resp, err := http.PostForm(fmt.Sprintf(s.Endpoint(), token, "sendMessage"),
				url.Values{"chat_id": {fmt.Sprint(i + 1)}, "text": {"x"}})
			if err == nil {
				resp.Body.Close()
			}
			_ = s.Sent()
			_ = s.Pending()
		}()
	}
	wg.Wait()
	if len(s.Sent()) != 20 || s.Pending() != 20 {
		t.Errorf("sent %d, pending %d", len(s.Sent()), s.Pending())
	}
}
