package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"stagebot/domain"
	"stagebot/fold"

	"github.com/lib/pq"
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
// w (offer_weeks, with the places taken kept by triggers: taken_rep, taken_other) and me (rep and
// released booleans, see student).
const placesLeft = `CASE WHEN me.rep OR me.released
	THEN w.places - w.taken_rep - w.taken_other
	ELSE (w.places - w.reserved_places) - w.taken_other - greatest(0, w.taken_rep - w.reserved_places)
	END`

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
	NotApplied  bool       // leave out the offers the student already applied to
	Limit       int
	Offset      int
}

// SearchOffers returns a page of the offers running in the student's week with a place left for
// them, at a host that may take them (see hostAllowed) and that can be reached, best first, and how
// many there are in all. With no filter at all (browsing the week) the offers are counted up to
// domain.CountedUpTo and one more, and the page is the best of those: the total is then
// CountedUpTo+1 for "more than CountedUpTo".
//
// Keywords are searched in full text (French stemming, accents and case ignored), every word of the
// search in every offer found (see keywordSearch for synonyms and misspellings), or when no offer has
// them all, the offers with the most of them; an offer's title and sector weigh most, then its
// host's name, then its description. For a REP/REP+ student, the
// offers with a place reserved for them still free come first.
func (c Conn) SearchOffers(ctx context.Context, p SearchParams) ([]domain.OfferSummary, int, error) {
	offers, total, err := c.searchOffers(ctx, p, false)
	if err == nil && total == 0 && len(fold.Words(p.Filters.Keyword)) > 1 {
		// No offer has every word (a sentence, often): the offers with the most of them.
		return c.searchOffers(ctx, p, true)
	}
	return offers, total, err
}

func (c Conn) searchOffers(ctx context.Context, p SearchParams, anyWord bool) ([]domain.OfferSummary, int, error) {
	open, args, err := c.openOffers(ctx, p, anyWord)
	if err != nil {
		return nil, 0, err
	}
	args = append(args, p.Limit, p.Offset)
	// The page is chosen and counted on the narrow rows of found; titles and names are read for its
	// few offers only.
	query := open + `,
		page AS (
			SELECT id, places_left, reserved_for_me, rank, count(*) OVER () AS total
			FROM (SELECT * FROM found` + browseCap(p.Filters) + `) found
			ORDER BY reserved_for_me DESC, rank DESC, id
			LIMIT $` + fmt.Sprint(len(args)-1) + ` OFFSET $` + fmt.Sprint(len(args)) + `)
		SELECT p.id, o.title, h.name AS host_name, h.kind, o.arrondissement, p.places_left, p.total
		FROM page p JOIN offers o ON o.id = p.id JOIN hosts h ON h.id = o.host_id
		ORDER BY p.reserved_for_me DESC, p.rank DESC, p.id`
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
		_, total, err := c.searchOffers(ctx, first, anyWord)
		return offers, total, err
	}
	return offers, total, nil
}

// SectorCount is how many offers a search finds in one sector.
type SectorCount struct {
	SectorID int    `db:"sector_id"`
	Name     string `db:"name"`
	Family   string `db:"family"`
	Offers   int    `db:"offers"`
}

// CountBySector counts the offers SearchOffers would find (without Limit and Offset), sector by
// sector, for the sectors that have some: what browsing by sector offers a student. The sectors
// come family by family, in the families' order, then by name.
func (c Conn) CountBySector(ctx context.Context, p SearchParams) ([]SectorCount, error) {
	open, args, err := c.openOffers(ctx, p, false)
	if err != nil {
		return nil, err
	}
	var counts []SectorCount
	if err := c.all(ctx, &counts, open+`
		SELECT sec.id AS sector_id, sec.name, sec.family, count(*) AS offers
		FROM found JOIN sectors sec ON sec.id = found.sector_id
		GROUP BY sec.id ORDER BY sec.family_rank, sec.family, sec.name`, args...); err != nil {
		return nil, fmt.Errorf("count offers by sector: %w", err)
	}
	return counts, nil
}

