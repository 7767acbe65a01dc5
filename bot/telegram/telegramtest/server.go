// Package telegramtest is an in-process fake of the Telegram Bot API for tests. It speaks the real
// wire format (form-encoded, multipart or JSON POSTs to /bot<token>/<method>, answers
// {"ok":true,"result":…} or {"ok":false,"error_code":…,"description":…}) and records what the
// bot did, so that tests can drive the real client library against it.
//
// Supported methods: getMe, sendMessage, answerCallbackQuery, setWebhook, deleteWebhook,
// setMyCommands, getUpdates. Any other method is answered 404 like Telegram does.
package telegramtest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake Bot API server. Its methods are safe for concurrent use.
type Server struct {
	srv   *httptest.Server
	token string

	mu        sync.Mutex
	nextMsgID int
	sent      []SentMessage
	answers   []string
	hookURL   string
	hookKey   string
	commands  map[string][]Command
	updates   []pushedUpdate // not yet confirmed, in push order
	confirmed int            // updates with an id below this were confirmed by an offset
	pushed    chan struct{}  // closed and replaced at each PushUpdate
	failures  []Failure      // for the next sendMessage calls, first first
	calls     map[string]int
}

// SentMessage is one message the bot sent with sendMessage.
type SentMessage struct {
	MessageID int
	ChatID    int64
	Text      string
	Buttons   [][]SentButton // the inline keyboard's rows, nil without one
	At        time.Time
}

// SentButton is one inline keyboard button of a sent message.
type SentButton struct {
	Text         string
	CallbackData string
}

// Command is one entry of a command menu set with setMyCommands.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

type pushedUpdate struct {
	id  int
	raw json.RawMessage
}

// NewServer starts a fake Bot API that accepts token, and closes it when the test ends.
func NewServer(t testing.TB, token string) *Server {
	t.Helper()
	s := &Server{token: token, commands: map[string][]Command{}, pushed: make(chan struct{}),
		calls: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// Endpoint is the endpoint format for the client library: URL + "/bot%s/%s".
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// FailNext makes the next n sendMessage calls fail with f instead of sending.
func (s *Server) FailNext(n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, f)
	}
}

// PushUpdate queues an update (JSON, e.g. from TextUpdate) for getUpdates, which serves updates in
// update_id order and forgets those below the offset it is given, as Telegram does: an update
// pushed with an id below an offset already given is never served. It panics on JSON without a numeric update_id: that is a broken test.
func (s *Server) PushUpdate(update []byte) {
	var head struct {
		UpdateID *int `json:"update_id"`
	}
	if err := json.Unmarshal(update, &head); err != nil || head.UpdateID == nil {
		panic("telegramtest: PushUpdate needs a JSON object with an update_id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, pushedUpdate{id: *head.UpdateID, raw: append(json.RawMessage(nil), update...)})
	slices.SortStableFunc(s.updates, func(a, b pushedUpdate) int { return cmp.Compare(a.id, b.id) })
	close(s.pushed)
	s.pushed = make(chan struct{})
}

// Pending is the number of pushed updates not yet confirmed by a getUpdates offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, u := range s.updates {
		if u.id >= s.confirmed {
			n++
		}
	}
	return n
}

// Sent returns the messages sent so far, in order.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SentMessage, len(s.sent))
	copy(out, s.sent)
	return out
}

// CallbackAnswers returns the callback_query_id of each answerCallbackQuery call, in order.
func (s *Server) CallbackAnswers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.answers...)
}

// Webhook returns the webhook URL and secret token last set (empty after deleteWebhook).
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hookURL, s.hookKey
}

// Commands returns the command menus set, by language_code ("" for the default menu).
func (s *Server) Commands() map[string][]Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]Command, len(s.commands))
	for lang, cmds := range s.commands {
		out[lang] = append([]Command(nil), cmds...)
	}
	return out
}

// Calls returns how many times method was called (whatever the answer).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToLower(method)]
}

// serve routes /bot<token>/<method>.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, _ := strings.Cut(rest, "/")
	if !ok || method == "" {
		writeError(w, http.StatusNotFound, "Not Found", 0)
		return
	}
	if token != s.token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0)
		return
	}
	method = strings.ToLower(method) // Telegram's method names are case-insensitive
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
	params, err := readParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	switch method {
	case "getme":
		writeResult(w, botUser())
	case "sendmessage":
		s.sendMessage(w, params)
	case "answercallbackquery":
		s.answerCallbackQuery(w, params)
	case "setwebhook":
		s.setWebhook(w, params)
	case "deletewebhook":
		s.deleteWebhook(w, params)
	case "setmycommands":
		s.setMyCommands(w, params)
	case "getupdates":
		s.getUpdates(w, r, params)
	default:
		writeError(w, http.StatusNotFound, "Not Found", 0)
	}
}

// writeResult answers {"ok":true,"result":result}.
func writeResult(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// writeError answers a Bot API error; retryAfter > 0 adds parameters.retry_after.
func writeError(w http.ResponseWriter, code int, description string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": code, "description": description}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
