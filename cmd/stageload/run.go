package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// runConfig is what `stageload run` is asked to do.
type runConfig struct {
	common
	students     int
	concurrency  int
	duration     time.Duration
	rate         float64 // open loop: messages per second offered; 0: closed loop
	maxActive    int     // open loop: students playing at once, at most
	searches     int
	apply        bool
	parentsAgree bool
	think        time.Duration
	replyTimeout time.Duration
	grace        time.Duration
	jsonPath     string
	failMissing  bool
	databaseURL  string
	transcript   string // file to write every person's exchanges to; empty: none
}

// runCommand is `stageload run`.
func runCommand(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var cfg runConfig
	cfg.common.register(fs)
	fs.IntVar(&cfg.students, "students", 2000, "students to play, at most (each a distinct phone)")
	fs.IntVar(&cfg.concurrency, "concurrency", 16, "closed loop: students playing at once, each waiting for its reply before it answers")
	fs.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long to send; the run also ends when every student is done")
	fs.Float64Var(&cfg.rate, "rate", 0, "open loop: messages per second to send, whatever the replies' pace (students are added as needed); 0: closed loop")
	fs.IntVar(&cfg.maxActive, "max-active", 2000, "open loop: students playing at once, at most")
	fs.IntVar(&cfg.searches, "searches", 2, "searches each student makes after signing up (each opens one offer)")
	fs.BoolVar(&cfg.apply, "apply", true, "students apply to the first offer they open that allows it")
	fs.BoolVar(&cfg.parentsAgree, "parents-agree", true, "parents answer OUI to the consent SMS")
	fs.DurationVar(&cfg.think, "think", 0, "pause of a student before each answer")
	fs.DurationVar(&cfg.replyTimeout, "reply-timeout", 60*time.Second, "a student waiting longer than this for a complete reply is stuck and stops")
	fs.DurationVar(&cfg.grace, "grace", 15*time.Second, "after sending stops, how long to wait for the replies still owed")
	fs.StringVar(&cfg.jsonPath, "json", "", "also write the report as JSON to this file")
	fs.StringVar(&cfg.transcript, "transcript", "", "write every person's exchanges (what they sent, with the answer's status, and what they received) to this file")
	fs.StringVar(&cfg.databaseURL, "database-url", "", "the serve's database, read (only) to tell a resend of one outbox row from a message queued twice")
	fs.BoolVar(&cfg.failMissing, "fail-on-missing", false, "say PASS or FAIL: FAIL (exit 1) when an acknowledged message got no reply, or a text reached a phone twice")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	switch {
	case cfg.students < 1 || cfg.students > 10000:
		return usageError("--students must be 1 to 10000")
	case cfg.concurrency < 1:
		return usageError("--concurrency must be at least 1")
	case cfg.rate < 0:
		return usageError("--rate must not be negative")
	case cfg.duration <= 0:
		return usageError("--duration must be positive")
	}
	r, stop, err := cfg.setup(ctx, max(cfg.concurrency, 64), log)
	if err != nil {
		return err
	}
	defer stop()
	ld := newLoad(r, cfg)
	rep := ld.run(ctx)
	rep.print(os.Stdout)
	if err := ld.writeTranscript(cfg.transcript); err != nil {
		return err
	}
	if cfg.jsonPath != "" {
		if err := rep.writeJSON(cfg.jsonPath); err != nil {
			return err
		}
	}
	if cfg.failMissing {
		if cfg.databaseURL != "" {
			if err := rep.Provider.checkResends(ctx, cfg.databaseURL); err != nil {
				return err
			}
		}
		// A resend in the named window (the provider accepted, the sender died before recording it)
		// is what at-least-once delivery costs; any other repeat is a failure.
		// Two replies to two messages the person sent are no repeat of stagebot's.
		outside := rep.Provider.Duplicates - rep.Provider.OrphansResent - rep.Provider.InWindow - rep.Provider.AskedTwice
		return verdict("replies", rep.Replies.Missing == 0 && outside == 0,
			"%d acknowledged messages without a reply, %d duplicate texts (%d after an orphan send, %d shown by the outbox to be one row sent again: the window; %d answers to a message the person sent twice), %d outside the window",
			rep.Replies.Missing, rep.Provider.Duplicates, rep.Provider.OrphansResent, rep.Provider.InWindow,
			rep.Provider.AskedTwice, outside)
	}
	return nil
}

// person is someone whose messages stageload sends and whose replies it waits for: a student, a
// parent, a host. The feed hands it the messages to its address.
type person struct {
	addr string
	role string
	in   chan Message // the messages received, for whoever plays the person

	mu       sync.Mutex
	awaiting bool      // a message was acknowledged and no reply came yet
	since    time.Time // when that message was first posted
	last     string    // that message

	said map[string]bool // milestones already counted (only the person's player uses it)
}

