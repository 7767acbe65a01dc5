package twilio

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{AccountSID: testSID, AuthToken: testToken, From: testFrom}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string // "" for valid
	}{
		{"minimal", func(*Config) {}, ""},
		{"messaging service only", func(c *Config) { c.From, c.MessagingServiceSID = "", "MG0123456789abcdef" }, ""},
		{"everything", func(c *Config) {
			c.WhatsAppFrom, c.APIBaseURL, c.PublicURL = "whatsapp:+33757000001", "http://127.0.0.1:8080", "https://stagebot.example.org/"
			c.Timeout = 3 * time.Second
		}, ""},
		{"no SID", func(c *Config) { c.AccountSID = "" }, "account SID is required"},
		{"SID not AC", func(c *Config) { c.AccountSID = "SK0123" }, `start with "AC"`},
		{"SID with a dash", func(c *Config) { c.AccountSID = "AC01-23" }, `start with "AC"`},
		{"no token", func(c *Config) { c.AuthToken = "" }, "auth token is required"},
		{"token with symbols", func(c *Config) { c.AuthToken = "abc_def" }, "only letters and digits"},
		{"no sender", func(c *Config) { c.From = "" }, "a sender is required"},
		{"From not E.164", func(c *Config) { c.From = "07 57 00 00 00" }, "From must be an E.164"},
		{"bad service SID", func(c *Config) { c.MessagingServiceSID = "XX12" }, `start with "MG"`},
		{"bad WhatsApp sender", func(c *Config) { c.WhatsAppFrom = "whatsapp:0757" }, "WhatsAppFrom"},
		{"relative public URL", func(c *Config) { c.PublicURL = "stagebot.example.org" }, "public URL"},
		{"public URL with query", func(c *Config) { c.PublicURL = "https://x.example.org/?a=1" }, "public URL"},
		{"API URL not http", func(c *Config) { c.APIBaseURL = "ftp://x" }, "API base URL"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{AccountSID: testSID, AuthToken: testToken, From: testFrom, WhatsAppFrom: "whatsapp:+33757000001",
		PublicURL: "https://stagebot.example.org/"}.withDefaults()
	if c.APIBaseURL != DefaultAPIBaseURL || c.Timeout != 10*time.Second ||
		c.PublicURL != "https://stagebot.example.org" || c.WhatsAppFrom != "+33757000001" {
		t.Errorf("defaults %+v", c)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := New(Config{}, nil, nil, log); err == nil || !strings.Contains(err.Error(), "account SID") {
		t.Errorf("empty config: err = %v", err)
	}
	if _, err := New(Config{AccountSID: testSID, AuthToken: testToken, From: testFrom}, nil, nil, log); err == nil {
		t.Error("no handler, no deliveries: no error")
	}
}
