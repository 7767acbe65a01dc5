package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/lib/pq"

	"stagebot/domain"
)

// ReminderKey is a reminder's unique key: its kind, what it is about and the day it is due. A
// reminder is sent once per key, however many replicas run its job.
type ReminderKey struct {
	Kind    domain.ReminderKind
	Subject string    // "application:12", "student:7", "host:3", "campaign:1"
	Due     time.Time // the day (as calendar.Day returns it)
}

// Subject names what a reminder is about: Subject("application", 12) is "application:12".
func Subject(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// SubjectID reads the id of a subject: 12 for "application:12".
func SubjectID(subject string) int64 {
	for i := len(subject) - 1; i >= 0; i-- {
		if subject[i] == ':' {
			id, _ := strconv.ParseInt(subject[i+1:], 10, 64)
			return id
		}
	}
	return 0
}

// String writes the key as the outbox keeps it: "kind/subject/2026-12-02".
func (k ReminderKey) String() string {
	return string(k.Kind) + "/" + k.Subject + "/" + k.Due.Format(time.DateOnly)
}

// ClaimReminder records, at time at, that the reminder with this key is being sent. It reports false
// when it was claimed already (by this replica or another): the caller then sends nothing. Called in
// the transaction that queues the reminder's messages, it makes the reminder go exactly once.
func (c Conn) ClaimReminder(ctx context.Context, key ReminderKey, at time.Time) (bool, error) {
	var kind string
	err := c.get(ctx, &kind, `INSERT INTO reminders (kind, subject, due, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING RETURNING kind`, key.Kind, key.Subject, day(key.Due), at)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim reminder %s: %w", key, err)
	}
	return true, nil
}

// Due is one reminder that is due: its key, and for the reminders that count, a number (the weeks
// before the stage, the requests waiting).
type Due struct {
	Key ReminderKey
	N   int
}

// parisDay is the SQL of the calendar day in Paris of a timestamptz expression.
func parisDay(expr string) string { return `(` + expr + ` AT TIME ZONE 'Europe/Paris')::date` }

// dueRows reads the due reminders of kind a query lists as (id, due, n) rows, subjects of type what.
func (c Conn) dueRows(ctx context.Context, kind domain.ReminderKind, what, query string, args ...any) ([]Due, error) {
	var rows []struct {
		ID  int64     `db:"id"`
		Due time.Time `db:"due"`
		N   int       `db:"n"`
	}
	if err := c.all(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("due %s reminders: %w", kind, err)
	}
	out := make([]Due, len(rows))
	for i, r := range rows {
		out[i] = Due{Key: ReminderKey{Kind: kind, Subject: Subject(what, r.ID), Due: utcDay(r.Due)}, N: r.N}
	}
	return out, nil
}

// LateDays is how many days late a reminder may still go: one missed on its day (the service was
// down, or the day allowed no sending) goes on the next days, up to this many after it, once.
const LateDays = 2

// A reminder's key holds the day it is meant for (its due day), not the day it went: a reminder
// missed on its day is found again on the following days (up to LateDays) under the same key, and
// goes once. A reminder of a kind about a subject is not sent when one of the same kind about the
// same subject, due that day or later, was sent: the later one said it all.

// notSuperseded is the SQL condition that no reminder of kind $k about subject, due on the due
// expression's day or later, was sent.
func notSuperseded(kindParam, subject, due string) string {
	return `NOT EXISTS (SELECT 1 FROM reminders r WHERE r.kind = ` + kindParam + ` AND r.subject = ` + subject +
		` AND r.due >= ` + due + `)`
}

// inWindow is the SQL condition that a due day (an expression) is today ($1) or at most LateDays
// before it.
func inWindow(due string) string {
	return due + ` BETWEEN $1::date - ` + fmt.Sprint(LateDays) + ` AND $1::date`
}

