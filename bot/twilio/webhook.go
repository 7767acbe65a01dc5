package twilio

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"stagebot/domain"
	"stagebot/phone"
)

// maxWebhookBody bounds a webhook request's body; Twilio's are a few hundred bytes.
const maxWebhookBody = 64 << 10

// emptyTwiML answers an inbound message without replying in the response: replies go through the
// outbox, so that they are rate-limited, retried and recorded like every other message.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

// Webhook outcomes, reported to the OnWebhook function.
const (
	outcomeAccepted          = "accepted"
	outcomeDuplicate         = "duplicate"
	outcomeIgnored           = "ignored"
	outcomeRejectedSignature = "rejected_signature"
	outcomeMissingSignature  = "missing_signature"
	outcomeTooLarge          = "too_large"
	outcomeBadRequest        = "bad_request"
	outcomeUnavailable       = "unavailable"
)

// unreachableCode reports whether a delivery error code says the person cannot be reached on the
// channel: unsubscribed (replied STOP), unreachable handset, unknown destination, landline or
// unreachable carrier.
func unreachableCode(code string) bool {
	switch code {
	case "21610", "30005", "30006": // not 30003 (unreachable handset): often a phone switched off, it passes
		return true
	}
	return false
}

// InboundHandler returns the handler for POST /webhooks/twilio (InboundPath), where Twilio posts
// the messages people send. A message signed by Twilio is handed to the Handler and answered 200
// with an empty TwiML response, also when Twilio delivers it again (same MessageSid). The answer
// is 405 for another method,
// 413 for a body over 64 KiB, 400 for a form without MessageSid or a sender, 401 without
// X-Twilio-Signature, 403 for a wrong signature (or when no PublicURL is configured), and 503 when
// the message could not be kept, so that Twilio tries again.
func (a *Adapter) InboundHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := a.authenticate(w, r, InboundPath)
		if !ok {
			return
		}
		msg, err := inboundFrom(form)
		if err != nil {
			a.refuse(w, InboundPath, http.StatusBadRequest, outcomeBadRequest)
			return
		}
		ctx := r.Context()
		attrs := []any{slog.String("channel", string(msg.Channel)), slog.String("message_sid", msg.ProviderID)}
		if msg.Channel == domain.WhatsApp && a.cfg.WhatsAppFrom == "" {
			a.log.WarnContext(ctx, "twilio inbound: WhatsApp message but no WhatsApp sender configured: replies wait", attrs...)
		}
		outcome := outcomeAccepted
		switch err := a.handler.Handle(ctx, msg); {
		case errors.Is(err, domain.ErrDuplicate):
			outcome = outcomeDuplicate
		case err != nil: // the handler logged it
			a.refuse(w, InboundPath, http.StatusServiceUnavailable, outcomeUnavailable)
			return
		}
		a.log.DebugContext(ctx, "twilio inbound", append(attrs, slog.String("outcome", outcome))...)
		a.report(InboundPath, outcome)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(emptyTwiML))
	})
}

// StatusHandler returns the handler for POST /webhooks/twilio/status (StatusPath), where Twilio
// posts what became of the messages sent. queued, accepted, sending and sent are recorded as
// "sent", delivered and read as "delivered", undelivered and failed as they are; a callback that
// arrives after a later status changes nothing (the store keeps statuses in order), and other
// statuses are ignored. ErrorCode 21610, 30005 or 30006 also marks the recipient
// unreachable on the channel. Authentication and errors are answered as by InboundHandler; the
// answer is 200 with no body once the status is recorded.
func (a *Adapter) StatusHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := a.authenticate(w, r, StatusPath)
		if !ok {
			return
		}
		sid, twilioStatus := form.Get("MessageSid"), form.Get("MessageStatus")
		if twilioStatus == "" {
			twilioStatus = form.Get("SmsStatus")
		}
		if sid == "" || twilioStatus == "" {
			a.refuse(w, StatusPath, http.StatusBadRequest, outcomeBadRequest)
			return
		}
		ctx := r.Context()
		status, known := deliveryStatus(twilioStatus)
		if !known {
			a.log.DebugContext(ctx, "twilio status ignored", slog.String("message_sid", sid), slog.String("status", twilioStatus))
			a.report(StatusPath, outcomeIgnored)
			w.WriteHeader(http.StatusOK)
			return
		}
		errorCode, reason := form.Get("ErrorCode"), ""
		if errorCode == "0" {
			errorCode = ""
		}
		if errorCode != "" {
			reason = "twilio:" + errorCode
		}
		channel, to := domain.SMS, form.Get("To")
		if strings.HasPrefix(to, whatsAppPrefix) || strings.HasPrefix(form.Get("From"), whatsAppPrefix) {
			channel, to = domain.WhatsApp, strings.TrimPrefix(to, whatsAppPrefix)
		}
		unreachable := unreachableCode(errorCode) && phone.ValidE164(to)
		err := a.deliveries.DeliveryReport(ctx, domain.DeliveryReport{ProviderID: sid, Status: status, ErrorCode: reason,
			Unreachable: unreachable, Channel: channel, Address: to})
		attrs := []any{slog.String("channel", string(channel)), slog.String("message_sid", sid),
			slog.String("status", twilioStatus), slog.String("error_code", errorCode)}
		if err != nil {
			a.log.ErrorContext(ctx, "twilio status not recorded", append(attrs, slog.String("error", err.Error()))...)
			a.refuse(w, StatusPath, http.StatusServiceUnavailable, outcomeUnavailable)
			return
		}
		if unreachable {
			a.log.InfoContext(ctx, "twilio: recipient unreachable", attrs...)
		} else {
			a.log.DebugContext(ctx, "twilio status", attrs...)
		}
		a.report(StatusPath, outcomeAccepted)
		w.WriteHeader(http.StatusOK)
	})
}

