package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"stagebot/web"
	"stagebot/web/mail"
)

// mailerOf is the e-mail sender of the pages' sign-in links: SMTP when configured; otherwise one
// that says in the log that e-mail is off (nobody can then receive a link).
func mailerOf(cfg config, log *slog.Logger) (web.Mailer, error) {
	if cfg.SMTPHost == "" {
		log.Info("web pages on, e-mail off: SMTP_HOST is not set, so no sign-in link can be sent")
		return offMailer{log: log}, nil
	}
	m, err := mail.New(mail.Config{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
		Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS})
	if err != nil {
		return nil, err
	}
	log.Info("web pages on, e-mail through SMTP", slog.String("host", cfg.SMTPHost))
	return m, nil
}

// offMailer drops e-mail, saying so in the log (without the address).
type offMailer struct{ log *slog.Logger }

func (m offMailer) Send(ctx context.Context, _, _, _ string) error {
	m.log.WarnContext(ctx, "e-mail not sent: SMTP_HOST is not set")
	return nil
}

// printMailer prints e-mail on the terminal: the demo's.
type printMailer struct {
	mu  sync.Mutex
	out io.Writer
}

func (m *printMailer) Send(_ context.Context, to, subject, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(m.out, "--- e-mail to %s: %s ---\n%s\n\n", to, subject, text)
	return nil
}
