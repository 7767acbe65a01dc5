// Package season replays a whole season of stages on synthetic people through stagebot's real
// engine: the workflow (bot.Inbox), the jobs (scheduler.Jobs, as several replicas would run them,
// on their cron schedules in Paris time) and the sender (bot/sender), on a manual clock. Students
// sign up and apply by messages, parents and hosts answer by messages (or do not), reminders go as
// the campaign says; what the sender would have sent is recorded instead, with who got it, when and
// why.
package season

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"stagebot/bot"
	"stagebot/bot/render"
	"stagebot/bot/sender"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/scheduler"
	"stagebot/store"
)

// Config is one season to replay.
type Config struct {
	Store      *store.Store
	World      World
	Seed       uint64
	Replicas   int           // scheduler instances running the jobs side by side (default 1)
	Step       time.Duration // how far the clock moves at a time (default 1 hour)
	Start, End time.Time     // the season's first and last moments
	Log        *slog.Logger  // nil: silent
	// Progress, when set, is told after each step how far the season has gone (0 to 1).
	Progress func(done float64)
	// Fast leaves out what only a test of the engine needs: the check that no job moves a
	// conversation (two reads of every conversation at each step) and the bodies of the messages sent
	// (Outcome.Sent keeps the rest).
	Fast bool
}

// Sent is one message the sender sent during the season.
type Sent struct {
	Role        Role
	Channel     domain.Channel
	Address     string
	At          time.Time // when it left (the service's clock)
	Queued      time.Time // when it was queued
	Proactive   bool
	Reminder    domain.ReminderKind // "" for a reply or a notice that is no reminder
	ReminderKey string
	Segments    int // SMS segments (0 off SMS)
	Body        string
}

// Outcome is what happened in a season.
type Outcome struct {
	Sent []Sent
	// Final are the applications' states on the last day before the purge, by state.
	Final map[domain.ApplicationState]int
	// Applications are every application's story, read before the purge.
	Applications []Application
	Purged       bool // the campaign's personal data was erased at its purge date
	Inbound      int  // messages people wrote
	Tries        int  // times a student looked for an offer to apply to
	Applied      int  // times they got to write their motivation
	// Interrupted counts the conversations a job changed (a reminder must leave a person where they
	// were in their conversation): 0 in a sound season (not counted when Config.Fast).
	Interrupted int
	// Weeks are the places of each stage week, read before the purge.
	Weeks []WeekPlaces
	// Agreements are the agreements of the stages, read before the purge.
	Agreements []Agreement
	// OverPlaces counts the times an offer week was seen holding more students than its places, and
	// ReservedToOthers the times, before the REP/REP+ release, one held more students from outside
	// REP/REP+ than its places not reserved for them (each checked at every step): 0 in a sound season.
	OverPlaces, ReservedToOthers int
}

// WeekPlaces are the places of a stage week: all of them and those reserved for REP/REP+ students,
// and how many were taken (accepted or confirmed) by REP/REP+ students and by others.
type WeekPlaces struct {
	Week             time.Time `db:"week"`
	Offers           int       `db:"offers"`
	Places           int       `db:"places"`
	Reserved         int       `db:"reserved"`
	TakenREP         int       `db:"taken_rep"`
	TakenOther       int       `db:"taken_other"`
	ReservedTakenREP int       `db:"reserved_taken_rep"` // reserved places taken by REP/REP+ students
	ConfirmedREP     int       `db:"confirmed_rep"`      // places confirmed by REP/REP+ students
	ConfirmedOthers  int       `db:"confirmed_others"`   // and by others
}

// Agreement is one stage's agreement, read before the purge: its week, where it ended, and when it
// was signed by all (the last time, if a change reopened it).
type Agreement struct {
	Week     time.Time             `db:"week_start"`
	State    domain.AgreementState `db:"state"`
	SignedAt *time.Time            `db:"signed_at"`
}

// SignedBy reports whether the agreement was signed by all at the end of the day days before its
// week's Monday (Paris time), and stayed so.
func (a Agreement) SignedBy(days int) bool {
	return a.State == domain.AgreementSigned && a.SignedAt != nil &&
		a.SignedAt.Before(calendar.AtParis(calendar.Day(a.Week).AddDate(0, 0, -days+1), 0, 0))
}

// Application is one application's story, read before the purge.
type Application struct {
	ID         int64
	Student    int // index in World.Students
	OfferRef   string
	Week       time.Time
	State      domain.ApplicationState
	Created    time.Time
	SentAt     *time.Time
	AnsweredAt *time.Time // when its host accepted or declined it, if they did
	Reserved   bool       // it holds a place reserved for REP/REP+ students (accepted or confirmed, REP student, reserved places left then)
	Booked     bool       // it was a booking (direct booking)
}