// HostsWaitingDue lists the hosts to remind of the requests waiting for their answer: those with a
// request sent the given numbers of days before a day of the window. N is how many requests wait.
func (c Conn) HostsWaitingDue(ctx context.Context, today time.Time, days []int) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderHostWaiting, "host", `
		SELECT o.host_id AS id, max(d.due) AS due,
		       (SELECT count(*) FROM applications w JOIN offers wo ON wo.id = w.offer_id
		        WHERE wo.host_id = o.host_id AND w.state = `+sqlState(domain.Sent)+`) AS n
		FROM applications a JOIN offers o ON o.id = a.offer_id,
		     LATERAL (SELECT `+parisDay("a.sent_at")+` + k AS due FROM unnest($2::int[]) k) d
		WHERE a.state = `+sqlState(domain.Sent)+` AND `+inWindow("d.due")+`
		  AND `+notSuperseded("$3", "'host:' || o.host_id", "d.due")+`
		GROUP BY o.host_id ORDER BY o.host_id`, day(today), pq.Array(days), domain.ReminderHostWaiting)
}

// SilentRequestsDue lists the requests sent expiry days ago or more that their host never answered:
// they expire.
func (c Conn) SilentRequestsDue(ctx context.Context, today time.Time, expiry int) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderRequestExpired, "application", `
		SELECT a.id, $1::date AS due, 0 AS n FROM applications a
		WHERE a.state = `+sqlState(domain.Sent)+` AND $1::date - `+parisDay("a.sent_at")+` >= $2
		ORDER BY a.id`, day(today), expiry)
}

// UnsentPastDeadlineDue lists the applications still waiting for the parent's agreement whose offer
// week's deadline has passed: they can no longer go, and expire.
func (c Conn) UnsentPastDeadlineDue(ctx context.Context, today time.Time) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderUnsentExpired, "application", `
		SELECT a.id, $1::date AS due, 0 AS n FROM applications a
		JOIN offer_weeks w ON w.offer_id = a.offer_id AND w.week_start = a.week_start
		WHERE a.state = `+sqlState(domain.AwaitingParent)+` AND w.deadline < $1::date
		ORDER BY a.id`, day(today))
}

// ExpireUnsent expires, at time now, an application still waiting for the parent's agreement past
// its offer week's deadline. It reports false when it is no longer waiting.
func (c Conn) ExpireUnsent(ctx context.Context, id int64, now time.Time) (ApplicationInfo, bool, error) {
	var apps []ApplicationInfo
	err := c.atomically(ctx, func(c Conn) error {
		var err error
		apps, err = c.moveAll(ctx, `id = $1 AND state = `+sqlState(domain.AwaitingParent)+` AND EXISTS (
			SELECT 1 FROM offer_weeks w WHERE w.offer_id = applications.offer_id AND w.week_start = applications.week_start
			AND w.deadline < $2::date)`, []any{id, day(dateOf(now))}, domain.Expired, domain.BySystem, now)
		return err
	})
	if err != nil || len(apps) == 0 {
		return ApplicationInfo{}, false, err
	}
	return apps[0], true, nil
}

// ConfirmDue lists the accepted places whose student is to be reminded to confirm: accepted after
// days before a day of the window, or whose deadline is the day after one.
func (c Conn) ConfirmDue(ctx context.Context, today time.Time, after int) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderConfirm, "application", `
		SELECT a.id, d.due, 0 AS n FROM applications a,
		     LATERAL (SELECT max(x) AS due FROM (VALUES (`+parisDay("a.accepted_at")+` + $2::int),
		              (`+parisDay("a.confirm_by")+` - 1)) v (x) WHERE `+inWindow("x")+`) d
		WHERE a.state = `+sqlState(domain.Accepted)+` AND d.due IS NOT NULL
		  AND `+notSuperseded("$3", "'application:' || a.id", "d.due")+`
		ORDER BY a.id`, day(today), after, domain.ReminderConfirm)
}