// openOffers is the SQL of the CTEs up to "found": the offers a search finds for the student (with
// every word of its keywords, or with anyWord one of them at least), each with its rank, places left
// and sector, and the query's arguments.
func (c Conn) openOffers(ctx context.Context, p SearchParams, anyWord bool) (string, []any, error) {
	kw, err := c.keywordSearch(ctx, p.Filters.Keyword)
	if err != nil {
		return "", nil, err
	}
	args := []any{p.StudentID, day(dateOf(p.Today)), p.Filters.Kind, p.Filters.SectorID, p.Filters.Arrondissement,
		released(p.ReleaseDate, p.Today), p.NotApplied}
	where, rank := kw.sql(&args, anyWord)
	if where == "" {
		where = " AND w.week_start = me.stage_week"
	}
	// Every condition is on the offer week, which carries its offer's facets (one GIN index serves
	// the week with the words, sector and arrondissement); the student's applications are one array.
	return plannedEachTime + `
		WITH ` + student("$1", "$6") + `,
		applied AS (SELECT ARRAY(SELECT a.offer_id FROM applications a WHERE $7 AND a.student_id = $1) AS ids),
		candidates AS (
			SELECT w.offer_id AS id, w.sector_id,
			       ` + placesLeft + ` AS places_left, ` + rank + ` AS rank,
			       me.rep AND w.reserved_places > w.taken_rep AS reserved_for_me
			FROM me
			CROSS JOIN applied
			CROSS JOIN offer_weeks w -- the week is in where: with the words, one index serves both
			JOIN hosts h ON h.id = w.host_id
			WHERE w.deadline >= $2::date
			  AND h.unreachable_since IS NULL
			  AND ` + hostAllowed + `
			  AND ($3 = '' OR h.kind = $3)
			  AND ($4 = 0 OR ARRAY[w.sector_id] && ARRAY[$4]::int[])
			  AND ($5 = 0 OR w.arrondissement = $5)
			  AND w.offer_id <> ALL (applied.ids)` +
		where + `),
		found AS (SELECT * FROM candidates WHERE places_left > 0` + browseCap(p.Filters) + `)`, args, nil
}

// browseCap is the LIMIT of a search with no filter at all: its offers are counted up to
// domain.CountedUpTo and one more (see SearchOffers), which stops the scan of the week early.
func browseCap(f domain.Filters) string {
	if !f.Browsing() {
		return ""
	}
	return " LIMIT " + strconv.Itoa(domain.CountedUpTo+1)
}

// SpellingFloor is the least trigram similarity for a misspelt word to be read as a word of the
// offers ("informatik" → "informatique"), tuned on the misspellings of catalog/search_test.go.
const SpellingFloor = 0.35

// maxSearchWords bounds the words of a search that count.
const maxSearchWords = 5

// searchedWord is one word of a search, with what it stands for.
type searchedWord struct {
	Word        string         `db:"word"`
	Sectors     pq.Int64Array  `db:"sectors"`     // the sectors it names (synonyms)
	Terms       pq.StringArray `db:"terms"`       // other words it stands for (synonyms)
	Exact       bool           `db:"exact"`       // offers are written with it
	Known       bool           `db:"known"`       // offers are written with it, or with a word it starts, or it is a synonym
	Corrections pq.StringArray `db:"corrections"` // the nearest words of the offers, when it is not known
}

// keywords is a resolved keyword search: every word must be found in an offer.
type keywords []searchedWord