// Run replays the season and reports what happened.
func Run(ctx context.Context, cfg Config) (*Outcome, error) {
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
	}
	if cfg.Step <= 0 {
		cfg.Step = time.Hour
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := newSim(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return s.run(ctx)
}

// sim is one season being replayed.
type sim struct {
	cfg     Config
	st      *store.Store
	clk     *clock.Manual
	inbox   *bot.Inbox
	jobs    []replica
	snd     *sender.Sender
	rec     *recorder
	hours   *calendar.Hours
	world   *built
	events  events
	seq     int
	out     Outcome
	msgSeq  int
	purgeOn time.Time
	people  map[string]*person // by address
}

// replica is one scheduler instance: the jobs, and when each runs next.
type replica struct {
	jobs scheduler.Jobs
	next []time.Time
	spec []cron.Schedule
	runs []func(context.Context) (int, error)
}

func newSim(ctx context.Context, cfg Config) (*sim, error) {
	cat, err := locales.Load()
	if err != nil {
		return nil, err
	}
	hours, err := calendar.SendingHours()
	if err != nil {
		return nil, err
	}
	clk := clock.NewManual(cfg.Start)
	machine := conversation.New(cat, conversation.Config{})
	s := &sim{cfg: cfg, st: cfg.Store, clk: clk, hours: hours, out: Outcome{Final: map[domain.ApplicationState]int{}}}
	// Links as the service writes them (their length counts in the SMS), to an address nobody opens.
	s.inbox = bot.NewInbox(cfg.Store, machine, bot.InboxConfig{Clock: clk, PublicURL: "https://stagebot.example.org",
		Random: rand.NewChaCha8([32]byte{byte(cfg.Seed)})}, cfg.Log)
	s.rec = newRecorder(clk)
	rates := map[domain.Channel]float64{domain.SMS: 1e6, domain.Telegram: 1e6, domain.WhatsApp: 1e6}
	s.snd = sender.New(cfg.Store, s.rec.transports(), render.NewRenderer(cat), s.inbox,
		sender.Config{Clock: clk, Hours: hours, PerSecond: rates, Unlimited: cfg.Fast, ChatGap: time.Nanosecond,
			Batch: sendBatch}, nil, cfg.Log)
	for range cfg.Replicas {
		j := scheduler.Jobs{Store: cfg.Store, Workflow: s.inbox, Clock: clk, Hours: hours}
		r := replica{jobs: j}
		for _, job := range j.All() {
			if cfg.Fast {
				job.Spec = fastSpecs[job.Name]
			}
			spec, err := cron.ParseStandard(job.Spec)
			if err != nil {
				return nil, fmt.Errorf("job %s: %w", job.Name, err)
			}
			r.spec = append(r.spec, spec)
			r.next = append(r.next, spec.Next(cfg.Start.In(calendar.Paris())))
			r.runs = append(r.runs, job.Run)
		}
		s.jobs = append(s.jobs, r)
	}
	if s.world, err = build(ctx, cfg.Store, cfg.World); err != nil {
		return nil, err
	}
	s.purgeOn = calendar.AtParis(cfg.World.Campaign.PurgeOn, 0, 0)
	s.plan()
	return s, nil
}

// sendBatch is how many messages the sender claims at a time in each lane.
const sendBatch = 200

// fastSpecs are the jobs' schedules in a Fast season. Reminders are due by the day: run once at
// 07:00, they queue all of a day's before it may send any (08:30); unconfirmed places expire a few
// times a day rather than every hour.
var fastSpecs = map[string]string{
	"reminders":          "0 7 * * *",
	"unconfirmed places": "0 7,10,13,16,19 * * *",
}

// run moves the clock step by step to the end, doing at each step what people do, what the jobs
// do, and what the sender sends.
func (s *sim) run(ctx context.Context) (*Outcome, error) {
	total := s.cfg.End.Sub(s.cfg.Start)
	snapshot := false
	for now := s.cfg.Start; !now.After(s.cfg.End); now = s.next(now) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !snapshot && !now.Before(s.purgeOn.Add(-24*time.Hour)) {
			if err := s.snapshot(ctx); err != nil {
				return nil, err
			}
			snapshot = true
		}
		if err := s.act(ctx, now); err != nil {
			return nil, err
		}
		if err := s.jobsStep(ctx, now); err != nil {
			return nil, err
		}
		if err := s.checkPlaces(ctx, now); err != nil {
			return nil, err
		}
		if err := s.flush(ctx); err != nil {
			return nil, err
		}
		if s.cfg.Progress != nil {
			s.cfg.Progress(float64(now.Sub(s.cfg.Start)) / float64(total))
		}
	}
	if !snapshot {
		if err := s.snapshot(ctx); err != nil {
			return nil, err
		}
	}
	var purged bool
	if err := s.st.DB().GetContext(ctx, &purged, `SELECT EXISTS (SELECT 1 FROM campaign_stats WHERE campaign_id = $1)`,
		s.world.campaignID); err != nil {
		return nil, err
	}
	s.out.Purged = purged
	return &s.out, nil
}

