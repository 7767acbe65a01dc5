package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"stagebot/domain"
	"stagebot/fold"
)

// student is the SQL of the one-row CTE "me" that the placement rules read about a student: their
// stage week, whether their collège is REP/REP+, whether they are under 14 on the Monday of their
// week, and whether the reserved places are released. The month of birth is kept as its first day;
// to be safe the birthday is taken as the last day of that month, so a student is 14 on the Monday
// only if birth_month + 1 month − 1 day + 14 years ≤ that Monday. id and released are the
// placeholders of the student id and of a boolean (see released).
func student(id, released string) string {
	return `me AS (SELECT id, stage_week, education_priority <> 'none' AS rep,
		(birth_month + interval '1 month' - interval '1 day' + interval '14 years')::date > stage_week AS under14,
		` + released + `::boolean AS released
		FROM students WHERE id = ` + id + `)`
}

// hostAllowed is the SQL saying whether the host h may take the student me: a student under 14 on
// the first day of their week may only go to a public employer (the City of Paris).
const hostAllowed = `(NOT me.under14 OR h.employer = 'public')`

// placesLeft is the SQL for the places an offer week still has for a student, the one place that
// says it (search, offer detail, apply and accept use it): REP/REP+ students may take any place; the
// others only the places not reserved for REP/REP+, until the reserved places are released, when
// every unused place is open to all. Reserved places are used by REP/REP+ students first. It expects
// w (offer_weeks), t (taken: rep, other) and me (rep and released booleans, see student).
const placesLeft = `CASE WHEN me.rep OR me.released
	THEN w.places - coalesce(t.rep, 0) - coalesce(t.other, 0)
	ELSE (w.places - w.reserved_places) - coalesce(t.other, 0) - greatest(0, coalesce(t.rep, 0) - w.reserved_places)
	END`

// takenPlaces() is the SQL for the places taken (accepted or confirmed) per offer week, by REP/REP+
// students and by the others.
func takenPlaces() string {
	return `SELECT a.offer_id, a.week_start,
		count(*) FILTER (WHERE s.education_priority <> 'none') AS rep,
		count(*) FILTER (WHERE s.education_priority = 'none') AS other
	FROM applications a JOIN students s ON s.id = a.student_id
	WHERE a.state IN ` + placeStates() + `
	GROUP BY a.offer_id, a.week_start`
}

// released reports whether the places reserved for REP/REP+ students are open to all on day today:
// on or after the release date (calendar dates, each read in its own location); never when release
// is nil.
func released(release *time.Time, today time.Time) bool {
	return release != nil && !dateOf(today).Before(dateOf(*release))
}

// SearchParams narrow an offer search for one student.
type SearchParams struct {
	StudentID   int64
	Filters     domain.Filters
	Today       time.Time  // the service's clock: offer weeks whose deadline has passed are left out
	ReleaseDate *time.Time // from this day unused reserved places are open to all; nil: never
	Limit       int
	Offset      int
}

// SearchOffers returns a page of the offers running in the student's week with a place left for
// them, at a host that may take them (see hostAllowed), and how many there are in all. Keywords
// match accent- and case-insensitively, each word as a substring or, for small typos, by trigram
// word similarity.
func (c Conn) SearchOffers(ctx context.Context, p SearchParams) ([]domain.OfferSummary, int, error) {
	words := fold.Words(p.Filters.Keyword)
	if len(words) > 5 {
		words = words[:5]
	}
	args := []any{p.StudentID, day(dateOf(p.Today)), p.Filters.Kind, p.Filters.SectorID, p.Filters.Arrondissement, p.Limit, p.Offset,
		released(p.ReleaseDate, p.Today)}
	var match []string
	rank := "0"
	for _, w := range words {
		args = append(args, w)
		n := len(args)
		match = append(match, fmt.Sprintf(
			"(o.search_text LIKE '%%' || $%d || '%%' OR word_similarity($%d, o.search_text) >= 0.5)", n, n))
		rank += fmt.Sprintf(" + word_similarity($%d, o.search_text)", n)
	}
	where := ""
	if len(match) > 0 {
		where = " AND " + strings.Join(match, " AND ")
	}
	query := `
		WITH ` + student("$1", "$8") + `,
		taken AS (` + takenPlaces() + `),
		found AS (
			SELECT o.id, o.title, h.name AS host_name, h.kind, o.arrondissement,
			       ` + placesLeft + ` AS places_left, ` + rank + ` AS rank
			FROM me
			JOIN offer_weeks w ON w.week_start = me.stage_week
			JOIN offers o ON o.id = w.offer_id
			JOIN hosts h ON h.id = o.host_id
			LEFT JOIN taken t ON t.offer_id = w.offer_id AND t.week_start = w.week_start
			WHERE w.deadline >= $2::date
			  AND ` + hostAllowed + `
			  AND ($3 = '' OR h.kind = $3)
			  AND ($4 = 0 OR o.sector_id = $4)
			  AND ($5 = 0 OR o.arrondissement = $5)` + where + `)
		SELECT id, title, host_name, kind, arrondissement, places_left, count(*) OVER () AS total
		FROM found WHERE places_left > 0
		ORDER BY rank DESC, id
		LIMIT $6 OFFSET $7`
	var found []struct {
		ID             int64  `db:"id"`
		Title          string `db:"title"`
		HostName       string `db:"host_name"`
		Kind           string `db:"kind"`
		Arrondissement int    `db:"arrondissement"`
		PlacesLeft     int    `db:"places_left"`
		Total          int    `db:"total"`
	}
	if err := c.all(ctx, &found, query, args...); err != nil {
		return nil, 0, fmt.Errorf("search offers: %w", err)
	}
	offers := make([]domain.OfferSummary, len(found))
	total := 0
	for i, r := range found {
		offers[i] = domain.OfferSummary{ID: r.ID, Title: r.Title, HostName: r.HostName, Kind: r.Kind,
			Arrondissement: r.Arrondissement, PlacesLeft: r.PlacesLeft}
		total = r.Total
	}
	if len(found) == 0 && p.Offset > 0 {
		// The page is past the end (places went since): count what there is.
		first := p
		first.Limit, first.Offset = 1, 0
		_, total, err := c.SearchOffers(ctx, first)
		return offers, total, err
	}
	return offers, total, nil
}

