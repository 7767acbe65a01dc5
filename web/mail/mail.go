// Package mail sends stagebot's e-mail (the staff's sign-in links) over SMTP, with
// github.com/wneessen/go-mail: the one place that library is used.
package mail

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config is the SMTP server to send through (SMTP_* in the environment, see .env.example).
type Config struct {
	Host     string
	Port     int    // 587 when zero
	Username string // no authentication when empty
	Password string
	From     string // the sender's address: "stagebot <noreply@example.org>"
	TLS      string // "starttls" (default: required), "tls" (implicit, port 465) or "none" (a local relay)
}

// SMTP sends e-mail through one SMTP server.
type SMTP struct{ cfg Config }

// New checks the configuration and returns the sender.
func New(cfg Config) (*SMTP, error) {
	if cfg.Host == "" || cfg.From == "" {
		return nil, errors.New("mail: SMTP_HOST and SMTP_FROM are required")
	}
	switch cfg.TLS {
	case "", "starttls", "tls", "none":
	default:
		return nil, fmt.Errorf("mail: SMTP_TLS %q: want starttls, tls or none", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == "tls" {
			cfg.Port = 465
		}
	}
	return &SMTP{cfg: cfg}, nil
}

// Send sends one plain-text message, in one SMTP session (a new connection each time: sign-in
// links are few).
func (s *SMTP) Send(ctx context.Context, to, subject, text string) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(to); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(subject)
	msg.SetBodyString(gomail.TypeTextPlain, text)
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(15 * time.Second)}
	switch s.cfg.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.NoTLS), gomail.WithPort(s.cfg.Port))
	case "tls":
		opts = append(opts, gomail.WithSSLPort(false), gomail.WithPort(s.cfg.Port))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s:%s: %w", s.cfg.Host, strconv.Itoa(s.cfg.Port), err)
	}
	return nil
}