// keywordSearch resolves the words of a search (folded, without small words): for a word that is
// neither in the offers' lexicon nor a synonym, the nearest words of the lexicon at SpellingFloor or above; and the
// sectors and words each word (or, when it is unknown, its corrections) stands for.
func (c Conn) keywordSearch(ctx context.Context, text string) (keywords, error) {
	var words []string
	for _, w := range fold.Words(text) {
		if !smallWord(w) && len(words) < maxSearchWords && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil, nil
	}
	var kw keywords
	if err := c.all(ctx, &kw, `
		WITH k AS (
			SELECT w.word, w.n,
			       EXISTS (SELECT 1 FROM search_words sw WHERE sw.word = w.word) AS exact,
			       EXISTS (SELECT 1 FROM search_words sw WHERE sw.word LIKE w.word || '%')
			           OR EXISTS (SELECT 1 FROM search_synonyms sy WHERE sy.word = w.word) AS known
			FROM unnest($1::text[]) WITH ORDINALITY AS w(word, n)),
		w AS (
			-- Corrections are looked for (by trigram similarity, the costly part) only for a word the
			-- offers do not know.
			SELECT k.*, CASE WHEN k.known THEN '{}'::text[] ELSE
			       coalesce((SELECT array_agg(c.word ORDER BY c.sim DESC, c.offers DESC, c.word) FROM (
			                   SELECT sw.word, similarity(sw.word, k.word) AS sim, sw.offers FROM (
			                       SELECT word, offers FROM search_words WHERE word % k.word
			                       UNION SELECT DISTINCT word, 0 FROM search_synonyms WHERE word % k.word) sw
			                   ORDER BY sim DESC, sw.offers DESC, sw.word LIMIT 2) c
			                 WHERE c.sim >= $2), '{}') END AS corrections
			FROM k)
		SELECT w.word, w.exact, w.known, w.corrections,
		       -- what the word stands for; for a word the offers do not know, what its corrections do
		       coalesce((SELECT array_agg(DISTINCT sy.sector_id) FROM search_synonyms sy WHERE sy.sector_id IS NOT NULL
		                 AND (sy.word = w.word OR NOT w.known AND sy.word = ANY(w.corrections))), '{}') AS sectors,
		       coalesce((SELECT array_agg(DISTINCT sy.term) FROM search_synonyms sy WHERE sy.term IS NOT NULL
		                 AND (sy.word = w.word OR NOT w.known AND sy.word = ANY(w.corrections))), '{}') AS terms
		FROM w ORDER BY w.n`, pq.Array(words), SpellingFloor); err != nil {
		return nil, fmt.Errorf("search words: %w", err)
	}
	return kw, nil
}

// sql is the keyword search's condition on offer weeks w (" AND …", "" for none) and its rank, with
// their arguments appended to args. Each word matches an offer's full text by itself (as the start
// of a word when it is no whole word of the offers and has four letters or more: "info"), by its
// synonyms and, when it is not known at all, by its corrections; or the offer is in a sector the
// word names. The rank weighs where the words are found (title and
// sector, host, description) and adds one for a named sector.
func (kw keywords) sql(args *[]any, anyWord bool) (where, rank string) {
	if len(kw) == 0 {
		return "", "0"
	}
	var conds, all []string
	var sectors []int64
	for _, w := range kw {
		terms := []string{tsTerm(w.Word, !w.Exact && w.Known)}
		for _, t := range w.Terms {
			terms = append(terms, tsTerm(t, false)+":AC") // a synonym names what is done, not the host's name
		}
		if !w.Known {
			for _, c := range w.Corrections {
				terms = append(terms, tsTerm(c, false))
			}
		}
		q := strings.Join(terms, " | ")
		all = append(all, q)
		sectors = append(sectors, w.Sectors...)
		*args = append(*args, q, pq.Array([]int64(w.Sectors)))
		nq, ns := len(*args)-1, len(*args)
		// Each branch is served by the one index of offer weeks (offer_weeks_search), the week in
		// both: written differently (+ 0) in the second so that the planner does not factor it out
		// of the two and read every offer week of the week.
		conds = append(conds, fmt.Sprintf("((w.search_doc @@ to_tsquery('stagebot_fr', $%d) AND w.week_start = me.stage_week)"+
			" OR (ARRAY[w.sector_id] && $%d::int[] AND w.week_start = me.stage_week + 0))", nq, ns))
	}
	*args = append(*args, strings.Join(all, " | "), pq.Array(sectors))
	nq, ns := len(*args)-1, len(*args)
	rank = fmt.Sprintf("ts_rank('{0.1, 0.2, 0.4, 1.0}', w.search_doc, to_tsquery('stagebot_fr', $%d))"+
		" + CASE WHEN w.sector_id = ANY($%d::int[]) THEN 1 ELSE 0 END", nq, ns)
	if !anyWord {
		return " AND " + strings.Join(conds, " AND "), rank
	}
	// Any word will do: the more words an offer has, the better.
	for _, c := range conds {
		rank += " + CASE WHEN " + c + " THEN 1 ELSE 0 END"
	}
	return " AND (" + strings.Join(conds, " OR ") + ")", rank
}

