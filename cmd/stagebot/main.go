// Command stagebot runs the stagebot service and its maintenance tasks.
//
//	stagebot demo                       try it: a private Postgres, demo data, three phones in the browser
//	stagebot migrate                    apply the database migrations
//	stagebot import schools PATH…       import collèges (REP/REP+ list, Paris collèges, coordinates)
//	stagebot import offers PATH         import offers from a CSV file (docs/offers-csv.md)
//	stagebot seed                       create the synthetic Paris demo catalog and campaign
//	stagebot campaign load FILE         set a season's calendar and rules (docs/campaign.md)
//	stagebot campaign show              print the campaign in force today
//	stagebot console                    chat on the terminal through the real engine
//	stagebot serve                      webhooks, health, metrics and the outbound sender
//	stagebot host-link HOST_REF         single-use links tying a host's contacts to Telegram
//	stagebot remind [--dry-run] [--at]  send the reminders due (or print what they would send)
//	stagebot feedback                   the marks students and hosts gave, host by host
//	stagebot staff import FILE | remove EMAIL...  the collèges' staff and the City's officials who sign in to the web pages
//	stagebot simulate [--scale 1.0]     whole seasons on a synthetic Paris, policies compared
//
// The database is DATABASE_URL (for a local server, add sslmode=disable).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"stagebot/clock"
)

const usage = `stagebot: a chat bot for the stage de 3e

Usage:
  stagebot demo [--web 127.0.0.1:8080] [--console [--channel sms|telegram|whatsapp] [--as ID]]
  stagebot migrate
  stagebot import schools PATH...
  stagebot import offers PATH
  stagebot seed
  stagebot campaign load FILE | show
  stagebot console [--channel sms|telegram|whatsapp] [--as ID] | stagebot console --web 127.0.0.1:8080
  stagebot serve
  stagebot host-link [--valid 168h] [--bot NAME] HOST_REF
  stagebot remind [--dry-run] [--at 2027-01-17T10:00]
  stagebot feedback
  stagebot staff import FILE | remove EMAIL...
  stagebot simulate [--scale 1.0] [--seed N] [--seeds K] [--policy FILE]... [--out DIR]

Environment (see .env.example):
  DATABASE_URL   Postgres connection URL (required except for demo and simulate, which start their own Postgres)
  HTTP_ADDR, PUBLIC_URL, TELEGRAM_*, TWILIO_*   for serve
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := run(ctx, os.Args[1:], log); err != nil {
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintln(os.Stderr, u.Error())
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "stagebot:", err)
		os.Exit(1)
	}
}

// usageError is a command line that does not make sense.
type usageError string

func (u usageError) Error() string { return string(u) }

func run(ctx context.Context, args []string, log *slog.Logger) error {
	if len(args) == 0 {
		return usageError("stagebot: no command")
	}
	env := environment{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, log: log, clock: clock.System()}
	switch args[0] {
	case "demo":
		return env.demo(ctx, args[1:])
	case "migrate":
		return env.migrate(ctx)
	case "import":
		return env.importData(ctx, args[1:])
	case "seed":
		return env.seed(ctx)
	case "campaign":
		return env.campaign(ctx, args[1:])
	case "console":
		return env.console(ctx, args[1:])
	case "serve":
		return env.serve(ctx)
	case "host-link":
		return env.hostLink(ctx, args[1:])
	case "remind":
		return env.remind(ctx, args[1:])
	case "feedback":
		return env.feedback(ctx)
	case "staff":
		return env.staff(ctx, args[1:])
	case "simulate":
		return env.simulate(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	default:
		return usageError("stagebot: unknown command " + args[0])
	}
}
