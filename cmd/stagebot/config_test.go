package main

import (
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	base := map[string]string{"DATABASE_URL": "postgres://localhost/stagebot?sslmode=disable"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // empty: valid
	}{
		{"database only: channels off", base, ""},
		{"no database", map[string]string{}, "DATABASE_URL is required"},
		{"telegram by long polling", with("TELEGRAM_BOT_TOKEN", "123:abc"), ""},
		{"telegram webhook needs a secret", with("TELEGRAM_BOT_TOKEN", "123:abc", "PUBLIC_URL", "https://bot.example.org"),
			"TELEGRAM_WEBHOOK_SECRET"},
		{"public url must be https", with("PUBLIC_URL", "http://bot.example.org"), "https URL"},
		{"twilio half configured", with("TWILIO_ACCOUNT_SID", "AC123"), "go together"},
		{"twilio without a sender", with("TWILIO_ACCOUNT_SID", "AC123", "TWILIO_AUTH_TOKEN", "tok",
			"PUBLIC_URL", "https://bot.example.org"), "TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID"},
		{"twilio without public url", with("TWILIO_ACCOUNT_SID", "AC123", "TWILIO_AUTH_TOKEN", "tok",
			"TWILIO_FROM", "+33612345678"), "PUBLIC_URL is required with Twilio"},
		{"twilio complete", with("TWILIO_ACCOUNT_SID", "AC123", "TWILIO_AUTH_TOKEN", "tok",
			"TWILIO_FROM", "+33612345678", "PUBLIC_URL", "https://bot.example.org/"), ""},
		{"bad rate", with("TWILIO_MESSAGES_PER_SECOND", "fast"), "TWILIO_MESSAGES_PER_SECOND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tt.env[k] })
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error = %v, want it to mention %q", err, tt.wantErr)
			}
			if err == nil && strings.HasSuffix(c.PublicURL, "/") {
				t.Errorf("PUBLIC_URL kept its trailing slash: %q", c.PublicURL)
			}
		})
	}
}