// newPerson makes a person and has the feed hand it its messages.
func (l *load) newPerson(addr, role string, extra func(Message)) *person {
	p := &person{addr: addr, role: role, in: make(chan Message, 256), said: map[string]bool{}}
	l.r.feed.Listen(addr, func(m Message) {
		l.received(p, m)
		l.note(m.At, addr, "<", m.Body)
		select {
		case p.in <- m:
		default: // nobody reads any more
		}
		if extra != nil {
			extra(m)
		}
	})
	return p
}

// load is one `stageload run`: its students, parents and measures.
type load struct {
	r   *rig
	cfg runConfig

	next     atomic.Int64 // the next student to start
	active   atomic.Int64
	mu       sync.Mutex
	people   []*person
	delays   []time.Duration // reply delays
	outcomes map[string]int  // how each student's script ended
	signedUp int
	applied  int
	ticks    int // open loop: messages offered
	missed   int // open loop: offers no student was ready to take
	lines    []transcriptLine
}

// newLoad prepares a run.
func newLoad(r *rig, cfg runConfig) *load {
	return &load{r: r, cfg: cfg, outcomes: map[string]int{}}
}

// received measures the reply delay when m answers the person's last message.
func (l *load) received(p *person, m Message) {
	if isNotice(foldLines(m.Body)) {
		return
	}
	p.mu.Lock()
	var delay time.Duration
	measured := p.awaiting && !m.At.Before(p.since)
	if measured {
		p.awaiting, delay = false, m.At.Sub(p.since)
	}
	p.mu.Unlock()
	if measured {
		l.mu.Lock()
		l.delays = append(l.delays, delay)
		l.mu.Unlock()
	}
}

// send posts one message from p, answering step, and marks it awaiting a reply; it reports
// whether it was acknowledged.
func (l *load) send(ctx context.Context, p *person, pick int, step, text string) bool {
	sid := l.r.hooks.newMessageSID()
	p.mu.Lock()
	p.awaiting, p.since, p.last = true, time.Now(), text
	p.mu.Unlock()
	d := l.r.hooks.Deliver(ctx, sender{p.role, step}, pick, sid, p.addr, text)
	mark := fmt.Sprintf("> [%d]", d.Status)
	if !d.Acked {
		mark = fmt.Sprintf("> [%d, not acknowledged]", d.Status)
	}
	l.note(d.First, p.addr, mark, text)
	if !d.Acked {
		p.mu.Lock()
		p.awaiting = false // unless it was kept after all, no reply is owed
		p.mu.Unlock()
	}
	return d.Acked
}

// run plays the students until the duration is over or every student is done, waits for the
// replies still owed, and reports.
func (l *load) run(ctx context.Context) *report {
	start := time.Now()
	sendCtx, cancel := context.WithTimeout(ctx, l.cfg.duration)
	defer cancel()
	if l.cfg.rate > 0 {
		var wg sync.WaitGroup
		l.openLoop(sendCtx, &wg)
		wg.Wait()
	} else {
		l.closedLoop(sendCtx).Wait()
	}
	sent := time.Since(start)
	l.r.log.Info("sending over, waiting for the replies owed", slog.Duration("after", sent.Round(time.Millisecond)))
	l.waitOwed(ctx, l.cfg.grace)
	return l.report(ctx, start, sent)
}

// closedLoop plays the load's students, cfg.concurrency at once, until ctx ends or every student
// is done; wait on the result.
func (l *load) closedLoop(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range l.cfg.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(l.next.Add(1) - 1)
				if i >= l.cfg.students {
					return
				}
				l.playStudent(ctx, i, nil)
			}
		})
	}
	return &wg
}

// openLoop offers cfg.rate messages a second: each tick goes to a student ready to send (one
// whose reply is complete); when none is, the tick is missed and a new student starts.
func (l *load) openLoop(ctx context.Context, wg *sync.WaitGroup) {
	tokens := make(chan struct{})
	gate := func(ctx context.Context) bool {
		select {
		case <-tokens:
			return true
		case <-ctx.Done():
			return false
		}
	}
	startOne := func() bool {
		if int(l.active.Load()) >= l.cfg.maxActive {
			return false
		}
		i := int(l.next.Add(1) - 1)
		if i >= l.cfg.students {
			return false
		}
		l.active.Add(1)
		wg.Go(func() {
			defer l.active.Add(-1)
			l.playStudent(ctx, i, gate)
		})
		return true
	}
	for range min(l.cfg.concurrency, l.cfg.students) {
		startOne()
	}
	interval := time.Duration(float64(time.Second) / l.cfg.rate)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		l.mu.Lock()
		l.ticks++
		l.mu.Unlock()
		select {
		case tokens <- struct{}{}:
		default:
			l.mu.Lock()
			l.missed++
			l.mu.Unlock()
			startOne()
		}
	}
}

