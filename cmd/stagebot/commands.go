package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"stagebot/bot"
	"stagebot/bot/console"
	"stagebot/bot/render"
	"stagebot/catalog"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/demo"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/localpg"
	"stagebot/web"
)

// environment is what the commands read from the outside world, the service's one clock included.
type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	log    *slog.Logger
	clock  clock.Clock
}

func (env environment) open(ctx context.Context) (*store.Store, error) {
	url := env.getenv("DATABASE_URL")
	if url == "" {
		return nil, fmt.Errorf("DATABASE_URL is not set (or try: stagebot demo)")
	}
	s, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (env environment) migrate(ctx context.Context) error {
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintln(env.stdout, "migrations applied")
	return nil
}

func (env environment) importData(ctx context.Context, args []string) error {
	if len(args) < 2 || (args[0] != "schools" && args[0] != "offers") {
		return usageError("stagebot import: say schools PATH… or offers PATH")
	}
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if args[0] == "schools" {
		report, err := catalog.ImportSchools(ctx, s, args[1:]...)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.stdout, report)
		return nil
	}
	if len(args) != 2 {
		return usageError("stagebot import offers: one file at a time")
	}
	if _, err := catalog.ImportEmbeddedSectors(ctx, s); err != nil {
		return err
	}
	report, err := catalog.ImportOffers(ctx, s, args[1])
	fmt.Fprintln(env.stdout, report)
	if err == nil && report.Rejected > 0 {
		err = fmt.Errorf("%d offer lines rejected (the others were imported)", report.Rejected)
	}
	return err
}

func (env environment) seed(ctx context.Context) error {
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return env.fillDemo(ctx, s)
}

// fillDemo imports the shipped Paris collèges and the sectors, then seeds the demo catalog.
func (env environment) fillDemo(ctx context.Context, s *store.Store) error {
	schools, err := catalog.ImportEmbeddedSchools(ctx, s)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, schools)
	if _, err := catalog.ImportEmbeddedSectors(ctx, s); err != nil {
		return err
	}
	report, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: env.clock.Now()})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, report)
	return nil
}

type chatFlags struct {
	channel string
	as      string
	web     string // demo: where to serve the pages
	console bool   // demo: the terminal chat instead of the three-phone page
}

func parseChatFlags(name string, args []string) (chatFlags, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var f chatFlags
	fs.StringVar(&f.channel, "channel", "sms", "sms, telegram or whatsapp: how replies are rendered")
	fs.StringVar(&f.as, "as", "", "who you are: a phone number for sms/whatsapp, a chat id for telegram")
	if name == "console" {
		fs.StringVar(&f.web, "web", "", "serve the three-phone page at this address of this machine (127.0.0.1:8080) instead of the terminal chat")
	}
	if name == "demo" {
		fs.StringVar(&f.web, "web", "127.0.0.1:8080", "where to serve the three-phone page and the collèges' and the City's pages (this machine only; none: not at all, with --console)")
		fs.BoolVar(&f.console, "console", false, "chat on the terminal instead of the three-phone page")
	}
	if err := fs.Parse(args); err != nil {
		return f, usageError(err.Error())
	}
	switch domain.Channel(f.channel) {
	case domain.SMS, domain.WhatsApp:
		if f.as == "" {
			f.as = "+33639989999"
		}
	case domain.Telegram:
		if f.as == "" {
			f.as = "100000001"
		}
	default:
		return f, usageError("--channel must be sms, telegram or whatsapp")
	}
	return f, nil
}

func (env environment) console(ctx context.Context, args []string) error {
	f, err := parseChatFlags("console", args)
	if err != nil {
		return err
	}
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if f.web != "" {
		return env.phones(ctx, s, f.web)
	}
	return env.chat(ctx, s, f)
}

// phones serves the three-phone page on the database as it is (console --web): no seed, and
// "start again" empties the phones and puts the clock back, but keeps the data.
func (env environment) phones(ctx context.Context, s *store.Store, addr string) error {
	base, ln, err := demoListener(addr)
	if err != nil {
		return err
	}
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	shifted := clock.NewShifted(env.clock)
	inbox := bot.NewInbox(s, conversation.New(cat, conversation.Config{}), bot.InboxConfig{Clock: shifted, PublicURL: base}, env.log)
	page, err := demo.New(demo.Config{Store: s, Inbox: inbox, Catalog: cat, Clock: shifted, Log: env.log})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	page.Routes(mux)
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = server.Serve(ln) }()
	defer server.Close()
	fmt.Fprintf(env.stdout, "Try stagebot in your browser: %s/essai (Ctrl-C to stop)\n", base)
	<-ctx.Done()
	return nil
}

