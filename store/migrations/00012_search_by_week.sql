-- +goose Up
-- A search reads one table: each offer week carries what a search filters and ranks on (its offer's
-- text search vector, sector, arrondissement and host), so the offer weeks of the student's week
-- with the words searched come out of one GIN scan, with their places, without looking up each
-- offer and then its week (at 100,000 offers a common word matched 1,900 offers, and the look-ups
-- were most of the search's time). The copies are kept by triggers; offers no longer list their
-- weeks.
CREATE EXTENSION IF NOT EXISTS btree_gin;

ALTER TABLE offer_weeks ADD COLUMN host_id bigint,
                        ADD COLUMN sector_id integer,
                        ADD COLUMN arrondissement smallint,
                        ADD COLUMN search_doc tsvector;
UPDATE offer_weeks w SET host_id = o.host_id, sector_id = o.sector_id, arrondissement = o.arrondissement,
                         search_doc = o.search_doc
FROM offers o WHERE o.id = w.offer_id;
ALTER TABLE offer_weeks ALTER COLUMN host_id SET NOT NULL,
                        ALTER COLUMN sector_id SET NOT NULL,
                        ALTER COLUMN arrondissement SET NOT NULL,
                        ALTER COLUMN search_doc SET NOT NULL;

-- An offer week written without its offer's facets gets them here (the bulk import writes them
-- itself, and pays no call per row).
-- +goose StatementBegin
CREATE FUNCTION offer_weeks_facets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT o.host_id, o.sector_id, o.arrondissement, o.search_doc
    INTO NEW.host_id, NEW.sector_id, NEW.arrondissement, NEW.search_doc
    FROM offers o WHERE o.id = NEW.offer_id;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER offer_weeks_facets BEFORE INSERT ON offer_weeks
    FOR EACH ROW WHEN (NEW.host_id IS NULL OR NEW.search_doc IS NULL)
    EXECUTE FUNCTION offer_weeks_facets();

-- An offer rewritten passes its facets on to its weeks.
-- +goose StatementBegin
CREATE FUNCTION offers_facets_to_weeks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE offer_weeks SET host_id = NEW.host_id, sector_id = NEW.sector_id,
                           arrondissement = NEW.arrondissement, search_doc = NEW.search_doc
    WHERE offer_id = NEW.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER offers_facets_to_weeks AFTER UPDATE OF host_id, sector_id, arrondissement, search_doc ON offers
    FOR EACH ROW WHEN ((OLD.host_id, OLD.sector_id, OLD.arrondissement, OLD.search_doc)
                       IS DISTINCT FROM (NEW.host_id, NEW.sector_id, NEW.arrondissement, NEW.search_doc))
    EXECUTE FUNCTION offers_facets_to_weeks();

-- One index for every search: the week, then any of one arrondissement, the words, the sector; GIN
-- intersects them starting from the rarest.
CREATE INDEX offer_weeks_search ON offer_weeks
    USING gin (week_start, arrondissement, search_doc, (ARRAY[sector_id]));
-- A search without words reads the offer weeks of a week, or of a week and an arrondissement, from
-- this index alone: the rows of a week are spread over the table, and their search text makes them
-- wide (City offers of one arrondissement at 100,000 offers: 26 ms through the week's index, 2.7 ms
-- through this one; every offer of a week: 49 ms, 22 ms).
DROP INDEX offer_weeks_week;
CREATE INDEX offer_weeks_week ON offer_weeks (week_start, arrondissement)
    INCLUDE (offer_id, host_id, sector_id, places, reserved_places, taken_rep, taken_other, deadline);

DROP INDEX offers_facets;
DROP INDEX offers_arrondissement;
DROP TRIGGER offer_weeks_list_insert ON offer_weeks;
DROP TRIGGER offer_weeks_list_delete ON offer_weeks;
DROP FUNCTION offer_weeks_list();
ALTER TABLE offers DROP COLUMN weeks;

-- +goose Down
ALTER TABLE offers ADD COLUMN weeks date[] NOT NULL DEFAULT '{}';
UPDATE offers o SET weeks = w.weeks
FROM (SELECT offer_id, array_agg(week_start ORDER BY week_start) AS weeks FROM offer_weeks GROUP BY offer_id) w
WHERE w.offer_id = o.id;
-- +goose StatementBegin
CREATE FUNCTION offer_weeks_list() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE offers o SET weeks = x.weeks
    FROM (SELECT c.offer_id, coalesce(array_agg(w.week_start ORDER BY w.week_start)
                                      FILTER (WHERE w.week_start IS NOT NULL), '{}') AS weeks
          FROM (SELECT DISTINCT offer_id FROM changed) c
          LEFT JOIN offer_weeks w ON w.offer_id = c.offer_id
          GROUP BY c.offer_id) x
    WHERE o.id = x.offer_id AND o.weeks IS DISTINCT FROM x.weeks;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER offer_weeks_list_insert AFTER INSERT ON offer_weeks REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION offer_weeks_list();
CREATE TRIGGER offer_weeks_list_delete AFTER DELETE ON offer_weeks REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION offer_weeks_list();
CREATE INDEX offers_arrondissement ON offers (arrondissement);
CREATE INDEX offers_facets ON offers USING gin (search_doc, weeks, (ARRAY[sector_id]));
DROP INDEX offer_weeks_search;
DROP INDEX offer_weeks_week;
CREATE INDEX offer_weeks_week ON offer_weeks (week_start);
DROP TRIGGER offers_facets_to_weeks ON offers;
DROP FUNCTION offers_facets_to_weeks();
DROP TRIGGER offer_weeks_facets ON offer_weeks;
DROP FUNCTION offer_weeks_facets();
ALTER TABLE offer_weeks DROP COLUMN host_id, DROP COLUMN sector_id, DROP COLUMN arrondissement,
                        DROP COLUMN search_doc;
