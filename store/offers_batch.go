package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// OfferWithWeeks is one offer of a batch, with the weeks it runs.
type OfferWithWeeks struct {
	Offer Offer // HostName and SectorName must be set: they go into the search text
	Weeks []OfferWeek
}

// UpsertOffers writes a batch of offers as UpsertOffer writes one, in two statements whatever the
// batch's size: the offers inserted or updated by Ref; their listed weeks upserted and their other
// weeks deleted unless an application holds on to them; each week carries its offer's search facets.
// It reports, in the batch's order, whether each offer changed.
func (c Conn) UpsertOffers(ctx context.Context, batch []OfferWithWeeks) ([]bool, error) {
	if len(batch) == 0 {
		return nil, nil
	}
	n := len(batch)
	var (
		refs, titles, descriptions, addresses, hours, texts, sectorNames, hostNames = make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
			make([]string, n), make([]string, n)
		hostIDs, sectorIDs, arrondissements = make([]int64, n), make([]int64, n), make([]int64, n)
		lats, lons                          = make([]sql.NullFloat64, n), make([]sql.NullFloat64, n)
	)
	for i, b := range batch {
		o := b.Offer
		refs[i] = strings.TrimSpace(o.Ref)
		hostIDs[i], sectorIDs[i], arrondissements[i] = o.HostID, int64(o.SectorID), int64(o.Arrondissement)
		titles[i], descriptions[i] = strings.TrimSpace(o.Title), strings.TrimSpace(o.Description)
		addresses[i], hours[i], texts[i] = strings.TrimSpace(o.Address), o.DailyHours, OfferSearchText(o)
		sectorNames[i], hostNames[i] = o.SectorName, o.HostName
		if o.Latitude != nil {
			lats[i] = sql.NullFloat64{Float64: *o.Latitude, Valid: true}
		}
		if o.Longitude != nil {
			lons[i] = sql.NullFloat64{Float64: *o.Longitude, Valid: true}
		}
	}
	var rows []struct {
		Ref     string `db:"ref"`
		ID      int64  `db:"id"`
		Changed bool   `db:"changed"`
	}
	err := c.all(ctx, &rows, `WITH t AS (
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[],
				$8::float8[], $9::float8[], $10::text[], $11::text[], $12::text[], $13::text[])
			AS t(ref, host_id, title, description, sector_id, address, arrondissement, latitude, longitude,
				daily_hours, search_text, sector_name, host_name)),
		-- Sectors and hosts have many offers: each name is made a text search vector once.
		sec AS (SELECT name, setweight(to_tsvector('stagebot_fr', name), 'A') AS doc
		        FROM (SELECT DISTINCT sector_name AS name FROM t) n),
		host AS (SELECT name, setweight(to_tsvector('stagebot_fr', name), 'B') AS doc
		         FROM (SELECT DISTINCT host_name AS name FROM t) n),
		up AS (
			INSERT INTO offers AS o (ref, host_id, title, description, sector_id, address, arrondissement,
				latitude, longitude, daily_hours, search_text, search_doc)
			SELECT ref, host_id, title, description, sector_id, address, arrondissement, latitude, longitude,
				daily_hours, search_text,
				setweight(to_tsvector('stagebot_fr', title), 'A') || sec.doc ||
				host.doc || setweight(to_tsvector('stagebot_fr', description), 'C')
			FROM t JOIN sec ON sec.name = t.sector_name JOIN host ON host.name = t.host_name
			ON CONFLICT (ref) DO UPDATE SET host_id = excluded.host_id, title = excluded.title,
				description = excluded.description, sector_id = excluded.sector_id, address = excluded.address,
				arrondissement = excluded.arrondissement, latitude = excluded.latitude,
				longitude = excluded.longitude, daily_hours = excluded.daily_hours,
				search_text = excluded.search_text, search_doc = excluded.search_doc,
				updated_at = now() -- audit only: the database clock
			WHERE (o.host_id, o.title, o.description, o.sector_id, o.address, o.arrondissement, o.latitude,
					o.longitude, o.daily_hours, o.search_text)
				IS DISTINCT FROM (excluded.host_id, excluded.title, excluded.description, excluded.sector_id,
					excluded.address, excluded.arrondissement, excluded.latitude, excluded.longitude,
					excluded.daily_hours, excluded.search_text)
			RETURNING o.id, o.ref)
		SELECT t.ref, coalesce(up.id, o.id) AS id, up.id IS NOT NULL AS changed
		FROM t LEFT JOIN up ON up.ref = t.ref LEFT JOIN offers o ON o.ref = t.ref AND up.id IS NULL`,
		pq.Array(refs), pq.Array(hostIDs), pq.Array(titles), pq.Array(descriptions), pq.Array(sectorIDs),
		pq.Array(addresses), pq.Array(arrondissements), pq.Array(lats), pq.Array(lons), pq.Array(hours),
		pq.Array(texts), pq.Array(sectorNames), pq.Array(hostNames))
	if err != nil {
		return nil, fmt.Errorf("upsert %d offers: %w", n, err)
	}
	ids := make(map[string]int64, len(rows))
	changed := make(map[int64]bool, len(rows))
	for _, r := range rows {
		ids[r.Ref] = r.ID
		changed[r.ID] = r.Changed
	}
	var (
		offerIDs, weekOffers, places, reserved []int64
		days                                   []string
		deadlines                              []sql.NullString // NULL: the campaign's default
	)
	for i, b := range batch {
		id := ids[refs[i]]
		offerIDs = append(offerIDs, id)
		for _, w := range b.Weeks {
			weekOffers = append(weekOffers, id)
			days = append(days, w.WeekStart.Format(time.DateOnly))
			places = append(places, int64(w.Places))
			reserved = append(reserved, int64(w.ReservedPlaces))
			d := sql.NullString{}
			if w.Deadline != nil {
				d = sql.NullString{String: w.Deadline.Format(time.DateOnly), Valid: true}
			}
			deadlines = append(deadlines, d)
		}
	}
	var weeksChanged []int64
	err = c.all(ctx, &weeksChanged, `WITH t AS (
			SELECT * FROM unnest($1::bigint[], $2::date[], $3::int[], $4::int[], $5::date[])
			AS t(offer_id, week, places, reserved, deadline)),
		defaults AS (
			SELECT d.week, (SELECT c.deadline_days FROM campaign_weeks cw JOIN campaigns c ON c.id = cw.campaign_id
			                WHERE cw.week_start = d.week ORDER BY c.id DESC LIMIT 1) AS days
			FROM (SELECT DISTINCT week FROM t) d),
		up AS (
			-- A new week comes with its offer's facets (the offer's own, just written: a trigger would
			-- read them again row by row; changed offers pass them on to their weeks by a trigger).
			INSERT INTO offer_weeks AS w (offer_id, week_start, places, reserved_places, deadline,
				host_id, sector_id, arrondissement, search_doc)
			SELECT t.offer_id, t.week, t.places, t.reserved, coalesce(t.deadline, t.week - coalesce(d.days, $7)),
				o.host_id, o.sector_id, o.arrondissement, o.search_doc
			FROM t JOIN defaults d ON d.week = t.week JOIN offers o ON o.id = t.offer_id
			ON CONFLICT (offer_id, week_start) DO UPDATE SET places = excluded.places,
				reserved_places = excluded.reserved_places, deadline = excluded.deadline
			WHERE (w.places, w.reserved_places, w.deadline)
				IS DISTINCT FROM (excluded.places, excluded.reserved_places, excluded.deadline)
			RETURNING w.offer_id),
		gone AS (
			DELETE FROM offer_weeks w WHERE w.offer_id = ANY ($6::bigint[])
				AND NOT EXISTS (SELECT 1 FROM t WHERE t.offer_id = w.offer_id AND t.week = w.week_start)
				AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.offer_id = w.offer_id AND a.week_start = w.week_start)
			RETURNING w.offer_id)
		SELECT offer_id FROM up UNION SELECT offer_id FROM gone`,
		pq.Array(weekOffers), pq.Array(days), pq.Array(places), pq.Array(reserved), pq.Array(deadlines),
		pq.Array(offerIDs), DefaultDeadlineDays)
	if err != nil {
		return nil, fmt.Errorf("upsert weeks of %d offers: %w", n, err)
	}
	for _, id := range weeksChanged {
		changed[id] = true
	}
	out := make([]bool, n)
	for i := range batch {
		out[i] = changed[ids[refs[i]]]
	}
	return out, nil
}