func (env environment) chat(ctx context.Context, s *store.Store, f chatFlags) error {
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	return env.chatWith(ctx, s, cat, bot.NewInbox(s, conversation.New(cat, conversation.Config{}),
		bot.InboxConfig{Clock: env.clock}, env.log), f)
}

// chatWith runs the console on an inbox.
func (env environment) chatWith(ctx context.Context, s *store.Store, cat *locales.Catalog, inbox *bot.Inbox,
	f chatFlags) error {
	c := &console.Console{
		Inbox:    inbox,
		Store:    s,
		Renderer: render.NewRenderer(cat),
		Channel:  domain.Channel(f.channel),
		Address:  f.as,
		In:       env.stdin,
		Out:      env.stdout,
		Clock:    env.clock,
	}
	fmt.Fprintf(env.stdout, "stagebot console (%s, as %s). Écris un message, par exemple Bonjour. Ctrl-D pour quitter.\n\n",
		f.channel, f.as)
	return c.Run(ctx)
}

// demo serves the three-phone page (the demo package) on this machine, on DATABASE_URL or on a
// private Postgres started for the occasion, with the Paris collèges and the demo catalog loaded; with
// --console, the terminal chat instead.
func (env environment) demo(ctx context.Context, args []string) error {
	f, err := parseChatFlags("demo", args)
	if err != nil {
		return err
	}
	if !f.console && (f.web == "" || f.web == "none") {
		return usageError("the demo's page needs an address (--web 127.0.0.1:8080); --console for the terminal chat")
	}
	if env.getenv("DATABASE_URL") == "" {
		fmt.Fprintln(env.stdout, "Starting a private Postgres (removed when you quit)…")
		cluster, err := localpg.Start(ctx)
		if err != nil {
			return err
		}
		defer cluster.Stop()
		url, getenv := cluster.URL("postgres"), env.getenv
		env.getenv = func(k string) string {
			if k == "DATABASE_URL" {
				return url
			}
			return getenv(k)
		}
	}
	// The demo's one clock: the page moves it on (a day, a week) and everything reads it.
	shifted := clock.NewShifted(env.clock)
	env.clock = shifted
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	people, err := env.seedDemo(ctx, s)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, people)
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	base, ln, err := demoListener(f.web)
	if err != nil {
		return err
	}
	inbox := bot.NewInbox(s, conversation.New(cat, conversation.Config{}), bot.InboxConfig{Clock: env.clock,
		PublicURL: base}, env.log)
	_, stop, err := env.demoPages(ctx, s, cat, inbox, people, base, ln, func(mux *http.ServeMux, pages *web.Server) error {
		if f.console {
			return nil
		}
		quiet := env
		quiet.stdout = io.Discard
		phones, err := demo.New(demo.Config{Store: s, Inbox: inbox, Catalog: cat, Clock: shifted, Log: env.log,
			Reset: func(ctx context.Context) error {
				if err := s.Wipe(ctx); err != nil {
					return err
				}
				people, err = quiet.seedDemo(ctx, s)
				return err
			},
			SchoolLink: func(ctx context.Context) (string, error) { return pages.NewSignInLink(ctx, people.Principal) }})
		if err != nil {
			return err
		}
		phones.Routes(mux)
		return nil
	})
	if err != nil {
		return err
	}
	defer stop()
	if f.console {
		return env.chatWith(ctx, s, cat, inbox, f)
	}
	fmt.Fprintf(env.stdout, "Try stagebot in your browser: %s/essai\n"+
		"  three phones side by side (the student, the parent, the host) on the real engine; Ctrl-C to stop\n"+
		"  (the terminal chat: stagebot demo --console)\n", base)
	<-ctx.Done()
	return nil
}

// seedDemo fills the database with the demo's data: the collèges, the catalog, and the demo's staff.
func (env environment) seedDemo(ctx context.Context, s *store.Store) (catalog.PeopleReport, error) {
	if err := env.fillDemo(ctx, s); err != nil {
		return catalog.PeopleReport{}, err
	}
	return catalog.SeedPeople(ctx, s, env.clock.Now())
}

// demoListener listens on this machine only (the first free port from addr's) for the demo's
// pages; with addr "none" or "", nowhere (base is then "").
func demoListener(addr string) (base string, ln net.Listener, err error) {
	if addr == "" || addr == "none" {
		return "", nil, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || (host != "127.0.0.1" && host != "localhost" && host != "::1") {
		return "", nil, usageError("--web must be an address of this machine, such as 127.0.0.1:8080")
	}
	first, _ := strconv.Atoi(port)
	for p := first; p < first+20; p++ {
		if ln, err = net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p))); err == nil {
			break
		}
	}
	if ln == nil {
		return "", nil, fmt.Errorf("demo pages: no free port from %s: %w", addr, err)
	}
	return "http://" + ln.Addr().String(), ln, nil
}

