// Package twilio connects stagebot to Twilio for SMS and WhatsApp. It only translates: two senders
// turn a rendered domain.Part into one Twilio message (REST API, with twilio-go); the inbound webhook
// turns Twilio's form into one domain.Inbound for a Handler, and the status webhook turns a
// delivery callback into one domain.DeliveryReport for Deliveries; both webhooks are authenticated
// by Twilio's request signature. It imports no other package of stagebot but domain and phone.
//
// twilio-go is imported here and nowhere else in stagebot. Its calls take no context: Send checks
// its context before calling, and the adapter's HTTP transport carries that context (with the
// configured timeout) to the request, so cancelling ctx also aborts a call in flight.
package twilio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"stagebot/domain"
)

// whatsAppPrefix marks a WhatsApp address in Twilio's To and From.
const whatsAppPrefix = "whatsapp:"

// StatusPath and InboundPath are where the webhooks are expected to be mounted; the status
// callback URL given to Twilio is PublicURL + StatusPath.
const (
	InboundPath = "/webhooks/twilio"
	StatusPath  = "/webhooks/twilio/status"
)

// rateLimitWait is how long to wait after Twilio said "too many requests": it gives no Retry-After.
const rateLimitWait = time.Second

// Handler takes one inbound message: it returns nil once the message is kept, domain.ErrDuplicate
// when it was handled before, any other error when Twilio should deliver it again. The workflow's
// Inbox is one.
type Handler interface {
	Handle(ctx context.Context, msg domain.Inbound) error
}

// Deliveries records what became of a message Twilio was given (and that its recipient cannot be
// reached, when the report says so); an error asks Twilio to call again. The workflow's Inbox is
// one.
type Deliveries interface {
	DeliveryReport(ctx context.Context, r domain.DeliveryReport) error
}

// Adapter sends and receives SMS and WhatsApp messages through one Twilio account. It is safe for
// concurrent use.
type Adapter struct {
	cfg        Config
	base       *url.URL // where API calls go; nil for Twilio itself
	handler    Handler
	deliveries Deliveries
	log        *slog.Logger
	validator  client.RequestValidator
	onWebhook  atomic.Pointer[func(route, outcome string)]
}

// New checks cfg and builds the adapter. handler takes inbound messages and deliveries the status
// callbacks; neither may be nil. log defaults to discarding.
func New(cfg Config, handler Handler, deliveries Deliveries, log *slog.Logger) (*Adapter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if handler == nil || deliveries == nil {
		return nil, errors.New("twilio: a handler and deliveries are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	a := &Adapter{cfg: cfg, handler: handler, deliveries: deliveries, log: log,
		validator: client.NewRequestValidator(cfg.AuthToken)}
	if cfg.APIBaseURL != DefaultAPIBaseURL {
		u, err := url.Parse(cfg.APIBaseURL)
		if err != nil {
			return nil, fmt.Errorf("twilio: API base URL: %w", err)
		}
		a.base = u
	}
	if cfg.PublicURL == "" {
		log.Warn("twilio: no public URL: webhooks refuse every request and no status callbacks are asked for")
	}
	return a, nil
}

// OnWebhook sets a function called once per webhook request with the route (InboundPath or
// StatusPath) and the outcome: "accepted", "duplicate", "ignored" (a status the store does not
// track), "rejected_signature", "missing_signature", "too_large", "bad_request" or "unavailable".
// It is meant for metrics; it must be quick and safe for concurrent use.
func (a *Adapter) OnWebhook(fn func(route, outcome string)) {
	if fn == nil {
		a.onWebhook.Store(nil)
		return
	}
	a.onWebhook.Store(&fn)
}

// Sender sends rendered messages on one channel through Twilio.
type Sender interface {
	Channel() domain.Channel
	Send(ctx context.Context, address string, part domain.Part) (string, error)
}

// SMS returns the SMS sender.
func (a *Adapter) SMS() Sender {
	return &transport{a: a, channel: domain.SMS}
}

// WhatsApp returns the WhatsApp sender, or nil when no WhatsApp sender is configured.
func (a *Adapter) WhatsApp() Sender {
	if a.cfg.WhatsAppFrom == "" {
		return nil
	}
	return &transport{a: a, channel: domain.WhatsApp}
}

// transport is one channel of the adapter.
type transport struct {
	a       *Adapter
	channel domain.Channel
}

// Channel is the channel the transport sends on.
func (t *transport) Channel() domain.Channel { return t.channel }

// Send creates one Twilio message to address (E.164) and returns its SID. Twilio's refusals come
// back as *domain.SendError (see classify); network errors, timeouts and
// Twilio's 5xx as plain or transient errors, to be tried again. twilio-go takes no context: ctx
// is checked before the call and carried by the HTTP transport, so cancelling it aborts the call.
func (t *transport) Send(ctx context.Context, address string, part domain.Part) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("twilio: send: %w", err)
	}
	cfg := t.a.cfg
	params := &openapi.CreateMessageParams{}
	params.SetBody(part.Text)
	if t.channel == domain.WhatsApp {
		params.SetTo(whatsAppPrefix + address)
		params.SetFrom(whatsAppPrefix + cfg.WhatsAppFrom)
	} else {
		params.SetTo(address)
		if cfg.MessagingServiceSID != "" {
			params.SetMessagingServiceSid(cfg.MessagingServiceSID)
		} else {
			params.SetFrom(cfg.From)
		}
	}
	if cfg.PublicURL != "" {
		params.SetStatusCallback(cfg.PublicURL + StatusPath)
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel() // also frees a connection whose error body twilio-go left unclosed
	msg, err := t.a.api(ctx).CreateMessage(params)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !isRestError(err) {
			return "", fmt.Errorf("twilio: send: %w", ctxErr)
		}
		return "", classify(err)
	}
	if msg.Sid == nil || *msg.Sid == "" {
		return "", &domain.SendError{Code: "twilio:no_sid", Err: errors.New("twilio answered without a message SID")}
	}
	return *msg.Sid, nil
}

