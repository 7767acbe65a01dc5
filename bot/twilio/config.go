package twilio

import (
	"errors"
	"fmt"
	"net/url"
	"stagebot/phone"
	"strings"
	"time"
)

// Defaults and limits of the configuration.
const (
	// DefaultAPIBaseURL is Twilio's REST API.
	DefaultAPIBaseURL = "https://api.twilio.com"
	// DefaultTimeout bounds one call to the REST API when Timeout is zero.
	DefaultTimeout = 10 * time.Second
)

// Config is how the adapter reaches Twilio and how Twilio reaches it.
type Config struct {
	AccountSID string // "AC…", letters and digits only
	AuthToken  string // the account's auth token: signs webhooks and authenticates API calls
	// From is the Twilio phone number SMS are sent from (E.164). Either From or
	// MessagingServiceSID must be set; when both are, SMS go through the messaging service.
	From string
	// MessagingServiceSID ("MG…") sends SMS through a messaging service (sender pool, opt-out).
	MessagingServiceSID string
	// WhatsAppFrom is the WhatsApp sender's number (E.164, with or without the "whatsapp:" prefix);
	// empty disables the WhatsApp transport.
	WhatsAppFrom string
	// APIBaseURL is where the REST API is called (default https://api.twilio.com); tests point it
	// at twiliotest.Server.
	APIBaseURL string
	// PublicURL is the https base URL Twilio calls (e.g. https://stagebot.example.org): webhook
	// signatures are checked against PublicURL + the request's path and query, and SMS ask for
	// status callbacks at PublicURL + "/webhooks/twilio/status". Empty: no status callbacks, and
	// both webhooks refuse every request (they never run unauthenticated).
	PublicURL string
	// Timeout bounds one call to the REST API (default 10 s).
	Timeout time.Duration
}

// Validate reports what is missing or malformed in the configuration, all problems at once.
func (c Config) Validate() error {
	var errs []error
	switch {
	case c.AccountSID == "":
		errs = append(errs, errors.New("twilio: account SID is required"))
	case !strings.HasPrefix(c.AccountSID, "AC") || !alphanumeric(c.AccountSID):
		errs = append(errs, errors.New(`twilio: account SID must start with "AC" and have only letters and digits`))
	}
	switch {
	case c.AuthToken == "":
		errs = append(errs, errors.New("twilio: auth token is required"))
	case !alphanumeric(c.AuthToken):
		errs = append(errs, errors.New("twilio: auth token must have only letters and digits"))
	}
	if c.From == "" && c.MessagingServiceSID == "" {
		errs = append(errs, errors.New("twilio: a sender is required: From (E.164 number) or MessagingServiceSID"))
	}
	if c.From != "" && !phone.ValidE164(c.From) {
		errs = append(errs, errors.New(`twilio: From must be an E.164 number such as "+33757000000"`))
	}
	if c.MessagingServiceSID != "" && (!strings.HasPrefix(c.MessagingServiceSID, "MG") || !alphanumeric(c.MessagingServiceSID)) {
		errs = append(errs, errors.New(`twilio: messaging service SID must start with "MG" and have only letters and digits`))
	}
	if c.WhatsAppFrom != "" && !phone.ValidE164(strings.TrimPrefix(c.WhatsAppFrom, whatsAppPrefix)) {
		errs = append(errs, errors.New(`twilio: WhatsAppFrom must be an E.164 number such as "+33757000000"`))
	}
	if c.APIBaseURL != "" {
		if err := checkBaseURL(c.APIBaseURL); err != nil {
			errs = append(errs, fmt.Errorf("twilio: API base URL: %w", err))
		}
	}
	if c.PublicURL != "" {
		if err := checkBaseURL(c.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("twilio: public URL: %w", err))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("twilio: Timeout must not be negative"))
	}
	return errors.Join(errs...)
}

// withDefaults fills the zero fields and normalizes the URLs and the WhatsApp sender.
func (c Config) withDefaults() Config {
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	}
	c.APIBaseURL = strings.TrimRight(c.APIBaseURL, "/")
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	c.WhatsAppFrom = strings.TrimPrefix(c.WhatsAppFrom, whatsAppPrefix)
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// checkBaseURL accepts an absolute http or https URL without query or fragment.
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q must have no query, fragment or user", raw)
	}
	return nil
}

// alphanumeric reports whether s has only ASCII letters and digits (what twilio-go accepts as
// credentials).
func alphanumeric(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
