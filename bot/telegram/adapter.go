// Package telegram is stagebot's Telegram adapter. It only translates: each update (by webhook or
// long polling) becomes one domain.Inbound handed to a Handler, and each rendered domain.Part
// becomes one sendMessage call. It is the only package that imports the telegram-bot-api library,
// and it imports no other package of stagebot but domain.
//
// Contexts: the library takes none, so every call is made on a shallow copy of the client whose
// HTTP client attaches the caller's context to the request (see Adapter.api). Cancelling the
// context therefore aborts the HTTP request itself, and Config.Timeout bounds every call.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"stagebot/domain"
)

// DefaultEndpoint is the Bot API's address; %s are the token and the method.
const DefaultEndpoint = "https://api.telegram.org/bot%s/%s"

// DefaultTimeout bounds each HTTP call to the Bot API. It is longer than the 30 s long poll.
const DefaultTimeout = 40 * time.Second

// Outcomes passed to Config.OnOutcome, one per webhook request or polled update.
const (
	OutcomeAccepted       = "accepted"        // handled and kept by the Handler
	OutcomeDuplicate      = "duplicate"       // already handled before: acknowledged, nothing done
	OutcomeRejectedSecret = "rejected_secret" // missing or wrong secret token, or no secret configured
	OutcomeTooLarge       = "too_large"       // body over 1 MiB
	OutcomeBadRequest     = "bad_request"     // not a POST, or not an update
	OutcomeIgnored        = "ignored"         // an update kind stagebot does not handle
	OutcomeUnavailable    = "unavailable"     // the Handler failed: Telegram delivers it again
)

// Config configures the adapter.
type Config struct {
	Token         string        // the bot's token from @BotFather
	Endpoint      string        // Bot API endpoint format, default DefaultEndpoint
	WebhookSecret string        // secret_token given to setWebhook; empty refuses every webhook call
	Timeout       time.Duration // HTTP timeout of each Bot API call, default DefaultTimeout
	// OnOutcome, when set, is called once per webhook request or polled update with one of the
	// Outcome constants, for metrics. It must be safe for concurrent use.
	OnOutcome func(outcome string)
}

// Handler takes one inbound message: it returns nil once the message is kept (Telegram may forget
// the update), domain.ErrDuplicate when it was handled before, any other error when Telegram must
// deliver it again. The workflow's Inbox is one.
type Handler interface {
	Handle(ctx context.Context, msg domain.Inbound) error
}

// Adapter is stagebot's Telegram sender and receiver. It is safe for concurrent use.
type Adapter struct {
	cfg     Config
	bot     *tgbotapi.BotAPI // never called directly: see api
	http    *http.Client
	handler Handler
	log     *slog.Logger

	retryMin, retryMax time.Duration // Poll's backoff after a failure
}

// New connects to the Bot API (the library checks the token with getMe, bounded by ctx and
// Config.Timeout) and returns the adapter. handler may be nil for an adapter that only sends (its
// webhook and Poll then answer every update as unavailable); a nil log discards.
func New(ctx context.Context, cfg Config, handler Handler, log *slog.Logger) (*Adapter, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: no bot token")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := &http.Client{Timeout: cfg.Timeout}
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.Endpoint, ctxClient{ctx: ctx, c: hc})
	if err != nil {
		return nil, fmt.Errorf("telegram: getMe failed (check the token and the endpoint): %w", scrub(cfg.Token, err))
	}
	api.Client = hc // the constructor's context must not outlive New
	return &Adapter{cfg: cfg, bot: api, http: hc, handler: handler, log: log,
		retryMin: time.Second, retryMax: 30 * time.Second}, nil
}

// Username is the bot's username, as getMe reported it (for t.me deep links).
func (a *Adapter) Username() string { return a.bot.Self.UserName }

// Channel is domain.Telegram.
func (a *Adapter) Channel() domain.Channel { return domain.Telegram }

