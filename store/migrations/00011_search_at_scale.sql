-- +goose Up
-- Search at 100,000 offers. The places taken in each offer week (accepted or confirmed, by REP/REP+
-- students and by the others) are kept on the offer week by triggers instead of being counted again
-- by every search; and each offer carries the weeks it runs, so that one GIN index finds the offers
-- with the words searched (or in the sector named) in the student's week without reading the others.

ALTER TABLE offer_weeks ADD COLUMN taken_rep integer NOT NULL DEFAULT 0,
                        ADD COLUMN taken_other integer NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION count_taken_places(p_offer bigint, p_week date) RETURNS void LANGUAGE sql AS $$
    UPDATE offer_weeks w SET taken_rep = c.rep, taken_other = c.other
    FROM (SELECT count(*) FILTER (WHERE s.education_priority <> 'none') AS rep,
                 count(*) FILTER (WHERE s.education_priority = 'none') AS other
          FROM applications a JOIN students s ON s.id = a.student_id
          WHERE a.offer_id = p_offer AND a.week_start = p_week AND a.state IN ('accepted', 'confirmed')) c
    WHERE w.offer_id = p_offer AND w.week_start = p_week
      AND (w.taken_rep, w.taken_other) IS DISTINCT FROM (c.rep::integer, c.other::integer);
$$;
-- +goose StatementEnd

-- Only a change that takes or frees a place touches the offer week (a request sent or declined
-- does not lock it).
-- +goose StatementBegin
CREATE FUNCTION applications_taken_places() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state IN ('accepted', 'confirmed')
       AND (TG_OP = 'DELETE' OR NEW.state NOT IN ('accepted', 'confirmed')
            OR (OLD.offer_id, OLD.week_start, OLD.student_id) IS DISTINCT FROM (NEW.offer_id, NEW.week_start, NEW.student_id)) THEN
        PERFORM count_taken_places(OLD.offer_id, OLD.week_start);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state IN ('accepted', 'confirmed')
       AND (TG_OP = 'INSERT' OR OLD.state NOT IN ('accepted', 'confirmed')
            OR (OLD.offer_id, OLD.week_start, OLD.student_id) IS DISTINCT FROM (NEW.offer_id, NEW.week_start, NEW.student_id)) THEN
        PERFORM count_taken_places(NEW.offer_id, NEW.week_start);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER applications_taken_places AFTER INSERT OR UPDATE OF state, offer_id, week_start, student_id OR DELETE
    ON applications FOR EACH ROW EXECUTE FUNCTION applications_taken_places();

-- A student whose collège changes (REP/REP+ or not) moves their place from one count to the other.
-- +goose StatementBegin
CREATE FUNCTION students_taken_places() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM count_taken_places(a.offer_id, a.week_start) FROM applications a
    WHERE a.student_id = NEW.id AND a.state IN ('accepted', 'confirmed');
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER students_taken_places AFTER UPDATE OF education_priority ON students
    FOR EACH ROW WHEN (OLD.education_priority IS DISTINCT FROM NEW.education_priority)
    EXECUTE FUNCTION students_taken_places();

UPDATE offer_weeks w SET taken_rep = c.rep, taken_other = c.other
FROM (SELECT a.offer_id, a.week_start,
             count(*) FILTER (WHERE s.education_priority <> 'none') AS rep,
             count(*) FILTER (WHERE s.education_priority = 'none') AS other
      FROM applications a JOIN students s ON s.id = a.student_id
      WHERE a.state IN ('accepted', 'confirmed') GROUP BY a.offer_id, a.week_start) c
WHERE w.offer_id = c.offer_id AND w.week_start = c.week_start;

-- The weeks an offer runs, kept from offer_weeks.
ALTER TABLE offers ADD COLUMN weeks date[] NOT NULL DEFAULT '{}';
-- +goose StatementBegin
CREATE FUNCTION offer_weeks_list() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Offers are written only when their weeks differ: an import that writes an offer with its
    -- weeks (as the bulk import does) costs a read here, not a second write of the offer.
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
UPDATE offers o SET weeks = w.weeks
FROM (SELECT offer_id, array_agg(week_start ORDER BY week_start) AS weeks FROM offer_weeks GROUP BY offer_id) w
WHERE w.offer_id = o.id;
-- The offers with a word, or in a sector, in a week: one GIN scan, the rarest key first. It serves
-- the words alone too, and the trigram index on the search text serves nothing since the search is
-- full text: each offer written updates two GIN indexes fewer.
CREATE INDEX offers_facets ON offers USING gin (search_doc, weeks, (ARRAY[sector_id]));
DROP INDEX offers_search_doc;
DROP INDEX offers_search_trgm;
-- Browsing one arrondissement.
CREATE INDEX offers_arrondissement ON offers (arrondissement);
-- A search leaves out the offers the student applied to: their applications, by student.
CREATE INDEX applications_student ON applications (student_id);

-- +goose Down
CREATE INDEX offers_search_trgm ON offers USING gin (search_text gin_trgm_ops);
CREATE INDEX offers_search_doc ON offers USING gin (search_doc);
DROP INDEX applications_student, offers_arrondissement, offers_facets;
DROP TRIGGER offer_weeks_list_insert ON offer_weeks;
DROP TRIGGER offer_weeks_list_delete ON offer_weeks;
DROP FUNCTION offer_weeks_list();
ALTER TABLE offers DROP COLUMN weeks;
DROP TRIGGER students_taken_places ON students;
DROP FUNCTION students_taken_places();
DROP TRIGGER applications_taken_places ON applications;
DROP FUNCTION applications_taken_places();
DROP FUNCTION count_taken_places(bigint, date);
ALTER TABLE offer_weeks DROP COLUMN taken_rep, DROP COLUMN taken_other;