// ConsentDue lists the students whose parent, asked the given numbers of days before a day of the
// window, has not answered: the parent is reminded. N is the days since they were asked.
func (c Conn) ConsentDue(ctx context.Context, today time.Time, days []int) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderConsent, "student", `
		SELECT s.id, max(d.due) AS due, $1::date - `+parisDay("s.consent_asked_at")+` AS n FROM students s,
		     LATERAL (SELECT `+parisDay("s.consent_asked_at")+` + k AS due FROM unnest($2::int[]) k) d
		WHERE s.consent = 'pending' AND `+inWindow("d.due")+`
		  AND `+notSuperseded("$3", "'student:' || s.id", "d.due")+`
		GROUP BY s.id ORDER BY s.id`, day(today), pq.Array(days), domain.ReminderConsent)
}

// ConsentSlowDue lists the students whose parent, asked after days before a day of the window, has
// still not answered: the student is told to talk to them.
func (c Conn) ConsentSlowDue(ctx context.Context, today time.Time, after int) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderConsentSlow, "student", `
		SELECT s.id, `+parisDay("s.consent_asked_at")+` + $2::int AS due, 0 AS n FROM students s
		WHERE s.consent = 'pending' AND `+inWindow(parisDay("s.consent_asked_at")+" + $2::int")+`
		  AND `+notSuperseded("$3", "'student:' || s.id", parisDay("s.consent_asked_at")+" + $2::int")+`
		ORDER BY s.id`, day(today), after, domain.ReminderConsentSlow)
}

// FewApplicationsDue lists the students who made their first application after days before a day of
// the window and have fewer than min live ones, with no confirmed stage: they get offers that fit.
// N is how many are live.
func (c Conn) FewApplicationsDue(ctx context.Context, today time.Time, after, min int) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderFewApplications, "student", `
		SELECT s.id, min(`+parisDay("a.created_at")+`) + $2::int AS due,
		       count(a.id) FILTER (WHERE a.state IN `+liveStates()+`) AS n
		FROM students s JOIN applications a ON a.student_id = s.id
		WHERE s.stage_week > $1::date
		GROUP BY s.id
		HAVING `+inWindow("min("+parisDay("a.created_at")+") + $2::int")+`
		   AND count(a.id) FILTER (WHERE a.state IN `+liveStates()+`) < $3
		   AND NOT bool_or(a.state = `+sqlState(domain.Confirmed)+`)
		   AND `+notSuperseded("$4", "'student:' || s.id", "min("+parisDay("a.created_at")+") + $2::int")+`
		ORDER BY s.id`, day(today), after, min, domain.ReminderFewApplications)
}

// StillLookingDue lists the students with no confirmed stage whose week starts the given numbers of
// weeks after a day of the window (N: the weeks): they get offers that fit.
func (c Conn) StillLookingDue(ctx context.Context, today time.Time, weeks []int) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderStillLooking, "student", `
		SELECT s.id, max(d.due) AS due, min(d.w) AS n FROM students s,
		     LATERAL (SELECT s.stage_week - 7 * w AS due, w FROM unnest($2::int[]) w) d
		WHERE `+inWindow("d.due")+` AND s.stage_week > $1::date
		  AND s.consent NOT IN ('refused', 'withdrawn')
		  AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.student_id = s.id AND a.state = `+sqlState(domain.Confirmed)+`)
		  AND `+notSuperseded("$3", "'student:' || s.id", "d.due")+`
		GROUP BY s.id ORDER BY s.id`, day(today), pq.Array(weeks), domain.ReminderStillLooking)
}

