package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Message is one message the fake provider accepted from the service under test.
type Message struct {
	Seq     int       `json:"seq"`     // position in the provider's log, from 0
	SID     string    `json:"sid"`     // "SM…" (Twilio) or "TG…" (Telegram)
	To      string    `json:"to"`      // "+33…" for SMS, "whatsapp:+33…", or "telegram:CHAT_ID"
	Body    string    `json:"body"`    // the text
	At      time.Time `json:"at"`      // when the request reached the provider
	Orphan  bool      `json:"orphan"`  // the caller hung up before the provider answered (it may send it again)
	Channel string    `json:"channel"` // sms, whatsapp or telegram
}

// providerConfig is what the fake provider's behaviour can be tuned with, also while it runs.
type providerConfig struct {
	Latency     time.Duration // how long each API call takes before it is answered
	Rate429     float64       // the share of message requests answered 429 (code 20429), 0 to 1
	CallbackURL string        // where to post status callbacks ("delivered"); empty: none
}

// fakeProvider is an in-process fake of Twilio's REST API for messages (and of the few Telegram
// Bot API methods stagebot calls). It answers like the real ones — 201 with a Message resource and
// an "SM…" sid, Twilio's JSON errors, HTTP basic auth — after a configurable latency, and keeps
// every message it accepted in a log that load runs and drills read (Since). It is safe for
// concurrent use.
type fakeProvider struct {
	accountSID, authToken string
	telegramToken         string // "" accepts any token
	publicURL             string // the service's PUBLIC_URL, which status callbacks are signed for
	log                   *slog.Logger
	client                *http.Client

	mu       sync.Mutex
	cfg      providerConfig
	messages []Message
	changed  chan struct{} // closed and replaced whenever a message is logged
	requests int           // message requests received (accepted or not)
	refused  map[int]int   // refusals by HTTP status
	inFlight int           // requests being answered now (for the report)
	maxIn    int           // most requests answered at once
}

// newFakeProvider builds a fake for one Twilio account. publicURL is the service's PUBLIC_URL.
func newFakeProvider(accountSID, authToken, telegramToken, publicURL string, cfg providerConfig, log *slog.Logger) *fakeProvider {
	return &fakeProvider{accountSID: accountSID, authToken: authToken, telegramToken: telegramToken,
		publicURL: strings.TrimRight(publicURL, "/"), log: log, cfg: cfg, changed: make(chan struct{}),
		refused: map[int]int{}, client: &http.Client{Timeout: 10 * time.Second}}
}

// Handler routes the fake's API and its control endpoints:
//
//	POST /2010-04-01/Accounts/{sid}/Messages.json   Twilio: create a message
//	POST|GET /bot{token}/{method}                   Telegram: getMe, sendMessage, setWebhook…
//	GET  /_fake/health                              200 "ok"
//	GET  /_fake/messages?from=N&wait=2s             the log from N on, waiting up to wait for one
//	POST /_fake/config  latency=150ms&rate429=0.05&callback_url=…   change the behaviour
//	GET  /_fake/stats                               requests, refusals, concurrency
func (p *fakeProvider) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", p.createMessage)
	mux.HandleFunc("GET /2010-04-01/Accounts/{AccountSid}/Messages.json", p.listMessages)
	mux.HandleFunc("GET /_fake/health", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /_fake/messages", p.serveMessages)
	mux.HandleFunc("POST /_fake/config", p.serveConfig)
	mux.HandleFunc("GET /_fake/stats", p.serveStats)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/bot"); ok {
			p.telegram(w, r, rest)
			return
		}
		twilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
	})
	return mux
}

// Config returns the current behaviour.
func (p *fakeProvider) Config() providerConfig {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg
}

// SetConfig changes the behaviour for the requests that arrive from now on.
func (p *fakeProvider) SetConfig(cfg providerConfig) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg = cfg
}

// Since returns the messages logged from seq from on; when there are none yet it waits until one
// is logged, wait has passed or ctx ends.
func (p *fakeProvider) Since(ctx context.Context, from int, wait time.Duration) []Message {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		p.mu.Lock()
		if from < len(p.messages) {
			out := append([]Message(nil), p.messages[max(from, 0):]...)
			p.mu.Unlock()
			return out
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// providerStats is what GET /_fake/stats answers.
type providerStats struct {
	Requests    int            `json:"requests"`
	Accepted    int            `json:"accepted"`
	Refused     map[string]int `json:"refused"` // by HTTP status
	MaxInFlight int            `json:"max_in_flight"`
}

// Stats counts the requests so far.
func (p *fakeProvider) Stats() providerStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := providerStats{Requests: p.requests, Accepted: len(p.messages), Refused: map[string]int{}, MaxInFlight: p.maxIn}
	for code, n := range p.refused {
		s.Refused[strconv.Itoa(code)] = n
	}
	return s
}

// record logs an accepted message and wakes the readers; it returns its index.
func (p *fakeProvider) record(m Message) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m.Seq = len(p.messages)
	p.messages = append(p.messages, m)
	close(p.changed)
	p.changed = make(chan struct{})
	return m.Seq
}

