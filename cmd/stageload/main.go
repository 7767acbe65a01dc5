// Command stageload plays many synthetic students against a running `stagebot serve` over signed
// Twilio webhooks, with Twilio's (and Telegram's) REST API faked on loopback, and measures what
// they get: webhook throughput and latency, how long a reply takes to reach the provider, and the
// send rate the provider sees. It also runs drills that check one property each and say PASS or
// FAIL.
//
//	stageload provider --listen 127.0.0.1:9099 [--latency 150ms] [--rate429 0.01]
//	stageload run --url http://127.0.0.1:8080 --students 2000 --concurrency 16 --duration 30s
//	stageload drill replay|forged|accept-race|pg-outage [flags]
//
// The serve under test is started by its operator with the fake provider as its APIs
// (TWILIO_API_BASE_URL=http://127.0.0.1:9099, TELEGRAM_API_ENDPOINT=http://127.0.0.1:9099/bot%s/%s)
// and the same TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM and PUBLIC_URL as stageload,
// which reads them from the environment too. Every person is synthetic (French mobile numbers in
// ranges no one is given by this tool twice in a run).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `stageload: load and drills for stagebot serve, over signed Twilio webhooks

Usage:
  stageload provider [--listen 127.0.0.1:9099] [--latency 150ms] [--rate429 0] [--callback-url URL]
  stageload run --url URL[,URL…] [--students 2000] [--concurrency 16] [--duration 30s] [--rate N]
                [--provider URL | --provider-listen ADDR] [--provider-latency 150ms] [--json FILE]
  stageload drill replay      --url URL [--count 1000]
  stageload drill forged      --url URL [--count 500]
  stageload drill accept-race --url URL --database-url DSN [--applicants 50]
  stageload drill pg-outage   --url URL --down-cmd CMD --up-cmd CMD [--down-for 5s]

Every command takes --help. The Twilio account is read from TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
TWILIO_FROM and PUBLIC_URL (or --account-sid, --auth-token, --twilio-number, --public-url): the
serve under test must have the same. Exit status: 0 on success (PASS), 1 on FAIL, 2 on misuse.
`

// main runs the command line's command; see usage.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	err := dispatch(ctx, os.Args[1:], log)
	var u usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
	case errors.As(err, &u):
		fmt.Fprintln(os.Stderr, "stageload:", err)
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "stageload:", err)
		os.Exit(1)
	}
}

// usageError is a command line that does not make sense.
type usageError string

// Error implements error.
func (u usageError) Error() string { return string(u) }

// errFailed is returned when a run or drill measured a failure it already reported.
var errFailed = errors.New("FAIL")

// errHelp is returned when --help was asked for (the flags were printed).
var errHelp = errors.New("help")

// parseFlags parses a command's flags: a bad one is a usageError, --help is errHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return errHelp
	case err != nil:
		return usageError(err.Error())
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("%s: unexpected arguments %q", fs.Name(), fs.Args()))
	}
	return nil
}

// dispatch runs the command named by args[0].
func dispatch(ctx context.Context, args []string, log *slog.Logger) error {
	if len(args) == 0 {
		return usageError("no command")
	}
	switch args[0] {
	case "provider":
		return providerCommand(ctx, args[1:], log)
	case "run":
		return runCommand(ctx, args[1:], log)
	case "drill":
		if len(args) < 2 {
			return usageError("drill: say which (replay, forged, accept-race, pg-outage)")
		}
		return drillCommand(ctx, args[1], args[2:], log)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	return usageError("unknown command " + args[0])
}
