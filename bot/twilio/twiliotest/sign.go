package twiliotest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"

	"stagebot/bot/render"
)

// TestAccountSID is the AccountSid InboundParams and StatusParams put in; set another with
// params.Set("AccountSid", …).
const TestAccountSID = "AC00000000000000000000000000000000"

// Sign computes Twilio's X-Twilio-Signature for a request to url (the full URL Twilio called,
// with its query string) carrying the POST parameters params: the URL followed by each parameter's
// name and value, sorted by name (a name with several values once per value, values sorted), signed
// with HMAC-SHA1 keyed by the auth token, in base64.
func Sign(authToken, url string, params url.Values) string {
	var b strings.Builder
	b.WriteString(url)
	for _, name := range slices.Sorted(maps.Keys(params)) {
		values := slices.Clone(params[name])
		slices.Sort(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// NewInboundRequest builds the form-encoded POST Twilio would make to publicURL + path (path may
// carry a query string) with params, signed with authToken. It is a server-side request, to give
// straight to a handler's ServeHTTP (as httptest.NewRequest makes).
func NewInboundRequest(authToken, publicURL, path string, params url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(params.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Twilio-Signature", Sign(authToken, strings.TrimRight(publicURL, "/")+path, params))
	r.Header.Set("User-Agent", "TwilioProxy/1.1")
	return r
}

// InboundParams returns the parameters Twilio posts for an incoming message: from is the sender
// ("+33612345678", or "whatsapp:+33612345678" for WhatsApp, which then also gets WaId and
// ProfileName), to the Twilio number. NumMedia is "0": for a photo, set NumMedia, MediaUrl0 and
// MediaContentType0.
func InboundParams(messageSID, from, to, body string) url.Values {
	_, segments := render.SMSSegments(body)
	p := url.Values{
		"ToCountry":     {country(to)},
		"ToState":       {""},
		"SmsMessageSid": {messageSID},
		"NumMedia":      {"0"},
		"ToCity":        {""},
		"FromZip":       {""},
		"SmsSid":        {messageSID},
		"FromState":     {""},
		"SmsStatus":     {"received"},
		"FromCity":      {""},
		"Body":          {body},
		"FromCountry":   {country(from)},
		"To":            {to},
		"ToZip":         {""},
		"NumSegments":   {fmt.Sprint(max(segments, 1))},
		"MessageSid":    {messageSID},
		"AccountSid":    {TestAccountSID},
		"From":          {from},
		"ApiVersion":    {"2010-04-01"},
	}
	if number, ok := strings.CutPrefix(from, "whatsapp:"); ok {
		p.Set("WaId", strings.TrimPrefix(number, "+"))
		p.Set("ProfileName", "Test")
		p.Set("MessageType", "text")
		p.Del("ToCountry")
		p.Del("FromCountry")
	}
	return p
}

// StatusParams returns the parameters Twilio posts to a status callback for the message
// messageSID sent from from to to: status is Twilio's (queued, sent, delivered, undelivered,
// failed, read…), errorCode is empty or Twilio's code (e.g. "30003").
func StatusParams(messageSID, status, to, from, errorCode string) url.Values {
	p := url.Values{
		"SmsSid":        {messageSID},
		"SmsStatus":     {status},
		"MessageStatus": {status},
		"To":            {to},
		"MessageSid":    {messageSID},
		"AccountSid":    {TestAccountSID},
		"From":          {from},
		"ApiVersion":    {"2010-04-01"},
	}
	if errorCode != "" {
		p.Set("ErrorCode", errorCode)
	}
	return p
}

// country guesses the ISO country of a number from its calling code, as Twilio fills ToCountry and
// FromCountry; empty when unknown.
func country(number string) string {
	number = strings.TrimPrefix(number, "whatsapp:")
	for _, c := range []struct{ prefix, iso string }{
		{"+33", "FR"}, {"+32", "BE"}, {"+41", "CH"}, {"+44", "GB"}, {"+1", "US"},
	} {
		if strings.HasPrefix(number, c.prefix) {
			return c.iso
		}
	}
	return ""
}