// StageSoonDue lists the confirmed stages to remind of n days before they start (N): the student and
// the parent are reminded (and the host, the day before). Its due day is the stage's Monday less n
// days; days holds n, and more when today stands in for days ahead on which no reminder may go (a
// Sunday: the day before a Monday is told on the Saturday). A reminder missed goes late (within the
// window), never once the stage has begun.
func (c Conn) StageSoonDue(ctx context.Context, today time.Time, n int, days []int) ([]Due, error) {
	if len(days) == 0 {
		return nil, nil
	}
	ahead := slices.Max(days) - n
	return c.dueRows(ctx, domain.ReminderStageSoon, "application", `
		SELECT a.id, a.week_start - $4::int AS due, $4::int AS n FROM applications a
		WHERE a.state = `+sqlState(domain.Confirmed)+` AND a.week_start > $1::date
		  AND a.week_start - $4::int BETWEEN $1::date - `+fmt.Sprint(LateDays)+` AND $1::date + $2::int
		  AND `+notSuperseded("$3", "'application:' || a.id", "a.week_start - $4::int")+`
		ORDER BY a.id`, day(today), ahead, domain.ReminderStageSoon, n)
}

// FeedbackDue lists the confirmed stages whose week began after days before a day of the window: the
// student and the host are asked how it went.
func (c Conn) FeedbackDue(ctx context.Context, today time.Time, after int) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderFeedback, "application", `
		SELECT a.id, a.week_start + $2::int AS due, 0 AS n FROM applications a
		WHERE a.state = `+sqlState(domain.Confirmed)+` AND `+inWindow("a.week_start + $2::int")+`
		  AND `+notSuperseded("$3", "'application:' || a.id", "a.week_start + $2::int")+`
		ORDER BY a.id`, day(today), after, domain.ReminderFeedback)
}

// ReleaseDue lists, from a campaign's release day (and within the window after it), the students of
// its weeks from collèges outside REP/REP+ who have no confirmed stage yet: places reserved until
// then are open to them now.
func (c Conn) ReleaseDue(ctx context.Context, today time.Time, campaignID int64) ([]Due, error) {
	return c.dueRows(ctx, domain.ReminderRelease, "student", `
		SELECT s.id, c.rep_release AS due, 0 AS n FROM students s
		JOIN campaigns c ON c.id = $2 AND `+inWindow("c.rep_release")+`
		JOIN campaign_weeks cw ON cw.campaign_id = c.id AND cw.week_start = s.stage_week
		WHERE s.education_priority = 'none' AND s.stage_week > $1::date
		  AND s.consent NOT IN ('refused', 'withdrawn')
		  AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.student_id = s.id AND a.state = `+sqlState(domain.Confirmed)+`)
		  AND `+notSuperseded("$3", "'student:' || s.id", "c.rep_release")+`
		ORDER BY s.id`, day(today), campaignID, domain.ReminderRelease)
}

// ExpireSilent expires, at time now, a request its host has not answered for expiry days: the place
// stays free. It reports false when the request is no longer waiting, or not for long enough.
func (c Conn) ExpireSilent(ctx context.Context, id int64, now time.Time, expiry int) (ApplicationInfo, bool, error) {
	var apps []ApplicationInfo
	err := c.atomically(ctx, func(c Conn) error {
		var err error
		apps, err = c.moveAll(ctx, `id = $1 AND state = `+sqlState(domain.Sent)+` AND $2::date - `+
			parisDay("sent_at")+` >= $3`, []any{id, day(dateOf(now)), expiry}, domain.Expired, domain.BySystem, now)
		return err
	})
	if err != nil || len(apps) == 0 {
		return ApplicationInfo{}, false, err
	}
	return apps[0], true, nil
}

// ConfirmedStartingOn lists the confirmed stages whose week starts on monday.
func (c Conn) ConfirmedStartingOn(ctx context.Context, monday time.Time) ([]ApplicationInfo, error) {
	var apps []ApplicationInfo
	if err := c.all(ctx, &apps, applicationInfo+` WHERE a.state = `+sqlState(domain.Confirmed)+`
		AND a.week_start = $1::date ORDER BY a.id`,
		monday.Format(time.DateOnly)); err != nil {
		return nil, fmt.Errorf("stages starting on %s: %w", monday.Format(time.DateOnly), err)
	}
	return apps, nil
}