// jobsStep runs the jobs due at now and counts the conversations they moved (unless Fast).
func (s *sim) jobsStep(ctx context.Context, now time.Time) error {
	if s.cfg.Fast {
		return s.runJobs(ctx, now)
	}
	before, err := s.conversations(ctx)
	if err != nil {
		return err
	}
	if err := s.runJobs(ctx, now); err != nil {
		return err
	}
	after, err := s.conversations(ctx)
	if err != nil {
		return err
	}
	for who, was := range before {
		if is, ok := after[who]; ok && is != was {
			s.out.Interrupted++
		}
	}
	return nil
}

// checkPlaces counts the offer weeks holding more students than their places, and before the
// REP/REP+ release, those holding more students from outside REP/REP+ than their places open to them.
func (s *sim) checkPlaces(ctx context.Context, now time.Time) error {
	release := s.cfg.World.Campaign.REPRelease
	beforeRelease := release == nil || calendar.Day(now.In(calendar.Paris())).Before(calendar.Day(*release))
	var c struct {
		Over     int `db:"over"`
		ToOthers int `db:"to_others"`
	}
	if err := s.st.DB().GetContext(ctx, &c, `SELECT
			count(*) FILTER (WHERE taken_rep + taken_other > places) AS over,
			count(*) FILTER (WHERE $1 AND taken_other > places - reserved_places) AS to_others
		FROM offer_weeks`, beforeRelease); err != nil {
		return fmt.Errorf("season: places: %w", err)
	}
	s.out.OverPlaces += c.Over
	s.out.ReservedToOthers += c.ToOthers
	return nil
}

// next is the next moment to look at: every step in the day, and over the night in two steps (the
// jobs still run at night; nothing nobody asked for leaves then).
func (s *sim) next(now time.Time) time.Time {
	local := now.In(calendar.Paris())
	if s.cfg.Fast {
		// 07:00, 10:00, 13:00, 16:00, 19:00: people act at their own times in between, and what they
		// are sent leaves then; only the jobs and the messages held for the morning wait.
		day := calendar.Day(local)
		for _, h := range []int{7, 10, 13, 16, 19, 31} {
			if t := calendar.AtParis(day, h%24, 0).AddDate(0, 0, h/24); t.After(now) {
				return t
			}
		}
	}
	if local.Hour() >= 21 || local.Hour() < 7 {
		return now.Add(5 * time.Hour)
	}
	return now.Add(s.cfg.Step)
}

// runJobs runs every replica's jobs that are due, the replicas side by side, as cron would.
func (s *sim) runJobs(ctx context.Context, now time.Time) error {
	var wg sync.WaitGroup
	errs := make([]error, len(s.jobs))
	for i := range s.jobs {
		wg.Add(1)
		go func(r *replica) {
			defer wg.Done()
			for k := range r.runs {
				if r.next[k].After(now) {
					continue
				}
				if _, err := r.runs[k](ctx); err != nil {
					errs[i] = errors.Join(errs[i], err)
				}
				r.next[k] = r.spec[k].Next(now.In(calendar.Paris()))
			}
		}(&s.jobs[i])
	}
	wg.Wait()
	return errors.Join(errs...)
}