// tsTerm is a folded word as a tsquery term: the word (stemmed by the French configuration), or, with
// prefix and four letters or more, any word it starts ("info" finds "informatique").
func tsTerm(w string, prefix bool) string {
	w = strings.Map(func(r rune) rune {
		if r == '\'' || r == '\\' || r == ':' || r == '&' || r == '|' || r == '!' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, w)
	if prefix && utf8.RuneCountInString(w) >= 4 {
		return "'" + w + "':*"
	}
	return "'" + w + "'"
}

// smallWord reports the words a search ignores: articles and prepositions (French and English), and
// words every offer would match.
func smallWord(w string) bool {
	switch w {
	case "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "et", "ou", "en", "a", "au", "aux", "dans",
		"sur", "pour", "avec", "chez", "par", "the", "an", "of", "and", "or", "in", "at", "for", "with", "to",
		"stage", "stages", "internship", "internships", "je", "veux", "voudrais", "aime", "i", "want", "like",
		"faire", "travailler", "work", "paris":
		return true
	}
	return false
}

// OfferParams ask for one offer as a student sees it.
type OfferParams struct {
	StudentID int64
	OfferID   int64
	Today     time.Time // the service's clock
	Rules     Rules     // the season's: release of reserved places, application window, most applications
}

// OfferDetail reads one offer as a student sees it: the places left for them in their week, and
// whether and why they may not apply (the same rules as Apply, see applyProblem), so that they are
// told before writing a motivation. An offer whose host may not take the student (a private
// employer for a student under 14), or can no longer be written to, is hidden as in the search:
// ErrNotFound.
func (c Conn) OfferDetail(ctx context.Context, p OfferParams) (domain.OfferDetail, error) {
	o, err := c.offerFor(ctx, p)
	if err == nil && o.TooYoung {
		err = fmt.Errorf("offer %d: private employer, student under 14: %w", p.OfferID, ErrNotFound)
	}
	if err != nil {
		return domain.OfferDetail{}, err
	}
	st, err := c.applicant(ctx, p.StudentID, false)
	if err != nil {
		return domain.OfferDetail{}, fmt.Errorf("offer %d: %w", p.OfferID, err)
	}
	o.Problem, o.OpensOn = applyProblem(p.Rules, p.Today, st, o)
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
		WITH `+student("$1", "$3")+`
		SELECT o.id, o.title, h.name AS host_name, h.kind, o.arrondissement, o.description,
		       sec.name AS sector, o.address, o.daily_hours, w.deadline, me.stage_week AS week,
		       w.offer_id IS NOT NULL AS runs_in_week,
		       `+placesLeft+` AS places_left,
		       EXISTS (SELECT 1 FROM applications a WHERE a.student_id = me.id AND a.offer_id = o.id
		               AND a.state IN `+liveStates()+`) AS already_applied,
		       `+hostAllowed+` AS allowed
		FROM me
		JOIN offers o ON o.id = $2
		JOIN hosts h ON h.id = o.host_id AND h.unreachable_since IS NULL
		JOIN sectors sec ON sec.id = o.sector_id
		LEFT JOIN offer_weeks w ON w.offer_id = o.id AND w.week_start = me.stage_week`,
		p.StudentID, p.OfferID, released(p.Rules.ReleaseDate, p.Today))
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
