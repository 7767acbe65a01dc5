package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"stagebot/phone"
	"strconv"
	"strings"
	"time"
)

// config is the service's configuration, read from the environment (see .env.example).
type config struct {
	// random draws the agreements' link tokens and signing codes (nil: crypto/rand); the stories give
	// a seeded one, so that what they print is the same at every run. Never from the environment.
	random io.Reader

	DatabaseURL string
	HTTPAddr    string
	PublicURL   string // the https base URL the providers call; empty: Telegram long polling, no Twilio inbound

	TelegramToken    string
	TelegramEndpoint string
	TelegramSecret   string

	TwilioAccountSID          string
	TwilioAuthToken           string
	TwilioFrom                string
	TwilioMessagingServiceSID string
	TwilioWhatsAppFrom        string
	TwilioAPIBaseURL          string
	TwilioPerSecond           float64

	// TelegramChatGap is the least time between two messages to one Telegram chat (default 1 s,
	// Telegram's limit); tests shorten it.
	TelegramChatGap time.Duration

	// The season's rules come from the campaign in force (stagebot campaign load). These override
	// them when set: MAX_APPLICATIONS, CONFIRM_DAYS, and REP_RELEASE_DATE (YYYY-MM-DD), the day from
	// which places reserved for REP/REP+ students open to all.
	MaxApplications int
	ConfirmDays     int
	ReleaseDate     *time.Time

	// The web pages of the collèges and the City: the SMTP server that sends the sign-in links
	// (SMTP_*; without SMTP_HOST no link can be sent), the number and the bot the invitations print
	// (SMS_NUMBER, TELEGRAM_BOT_NAME: by default TWILIO_FROM and the Telegram bot's own name), and the
	// price of an SMS segment for the City's costs (SMS_PRICE_EUR).
	SMTPHost     string
	SMTPPort     int
	SMTPUsername string
	SMTPPassword string
	SMTPFrom     string
	SMTPTLS      string
	SMSNumber    string
	TelegramBot  string
	SMSPrice     float64
}

// webURL is where people reach the web pages: PUBLIC_URL, or this machine's listener.
func (c config) webURL() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	host, port, _ := strings.Cut(c.HTTPAddr, ":")
	if host == "" {
		host = "localhost"
	}
	return "http://" + host + ":" + port
}

// Telegram and Twilio are on when their credentials are set.
func (c config) telegramOn() bool { return c.TelegramToken != "" }
func (c config) twilioOn() bool   { return c.TwilioAccountSID != "" || c.TwilioAuthToken != "" }

