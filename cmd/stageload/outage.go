package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// probe is one webhook sent during the outage drill and its answer.
type probe struct {
	at      time.Time
	status  int
	latency time.Duration
}

// outageDrill stops Postgres under load (down-cmd), starts it again after down-for (up-cmd), and
// checks that the webhook answers 503 while it is down — never 2xx (a message it could not
// keep), never a hang — and 2xx again within recover of its return; the students' messages
// acknowledged before, during and after must all get their replies.
func outageDrill(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("drill pg-outage", flag.ContinueOnError)
	var cfg runConfig
	cfg.common.register(fs)
	down := fs.String("down-cmd", "", "shell command that stops Postgres and returns once it is down (e.g. pg_ctl stop -m fast)")
	up := fs.String("up-cmd", "", "shell command that starts Postgres and returns once it accepts connections (e.g. pg_ctl start -w)")
	downFor := fs.Duration("down-for", 5*time.Second, "how long Postgres stays down")
	every := fs.Duration("probe-every", 200*time.Millisecond, "one probe webhook (a new person's Bonjour) this often")
	recoverWithin := fs.Duration("recover", 5*time.Second, "the webhook must answer 2xx again within this of Postgres's return")
	fs.IntVar(&cfg.students, "students", 200, "students of the background load")
	fs.IntVar(&cfg.concurrency, "concurrency", 8, "students playing at once in the background load")
	fs.DurationVar(&cfg.replyTimeout, "reply-timeout", 180*time.Second, "a student waiting longer than this for a reply is stuck")
	fs.StringVar(&cfg.transcript, "transcript", "", "write the background load's exchanges to this file")
	fs.DurationVar(&cfg.grace, "grace", 150*time.Second, "after the load stops, how long to wait for the replies owed (a send cut by the outage holds its row for the sender's 2-minute lease)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	if *down == "" || *up == "" {
		return usageError("--down-cmd and --up-cmd are required")
	}
	cfg.searches, cfg.apply, cfg.parentsAgree = 2, true, true
	cfg.retryFor = max(cfg.retryFor, 2**downFor+10*time.Second)
	r, stop, err := cfg.setup(ctx, 64, log)
	if err != nil {
		return err
	}
	defer stop()

	// The background load and the probes, until after Postgres's return.
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	ld := newLoad(r, cfg)
	background := ld.closedLoop(loadCtx)
	pr := &prober{hooks: r.hooks, account: cfg.account, runID: cfg.runID}
	probeCtx, stopProbes := context.WithCancel(ctx)
	probing := pr.run(probeCtx, *every)
	stopAll := func() {
		stopProbes()
		probing.Wait()
		stopLoad()
		background.Wait()
	}

	time.Sleep(3 * time.Second)
	downStart := time.Now()
	if err := shell(ctx, *down); err != nil {
		stopAll()
		return fmt.Errorf("down-cmd: %w", err)
	}
	downDone := time.Now()
	sleepCtx(ctx, *downFor)
	upStart := time.Now()
	if err := shell(ctx, *up); err != nil {
		stopAll()
		return fmt.Errorf("up-cmd: %w", err)
	}
	upDone := time.Now()
	time.Sleep(*recoverWithin + 3*time.Second)
	stopAll()
	ld.waitOwed(ctx, cfg.grace)

	if err := ld.writeTranscript(cfg.transcript); err != nil {
		return err
	}
	o := outcomeOf(pr.probes, downDone, upStart, upDone)
	owed := ld.owedList()
	rep := ld.report(ctx, downStart, time.Since(downStart))
	return verdict("pg-outage", o.wrong == 0 && o.down > 0 && o.recovered >= 0 && o.recovered <= *recoverWithin && o.after == 0 && len(owed) == 0,
		"postgres stopped in %s, down %s, started in %s; %d probes while down: %s (latency %s); first 2xx %s after its return (limit %s), %d failures after that\n"+
			"  background load: %d students (%s); webhooks %d accepted, errors %s; reply delay %s\n"+
			"  %d acknowledged messages without a reply%s\n"+
			"  provider: %d texts reached a phone twice (%d within 1 s, %d after an orphan send), %d orphan sends%s",
		downDone.Sub(downStart).Round(time.Millisecond), upStart.Sub(downDone).Round(time.Millisecond), upDone.Sub(upStart).Round(time.Millisecond),
		o.down, countsText(o.statuses), o.latency, o.recovered.Round(time.Millisecond), *recoverWithin, o.after,
		rep.Students, countsText(rep.Outcomes), rep.Inbound.Accepted, countsText(rep.Inbound.Errors), rep.Replies.Delay,
		len(owed), indented(owed[:min(len(owed), 5)]),
		rep.Provider.Duplicates, rep.Provider.DuplicatesWithin1s, rep.Provider.OrphansResent, rep.Provider.Orphans, indented(rep.Provider.Examples))
}

// prober sends one new person's Bonjour every period, one attempt each, and keeps the answers.
type prober struct {
	hooks   *webhooks
	account twilioAccount
	runID   int

	mu     sync.Mutex
	probes []probe
}

// run probes until ctx ends; wait on the result before reading the probes.
func (p *prober) run(ctx context.Context, every time.Duration) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			wg.Go(func() { p.one(n) })
		}
	})
	return &wg
}

// one sends probe n, with 10 s to answer.
func (p *prober) one(n int) {
	from := drillPhone(probePhones, p.runID, n)
	params := inboundParams(p.account.SID, p.hooks.newMessageSID(), from, p.account.Number, "Bonjour")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	code, _ := p.hooks.post(ctx, p.hooks.urls[n%len(p.hooks.urls)], inboundPath, params, "")
	p.mu.Lock()
	p.probes = append(p.probes, probe{at: start, status: code, latency: time.Since(start)})
	p.mu.Unlock()
}

// outageOutcome is what the probes saw.
type outageOutcome struct {
	down      int            // probes sent while Postgres was down
	statuses  map[string]int // their answers
	latency   dist
	wrong     int           // of them, not answered 503
	recovered time.Duration // from Postgres's return to the first probe answered 2xx; -1: none
	after     int           // probes after that one not answered 2xx
}

// outcomeOf reads the probes: those sent between downDone and upStart, and those after upDone.
func outcomeOf(probes []probe, downDone, upStart, upDone time.Time) outageOutcome {
	o := outageOutcome{statuses: map[string]int{}, recovered: -1}
	var lat []time.Duration
	var first time.Time
	for _, p := range probes {
		switch {
		case !p.at.Before(downDone) && p.at.Before(upStart):
			o.down++
			o.statuses[strconv.Itoa(p.status)]++
			lat = append(lat, p.latency)
			if p.status != 503 {
				o.wrong++
			}
		case !p.at.Before(upDone) && p.status >= 200 && p.status < 300:
			if first.IsZero() || p.at.Before(first) {
				first = p.at
			}
		}
	}
	o.latency = distOf(lat)
	if first.IsZero() {
		return o
	}
	o.recovered = first.Sub(upDone)
	for _, p := range probes {
		if p.at.After(first) && (p.status < 200 || p.status >= 300) {
			o.after++
		}
	}
	return o
}

// indented writes lines each on its own line, indented, after a newline; "" when there are none.
func indented(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("\n    " + l)
	}
	return b.String()
}

// shell runs a command line with sh -c, its output on stderr.
func shell(ctx context.Context, line string) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", line, err)
	}
	return nil
}
