package scheduler

import (
	"context"

	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/store"
)

// Workflow is what the jobs ask of the workflow (bot.Inbox): act on one application, in one
// transaction, and report whether something was done now.
type Workflow interface {
	RemindDayBefore(ctx context.Context, applicationID int64) (bool, error)
	ExpireUnconfirmed(ctx context.Context, applicationID int64) (bool, error)
}

// Jobs are stagebot's periodic jobs: they read what is due from the store, by the service's clock,
// and hand each item to the workflow.
type Jobs struct {
	Store    *store.Store
	Workflow Workflow
	Clock    clock.Clock
}

// All lists the jobs with their schedules (Paris time).
func (j Jobs) All() []Job {
	return []Job{
		{Name: "day-before reminders", Spec: "0 10 * * *", Run: j.DayBefore},
		{Name: "unconfirmed places", Spec: "15 * * * *", Run: j.ExpireOverdue},
	}
}

// DayBefore reminds each student whose confirmed stage starts tomorrow, and their parent, where and
// when to go. It returns how many stages were reminded now.
func (j Jobs) DayBefore(ctx context.Context) (int, error) {
	tomorrow := calendar.Day(j.Clock.Now()).AddDate(0, 0, 1)
	apps, err := j.Store.ConfirmedStartingOn(ctx, tomorrow)
	if err != nil {
		return 0, err
	}
	return each(ctx, ids(apps), j.Workflow.RemindDayBefore)
}

// ExpireOverdue expires the places hosts accepted and students did not confirm in time, freeing
// them. It returns how many expired now.
func (j Jobs) ExpireOverdue(ctx context.Context) (int, error) {
	overdue, err := j.Store.Overdue(ctx, j.Clock.Now())
	if err != nil {
		return 0, err
	}
	return each(ctx, overdue, j.Workflow.ExpireUnconfirmed)
}

// each runs do on every id, stops at the first error or when ctx ends, and counts what was done.
func each(ctx context.Context, items []int64, do func(context.Context, int64) (bool, error)) (int, error) {
	n := 0
	for _, id := range items {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		done, err := do(ctx, id)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

func ids(apps []store.ApplicationInfo) []int64 {
	out := make([]int64, len(apps))
	for i, a := range apps {
		out[i] = a.ID
	}
	return out
}