// OfferParams ask for one offer as a student sees it.
type OfferParams struct {
	StudentID   int64
	OfferID     int64
	Today       time.Time  // the day, compared with ReleaseDate
	ReleaseDate *time.Time // from this day unused reserved places are open to all; nil: never
}

// OfferForStudent reads one offer as a student sees it, with the reserved places never released:
// OfferDetail with no release date.
func (c Conn) OfferForStudent(ctx context.Context, studentID, offerID int64) (domain.OfferDetail, error) {
	return c.OfferDetail(ctx, OfferParams{StudentID: studentID, OfferID: offerID})
}

// OfferDetail reads one offer as a student sees it: the places left for them in their week and
// whether they already have a live application to it. An offer whose host may not take the student
// (a private employer for a student under 14) is hidden as in the search: ErrNotFound.
func (c Conn) OfferDetail(ctx context.Context, p OfferParams) (domain.OfferDetail, error) {
	o, err := c.offerFor(ctx, p)
	if err == nil && o.TooYoung {
		err = fmt.Errorf("offer %d: private employer, student under 14: %w", p.OfferID, ErrNotFound)
	}
	if err != nil {
		return domain.OfferDetail{}, err
	}
	return o.OfferDetail, nil
}

// studentOffer is an offer as a student sees it, and whether they are too young for its host.
type studentOffer struct {
	domain.OfferDetail
	TooYoung bool // the host is a private employer and the student is under 14 on their week's Monday
}

func (c Conn) offerFor(ctx context.Context, p OfferParams) (studentOffer, error) {
	var r struct {
		ID             int64      `db:"id"`
		Title          string     `db:"title"`
		HostName       string     `db:"host_name"`
		Kind           string     `db:"kind"`
		Arrondissement int        `db:"arrondissement"`
		Description    string     `db:"description"`
		Sector         string     `db:"sector"`
		Address        string     `db:"address"`
		DailyHours     string     `db:"daily_hours"`
		Deadline       *time.Time `db:"deadline"`
		Week           time.Time  `db:"week"`
		RunsInWeek     bool       `db:"runs_in_week"`
		PlacesLeft     *int       `db:"places_left"`
		AlreadyApplied bool       `db:"already_applied"`
		Allowed        bool       `db:"allowed"`
	}
	err := c.get(ctx, &r, `
		WITH `+student("$1", "$3")+`,
		taken AS (`+takenPlaces()+`)
		SELECT o.id, o.title, h.name AS host_name, h.kind, o.arrondissement, o.description,
		       sec.name AS sector, o.address, o.daily_hours, w.deadline, me.stage_week AS week,
		       w.offer_id IS NOT NULL AS runs_in_week,
		       `+placesLeft+` AS places_left,
		       EXISTS (SELECT 1 FROM applications a WHERE a.student_id = me.id AND a.offer_id = o.id
		               AND a.state IN `+liveStates()+`) AS already_applied,
		       `+hostAllowed+` AS allowed
		FROM me
		JOIN offers o ON o.id = $2
		JOIN hosts h ON h.id = o.host_id
		JOIN sectors sec ON sec.id = o.sector_id
		LEFT JOIN offer_weeks w ON w.offer_id = o.id AND w.week_start = me.stage_week
		LEFT JOIN taken t ON t.offer_id = w.offer_id AND t.week_start = w.week_start`,
		p.StudentID, p.OfferID, released(p.ReleaseDate, p.Today))
	if err != nil {
		return studentOffer{}, fmt.Errorf("offer %d: %w", p.OfferID, err)
	}
	d := domain.OfferDetail{
		OfferSummary: domain.OfferSummary{ID: r.ID, Title: r.Title, HostName: r.HostName, Kind: r.Kind,
			Arrondissement: r.Arrondissement},
		Description: r.Description, Sector: r.Sector, Address: r.Address, DailyHours: r.DailyHours,
		Deadline: r.Deadline, Week: r.Week, RunsInWeek: r.RunsInWeek, AlreadyApplied: r.AlreadyApplied,
	}
	if r.PlacesLeft != nil && *r.PlacesLeft > 0 {
		d.PlacesLeft = *r.PlacesLeft
	}
	return studentOffer{OfferDetail: d, TooYoung: !r.Allowed}, nil
}
