package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"stagebot/fold"
)

// Host kinds and employers.
const (
	HostCity        = "city"    // a City of Paris service
	HostESS         = "ess"     // a social-economy structure (association, cooperative…)
	EmployerPublic  = "public"  // the City of Paris
	EmployerPrivate = "private" // a private-law employer
)

// Host is a structure that takes students: a City of Paris service or an ESS structure. Ref is the
// stable key the catalog files use.
type Host struct {
	ID       int64  `db:"id"`
	Ref      string `db:"ref"`
	Name     string `db:"name"`
	Kind     string `db:"kind"`     // HostCity or HostESS
	Employer string `db:"employer"` // EmployerPublic or EmployerPrivate
}

// HostContact is a person at a host who receives requests and answers them. Phone is in E.164 form
// ("+33612345678"), empty when unknown; Email may be empty; Lang defaults to "fr". TelegramChatID is
// the Telegram chat linked with LinkTelegram, empty until then (UpsertHostContact leaves it alone).
type HostContact struct {
	ID             int64  `db:"id"`
	HostID         int64  `db:"host_id"`
	Name           string `db:"name"`
	Phone          string `db:"phone"`
	Email          string `db:"email"`
	Lang           string `db:"lang"`
	TelegramChatID string `db:"telegram_chat_id"`
}

// Offer is an internship offer at a host. HostName and SectorName are not columns of their own:
// reads fill them from the host and the sector, and UpsertOffer uses them for the search text
// (looking them up when empty).
type Offer struct {
	ID             int64    `db:"id"`
	Ref            string   `db:"ref"`
	HostID         int64    `db:"host_id"`
	HostName       string   `db:"host_name"`
	Title          string   `db:"title"`
	Description    string   `db:"description"`
	SectorID       int      `db:"sector_id"`
	SectorName     string   `db:"sector_name"`
	Address        string   `db:"address"`
	Arrondissement int      `db:"arrondissement"`
	Latitude       *float64 `db:"latitude"`
	Longitude      *float64 `db:"longitude"`
	DailyHours     string   `db:"daily_hours"`
}

// OfferWeek is one week (starting on WeekStart, a Monday) an offer runs, with its places; up to
// ReservedPlaces of them go to REP/REP+ students. Deadline is the last day to apply for that week;
// nil means the deadline_days of the campaign that lists the week (DefaultDeadlineDays when none
// does) before it.
type OfferWeek struct {
	WeekStart      time.Time  `db:"week_start"`
	Places         int        `db:"places"`
	ReservedPlaces int        `db:"reserved_places"`
	Deadline       *time.Time `db:"deadline"`
}

// UpsertHost inserts the host or updates it by Ref, and returns its id and whether a row changed.
func (c Conn) UpsertHost(ctx context.Context, h Host) (id int64, changed bool, err error) {
	var row struct {
		ID      int64 `db:"id"`
		Changed bool  `db:"changed"`
	}
	err = c.get(ctx, &row, `WITH up AS (
			INSERT INTO hosts AS h (ref, name, kind, employer) VALUES ($1, $2, $3, $4)
			ON CONFLICT (ref) DO UPDATE SET name = excluded.name, kind = excluded.kind,
				employer = excluded.employer, updated_at = now() -- audit only: the database clock
			WHERE (h.name, h.kind, h.employer) IS DISTINCT FROM (excluded.name, excluded.kind, excluded.employer)
			RETURNING id)
		SELECT id, true AS changed FROM up
		UNION ALL SELECT id, false FROM hosts WHERE ref = $1 AND NOT EXISTS (SELECT 1 FROM up)`,
		strings.TrimSpace(h.Ref), strings.TrimSpace(h.Name), h.Kind, h.Employer)
	if err != nil {
		return 0, false, fmt.Errorf("upsert host %q: %w", h.Ref, err)
	}
	return row.ID, row.Changed, nil
}

