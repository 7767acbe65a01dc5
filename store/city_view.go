package store

import (
	"context"
	"fmt"
	"time"

	"stagebot/domain"
)

// The City's page: whether the season's rules work, in aggregates only. Nothing in it names a
// student; hosts are named (the City calls the silent ones).

// CitySchool is one collège's figures.
type CitySchool struct {
	UAI        string   `db:"uai"`
	Name       string   `db:"name"`
	Priority   string   `db:"education_priority"`
	IPS        *float64 `db:"ips"`
	Cohort     int      `db:"cohort"`     // its 3e students (DNB candidates), when known
	SignedUp   int      `db:"signed_up"`  // students signed up on stagebot
	Applied    int      `db:"applied"`    // of them, with at least one application
	Placed     int      `db:"placed"`     // of them, with a confirmed stage
	Placements int      `db:"placements"` // of them, accepted or confirmed (a place held)
}

// CityWeek is one stage week's places: offered, taken, left empty; and the places reserved for
// REP/REP+ students, and how many of them REP/REP+ students took, before and after the release day.
type CityWeek struct {
	Week               time.Time `db:"week"`
	Places             int       `db:"places"`
	Taken              int       `db:"taken"` // accepted or confirmed
	Reserved           int       `db:"reserved"`
	ReservedTaken      int       `db:"reserved_taken"`       // places of reserved offer weeks held by REP/REP+ students, up to the reserved count
	TakenBeforeRelease int       `db:"taken_before_release"` // of those, accepted before the release day
}

// Empty is the places of the week not taken.
func (w CityWeek) Empty() int { return w.Places - w.Taken }

// SilentHost is a host with requests waiting for its answer for more than SilentDays: the City
// calls it.
type SilentHost struct {
	ID      int64     `db:"id"`
	Name    string    `db:"name"`
	Kind    string    `db:"kind"`
	Waiting int       `db:"waiting"`
	Oldest  time.Time `db:"oldest"` // when the oldest waiting request went
	Contact string    `db:"contact"`
	Phone   string    `db:"phone"`
}

// CitySMS is what the SMS sent cost, by kind of message.
type CitySMS struct {
	Proactive bool `db:"proactive"` // notices and reminders (false: replies)
	Messages  int  `db:"messages"`
	Segments  int  `db:"segments"`
}

// CityView is what the City's page shows.
type CityView struct {
	Campaign     string
	ReleaseDate  *time.Time
	Schools      []CitySchool
	Weeks        []CityWeek
	Waiting      int     // requests waiting for their host's answer
	MedianAnswer float64 // days a host took to answer a request (answered ones), the median
	Answered     int     // requests answered (accepted or declined by the host)
	SilentHosts  []SilentHost
	SMS          []CitySMS
}

// SilentDays is how long a request waits before its host counts as silent.
const SilentDays = 7

