// Package scheduler runs stagebot's periodic jobs (reminders, deadlines) on cron schedules in
// Europe/Paris time, with robfig/cron. Each job finds in the store what is due by the service's
// clock, and asks the workflow to act on each item in a transaction of its own (jobs.go). Every
// replica runs every job; the workflow makes each reminder go once.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is one periodic task.
type Job struct {
	Name string                                 // for the logs
	Spec string                                 // a cron schedule, e.g. "0 10 * * *" (every day at 10:00)
	Run  func(ctx context.Context) (int, error) // does the work; returns how many items it handled
}

// Scheduler runs jobs on their schedules.
type Scheduler struct {
	cron   *cron.Cron
	log    *slog.Logger
	ctx    context.Context // the jobs' context: cancelled by Stop
	cancel context.CancelFunc
}

// jobTimeout bounds one run of a job.
const jobTimeout = 5 * time.Minute

// New prepares the jobs in location loc. A job still running when its next time comes is skipped,
// and a panic in a job is logged instead of stopping the process.
func New(loc *time.Location, log *slog.Logger, jobs ...Job) (*Scheduler, error) {
	cronLog := cron.PrintfLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	c := cron.New(cron.WithLocation(loc), cron.WithChain(cron.SkipIfStillRunning(cronLog), cron.Recover(cronLog)))
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{cron: c, log: log, ctx: ctx, cancel: cancel}
	for _, j := range jobs {
		if _, err := c.AddFunc(j.Spec, s.wrap(j)); err != nil {
			return nil, fmt.Errorf("job %s: schedule %q: %w", j.Name, j.Spec, err)
		}
	}
	return s, nil
}

func (s *Scheduler) wrap(j Job) func() {
	return func() {
		ctx, cancel := context.WithTimeout(s.ctx, jobTimeout)
		defer cancel()
		start := time.Now()
		n, err := j.Run(ctx)
		if err != nil {
			s.log.Error("job failed", slog.String("job", j.Name), slog.String("error", err.Error()))
			return
		}
		s.log.Info("job done", slog.String("job", j.Name), slog.Int("handled", n),
			slog.Duration("took", time.Since(start)))
	}
}

// Start starts running the jobs in the background, on a context derived from ctx: when ctx ends, or
// Stop is called, the jobs running are cancelled.
func (s *Scheduler) Start(ctx context.Context) {
	stop := context.AfterFunc(ctx, s.cancel)
	go func() { <-s.ctx.Done(); stop() }()
	s.cron.Start()
}

// Stop stops scheduling, cancels the jobs running, and waits until they return or ctx ends.
func (s *Scheduler) Stop(ctx context.Context) {
	done := s.cron.Stop().Done()
	s.cancel()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
