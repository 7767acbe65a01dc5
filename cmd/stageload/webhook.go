package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// twilioAccount is what the load tool shares with the service under test: the account's
// credentials, the number people write to, and the PUBLIC_URL webhooks are signed for.
type twilioAccount struct {
	SID       string
	Token     string
	Number    string // the service's Twilio number (TWILIO_FROM), the To of inbound SMS
	PublicURL string
}

// attempt is one webhook request and its answer.
type attempt struct {
	Role    string        // student, parent, host, drill…
	Step    string        // what the message answers (the prompt), for latency by step
	At      time.Time     // when the request started
	Latency time.Duration // until the answer (or the error)
	Status  int           // HTTP status; 0 for a network error
	Err     string        // the network error, if any
}

// recorder keeps every attempt, for the report. It is safe for concurrent use.
type recorder struct {
	mu       sync.Mutex
	attempts []attempt
}

// add records one attempt.
func (r *recorder) add(a attempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts = append(r.attempts, a)
}

// all returns a copy of the attempts so far.
func (r *recorder) all() []attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]attempt(nil), r.attempts...)
}

// webhooks posts signed Twilio webhooks to one or several replicas of the service, the way Twilio
// would, and records every attempt.
type webhooks struct {
	urls     []string // base URLs of the replicas, e.g. http://127.0.0.1:8080
	account  twilioAccount
	client   *http.Client
	rec      *recorder
	retryFor time.Duration // how long a message is delivered again after a network error or 5xx/429
	sids     atomic.Int64
	prefix   string // of this run's MessageSids
}

// newWebhooks builds the client. maxConns bounds the connections kept per replica.
func newWebhooks(urls []string, account twilioAccount, maxConns int, retryFor time.Duration, rec *recorder) *webhooks {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = maxConns * len(urls)
	transport.MaxIdleConnsPerHost = maxConns
	for i, u := range urls {
		urls[i] = strings.TrimRight(u, "/")
	}
	return &webhooks{urls: urls, account: account, rec: rec, retryFor: retryFor,
		client: &http.Client{Transport: transport, Timeout: 30 * time.Second}, prefix: newSID("SM")[:18]}
}

// newMessageSID returns a MessageSid no other message of this run has: "SM" and 32 hex digits.
func (w *webhooks) newMessageSID() string {
	return fmt.Sprintf("%s%016x", w.prefix, w.sids.Add(1))
}

// delivery is what became of one inbound message, over all its attempts.
type delivery struct {
	SID     string
	First   time.Time     // when the first attempt started
	Acked   bool          // an attempt was answered 2xx
	AckAt   time.Time     // when that attempt started
	Status  int           // the last answer's status (0: network error)
	Latency time.Duration // the last attempt's
}

// sender names who sends a webhook and what their message answers, for the report.
type sender struct{ Role, Step string }

// Deliver posts an inbound SMS from from with body under MessageSid sid to a replica (pick chooses
// which first), and delivers it again, with the same sid, after a network error, a 5xx or a 429,
// until it is answered 2xx or retryFor has passed, as a patient Twilio would. A 4xx other than
// 429 is final.
func (w *webhooks) Deliver(ctx context.Context, who sender, pick int, sid, from, body string) delivery {
	params := inboundParams(w.account.SID, sid, from, w.account.Number, body)
	d := delivery{SID: sid, First: time.Now()}
	backoff := 100 * time.Millisecond
	for i := 0; ; i++ {
		base := w.urls[(pick+i)%len(w.urls)]
		start := time.Now()
		status, err := w.post(ctx, base, inboundPath, params, "")
		a := attempt{Role: who.Role, Step: who.Step, At: start, Latency: time.Since(start), Status: status}
		if err != nil {
			a.Err = shortError(err)
		}
		if ctx.Err() == nil || status != 0 {
			w.rec.add(a)
		}
		d.Status, d.Latency = status, a.Latency
		if status >= 200 && status < 300 {
			d.Acked, d.AckAt = true, start
			return d
		}
		retry := status == 0 || status == http.StatusTooManyRequests || status >= 500
		if !retry || ctx.Err() != nil || time.Since(d.First)+backoff > w.retryFor {
			return d
		}
		if !sleepCtx(ctx, backoff) {
			return d
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// post sends params to base+path signed for PUBLIC_URL+path, or with the given signature when
// signature is not empty; it returns the HTTP status (0 and the error when there was no answer).
func (w *webhooks) post(ctx context.Context, base, path string, params url.Values, signature string) (int, error) {
	if signature == "" {
		signature = signTwilio(w.account.Token, w.account.PublicURL+path, params)
	}
	return w.postRaw(ctx, base+path, []byte(params.Encode()), map[string]string{"X-Twilio-Signature": signature})
}

// postRaw posts a form body to u with the given headers (an empty value leaves a header out) and
// returns the status, after reading the answer.
func (w *webhooks) postRaw(ctx context.Context, u string, body []byte, headers map[string]string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(string(body)))
	if err != nil {
		return 0, fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("I-Twilio-Idempotency-Token", newSID(""))
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// shortError names a network error by its kind, for counting: refused, reset, timeout, eof…
func shortError(err error) string {
	var netErr net.Error
	s := err.Error()
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case strings.Contains(s, "connection refused"):
		return "refused"
	case strings.Contains(s, "connection reset"):
		return "reset"
	case strings.Contains(s, "broken pipe"):
		return "broken_pipe"
	case strings.Contains(s, "EOF"):
		return "eof"
	}
	return "network"
}