// CityPage reads the City's page at time now, for the campaign in force.
func (c Conn) CityPage(ctx context.Context, now time.Time) (CityView, error) {
	var v CityView
	rules, err := c.RulesOn(ctx, now)
	if err != nil {
		return v, err
	}
	v.Campaign, v.ReleaseDate = rules.Campaign, rules.ReleaseDate
	if err := c.all(ctx, &v.Schools, `SELECT sc.uai, sc.name, sc.education_priority, sc.ips,
		coalesce(sc.cohort_size, 0) AS cohort,
		count(s.id) AS signed_up,
		count(s.id) FILTER (WHERE EXISTS (SELECT 1 FROM applications a WHERE a.student_id = s.id)) AS applied,
		count(s.id) FILTER (WHERE EXISTS (SELECT 1 FROM applications a WHERE a.student_id = s.id
			AND a.state = `+sqlState(domain.Confirmed)+`)) AS placed,
		count(s.id) FILTER (WHERE EXISTS (SELECT 1 FROM applications a WHERE a.student_id = s.id
			AND a.state IN `+placeStates()+`)) AS placements
		FROM schools sc LEFT JOIN students s ON s.school_uai = sc.uai
		WHERE sc.department = '75' AND (sc.cohort_size IS NOT NULL OR EXISTS (SELECT 1 FROM students x WHERE x.school_uai = sc.uai))
		GROUP BY sc.uai ORDER BY sc.education_priority = 'none', sc.education_priority DESC, sc.name`); err != nil {
		return v, fmt.Errorf("city: collèges: %w", err)
	}
	release := any(nil)
	if v.ReleaseDate != nil {
		release = day(*v.ReleaseDate)
	}
	if err := c.all(ctx, &v.Weeks, `WITH held AS (
			SELECT a.offer_id, a.week_start, count(*) AS taken,
			       count(*) FILTER (WHERE s.education_priority <> 'none') AS rep,
			       count(*) FILTER (WHERE s.education_priority <> 'none'
			           AND ($1::date IS NULL OR `+parisDay("a.accepted_at")+` < $1::date)) AS rep_before
			FROM applications a JOIN students s ON s.id = a.student_id
			WHERE a.state IN `+placeStates()+` GROUP BY a.offer_id, a.week_start)
		SELECT w.week_start AS week, sum(w.places) AS places, coalesce(sum(h.taken), 0) AS taken,
		       sum(w.reserved_places) AS reserved,
		       sum(least(coalesce(h.rep, 0), w.reserved_places)) AS reserved_taken,
		       sum(least(coalesce(h.rep_before, 0), w.reserved_places)) AS taken_before_release
		FROM offer_weeks w LEFT JOIN held h ON h.offer_id = w.offer_id AND h.week_start = w.week_start
		GROUP BY w.week_start ORDER BY w.week_start`, release); err != nil {
		return v, fmt.Errorf("city: weeks: %w", err)
	}
	for i := range v.Weeks {
		v.Weeks[i].Week = utcDay(v.Weeks[i].Week)
	}
	var answers struct {
		Waiting  int      `db:"waiting"`
		Answered int      `db:"answered"`
		Median   *float64 `db:"median"`
	}
	if err := c.get(ctx, &answers, `SELECT
		(SELECT count(*) FROM applications WHERE state = `+sqlState(domain.Sent)+`) AS waiting,
		count(*) AS answered,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.at - a.sent_at) / 86400) AS median
		FROM application_events e JOIN applications a ON a.id = e.application_id
		WHERE e.actor = 'host' AND e.to_state IN ('accepted', 'declined') AND a.sent_at IS NOT NULL`); err != nil {
		return v, fmt.Errorf("city: answers: %w", err)
	}
	v.Waiting, v.Answered = answers.Waiting, answers.Answered
	if answers.Median != nil {
		v.MedianAnswer = *answers.Median
	}
	if err := c.all(ctx, &v.SilentHosts, `SELECT h.id, h.name, h.kind, count(*) AS waiting, min(a.sent_at) AS oldest,
		coalesce((SELECT hc.name FROM host_contacts hc WHERE hc.host_id = h.id ORDER BY hc.id LIMIT 1), '') AS contact,
		coalesce((SELECT hc.phone FROM host_contacts hc WHERE hc.host_id = h.id AND hc.phone IS NOT NULL
			ORDER BY hc.id LIMIT 1), '') AS phone
		FROM applications a JOIN offers o ON o.id = a.offer_id JOIN hosts h ON h.id = o.host_id
		WHERE a.state = `+sqlState(domain.Sent)+` AND a.sent_at < $1
		GROUP BY h.id ORDER BY min(a.sent_at), h.name`, now.AddDate(0, 0, -SilentDays)); err != nil {
		return v, fmt.Errorf("city: silent hosts: %w", err)
	}
	if err := c.all(ctx, &v.SMS, `SELECT proactive, count(*) AS messages, coalesce(sum(segments), 0) AS segments
		FROM outbox WHERE channel = 'sms' AND status IN ('sent', 'delivered', 'undelivered')
		GROUP BY proactive ORDER BY proactive`); err != nil {
		return v, fmt.Errorf("city: sms: %w", err)
	}
	return v, nil
}
