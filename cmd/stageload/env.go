package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// common are the flags every command that talks to a serve takes: where the replicas are, the
// Twilio account they share with stageload, and the fake provider.
type common struct {
	urls            string
	account         twilioAccount
	provider        string // URL of a running `stageload provider`; empty: start one here
	providerListen  string // where to start it
	providerLatency time.Duration
	provider429     float64
	runID           int // numbers this run's people apart from other runs'
	retryFor        time.Duration
}

// register adds the common flags to fs, with the environment's values as defaults.
func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.urls, "url", "http://127.0.0.1:8080", "base URL of the serve under test; several, comma-separated, are replicas taken in turn")
	fs.StringVar(&c.account.SID, "account-sid", envOr("TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"), "Twilio account SID the serve has (TWILIO_ACCOUNT_SID)")
	fs.StringVar(&c.account.Token, "auth-token", envOr("TWILIO_AUTH_TOKEN", "0123456789abcdef0123456789abcdef"), "Twilio auth token the serve has (TWILIO_AUTH_TOKEN)")
	fs.StringVar(&c.account.Number, "twilio-number", envOr("TWILIO_FROM", "+33757000000"), "the serve's Twilio number (TWILIO_FROM)")
	fs.StringVar(&c.account.PublicURL, "public-url", envOr("PUBLIC_URL", "https://stagebot.example.org"), "the serve's PUBLIC_URL, which webhooks are signed for")
	fs.StringVar(&c.provider, "provider", "", "URL of a running stageload provider (its control endpoints); empty: run the fake provider in this process")
	fs.StringVar(&c.providerListen, "provider-listen", "127.0.0.1:9099", "where the in-process fake provider listens (the serve's TWILIO_API_BASE_URL)")
	fs.DurationVar(&c.providerLatency, "provider-latency", 150*time.Millisecond, "how long the fake provider takes to answer each send")
	fs.Float64Var(&c.provider429, "provider-429", 0, "share of sends the fake provider answers 429 Too Many Requests (0 to 1)")
	fs.IntVar(&c.runID, "run-id", rand.IntN(1000), "0 to 999: numbers this run's synthetic phones (students +33 67 RRR…, parents +33 66 RRR…, drills +33 76 K RRR…)")
	fs.DurationVar(&c.retryFor, "retry-for", 30*time.Second, "how long a webhook is delivered again after a network error, 5xx or 429 (same MessageSid)")
}

// check reports what is wrong with the common flags.
func (c *common) check() error {
	var problems []string
	if c.urls == "" {
		problems = append(problems, "--url is required")
	}
	if c.account.SID == "" || c.account.Token == "" || c.account.Number == "" || c.account.PublicURL == "" {
		problems = append(problems, "the Twilio account (--account-sid, --auth-token, --twilio-number, --public-url) is required")
	}
	if c.runID < 0 || c.runID > 999 {
		problems = append(problems, "--run-id must be 0 to 999")
	}
	if c.provider429 < 0 || c.provider429 > 1 {
		problems = append(problems, "--provider-429 must be 0 to 1")
	}
	if len(problems) > 0 {
		return usageError(strings.Join(problems, "; "))
	}
	return nil
}

// rig is what a run or a drill works with: the webhook client, the provider and its feed.
type rig struct {
	hooks *webhooks
	src   source
	feed  *feed
	rec   *recorder
	log   *slog.Logger
}

// setup connects to (or starts) the fake provider, sets its latency and 429 rate, starts reading
// its log and builds the webhook client. The returned function stops what setup started.
func (c *common) setup(ctx context.Context, maxConns int, log *slog.Logger) (*rig, func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	var src source
	var stops []func()
	stop := func() {
		cancel()
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	cfg := providerConfig{Latency: c.providerLatency, Rate429: c.provider429}
	if c.provider == "" {
		p := newFakeProvider(c.account.SID, c.account.Token, "", c.account.PublicURL, cfg, log)
		srv, err := serveProvider(p, c.providerListen)
		if err != nil {
			stop()
			return nil, nil, err
		}
		stops = append(stops, func() { _ = srv.Close() })
		log.Info("fake provider listening", slog.String("url", "http://"+c.providerListen))
		src = localSource{p}
	} else {
		src = remoteSource{base: strings.TrimRight(c.provider, "/"), client: &http.Client{Timeout: 40 * time.Second}}
		if err := src.Configure(ctx, cfg); err != nil {
			stop()
			return nil, nil, err
		}
	}
	f, err := newFeed(ctx, src)
	if err != nil {
		stop()
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() { defer close(done); f.Run(ctx) }()
	stops = append(stops, func() { cancel(); <-done })
	rec := &recorder{}
	hooks := newWebhooks(strings.Split(c.urls, ","), c.account, maxConns, c.retryFor, rec)
	return &rig{hooks: hooks, src: src, feed: f, rec: rec, log: log}, stop, nil
}

// serveProvider starts serving the fake provider on addr.
func serveProvider(p *fakeProvider, addr string) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fake provider: %w", err)
	}
	srv := &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, nil
}

// providerCommand runs the fake provider alone until interrupted, for scripts that start the
// serve once and run several loads or drills against it.
func providerCommand(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("provider", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:9099", "address to listen on")
	sid := fs.String("account-sid", envOr("TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"), "the Twilio account SID the serve uses")
	token := fs.String("auth-token", envOr("TWILIO_AUTH_TOKEN", "0123456789abcdef0123456789abcdef"), "the auth token the serve uses")
	tgToken := fs.String("telegram-token", os.Getenv("TELEGRAM_BOT_TOKEN"), "the Telegram bot token the serve uses (empty: any)")
	publicURL := fs.String("public-url", envOr("PUBLIC_URL", "https://stagebot.example.org"), "the serve's PUBLIC_URL (status callbacks are signed for it)")
	latency := fs.Duration("latency", 150*time.Millisecond, "how long each API call takes")
	rate429 := fs.Float64("rate429", 0, "share of sends answered 429 (0 to 1)")
	callback := fs.String("callback-url", "", "post a signed 'delivered' status callback for each SMS to this base URL (a serve); empty: none")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *rate429 < 0 || *rate429 > 1 {
		return usageError("--rate429 must be 0 to 1")
	}
	p := newFakeProvider(*sid, *token, *tgToken, *publicURL,
		providerConfig{Latency: *latency, Rate429: *rate429, CallbackURL: *callback}, log)
	srv, err := serveProvider(p, *listen)
	if err != nil {
		return err
	}
	log.Info("fake provider listening", slog.String("twilio", "http://"+*listen),
		slog.String("telegram", "http://"+*listen+"/bot%s/%s"), slog.Duration("latency", *latency))
	<-ctx.Done()
	st := p.Stats()
	log.Info("fake provider stopping", slog.Int("requests", st.Requests), slog.Int("accepted", st.Accepted))
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("fake provider: %w", err)
	}
	return nil
}

// envOr returns the environment variable name, or def when it is empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