// UpsertHostContact inserts the contact or updates its phone, email and language by host and
// name, and reports whether a row changed.
func (c Conn) UpsertHostContact(ctx context.Context, hc HostContact) (bool, error) {
	lang := hc.Lang
	if lang == "" {
		lang = "fr"
	}
	res, err := c.q.ExecContext(ctx, `INSERT INTO host_contacts AS c (host_id, name, phone, email, lang)
		VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''), $5)
		ON CONFLICT (host_id, name) DO UPDATE SET phone = excluded.phone, email = excluded.email,
			lang = excluded.lang
		WHERE (c.phone, c.email, c.lang) IS DISTINCT FROM (excluded.phone, excluded.email, excluded.lang)`,
		hc.HostID, strings.TrimSpace(hc.Name), hc.Phone, hc.Email, lang)
	if err != nil {
		return false, fmt.Errorf("upsert contact %q of host %d: %w", hc.Name, hc.HostID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("upsert contact %q of host %d: %w", hc.Name, hc.HostID, err)
	}
	return n > 0, nil
}

// HostContacts returns the contacts of a host, by name.
func (c Conn) HostContacts(ctx context.Context, hostID int64) ([]HostContact, error) {
	var contacts []HostContact
	err := sqlx.SelectContext(ctx, c.q, &contacts, `SELECT `+hostContactColumns+`
		FROM host_contacts WHERE host_id = $1 ORDER BY name`, hostID)
	if err != nil {
		return nil, fmt.Errorf("contacts of host %d: %w", hostID, err)
	}
	return contacts, nil
}

// OfferSearchText is the folded text an offer is searched by: its title, description, host,
// sector and arrondissement ("paris 11e").
func OfferSearchText(o Offer) string {
	return fold.String(fmt.Sprintf("%s %s %s %s paris %de", o.Title, o.Description, o.HostName,
		o.SectorName, o.Arrondissement))
}

// UpsertOffer inserts the offer or updates it by Ref, with its weeks: new weeks are added, changed
// places updated, and weeks missing from weeks deleted unless an application refers to them. It
// reports whether anything changed.
func (c Conn) UpsertOffer(ctx context.Context, o Offer, weeks []OfferWeek) (bool, error) {
	ref := strings.TrimSpace(o.Ref)
	if o.HostName == "" || o.SectorName == "" {
		var names struct {
			Host   string `db:"host"`
			Sector string `db:"sector"`
		}
		if err := c.get(ctx, &names, `SELECT (SELECT name FROM hosts WHERE id = $1) AS host,
			(SELECT name FROM sectors WHERE id = $2) AS sector`, o.HostID, o.SectorID); err != nil {
			return false, fmt.Errorf("upsert offer %q: host and sector names: %w", ref, err)
		}
		o.HostName, o.SectorName = names.Host, names.Sector
	}
	changed, err := c.UpsertOffers(ctx, []OfferWithWeeks{{Offer: o, Weeks: weeks}})
	if err != nil {
		return false, fmt.Errorf("upsert offer %q: %w", ref, err)
	}
	return changed[0], nil
}

// OfferByRef returns the offer with that ref, with its host and sector names, or ErrNotFound.
func (c Conn) OfferByRef(ctx context.Context, ref string) (Offer, error) {
	var o Offer
	err := c.get(ctx, &o, `SELECT o.id, o.ref, o.host_id, h.name AS host_name, o.title, o.description,
			o.sector_id, s.name AS sector_name, o.address, o.arrondissement, o.latitude, o.longitude,
			o.daily_hours
		FROM offers o JOIN hosts h ON h.id = o.host_id JOIN sectors s ON s.id = o.sector_id
		WHERE o.ref = $1`, ref)
	if err != nil {
		return Offer{}, fmt.Errorf("offer %q: %w", ref, err)
	}
	return o, nil
}

// CatalogCounts sums up the catalog. Paris schools are those of département 75; Places and
// ReservedPlaces add up every offer week; Arrondissements and SectorsCovered count those with at
// least one offer.
type CatalogCounts struct {
	Schools              int `db:"schools"`
	ParisSchools         int `db:"paris_schools"`
	REP                  int `db:"rep"`      // schools in REP, everywhere
	REPPlus              int `db:"rep_plus"` // schools in REP+, everywhere
	ParisREP             int `db:"paris_rep"`
	ParisREPPlus         int `db:"paris_rep_plus"`
	SchoolsWithWeek      int `db:"schools_with_week"`
	ParisSchoolsWithWeek int `db:"paris_schools_with_week"`
	Sectors              int `db:"sectors"`
	Hosts                int `db:"hosts"`
	CityHosts            int `db:"city_hosts"`
	ESSHosts             int `db:"ess_hosts"`
	HostContacts         int `db:"host_contacts"`
	Offers               int `db:"offers"`
	OfferWeeks           int `db:"offer_weeks"`
	Places               int `db:"places"`
	ReservedPlaces       int `db:"reserved_places"`
	CityPlaces           int `db:"city_places"` // places in the City's own services (the rest: ESS structures)
	CityReserved         int `db:"city_reserved"`
	Weeks                int `db:"weeks"` // distinct weeks with at least one offer
	Arrondissements      int `db:"arrondissements"`
	SectorsCovered       int `db:"sectors_covered"`
}

// CatalogCounts counts what the catalog holds.
func (c Conn) CatalogCounts(ctx context.Context) (CatalogCounts, error) {
	var n CatalogCounts
	err := c.get(ctx, &n, `SELECT
		(SELECT count(*) FROM schools) AS schools,
		(SELECT count(*) FROM schools WHERE department = '75') AS paris_schools,
		(SELECT count(*) FROM schools WHERE education_priority = 'REP') AS rep,
		(SELECT count(*) FROM schools WHERE education_priority = 'REP+') AS rep_plus,
		(SELECT count(*) FROM schools WHERE department = '75' AND education_priority = 'REP') AS paris_rep,
		(SELECT count(*) FROM schools WHERE department = '75' AND education_priority = 'REP+') AS paris_rep_plus,
		(SELECT count(*) FROM schools WHERE stage_week IS NOT NULL) AS schools_with_week,
		(SELECT count(*) FROM schools WHERE department = '75' AND stage_week IS NOT NULL) AS paris_schools_with_week,
		(SELECT count(*) FROM sectors) AS sectors,
		(SELECT count(*) FROM hosts) AS hosts,
		(SELECT count(*) FROM hosts WHERE kind = 'city') AS city_hosts,
		(SELECT count(*) FROM hosts WHERE kind = 'ess') AS ess_hosts,
		(SELECT count(*) FROM host_contacts) AS host_contacts,
		(SELECT count(*) FROM offers) AS offers,
		(SELECT count(*) FROM offer_weeks) AS offer_weeks,
		(SELECT COALESCE(sum(places), 0) FROM offer_weeks) AS places,
		(SELECT COALESCE(sum(reserved_places), 0) FROM offer_weeks) AS reserved_places,
		(SELECT COALESCE(sum(w.places), 0) FROM offer_weeks w JOIN offers o ON o.id = w.offer_id
		 JOIN hosts h ON h.id = o.host_id WHERE h.kind = 'city') AS city_places,
		(SELECT COALESCE(sum(w.reserved_places), 0) FROM offer_weeks w JOIN offers o ON o.id = w.offer_id
		 JOIN hosts h ON h.id = o.host_id WHERE h.kind = 'city') AS city_reserved,
		(SELECT count(DISTINCT week_start) FROM offer_weeks) AS weeks,
		(SELECT count(DISTINCT arrondissement) FROM offers) AS arrondissements,
		(SELECT count(DISTINCT sector_id) FROM offers) AS sectors_covered`)
	if err != nil {
		return CatalogCounts{}, fmt.Errorf("catalog counts: %w", err)
	}
	return n, nil
}

// HostPhone is the mobile number of one contact of a host.
type HostPhone struct {
	HostID  int64  `db:"host_id"`
	HostRef string `db:"ref"`
	Phone   string `db:"phone"`
}

// HostPhones lists the mobile numbers of every host's contacts, by host id, then by the contacts'
// names.
func (c Conn) HostPhones(ctx context.Context) ([]HostPhone, error) {
	var rows []HostPhone
	err := sqlx.SelectContext(ctx, c.q, &rows, `SELECT k.host_id, h.ref, k.phone
		FROM host_contacts k JOIN hosts h ON h.id = k.host_id WHERE k.phone IS NOT NULL
		ORDER BY k.host_id, k.name, k.id`)
	if err != nil {
		return nil, fmt.Errorf("hosts' phones: %w", err)
	}
	return rows, nil
}

// SectorWeek is how many places a sector offers in a stage week.
type SectorWeek struct {
	Week   time.Time `db:"week_start"`
	Sector string    `db:"sector"`
	Places int       `db:"places"`
}

// PlacesBySectorWeek counts the places of every sector in every stage week, by week then sector.
func (c Conn) PlacesBySectorWeek(ctx context.Context) ([]SectorWeek, error) {
	var rows []SectorWeek
	err := sqlx.SelectContext(ctx, c.q, &rows, `SELECT w.week_start, s.name AS sector, sum(w.places)::int AS places
		FROM offer_weeks w JOIN offers o ON o.id = w.offer_id JOIN sectors s ON s.id = o.sector_id
		GROUP BY w.week_start, s.name ORDER BY w.week_start, s.name`)
	if err != nil {
		return nil, fmt.Errorf("places by sector and week: %w", err)
	}
	for i, r := range rows {
		rows[i].Week = time.Date(r.Week.Year(), r.Week.Month(), r.Week.Day(), 0, 0, 0, 0, time.UTC)
	}
	return rows, nil
}

// WeekSupply is a stage week's supply: its offers, and its places in the City's services (some
// reserved for REP/REP+ students) and in ESS structures.
type WeekSupply struct {
	Week         time.Time `db:"week_start" json:"week"`
	Offers       int       `db:"offers" json:"offers"`
	CityPlaces   int       `db:"city_places" json:"city_places"`
	CityReserved int       `db:"city_reserved" json:"city_reserved_places"`
	ESSPlaces    int       `db:"ess_places" json:"ess_places"`
}

// SupplyByWeek counts the offers and places of every stage week, by kind of host.
func (c Conn) SupplyByWeek(ctx context.Context) ([]WeekSupply, error) {
	var rows []WeekSupply
	err := sqlx.SelectContext(ctx, c.q, &rows, `SELECT w.week_start, count(*) AS offers,
			COALESCE(sum(w.places) FILTER (WHERE h.kind = 'city'), 0) AS city_places,
			COALESCE(sum(w.reserved_places) FILTER (WHERE h.kind = 'city'), 0) AS city_reserved,
			COALESCE(sum(w.places) FILTER (WHERE h.kind <> 'city'), 0) AS ess_places
		FROM offer_weeks w JOIN offers o ON o.id = w.offer_id JOIN hosts h ON h.id = o.host_id
		GROUP BY w.week_start ORDER BY w.week_start`)
	if err != nil {
		return nil, fmt.Errorf("supply by week: %w", err)
	}
	for i, r := range rows {
		rows[i].Week = time.Date(r.Week.Year(), r.Week.Month(), r.Week.Day(), 0, 0, 0, 0, time.UTC)
	}
	return rows, nil
}

// SetReservedShare reserves share of every week's places for REP/REP+ students, spread over the
// offers of the week so that the week's reserved places are its places times share, rounded down:
// each offer week reserves the places its turn adds to the running total (an offer with one place
// reserves it or not).
func (c Conn) SetReservedShare(ctx context.Context, share float64) error {
	if share < 0 || share > 1 {
		return fmt.Errorf("reserved share %g: between 0 and 1", share)
	}
	_, err := c.q.ExecContext(ctx, `WITH running AS (
			SELECT offer_id, week_start, places,
			       sum(places) OVER (PARTITION BY week_start ORDER BY offer_id) AS total
			FROM offer_weeks)
		UPDATE offer_weeks w SET reserved_places = floor(r.total * $1::float8) - floor((r.total - r.places) * $1::float8)
		FROM running r WHERE r.offer_id = w.offer_id AND r.week_start = w.week_start`, share)
	if err != nil {
		return fmt.Errorf("reserved share: %w", err)
	}
	return nil
}