// demoPages serves the web pages on ln, and prints where, with a sign-in link for the demo's
// principal and its City official (e-mail is printed on the terminal). It returns what stops the
// server.
func (env environment) demoPages(ctx context.Context, s *store.Store, cat *locales.Catalog, inbox *bot.Inbox,
	people catalog.PeopleReport, base string, ln net.Listener, more func(*http.ServeMux, *web.Server) error) (*web.Server, func(), error) {
	if ln == nil {
		return nil, func() {}, nil
	}
	pages, err := web.New(s, inbox, &printMailer{out: env.stdout}, cat, web.Config{PublicURL: base, Clock: env.clock,
		SMSNumber: "06 39 98 99 90", TelegramBot: "stagebot_demo_bot", FramedBySelf: true}, env.log)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	pages.Routes(mux)
	if more != nil {
		if err := more(mux, pages); err != nil {
			return nil, nil, err
		}
	}
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = server.Serve(ln) }()
	fmt.Fprintf(env.stdout, "\nThe collèges' and the City's pages: %s\n", base)
	for _, who := range []struct {
		label string
		id    int64
	}{{"principal of " + people.School.Name + " (" + people.School.Priority + ")", people.Principal},
		{"City official", people.Official}} {
		link, err := pages.NewSignInLink(ctx, who.id)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(env.stdout, "  sign in as the %s (one use, 15 minutes):\n  %s\n", who.label, link)
	}
	fmt.Fprintf(env.stdout, "  (later: ask for a link at %s/connexion with %s or %s; the e-mail is printed here)\n\n",
		base, catalog.DemoPrincipal, catalog.DemoOfficial)
	return pages, func() { _ = server.Close() }, nil
}

// hostLink prints, for each contact of a host, a single-use Telegram link that ties their Telegram
// account to the host: the contact opens it once, and requests then reach them on Telegram.
func (env environment) hostLink(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("host-link", flag.ContinueOnError)
	ttl := fs.Duration("valid", 7*24*time.Hour, "how long the links stay valid")
	bot := fs.String("bot", "", "the bot's Telegram username, to print t.me links")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return usageError("stagebot host-link [--valid 168h] [--bot NAME] HOST_REF")
	}
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	hostID, err := s.HostIDByRef(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	contacts, err := s.HostContacts(ctx, hostID)
	if err != nil {
		return err
	}
	for _, c := range contacts {
		code, err := s.CreateLinkCode(ctx, c.ID, *ttl, env.clock.Now())
		if err != nil {
			return err
		}
		link := "/start host-" + code
		if *bot != "" {
			link = "https://t.me/" + strings.TrimPrefix(*bot, "@") + "?start=host-" + code
		}
		fmt.Fprintf(env.stdout, "%s\t%s\n", c.Name, link)
	}
	return nil
}

// campaign loads a season's calendar and rules from a file, or shows the campaign in force today.
func (env environment) campaign(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] == "load" && len(args) != 2) || (args[0] == "show" && len(args) != 1) ||
		(args[0] != "load" && args[0] != "show") {
		return usageError("stagebot campaign load FILE | stagebot campaign show")
	}
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	var c store.Campaign
	if args[0] == "load" {
		c, err = catalog.ImportCampaign(ctx, s, args[1])
	} else {
		c, err = s.CurrentCampaign(ctx, env.clock.Now())
		if errors.Is(err, store.ErrNotFound) {
			return errors.New("no campaign in force today: load one with stagebot campaign load FILE (docs/campaign.md)")
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, catalog.DescribeCampaign(c))
	return nil
}

// staff imports the staff file (docs/staff-csv.md): the collèges' staff and the City's officials who
// sign in to the web pages; or removes people who left.
func (env environment) staff(ctx context.Context, args []string) error {
	if len(args) < 2 || args[0] != "import" && args[0] != "remove" || args[0] == "import" && len(args) != 2 {
		return usageError("stagebot staff import FILE | remove EMAIL...")
	}
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if args[0] == "remove" {
		for _, email := range args[1:] {
			removed, err := s.RemoveStaff(ctx, email, env.clock.Now())
			if err != nil {
				return err
			}
			if removed {
				fmt.Fprintf(env.stdout, "%s removed: signed out, can no longer sign in\n", email)
			} else {
				fmt.Fprintf(env.stdout, "%s: nobody to remove\n", email)
			}
		}
		return nil
	}
	report, err := catalog.ImportStaff(ctx, s, args[1], env.clock.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, report)
	return nil
}