// flush sends everything the sender may send now, and lets people react to what they got.
func (s *sim) flush(ctx context.Context) error {
	if s.cfg.Fast {
		if _, err := s.snd.Drain(ctx); err != nil {
			return err
		}
	} else {
		for range 1000 {
			n, err := s.snd.SendDue(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
		}
	}
	sent, err := s.rec.take(ctx, s.st)
	if err != nil {
		return err
	}
	for _, m := range sent {
		m.Role = s.world.roleOf(m.Channel, m.Address)
		s.react(m)
		if s.cfg.Fast {
			m.Body = ""
		}
		s.out.Sent = append(s.out.Sent, m)
	}
	return nil
}

// conversations reads where every conversation is (a digest of its state and session), by person.
func (s *sim) conversations(ctx context.Context) (map[string]string, error) {
	var rows []struct {
		Who    string `db:"who"`
		Digest string `db:"digest"`
	}
	if err := s.st.DB().SelectContext(ctx, &rows, `SELECT channel || '/' || address AS who,
		md5(state || session::text) AS digest FROM conversations`); err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	m := make(map[string]string, len(rows))
	for _, r := range rows {
		m[r.Who] = r.Digest
	}
	return m, nil
}

// snapshot reads the applications' states and stories before the purge erases them.
func (s *sim) snapshot(ctx context.Context) error {
	var rows []struct {
		ID       int64                   `db:"id"`
		Address  string                  `db:"address"`
		OfferRef string                  `db:"ref"`
		Week     time.Time               `db:"week_start"`
		State    domain.ApplicationState `db:"state"`
		Created  time.Time               `db:"created_at"`
		SentAt   *time.Time              `db:"sent_at"`
		Answered *time.Time              `db:"answered_at"`
		Reserved bool                    `db:"reserved"`
		Booked   bool                    `db:"booked"`
	}
	if err := s.st.DB().SelectContext(ctx, &rows, `SELECT a.id, s.address, o.ref, a.week_start, a.state, a.created_at,
			a.sent_at,
			(SELECT min(e.at) FROM application_events e WHERE e.application_id = a.id
			 AND e.to_state IN ('accepted', 'declined') AND e.actor = 'host') AS answered_at,
			s.education_priority <> 'none' AND w.reserved_places > 0 AND a.state IN ('accepted', 'confirmed') AS reserved,
			a.booked_until IS NOT NULL AS booked
		FROM applications a JOIN students s ON s.id = a.student_id JOIN offers o ON o.id = a.offer_id
		JOIN offer_weeks w ON w.offer_id = a.offer_id AND w.week_start = a.week_start
		ORDER BY a.id`); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := s.st.DB().SelectContext(ctx, &s.out.Weeks, `SELECT w.week_start AS week, count(*) AS offers,
			sum(w.places) AS places, sum(w.reserved_places) AS reserved,
			sum(w.taken_rep) AS taken_rep, sum(w.taken_other) AS taken_other,
			sum(least(w.taken_rep, w.reserved_places)) AS reserved_taken_rep,
			coalesce(sum(c.rep), 0) AS confirmed_rep, coalesce(sum(c.others), 0) AS confirmed_others
		FROM offer_weeks w LEFT JOIN LATERAL (
			SELECT count(*) FILTER (WHERE s.education_priority <> 'none') AS rep,
			       count(*) FILTER (WHERE s.education_priority = 'none') AS others
			FROM applications a JOIN students s ON s.id = a.student_id
			WHERE a.offer_id = w.offer_id AND a.week_start = w.week_start AND a.state = 'confirmed') c ON true
		GROUP BY w.week_start ORDER BY w.week_start`); err != nil {
		return fmt.Errorf("snapshot: weeks: %w", err)
	}
	for i := range s.out.Weeks {
		s.out.Weeks[i].Week = calendar.Day(s.out.Weeks[i].Week)
	}
	if err := s.st.DB().SelectContext(ctx, &s.out.Agreements, `SELECT a.week_start, g.state,
			(SELECT max(e.at) FROM agreement_events e WHERE e.agreement_id = g.id AND e.to_state = 'signed') AS signed_at
		FROM agreements g JOIN applications a ON a.id = g.application_id WHERE g.state <> 'cancelled' ORDER BY g.id`); err != nil {
		return fmt.Errorf("snapshot: agreements: %w", err)
	}
	s.out.Final = map[domain.ApplicationState]int{}
	s.out.Applications = nil
	for _, r := range rows {
		s.out.Final[r.State]++
		s.out.Applications = append(s.out.Applications, Application{ID: r.ID, Student: s.world.studentIndex[r.Address],
			OfferRef: r.OfferRef, Week: calendar.Day(r.Week), State: r.State, Created: r.Created, SentAt: r.SentAt,
			AnsweredAt: r.Answered, Reserved: r.Reserved, Booked: r.Booked})
	}
	return nil
}

// event is something a person does at a time.
type event struct {
	at  time.Time
	seq int
	do  func(ctx context.Context) error
}

// events is a queue of events, earliest first (then in the order they were planned).
type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if !e[i].at.Equal(e[j].at) {
		return e[i].at.Before(e[j].at)
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// at plans do at time t.
func (s *sim) at(t time.Time, do func(ctx context.Context) error) {
	s.seq++
	heap.Push(&s.events, event{at: t, seq: s.seq, do: do})
}

// act does what people planned to do by now, each at its time, and sends what it is answered
// then. The clock ends at now.
func (s *sim) act(ctx context.Context, now time.Time) error {
	for s.events.Len() > 0 && !s.events[0].at.After(now) {
		e := heap.Pop(&s.events).(event)
		if e.at.After(s.clk.Now()) {
			s.clk.Set(e.at)
		}
		if err := e.do(ctx); err != nil {
			return err
		}
		if err := s.flush(ctx); err != nil {
			return err
		}
	}
	s.clk.Set(now)
	return nil
}

// rng is a person's own random source: what one does never depends on the order others did things.
func (s *sim) rng(address string, what string) *rand.Rand {
	h := uint64(14695981039346656037)
	for _, b := range []byte(address + "/" + what) {
		h ^= uint64(b)
		h *= 1099511628211
	}
	return rand.New(rand.NewPCG(s.cfg.Seed, h))
}