// markOrphan records that the caller of message seq hung up before it was answered.
func (p *fakeProvider) markOrphan(seq int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.messages[seq].Orphan = true
}

// begin counts a request in flight and returns the behaviour it gets and its end.
func (p *fakeProvider) begin() (providerConfig, func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	p.inFlight++
	p.maxIn = max(p.maxIn, p.inFlight)
	return p.cfg, func() {
		p.mu.Lock()
		p.inFlight--
		p.mu.Unlock()
	}
}

// refuse counts a refusal by HTTP status.
func (p *fakeProvider) refuse(status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refused[status]++
}

// listMessages is Twilio's GET /2010-04-01/Accounts/{AccountSid}/Messages.json: the messages it
// accepted, most recent first, filtered by To, one page of PageSize (50 by default). A sender that
// died between an acceptance and its record asks it what not to send again.
func (p *fakeProvider) listMessages(w http.ResponseWriter, r *http.Request) {
	cfg, end := p.begin()
	defer end()
	user, password, ok := r.BasicAuth()
	if !ok || user != p.accountSID || password != p.authToken || r.PathValue("AccountSid") != p.accountSID {
		twilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if !sleepCtx(r.Context(), cfg.Latency) {
		return
	}
	to := r.URL.Query().Get("To")
	size := 50
	if n, err := strconv.Atoi(r.URL.Query().Get("PageSize")); err == nil && n > 0 && n <= 1000 {
		size = n
	}
	page := []map[string]any{}
	p.mu.Lock()
	for i := len(p.messages) - 1; i >= 0 && len(page) < size; i-- {
		m := p.messages[i]
		if m.Channel == "telegram" || (to != "" && m.To != to) {
			continue
		}
		date := m.At.UTC().Format(time.RFC1123Z)
		page = append(page, map[string]any{"sid": m.SID, "to": m.To, "body": m.Body, "date_created": date,
			"date_updated": date, "status": "sent", "direction": "outbound-api", "account_sid": p.accountSID})
	}
	p.mu.Unlock()
	uri := r.URL.RequestURI()
	writeJSON(w, http.StatusOK, map[string]any{"messages": page, "end": len(page) - 1, "first_page_uri": uri,
		"next_page_uri": nil, "page": 0, "page_size": size, "previous_page_uri": nil, "start": 0, "uri": uri})
}

// createMessage is Twilio's POST /2010-04-01/Accounts/{AccountSid}/Messages.json. The message is
// logged when the request arrives, then answered after the configured latency: a caller that
// dies meanwhile leaves a message the provider sends but the caller never heard of (an orphan).
func (p *fakeProvider) createMessage(w http.ResponseWriter, r *http.Request) {
	cfg, end := p.begin()
	defer end()
	user, password, ok := r.BasicAuth()
	if !ok || user != p.accountSID || password != p.authToken {
		p.refuse(http.StatusUnauthorized)
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		twilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if r.PathValue("AccountSid") != p.accountSID {
		p.refuse(http.StatusNotFound)
		twilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	if err := r.ParseForm(); err != nil {
		p.refuse(http.StatusBadRequest)
		twilioError(w, http.StatusBadRequest, 21620, "Invalid request: "+err.Error())
		return
	}
	to, from, service, body := r.PostForm.Get("To"), r.PostForm.Get("From"), r.PostForm.Get("MessagingServiceSid"), r.PostForm.Get("Body")
	switch {
	case to == "":
		p.refuse(http.StatusBadRequest)
		twilioError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case from == "" && service == "":
		p.refuse(http.StatusBadRequest)
		twilioError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	case body == "":
		p.refuse(http.StatusBadRequest)
		twilioError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	case len([]rune(body)) > 1600:
		p.refuse(http.StatusBadRequest)
		twilioError(w, http.StatusBadRequest, 21617, "The concatenated message body exceeds the 1600 character limit.")
		return
	}
	if cfg.Rate429 > 0 && mrand.Float64() < cfg.Rate429 {
		if !sleepCtx(r.Context(), cfg.Latency) {
			return
		}
		p.refuse(http.StatusTooManyRequests)
		twilioError(w, http.StatusTooManyRequests, 20429, "Too Many Requests")
		return
	}
	channel := "sms"
	if strings.HasPrefix(to, "whatsapp:") {
		channel = "whatsapp"
	}
	m := Message{SID: newSID("SM"), To: to, Body: body, At: time.Now(), Channel: channel}
	seq := p.record(m)
	if !sleepCtx(r.Context(), cfg.Latency) {
		p.markOrphan(seq)
		return
	}
	status, segs := "queued", fmt.Sprint(segments(body))
	var fromField any = from
	if from == "" {
		status, fromField, segs = "accepted", nil, "0"
	}
	var serviceField any
	if service != "" {
		serviceField = service
	}
	date := m.At.UTC().Format(time.RFC1123Z)
	uri := "/2010-04-01/Accounts/" + p.accountSID + "/Messages/" + m.SID
	writeJSON(w, http.StatusCreated, map[string]any{
		"account_sid": p.accountSID, "api_version": "2010-04-01", "body": body,
		"date_created": date, "date_updated": date, "date_sent": nil, "direction": "outbound-api",
		"error_code": nil, "error_message": nil, "from": fromField, "messaging_service_sid": serviceField,
		"num_media": "0", "num_segments": segs, "price": nil, "price_unit": "EUR", "sid": m.SID,
		"status": status, "to": to, "uri": uri + ".json",
		"subresource_uris": map[string]string{"media": uri + "/Media.json", "feedback": uri + "/Feedback.json"},
	})
	if cfg.CallbackURL != "" && r.PostForm.Get("StatusCallback") != "" {
		go p.callback(cfg.CallbackURL, r.PostForm.Get("StatusCallback"), m.SID, to, from)
	}
}

// callback posts a signed "delivered" status callback for a message, as Twilio does once the
// handset has it. statusCallback is the URL the service asked for (under its PUBLIC_URL): the
// request goes to the same path under base, signed for statusCallback.
func (p *fakeProvider) callback(base, statusCallback, sid, to, from string) {
	time.Sleep(200 * time.Millisecond)
	path := strings.TrimPrefix(statusCallback, p.publicURL)
	params := statusParams(p.accountSID, sid, "delivered", to, from)
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(base, "/")+path, strings.NewReader(params.Encode()))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", signTwilio(p.authToken, statusCallback, params))
	resp, err := p.client.Do(req)
	if err != nil {
		p.log.Debug("status callback failed", slog.String("error", err.Error()))
		return
	}
	resp.Body.Close()
}

// serveMessages is GET /_fake/messages?from=N&wait=DURATION.
func (p *fakeProvider) serveMessages(w http.ResponseWriter, r *http.Request) {
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	wait, err := time.ParseDuration(r.URL.Query().Get("wait"))
	if err != nil || wait < 0 || wait > 30*time.Second {
		wait = 2 * time.Second
	}
	msgs := p.Since(r.Context(), from, wait)
	if msgs == nil {
		msgs = []Message{}
	}
	writeJSON(w, http.StatusOK, msgs)
}

// serveConfig is POST /_fake/config: latency, rate429 and callback_url, each optional.
func (p *fakeProvider) serveConfig(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cfg := p.Config()
	if v := r.PostForm.Get("latency"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			http.Error(w, "latency: want a duration such as 150ms", http.StatusBadRequest)
			return
		}
		cfg.Latency = d
	}
	if v := r.PostForm.Get("rate429"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 || math.IsNaN(f) {
			http.Error(w, "rate429: want a number from 0 to 1", http.StatusBadRequest)
			return
		}
		cfg.Rate429 = f
	}
	if r.PostForm.Has("callback_url") {
		cfg.CallbackURL = r.PostForm.Get("callback_url")
	}
	p.SetConfig(cfg)
	writeJSON(w, http.StatusOK, map[string]any{"latency": cfg.Latency.String(), "rate429": cfg.Rate429,
		"callback_url": cfg.CallbackURL})
}

// serveStats is GET /_fake/stats.
func (p *fakeProvider) serveStats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, p.Stats())
}

// sleepCtx waits d, or less if ctx ends first; it reports whether ctx is still alive.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// twilioError answers Twilio's JSON error.
func twilioError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, map[string]any{"code": code, "message": message,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status})
}

// writeJSON answers v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newSID returns prefix and 32 random hex digits, the shape of Twilio's SIDs.
func newSID(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
