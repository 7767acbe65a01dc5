package scheduler

import (
	"context"
	"errors"
	"time"

	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/domain"
	"stagebot/store"
)

// Workflow is what the jobs ask of the workflow (bot.Inbox): send one due reminder, or expire one
// place not confirmed in time, each in a transaction of its own, reporting whether something was
// done now.
type Workflow interface {
	Remind(ctx context.Context, due store.Due) (bool, error)
	ExpireUnconfirmed(ctx context.Context, applicationID int64) (bool, error)
}

// Jobs are stagebot's periodic jobs: they read what is due from the store, by the service's clock,
// and hand each item to the workflow.
type Jobs struct {
	Store    *store.Store
	Workflow Workflow
	Clock    clock.Clock
	// Hours say on which days messages nobody asked for may leave (default calendar.SendingHours): a
	// reminder about a day that falls when none may goes on the last day before when one may.
	Hours *calendar.Hours
}

// All lists the jobs with their schedules (Paris time). Every replica runs them all: a reminder's key
// makes it go once, and the sender holds what they queue to the sending hours.
func (j Jobs) All() []Job {
	return []Job{
		{Name: "reminders", Spec: "*/15 * * * *", Run: j.Reminders},
		{Name: "unconfirmed places", Spec: "5 * * * *", Run: j.ExpireOverdue},
	}
}

// Reminders sends every reminder due now (see Due), each once. It returns how many were sent now.
func (j Jobs) Reminders(ctx context.Context) (int, error) {
	dues, err := j.Due(ctx, j.Clock.Now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, due := range dues {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		sent, err := j.Workflow.Remind(ctx, due)
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

// Due lists the reminders due at now that were not sent yet, in the order of a season, with the
// delays of the campaign in force (store.Reminders): hosts waiting (+3, +7 days after a request),
// requests expiring (+15), applications the parent never agreed to past their deadline, places to confirm (+2, and the day before the deadline), parents to
// remind (+2, +5) then students to warn (+7), students with too few applications (+2 after the
// first), students still looking (4, 2 and 1 weeks before), stages soon (7 days and 1 before),
// feedback (the Monday after), agreements not signed (14, 10 and 7 days before, and late 3 days
// before), the REP/REP+ release, and the purge of every campaign whose day came.
// When the campaign turns reminders off, only the expiries, the release and the purge are due.
func (j Jobs) Due(ctx context.Context, now time.Time) ([]store.Due, error) {
	today := calendar.Day(now)
	rules, err := j.Store.RulesOn(ctx, now)
	if err != nil {
		return nil, err
	}
	r := rules.Reminders
	var all []store.Due
	add := func(dues []store.Due, err error) error {
		all = append(all, dues...)
		return err
	}
	if err := errors.Join(
		add(j.Store.SilentRequestsDue(ctx, today, r.HostExpiry)),
		add(j.Store.UnsentPastDeadlineDue(ctx, today)),
	); err != nil {
		return nil, err
	}
	if r.Off {
		r.BeforeStage = nil
	} else if err := errors.Join(
		add(j.Store.ConsentDue(ctx, today, r.ConsentReminders)),
		add(j.Store.ConsentSlowDue(ctx, today, r.ConsentEscalation)),
		add(j.Store.FewApplicationsDue(ctx, today, r.FewApplications, r.MinApplications)),
		add(j.Store.HostsWaitingDue(ctx, today, r.HostWaiting)),
		add(j.Store.ConfirmDue(ctx, today, r.ConfirmReminder)),
		add(j.Store.StillLookingDue(ctx, today, r.LookingWeeks)),
		add(j.Store.FeedbackDue(ctx, today, r.FeedbackAfter)),
		add(j.Store.AgreementsDue(ctx, domain.ReminderAgreement, today, r.AgreementDays)),
		add(j.Store.AgreementsDue(ctx, domain.ReminderAgreementLate, today, []int{r.AgreementLate})),
	); err != nil {
		return nil, err
	}
	hours := j.Hours
	if hours == nil {
		if hours, err = calendar.SendingHours(); err != nil {
			return nil, err
		}
	}
	for _, n := range r.BeforeStage {
		if err := add(j.Store.StageSoonDue(ctx, today, n, daysAhead(hours, today, n))); err != nil {
			return nil, err
		}
	}
	if rules.CampaignID != 0 {
		if err := add(j.Store.ReleaseDue(ctx, today, rules.CampaignID)); err != nil {
			return nil, err
		}
	}
	purges, err := j.Store.CampaignsToPurge(ctx, today)
	if err != nil {
		return nil, err
	}
	for _, id := range purges {
		all = append(all, store.Due{Key: store.ReminderKey{Kind: domain.ReminderPurge, Subject: store.Subject("campaign", id),
			Due: today}})
	}
	return all, nil
}

// daysAhead lists how many days ahead of today the days are whose "n days before" reminder goes
// today: n itself, and when the days after today are not sending days (a Sunday, a public
// holiday), the days those would have been about, so that the day before a Monday is told on the
// Saturday. Nothing goes on a day that is not a sending day.
func daysAhead(hours *calendar.Hours, today time.Time, n int) []int {
	if !hours.SendingDay(today) {
		return nil
	}
	ahead := []int{n}
	for k := 1; k <= 14 && !hours.SendingDay(today.AddDate(0, 0, k)); k++ {
		ahead = append(ahead, n+k)
	}
	return ahead
}

// ExpireOverdue expires the places hosts accepted and students did not confirm in time, freeing
// them. It returns how many expired now.
func (j Jobs) ExpireOverdue(ctx context.Context) (int, error) {
	overdue, err := j.Store.Overdue(ctx, j.Clock.Now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range overdue {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		done, err := j.Workflow.ExpireUnconfirmed(ctx, id)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