// playStudent plays student i's script: sign up, search, open offers, apply. gate, when not nil,
// is waited on before each message (open loop).
func (l *load) playStudent(ctx context.Context, i int, gate func(context.Context) bool) {
	prof := newProfile(l.cfg.runID, i, l.cfg.searches, l.cfg.apply, time.Now())
	outcome := l.play(ctx, i, prof, gate)
	l.mu.Lock()
	l.outcomes[outcome]++
	l.mu.Unlock()
}

// play runs one student's dialogue and returns how it ended: done, gave up (why), stuck (no
// complete reply in time), unacknowledged (the webhook never got a 2xx) or cut (the run ended).
func (l *load) play(ctx context.Context, i int, prof profile, gate func(context.Context) bool) string {
	parentAddr := parentPhone(l.cfg.runID, i)
	parent := l.newParent(ctx, parentAddr, i)
	st := l.newPerson(studentPhone(l.cfg.runID, i), "student", nil)
	l.mu.Lock()
	l.people = append(l.people, st, parent)
	l.mu.Unlock()
	b := &brain{p: prof}
	text, step := "Bonjour", "first message"
	for {
		if gate != nil && !gate(ctx) {
			return "cut"
		}
		if ctx.Err() != nil {
			return "cut"
		}
		if !l.send(ctx, st, i, step, text) {
			if ctx.Err() != nil {
				return "cut"
			}
			return "unacknowledged"
		}
		d, outcome := l.awaitTurn(ctx, st, b)
		if b.registered && !st.said["registered"] {
			st.said["registered"] = true
			l.mu.Lock()
			l.signedUp++
			l.mu.Unlock()
		}
		if b.applied && !st.said["applied"] {
			st.said["applied"] = true
			l.mu.Lock()
			l.applied++
			l.mu.Unlock()
		}
		if outcome != "" {
			return outcome
		}
		if !sleepCtx(ctx, l.cfg.think) {
			return "cut"
		}
		text, step = d.Text, d.Step
	}
}

// awaitTurn reads the student's messages until the brain has an answer; the outcome is set when
// the script ends there.
func (l *load) awaitTurn(ctx context.Context, st *person, b *brain) (decision, string) {
	turn := "\n"
	var d decision
	deadline := time.NewTimer(l.cfg.replyTimeout)
	defer deadline.Stop()
	for {
		var quiet <-chan time.Time
		if d.Weak {
			quiet = time.After(time.Second)
		}
		select {
		case m := <-st.in:
			f := foldLines(m.Body)
			if isNotice(f) {
				continue
			}
			turn += f + "\n"
			d = b.next(turn)
			if b.done {
				if b.gaveUp != "" {
					return d, "gave up: " + b.gaveUp
				}
				return d, "done"
			}
			if d.Text != "" && !d.Weak {
				return d, ""
			}
		case <-quiet:
			return d, ""
		case <-deadline.C:
			if l.cfg.replyTimeout > 0 {
				l.r.log.Debug("student stuck", slog.String("phone", st.addr), slog.String("last", lastLine(turn)))
			}
			return d, "stuck"
		case <-ctx.Done():
			return d, "cut"
		}
	}
}

// newParent makes student i's parent, who answers OUI to the consent SMS when the run says so.
func (l *load) newParent(ctx context.Context, addr string, i int) *person {
	var p *person
	var once sync.Once
	p = l.newPerson(addr, "parent", func(m Message) {
		if !l.cfg.parentsAgree || !strings.Contains(fold1(m.Body), "repondez oui ou non") || ctx.Err() != nil {
			return
		}
		once.Do(func() {
			go func() {
				sleepCtx(ctx, l.cfg.think)
				if ctx.Err() == nil {
					l.send(ctx, p, i, "parent consent", "OUI")
				}
			}()
		})
	})
	return p
}

// waitOwed waits until no person awaits a reply, or grace has passed.
func (l *load) waitOwed(ctx context.Context, grace time.Duration) {
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if l.owed() == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// owed counts the people still waiting for a reply to an acknowledged message.
func (l *load) owed() int { return len(l.owedList()) }

// owedList describes the people still waiting for a reply to an acknowledged message.
func (l *load) owedList() []string {
	l.mu.Lock()
	people := append([]*person(nil), l.people...)
	l.mu.Unlock()
	var out []string
	for _, p := range people {
		p.mu.Lock()
		if p.awaiting {
			out = append(out, fmt.Sprintf("%s %s since %s after %q", p.role, p.addr, p.since.Format("15:04:05.000"), p.last))
		}
		p.mu.Unlock()
	}
	return out
}

// fold1 folds a whole message on one line.
func fold1(s string) string { return strings.ReplaceAll(foldLines(s), "\n", " ") }

// lastLine is the last non-empty line of s, for logs.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
