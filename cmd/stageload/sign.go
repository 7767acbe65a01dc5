package main

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Twilio's inbound and status webhook paths on stagebot (bot/twilio: InboundPath, StatusPath).
const (
	inboundPath = "/webhooks/twilio"
	statusPath  = "/webhooks/twilio/status"
)

// signTwilio computes the X-Twilio-Signature Twilio sends with a webhook to fullURL (the URL Twilio
// called, query string included) carrying the POST parameters params: HMAC-SHA1, keyed by the auth
// token, over the URL followed by every parameter name and value, sorted by name (a name with
// several values once per value, values sorted), in standard base64.
func signTwilio(authToken, fullURL string, params url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
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

// inboundParams returns the form Twilio posts to the inbound webhook for an SMS from from to to
// (both E.164): the same fields, in the same shape, as a real inbound SMS in France.
func inboundParams(accountSID, messageSID, from, to, body string) url.Values {
	return url.Values{
		"ToCountry":     {"FR"},
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
		"FromCountry":   {"FR"},
		"To":            {to},
		"ToZip":         {""},
		"NumSegments":   {fmt.Sprint(segments(body))},
		"MessageSid":    {messageSID},
		"AccountSid":    {accountSID},
		"From":          {from},
		"ApiVersion":    {"2010-04-01"},
	}
}

// statusParams returns the form Twilio posts to a status callback for the message messageSID.
func statusParams(accountSID, messageSID, status, to, from string) url.Values {
	return url.Values{
		"SmsSid":        {messageSID},
		"SmsStatus":     {status},
		"MessageStatus": {status},
		"To":            {to},
		"MessageSid":    {messageSID},
		"AccountSid":    {accountSID},
		"From":          {from},
		"ApiVersion":    {"2010-04-01"},
	}
}

// segments estimates how many SMS segments body takes: 160 characters in one, 153 per segment
// beyond (GSM-7; good enough for the NumSegments field).
func segments(body string) int {
	n := len([]rune(body))
	if n <= 160 {
		return 1
	}
	return (n + 152) / 153
}
