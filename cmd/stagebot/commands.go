package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"stagebot/bot"
	"stagebot/bot/console"
	"stagebot/bot/render"
	"stagebot/catalog"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/localpg"
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
}

func parseChatFlags(name string, args []string) (chatFlags, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var f chatFlags
	fs.StringVar(&f.channel, "channel", "sms", "sms, telegram or whatsapp: how replies are rendered")
	fs.StringVar(&f.as, "as", "", "who you are: a phone number for sms/whatsapp, a chat id for telegram")
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
	return env.chat(ctx, s, f)
}

func (env environment) chat(ctx context.Context, s *store.Store, f chatFlags) error {
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	machine := conversation.New(cat, conversation.Config{})
	c := &console.Console{
		Inbox:    bot.NewInbox(s, machine, bot.InboxConfig{Clock: env.clock}, env.log),
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

// demo runs the console on DATABASE_URL, or on a private Postgres started for the occasion, with
// the Paris collèges and the demo catalog loaded.
func (env environment) demo(ctx context.Context, args []string) error {
	f, err := parseChatFlags("demo", args)
	if err != nil {
		return err
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
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := env.fillDemo(ctx, s); err != nil {
		return err
	}
	return env.chat(ctx, s, f)
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
