// Package twiliotest is a fake of Twilio's REST API for messages, run in-process, and helpers to
// sign webhook requests the way Twilio does. It speaks Twilio's wire format itself (form-encoded
// requests, HTTP basic auth, Twilio's JSON answers and errors), so tests exercise the real client.
package twiliotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"stagebot/bot/render"
)

// Message is one message the fake accepted.
type Message struct {
	SID                 string // "SM" + 32 hex digits
	To                  string // as posted, e.g. "+33612345678" or "whatsapp:+33612345678"
	From                string
	MessagingServiceSID string
	Body                string
	StatusCallback      string
	At                  time.Time
}

// Failure is a refusal the fake answers instead of accepting a message (see FailNext).
type Failure int

// The failures the fake can answer.
const (
	// Unsubscribed is 400 with code 21610: the recipient replied STOP.
	Unsubscribed Failure = iota + 1
	// InvalidNumber is 400 with code 21211: the To number is not a valid phone number.
	InvalidNumber
	// NotMobile is 400 with code 21614: the To number is not a mobile number.
	NotMobile
	// TooManyRequests is 429 with code 20429.
	TooManyRequests
	// ServerErrorHTML is 503 with an HTML page, as a load balancer answers: not Twilio's JSON.
	ServerErrorHTML
)

// bodyLimit is Twilio's limit on a message body, in characters.
const bodyLimit = 1600

// Server is a fake Twilio REST API for one account. It is safe for concurrent use.
type Server struct {
	srv        *httptest.Server
	accountSID string
	authToken  string

	mu          sync.Mutex
	sent        []Message
	failures    []Failure
	failTo      map[string][]Failure // by the To number
	latency     time.Duration        // how long each accepted message takes to answer
	inFlight    int                  // requests being answered now
	maxInFlight int                  // the most answered at once
}

// SetLatency makes every request take d before it is answered, as Twilio's API takes a while.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// MaxInFlight is the most message requests the fake was answering at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// slow counts the request in flight and waits the latency set.
func (s *Server) slow() (done func()) {
	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	d := s.latency
	s.mu.Unlock()
	time.Sleep(d)
	return func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}
}

// NewServer starts a fake Twilio API that accepts the given credentials (use letters and digits
// only: twilio-go refuses others before any request); it is closed when the test ends. Point the
// client at URL.
func NewServer(t testing.TB, accountSID, authToken string) *Server {
	t.Helper()
	s := &Server{accountSID: accountSID, authToken: authToken}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", s.createMessage)
	mux.HandleFunc("GET /2010-04-01/Accounts/{AccountSid}/Messages.json", s.listMessages)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
	})
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the fake's base URL, to use as the API base URL (e.g. "http://127.0.0.1:34567").
func (s *Server) URL() string { return s.srv.URL }

// Sent returns a copy of the messages accepted so far, in order.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.sent...)
}

// FailNext makes the next n message requests (after authentication) fail with f.
func (s *Server) FailNext(n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, f)
	}
}

// authorized checks a request as Twilio does: HTTP basic auth with the account's SID and token (401
// otherwise), and the account's SID in the path (404 otherwise). It answers the refusal itself.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	user, password, ok := r.BasicAuth()
	if !ok || user != s.accountSID || password != s.authToken {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return false
	}
	if r.PathValue("AccountSid") != s.accountSID {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return false
	}
	return true
}

// createMessage is POST /2010-04-01/Accounts/{AccountSid}/Messages.json.
func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	defer s.slow()()
	if !s.authorized(w, r) {
		return
	}
	if f, ok := s.nextFailure(r.PostFormValue("To")); ok {
		f.write(w, r.PostFormValue("To"))
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 21620, "Invalid request: "+err.Error())
		return
	}
	m := Message{To: r.PostForm.Get("To"), From: r.PostForm.Get("From"),
		MessagingServiceSID: r.PostForm.Get("MessagingServiceSid"), Body: r.PostForm.Get("Body"),
		StatusCallback: r.PostForm.Get("StatusCallback"), At: time.Now().UTC()}
	switch {
	case m.To == "":
		writeError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case m.From == "" && m.MessagingServiceSID == "":
		writeError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	case m.Body == "":
		writeError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	case utf16Len(m.Body) > bodyLimit:
		writeError(w, http.StatusBadRequest, 21617, "The concatenated message body exceeds the 1600 character limit.")
		return
	}
	m.SID = newSID("SM")
	s.mu.Lock()
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, s.resource(m))
}