// Send sends one part to the chat whose id is chatID (a decimal int64, never "+…"), with an inline keyboard
// when the part has buttons, and returns the Telegram message_id. Refusals are *domain.SendError with
// Code "telegram:<error_code>": 403 (blocked, deactivated) and 400 "chat not found" are permanent
// and unreachable, other 400s permanent, 429 carries RetryAfter; anything else (5xx, network,
// an unreadable body, the context ending) is transient.
func (a *Adapter) Send(ctx context.Context, chatID string, part domain.Part) (string, error) {
	id, err := strconv.ParseInt(chatID, 10, 64)
	if err == nil && strings.HasPrefix(chatID, "+") {
		err = errors.New("a phone number, not a Telegram chat id")
	}
	if err != nil {
		return "", &domain.SendError{Code: "telegram:bad_chat_id", Permanent: true,
			Err: fmt.Errorf("telegram: chat id is not a number: %w", err)}
	}
	msg := tgbotapi.NewMessage(id, part.Text)
	if len(part.Buttons) > 0 {
		msg.ReplyMarkup = keyboard(part.Buttons)
	}
	sent, err := a.api(ctx).Send(msg)
	if err != nil {
		return "", sendError(ctx, a.scrub(err))
	}
	return strconv.Itoa(sent.MessageID), nil
}

// keyboard converts rendered buttons to an inline keyboard; each button sends back its Data.
func keyboard(rows [][]domain.Button) tgbotapi.InlineKeyboardMarkup {
	kb := make([][]tgbotapi.InlineKeyboardButton, len(rows))
	for i, row := range rows {
		kb[i] = make([]tgbotapi.InlineKeyboardButton, len(row))
		for j, b := range row {
			kb[i][j] = tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Data)
		}
	}
	return tgbotapi.NewInlineKeyboardMarkup(kb...)
}

// sendError classifies an error from a Bot API call (see Send).
func sendError(ctx context.Context, err error) *domain.SendError {
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		// Network error, timeout, cancelled context, or a body that is not JSON (an HTML 502
		// from a proxy): the message may go through later.
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return &domain.SendError{Code: "telegram:transient", Err: fmt.Errorf("telegram: %w", err)}
	}
	se := &domain.SendError{Code: "telegram:" + strconv.Itoa(te.Code), Err: fmt.Errorf("telegram: %w", err)}
	switch {
	case te.Code == http.StatusForbidden: // bot blocked by the user, user deactivated…
		se.Permanent, se.Unreachable = true, true
	case te.Code == http.StatusBadRequest && strings.Contains(strings.ToLower(te.Message), "chat not found"):
		se.Permanent, se.Unreachable = true, true
	case te.Code == http.StatusBadRequest:
		se.Permanent = true
	}
	if te.RetryAfter > 0 {
		se.RetryAfter = time.Duration(te.RetryAfter) * time.Second
	}
	return se
}

// api returns a shallow copy of the library client whose requests carry ctx, so that cancelling
// ctx aborts the HTTP call. The copy shares the token, endpoint and HTTP client.
func (a *Adapter) api(ctx context.Context) *tgbotapi.BotAPI {
	b := *a.bot
	b.Client = ctxClient{ctx: ctx, c: a.http}
	return &b
}

// ctxClient is the library's HTTPClient, sending each request with its context.
type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

// Do sends req with the client's context. The request URL holds the bot token: it is cut out of
// errors, which end up in logs.
func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.c.Do(req.WithContext(c.ctx))
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.Path = path.Join("/bot<redacted>", path.Base(u.Path))
			u.RawPath = ""
			ue.URL = u.String()
		} else {
			ue.URL = "<redacted>"
		}
	}
	return resp, err
}

// scrubbed is an error whose message has the bot token cut out; its chain is unchanged.
type scrubbed struct {
	err   error
	token string
}

func (e *scrubbed) Error() string { return strings.ReplaceAll(e.err.Error(), e.token, "<token>") }
func (e *scrubbed) Unwrap() error { return e.err }

// scrub hides token in err's message: the library puts the request URL, which holds it, in some
// errors, and errors end up in logs.
func scrub(token string, err error) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return &scrubbed{err: err, token: token}
}

// scrub hides the adapter's token in err's message.
func (a *Adapter) scrub(err error) error { return scrub(a.cfg.Token, err) }

// count reports an outcome to the metrics hook.
func (a *Adapter) count(outcome string) {
	if a.cfg.OnOutcome != nil {
		a.cfg.OnOutcome(outcome)
	}
}