// listLimit is how many of a number's latest messages Accepted reads: a sender that died holds a
// few rows for one person at most, and they are the latest.
const listLimit = 50

// Accepted lists the SIDs of the messages Twilio accepted for address since since with this exact
// body, most recent first: the Messages API's list, filtered on the number (Twilio's own date filter
// is on the day a message left, empty while it is queued, so the window is checked here on its
// creation). A sender that died between Twilio's acceptance and its own record finds there what not
// to send again.
func (t *transport) Accepted(ctx context.Context, address string, since time.Time, body string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("twilio: list: %w", err)
	}
	to := address
	if t.channel == domain.WhatsApp {
		to = whatsAppPrefix + address
	}
	params := &openapi.ListMessageParams{}
	params.SetTo(to)
	params.SetPageSize(listLimit)
	params.SetLimit(listLimit)
	ctx, cancel := context.WithTimeout(ctx, t.a.cfg.Timeout)
	defer cancel()
	msgs, err := t.a.api(ctx).ListMessage(params)
	if err != nil {
		return nil, fmt.Errorf("twilio: list: %w", classify(err))
	}
	var sids []string
	for _, m := range msgs {
		if m.Sid == nil || m.Body == nil || *m.Body != body || m.DateCreated == nil {
			continue
		}
		created, err := time.Parse(time.RFC1123Z, *m.DateCreated)
		if err != nil || created.Before(since.Truncate(time.Second)) {
			continue
		}
		sids = append(sids, *m.Sid)
	}
	return sids, nil
}

// api returns a Twilio API client whose requests run on ctx and go to the configured base URL.
// twilio-go has no base-URL option and takes no context: both are the HTTP transport's job.
// (twilio.NewRestClientWithParams(ClientParams{Client: c}).Api builds the same ApiService, but
// compiles in every Twilio product.)
func (a *Adapter) api(ctx context.Context) *openapi.ApiService {
	c := &client.Client{
		Credentials: client.NewCredentials(a.cfg.AccountSID, a.cfg.AuthToken),
		HTTPClient: &http.Client{
			Transport: &ctxTransport{ctx: ctx, base: a.base, next: http.DefaultTransport},
			// Like twilio-go's own client: a redirect is an answer, not something to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAccountSid(a.cfg.AccountSID)
	return openapi.NewApiServiceWithClient(c)
}

// ctxTransport runs each request on ctx and, when base is set, sends it to base's scheme and host
// (with base's path, if any, in front of the request's).
type ctxTransport struct {
	ctx  context.Context
	base *url.URL
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *ctxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(t.ctx)
	if t.base != nil {
		req.URL.Scheme = t.base.Scheme
		req.URL.Host = t.base.Host
		req.URL.Path = t.base.Path + req.URL.Path
		req.URL.RawPath = ""
		req.Host = t.base.Host
	}
	return t.next.RoundTrip(req)
}

// classify turns a twilio-go error into a *domain.SendError with Code "twilio:<code>":
//   - 21610 (recipient unsubscribed), 21211 (invalid To number), 21614 (To is not a mobile): the
//     person cannot be reached on this channel (Permanent and Unreachable);
//   - 20429 or HTTP 429 (too many requests): try again after a second (Twilio gives no Retry-After);
//   - HTTP 401 (20003, bad credentials): transient, the operator must fix the configuration and the
//     messages should then leave rather than all fail;
//   - any other 4xx: Permanent;
//   - 5xx, and anything that is not Twilio's JSON error (network error, timeout, an HTML error
//     page): transient.
func classify(err error) error {
	var re *client.TwilioRestError
	if !errors.As(err, &re) {
		return &domain.SendError{Code: "twilio:transient", Err: err}
	}
	code := fmt.Sprintf("twilio:%d", re.Code)
	if re.Code == 0 {
		code = fmt.Sprintf("twilio:http%d", re.Status)
	}
	se := &domain.SendError{Code: code, Err: err}
	switch {
	case re.Code == 21610 || re.Code == 21211 || re.Code == 21614:
		se.Permanent, se.Unreachable = true, true
	case re.Code == 20429 || re.Status == http.StatusTooManyRequests:
		se.RetryAfter = rateLimitWait
	case re.Code == 20003 || re.Status == http.StatusUnauthorized:
		// transient: see above
	case re.Status >= 400 && re.Status < 500:
		se.Permanent = true
	}
	return se
}

// isRestError reports whether err is an answer from Twilio rather than a failed call.
func isRestError(err error) bool {
	var re *client.TwilioRestError
	return errors.As(err, &re)
}