// listMessages is GET /2010-04-01/Accounts/{AccountSid}/Messages.json: the messages accepted, most
// recent first, filtered by To and From as Twilio does, one page of PageSize (50 by default).
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	q := r.URL.Query()
	size := 50
	if n, err := strconv.Atoi(q.Get("PageSize")); err == nil && n > 0 && n <= 1000 {
		size = n
	}
	s.mu.Lock()
	var page []map[string]any
	for i := len(s.sent) - 1; i >= 0 && len(page) < size; i-- {
		m := s.sent[i]
		if (q.Get("To") == "" || q.Get("To") == m.To) && (q.Get("From") == "" || q.Get("From") == m.From) {
			page = append(page, s.resource(m))
		}
	}
	s.mu.Unlock()
	if page == nil {
		page = []map[string]any{}
	}
	uri := r.URL.RequestURI()
	writeJSON(w, http.StatusOK, map[string]any{"messages": page, "end": len(page) - 1, "first_page_uri": uri,
		"next_page_uri": nil, "page": 0, "page_size": size, "previous_page_uri": nil, "start": 0, "uri": uri})
}

// FailNextTo makes the next message request to the number to (after authentication) fail with f.
func (s *Server) FailNextTo(to string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failTo == nil {
		s.failTo = map[string][]Failure{}
	}
	s.failTo[to] = append(s.failTo[to], f)
}

// nextFailure takes the next failure queued for a request to to, if any.
func (s *Server) nextFailure(to string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fs := s.failTo[to]; len(fs) > 0 {
		s.failTo[to] = fs[1:]
		return fs[0], true
	}
	if len(s.failures) == 0 {
		return 0, false
	}
	f := s.failures[0]
	s.failures = s.failures[1:]
	return f, true
}

// resource is the Message resource as Twilio answers a create: accepted when it goes through a
// messaging service without a From (no sender chosen yet, no segments counted), queued otherwise.
func (s *Server) resource(m Message) map[string]any {
	status, from, segments := "queued", any(m.From), "1"
	switch {
	case m.From == "":
		status, from, segments = "accepted", nil, "0"
	case !strings.HasPrefix(m.To, "whatsapp:"):
		_, n := render.SMSSegments(m.Body)
		segments = fmt.Sprint(n)
	}
	var service any
	if m.MessagingServiceSID != "" {
		service = m.MessagingServiceSID
	}
	date := m.At.Format(time.RFC1123Z)
	uri := "/2010-04-01/Accounts/" + s.accountSID + "/Messages/" + m.SID
	return map[string]any{
		"account_sid": s.accountSID, "api_version": "2010-04-01", "body": m.Body,
		"date_created": date, "date_updated": date, "date_sent": nil, "direction": "outbound-api",
		"error_code": nil, "error_message": nil, "from": from, "messaging_service_sid": service,
		"num_media": "0", "num_segments": segments, "price": nil, "price_unit": "USD", "sid": m.SID,
		"status": status, "to": m.To, "uri": uri + ".json",
		"subresource_uris": map[string]string{"media": uri + "/Media.json", "feedback": uri + "/Feedback.json"},
	}
}

// write answers the failure.
func (f Failure) write(w http.ResponseWriter, to string) {
	switch f {
	case Unsubscribed:
		writeError(w, http.StatusBadRequest, 21610, "Attempt to send to unsubscribed recipient")
	case InvalidNumber:
		writeError(w, http.StatusBadRequest, 21211, fmt.Sprintf("The 'To' number %s is not a valid phone number.", to))
	case NotMobile:
		writeError(w, http.StatusBadRequest, 21614, fmt.Sprintf("'To' number %s is not a valid mobile number", to))
	case TooManyRequests:
		writeError(w, http.StatusTooManyRequests, 20429, "Too Many Requests")
	case ServerErrorHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("<html><head><title>503 Service Temporarily Unavailable</title></head>" +
			"<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n"))
	default:
		writeError(w, http.StatusInternalServerError, 20500, "An internal server error has occurred")
	}
}

// writeError answers Twilio's JSON error.
func writeError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, map[string]any{"code": code, "message": message,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newSID returns prefix + 32 random hex digits, the shape of Twilio's SIDs.
func newSID(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
