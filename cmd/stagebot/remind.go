package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"stagebot/bot"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/phone"
	"stagebot/scheduler"
)

// remind sends the reminders due now, once (as the scheduler does every quarter of an hour); with
// --dry-run it only prints what they would send, to whom (masked) and why, at --at (Paris time).
func (env environment) remind(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("remind", flag.ContinueOnError)
	dry := fs.Bool("dry-run", false, "print what would be sent, send nothing")
	at := fs.String("at", "", "the time to look from, Paris time: 2027-01-17T10:00 (default now)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return usageError("stagebot remind [--dry-run] [--at 2027-01-17T10:00]")
	}
	clk := env.clock
	if *at != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", *at, calendar.Paris())
		if err != nil {
			return usageError("stagebot remind: --at " + *at + ": want 2027-01-17T10:00")
		}
		clk = clock.Func(func() time.Time { return t })
	}
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	inbox := bot.NewInbox(s, conversation.New(cat, conversation.Config{}), bot.InboxConfig{Clock: clk}, env.log)
	jobs := scheduler.Jobs{Store: s, Workflow: inbox, Clock: clk}
	now := clk.Now()
	if !*dry {
		n, err := jobs.Reminders(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s sent (their messages wait in the outbox for the sender)\n", count(n, "reminder"))
		return nil
	}
	dues, err := jobs.Due(ctx, now)
	if err != nil {
		return err
	}
	planned, err := inbox.DryRun(ctx, dues)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "At %s: %s due, %s (nothing sent).\n",
		now.In(calendar.Paris()).Format("Mon 2 Jan 2006 15:04"), count(len(dues), "reminder"), count(len(planned), "message"))
	for _, p := range planned {
		fmt.Fprintf(env.stdout, "%-40s  %-8s %-16s  %s\n", p.Reminder, p.Channel, masked(p.Channel, p.Address),
			firstLine(p.Text, 90))
	}
	return nil
}

// feedback prints, host by host, the marks students and hosts gave the stages.
func (env environment) feedback(ctx context.Context) error {
	s, err := env.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	rows, err := s.FeedbackByHost(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%-44s %8s %8s %8s %8s\n", "host", "students", "mean", "host", "mean")
	mean := func(m *float64) string {
		if m == nil {
			return "-"
		}
		return fmt.Sprintf("%.2f", *m)
	}
	for _, r := range rows {
		fmt.Fprintf(env.stdout, "%-44s %8d %8s %8d %8s\n", firstLine(r.Host, 44), r.StudentMarks, mean(r.StudentMean),
			r.HostMarks, mean(r.HostMean))
	}
	return nil
}

// count writes n things: "1 reminder", "2 reminders".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// masked writes an address as the logs never do but an operator may read: a phone number masked, a
// Telegram chat by its last digits.
func masked(ch domain.Channel, address string) string {
	if ch.Phone() {
		return phone.Mask(address)
	}
	if len(address) > 3 {
		return "…" + address[len(address)-3:]
	}
	return address
}

// firstLine is the first line of s, cut to n runes.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
