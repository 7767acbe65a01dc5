package telegram

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// WebhookPath is where Register tells Telegram to deliver updates.
const WebhookPath = "/webhooks/telegram"

// SecretHeader carries the secret_token given to setWebhook on every webhook call.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds a webhook body. Real updates are a few KiB.
const maxUpdateBytes = 1 << 20

// WebhookHandler serves POST /webhooks/telegram. It answers:
//   - 405 to anything but POST;
//   - 401 without the secret header, 403 with a wrong one, and 403 to everything when
//     Config.WebhookSecret is empty (the webhook never runs unauthenticated);
//   - 413 to a body over 1 MiB, 400 to one that is not an update;
//   - 200 once the update is committed by the Handler, was already handled, or is of a kind that is
//     ignored; 503 when the Handler failed, so that Telegram delivers it again (nothing is lost).
func (a *Adapter) WebhookHandler() http.Handler {
	return http.HandlerFunc(a.serveWebhook)
}

func (a *Adapter) serveWebhook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		a.refuse(w, r, http.StatusMethodNotAllowed, OutcomeBadRequest)
		return
	}
	if status := a.checkSecret(r); status != http.StatusOK {
		a.refuse(w, r, status, OutcomeRejectedSecret)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			a.refuse(w, r, http.StatusRequestEntityTooLarge, OutcomeTooLarge)
			return
		}
		a.refuse(w, r, http.StatusBadRequest, OutcomeBadRequest)
		return
	}
	var u tgbotapi.Update
	if err := json.Unmarshal(body, &u); err != nil || u.UpdateID <= 0 {
		a.refuse(w, r, http.StatusBadRequest, OutcomeBadRequest)
		return
	}
	if _, err := a.handle(r.Context(), &u); err != nil {
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// checkSecret compares the secret header with Config.WebhookSecret in constant time and returns
// 200 when it matches, 401 when it is missing, 403 when it is wrong or no secret is configured.
func (a *Adapter) checkSecret(r *http.Request) int {
	if a.cfg.WebhookSecret == "" {
		return http.StatusForbidden
	}
	got, present := r.Header[http.CanonicalHeaderKey(SecretHeader)]
	if !present || len(got) == 0 || got[0] == "" {
		return http.StatusUnauthorized
	}
	if len(got) != 1 || subtle.ConstantTimeCompare([]byte(got[0]), []byte(a.cfg.WebhookSecret)) != 1 {
		return http.StatusForbidden
	}
	return http.StatusOK
}

// refuse answers a request that carries no update to handle, and counts and logs it.
func (a *Adapter) refuse(w http.ResponseWriter, r *http.Request, status int, outcome string) {
	a.count(outcome)
	a.log.InfoContext(r.Context(), "telegram webhook refused", slog.Int("status", status), slog.String("outcome", outcome))
	http.Error(w, http.StatusText(status), status)
}
