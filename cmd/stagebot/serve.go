package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"stagebot/bot"
	"stagebot/bot/ops"
	"stagebot/bot/render"
	"stagebot/bot/sender"
	"stagebot/bot/telegram"
	"stagebot/bot/twilio"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/scheduler"
	"stagebot/store"
	"stagebot/web"
)

// service is everything `stagebot serve` runs: the HTTP server (webhooks, health, metrics), the
// outbound sender and, without a public URL, Telegram long polling.
type service struct {
	cfg       config
	scheduler *scheduler.Scheduler
	jobs      scheduler.Jobs // what the scheduler runs
	store     *store.Store
	log       *slog.Logger
	handler   http.Handler
	sender    *sender.Sender
	telegram  *telegram.Adapter // nil when off
	pages     *web.Server
}

// newService wires the service from its configuration, on the service's one clock. Channels whose
// credentials are missing are off, and the log says so.
func newService(ctx context.Context, cfg config, clk clock.Clock, st *store.Store, log *slog.Logger) (*service, error) {
	cat, err := locales.Load()
	if err != nil {
		return nil, err
	}
	inbox := bot.NewInbox(st, conversation.New(cat, conversation.Config{}), bot.InboxConfig{Clock: clk,
		MaxApplications: cfg.MaxApplications, ConfirmDays: cfg.ConfirmDays, ReleaseDate: cfg.ReleaseDate,
		PublicURL: cfg.webURL(), Random: cfg.random}, log)
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := ops.NewMetrics(registry, st)
	mux := ops.NewMux(st, registry)
	svc := &service{cfg: cfg, store: st, log: log, handler: mux}

	var transports []sender.Transport
	if cfg.telegramOn() {
		tg, err := telegram.New(ctx, telegram.Config{Token: cfg.TelegramToken, Endpoint: cfg.TelegramEndpoint,
			WebhookSecret: cfg.TelegramSecret,
			OnOutcome:     func(outcome string) { metrics.WebhookOutcome("telegram", outcome) }}, inbox, log)
		if err != nil {
			return nil, err
		}
		svc.telegram = tg
		transports = append(transports, tg)
		if cfg.PublicURL != "" {
			mux.Handle("POST /webhooks/telegram", tg.WebhookHandler())
			log.Info("telegram on (webhook)", slog.String("bot", tg.Username()))
		} else {
			log.Info("telegram on (long polling: PUBLIC_URL is not set)", slog.String("bot", tg.Username()))
		}
	} else {
		log.Info("telegram off: TELEGRAM_BOT_TOKEN is not set")
	}
	if cfg.twilioOn() {
		tw, err := twilio.New(twilio.Config{AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken,
			From: cfg.TwilioFrom, MessagingServiceSID: cfg.TwilioMessagingServiceSID, WhatsAppFrom: cfg.TwilioWhatsAppFrom,
			APIBaseURL: cfg.TwilioAPIBaseURL, PublicURL: cfg.PublicURL}, inbox, inbox, log)
		if err != nil {
			return nil, err
		}
		tw.OnWebhook(func(route, outcome string) { metrics.WebhookOutcome(route, outcome) })
		mux.Handle("POST /webhooks/twilio", tw.InboundHandler())
		mux.Handle("POST /webhooks/twilio/status", tw.StatusHandler())
		transports = append(transports, tw.SMS())
		if wa := tw.WhatsApp(); wa != nil {
			transports = append(transports, wa)
			log.Info("twilio on: SMS and WhatsApp")
		} else {
			log.Info("twilio on: SMS (WhatsApp off: TWILIO_WHATSAPP_FROM is not set)")
		}
	} else {
		log.Info("twilio off: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set")
	}
	botName := cfg.TelegramBot
	if botName == "" && svc.telegram != nil {
		botName = svc.telegram.Username()
	}
	mailer, err := mailerOf(cfg, log)
	if err != nil {
		return nil, err
	}
	pages, err := web.New(st, inbox, mailer, cat, web.Config{PublicURL: cfg.webURL(), Clock: clk, SMSNumber: cfg.SMSNumber,
		TelegramBot: botName, SMSPrice: cfg.SMSPrice}, log)
	if err != nil {
		return nil, err
	}
	svc.pages = pages
	pages.Routes(mux)
	hours, err := calendar.SendingHours() // one calendar for the jobs and the sender
	if err != nil {
		return nil, err
	}
	svc.jobs = scheduler.Jobs{Store: st, Workflow: inbox, Clock: clk, Hours: hours}
	jobs := svc.jobs
	svc.scheduler, err = scheduler.New(calendar.Paris(), log, jobs.All()...)
	if err != nil {
		return nil, err
	}
	svc.sender = sender.New(st, transports, render.NewRenderer(cat), inbox, sender.Config{DatabaseURL: cfg.DatabaseURL,
		ChatGap: cfg.TelegramChatGap, Clock: clk, Hours: hours,
		PerSecond: map[domain.Channel]float64{domain.SMS: cfg.TwilioPerSecond,
			domain.WhatsApp: cfg.TwilioPerSecond}}, metrics, log)
	return svc, nil
}

// run serves until ctx ends, then shuts down gracefully: it stops taking webhooks and lets the
// requests in flight finish, the sender finishes the message it is sending and leaves the rest for
// the next run.
func (svc *service) run(ctx context.Context) error {
	if svc.telegram != nil && svc.cfg.PublicURL != "" {
		if err := svc.telegram.Register(ctx, svc.cfg.PublicURL); err != nil {
			return fmt.Errorf("register the telegram webhook: %w", err)
		}
	}
	server := &http.Server{Addr: svc.cfg.HTTPAddr, Handler: svc.handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	wg.Add(1)
	go func() { defer wg.Done(); errs <- svc.sender.Run(workCtx) }()
	if svc.telegram != nil && svc.cfg.PublicURL == "" {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- svc.telegram.Poll(workCtx) }()
	}
	svc.scheduler.Start(workCtx)
	serveErr := make(chan error, 1)
	go func() {
		svc.log.Info("listening", slog.String("addr", svc.cfg.HTTPAddr))
		if err := server.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			serveErr <- err
		}
		close(serveErr)
	}()
	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	}
	svc.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if e := server.Shutdown(shutdownCtx); e != nil && err == nil {
		err = e
	}
	stopWork()
	svc.scheduler.Stop(shutdownCtx)
	wg.Wait()
	close(errs)
	for e := range errs {
		if e != nil && !errors.Is(e, context.Canceled) && err == nil {
			err = e
		}
	}
	return err
}

func (env environment) serve(ctx context.Context) error {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	st, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := newService(ctx, cfg, env.clock, st, env.log)
	if err != nil {
		return err
	}
	return svc.run(ctx)
}
