package main

import (
	"net/url"
	"testing"

	"github.com/twilio/twilio-go/client"
)

// signTwilio must agree with twilio-go's own validator, the one stagebot checks webhooks with.
func TestSignTwilioAgreesWithTwilioGo(t *testing.T) {
	const token = "0123456789abcdef0123456789abcdef"
	validator := client.NewRequestValidator(token)
	tests := []struct {
		name   string
		url    string
		params url.Values
	}{
		{"inbound SMS", "https://stagebot.example.org/webhooks/twilio",
			inboundParams("AC00000000000000000000000000000000", "SM0123", "+33670000001", "+33757000000", "Bonjour Léa, ça va ?")},
		{"status callback", "https://stagebot.example.org/webhooks/twilio/status",
			statusParams("AC00000000000000000000000000000000", "SM0123", "delivered", "+33670000001", "+33757000000")},
		{"query string and empty values", "https://stagebot.example.org/webhooks/twilio?x=1&b=2",
			url.Values{"Body": {""}, "From": {"+33670000001"}, "MessageSid": {"SM1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := signTwilio(token, tt.url, tt.params)
			flat := make(map[string]string, len(tt.params))
			for k, v := range tt.params {
				flat[k] = v[0]
			}
			if !validator.Validate(tt.url, flat, sig) {
				t.Errorf("twilio-go rejects signature %s", sig)
			}
			if validator.Validate(tt.url+"x", flat, sig) {
				t.Error("twilio-go accepts the signature for another URL")
			}
			flat["Body"] += "!"
			if validator.Validate(tt.url, flat, sig) {
				t.Error("twilio-go accepts the signature for another body")
			}
			if other := signTwilio("ffffffffffffffffffffffffffffffff", tt.url, tt.params); other == sig {
				t.Error("another token gives the same signature")
			}
		})
	}
}

// The example of Twilio's documentation ("Validating Signatures from Twilio").
func TestSignTwilioPublishedExample(t *testing.T) {
	params := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675309"}, "Digits": {"1234"},
		"From": {"+14158675309"}, "To": {"+18005551212"}}
	got := signTwilio("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)
	if want := "RSOYDt4T1cUTdK1PDd93/VVr8B8="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
}