// authenticate checks the method, reads the form (at most 64 KiB) and checks Twilio's signature
// over PublicURL + the request URI and the POST parameters. It answers the request itself and
// returns false when the request is refused.
func (a *Adapter) authenticate(w http.ResponseWriter, r *http.Request, route string) (url.Values, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		a.refuse(w, route, http.StatusMethodNotAllowed, outcomeBadRequest)
		return nil, false
	}
	if a.cfg.PublicURL == "" {
		a.refuse(w, route, http.StatusForbidden, outcomeRejectedSignature)
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxWebhookBody)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			a.refuse(w, route, http.StatusRequestEntityTooLarge, outcomeTooLarge)
		} else {
			a.refuse(w, route, http.StatusBadRequest, outcomeBadRequest)
		}
		return nil, false
	}
	signature := r.Header.Get("X-Twilio-Signature")
	if signature == "" {
		a.refuse(w, route, http.StatusUnauthorized, outcomeMissingSignature)
		return nil, false
	}
	params := make(map[string]string, len(r.PostForm))
	for k, v := range r.PostForm {
		params[k] = v[0]
	}
	if !a.validator.Validate(a.cfg.PublicURL+r.URL.RequestURI(), params, signature) {
		a.log.WarnContext(r.Context(), "twilio webhook: wrong signature", slog.String("route", route))
		a.refuse(w, route, http.StatusForbidden, outcomeRejectedSignature)
		return nil, false
	}
	return r.PostForm, true
}

// inboundFrom reads an inbound message from Twilio's form: the channel is WhatsApp when From has
// the "whatsapp:" prefix (the address is then the bare number), SMS otherwise; a message with
// media and no text is a media message.
func inboundFrom(form url.Values) (domain.Inbound, error) {
	sid, from := form.Get("MessageSid"), form.Get("From")
	if sid == "" {
		return domain.Inbound{}, errors.New("no MessageSid")
	}
	channel := domain.SMS
	if strings.HasPrefix(from, whatsAppPrefix) {
		channel, from = domain.WhatsApp, strings.TrimPrefix(from, whatsAppPrefix)
	}
	if !phone.ValidE164(from) {
		return domain.Inbound{}, errors.New("sender is not an E.164 number")
	}
	body := form.Get("Body")
	numMedia, _ := strconv.Atoi(form.Get("NumMedia"))
	return domain.Inbound{Channel: channel, ProviderID: sid, Address: from, Text: body,
		Media: numMedia > 0 && strings.TrimSpace(body) == ""}, nil
}

// deliveryStatus maps a Twilio message status to the outbox's, and reports whether it is one the
// outbox tracks.
func deliveryStatus(s string) (domain.DeliveryStatus, bool) {
	switch s {
	case "queued", "accepted", "sending", "sent":
		return domain.StatusSent, true
	case "delivered", "read":
		return domain.StatusDelivered, true
	case "undelivered":
		return domain.StatusUndelivered, true
	case "failed":
		return domain.StatusFailed, true
	}
	return "", false
}

// refuse answers a refused request and reports its outcome.
func (a *Adapter) refuse(w http.ResponseWriter, route string, code int, outcome string) {
	a.report(route, outcome)
	http.Error(w, http.StatusText(code), code)
}

// report calls the OnWebhook function, if any.
func (a *Adapter) report(route, outcome string) {
	if fn := a.onWebhook.Load(); fn != nil {
		(*fn)(route, outcome)
	}
}