// validSecretToken reports whether s is a Telegram webhook secret: 16 to 256 characters of A-Z a-z
// 0-9 _ -.
func validSecretToken(s string) bool {
	if len(s) < 16 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// loadConfig reads and checks the configuration; every problem is listed at once.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL:               getenv("DATABASE_URL"),
		HTTPAddr:                  or(getenv("HTTP_ADDR"), ":8080"),
		PublicURL:                 strings.TrimRight(getenv("PUBLIC_URL"), "/"),
		TelegramToken:             getenv("TELEGRAM_BOT_TOKEN"),
		TelegramEndpoint:          or(getenv("TELEGRAM_API_ENDPOINT"), "https://api.telegram.org/bot%s/%s"),
		TelegramSecret:            getenv("TELEGRAM_WEBHOOK_SECRET"),
		TwilioAccountSID:          getenv("TWILIO_ACCOUNT_SID"),
		TwilioAuthToken:           getenv("TWILIO_AUTH_TOKEN"),
		TwilioFrom:                getenv("TWILIO_FROM"),
		TwilioMessagingServiceSID: getenv("TWILIO_MESSAGING_SERVICE_SID"),
		TwilioWhatsAppFrom:        getenv("TWILIO_WHATSAPP_FROM"),
		TwilioAPIBaseURL:          or(getenv("TWILIO_API_BASE_URL"), "https://api.twilio.com"),
		TwilioPerSecond:           1,
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if c.DatabaseURL == "" {
		bad("DATABASE_URL is required")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			bad("PUBLIC_URL must be an https URL such as https://stagebot.example.org (got %q)", c.PublicURL)
		}
	}
	if c.telegramOn() {
		if !strings.Contains(c.TelegramEndpoint, "%s") {
			bad("TELEGRAM_API_ENDPOINT must contain two %%s (token, method), like https://api.telegram.org/bot%%s/%%s")
		}
		if c.PublicURL != "" && !validSecretToken(c.TelegramSecret) {
			bad("TELEGRAM_WEBHOOK_SECRET must be 16 to 256 characters of A-Z a-z 0-9 _ - when PUBLIC_URL is set")
		}
	}
	if c.twilioOn() {
		if c.TwilioAccountSID == "" || c.TwilioAuthToken == "" {
			bad("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together")
		}
		if c.TwilioFrom == "" && c.TwilioMessagingServiceSID == "" {
			bad("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required to send SMS")
		}
		if c.TwilioFrom != "" && !phone.ValidE164(c.TwilioFrom) {
			bad("TWILIO_FROM must be an E.164 number such as +33612345678")
		}
		if c.TwilioWhatsAppFrom != "" && !phone.ValidE164(c.TwilioWhatsAppFrom) {
			bad("TWILIO_WHATSAPP_FROM must be an E.164 number such as +33612345678")
		}
		if c.PublicURL == "" {
			bad("PUBLIC_URL is required with Twilio: it is where Twilio delivers SMS and what signatures are checked against")
		}
	}
	if v := getenv("TWILIO_MESSAGES_PER_SECOND"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 1000 {
			bad("TWILIO_MESSAGES_PER_SECOND must be a number above 0 (got %q)", v)
		}
		c.TwilioPerSecond = f
	}
	if v := getenv("REP_RELEASE_DATE"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			bad("REP_RELEASE_DATE must be a date such as 2027-01-04 (got %q)", v)
		}
		c.ReleaseDate = &d
	}
	if v := getenv("CONFIRM_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 60 {
			bad("CONFIRM_DAYS must be a whole number of days from 1 to 60 (got %q)", v)
		}
		c.ConfirmDays = n
	}
	if v := getenv("MAX_APPLICATIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			bad("MAX_APPLICATIONS must be a whole number from 1 to 50 (got %q)", v)
		}
		c.MaxApplications = n
	}
	c.SMTPHost, c.SMTPUsername, c.SMTPPassword = getenv("SMTP_HOST"), getenv("SMTP_USERNAME"), getenv("SMTP_PASSWORD")
	c.SMTPFrom, c.SMTPTLS = getenv("SMTP_FROM"), or(getenv("SMTP_TLS"), "starttls")
	c.SMSNumber, c.TelegramBot = getenv("SMS_NUMBER"), strings.TrimPrefix(getenv("TELEGRAM_BOT_NAME"), "@")
	if c.SMSNumber == "" && c.TwilioFrom != "" {
		c.SMSNumber = phone.National(c.TwilioFrom)
	}
	if v := getenv("SMTP_PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			bad("SMTP_PORT must be a port number (got %q)", v)
		}
		c.SMTPPort = n
	}
	if c.SMTPHost != "" && c.SMTPFrom == "" {
		bad("SMTP_FROM is required with SMTP_HOST: the address the sign-in links come from")
	}
	switch c.SMTPTLS {
	case "starttls", "tls", "none":
	default:
		bad("SMTP_TLS must be starttls, tls or none (got %q)", c.SMTPTLS)
	}
	c.SMSPrice = 0.07
	if v := getenv("SMS_PRICE_EUR"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 10 {
			bad("SMS_PRICE_EUR must be a price such as 0.07 (got %q)", v)
		}
		c.SMSPrice = f
	}
	if len(problems) > 0 {
		return c, errors.New("configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
