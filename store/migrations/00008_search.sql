-- +goose Up
-- Search that finds: full text in French without accents (unaccent + the French stemmer), each offer
-- weighted (title and sector A, host B, description C); a lexicon of the words offers are written
-- with, to correct a misspelt word by trigram similarity; synonyms kept as data (santé → the health
-- sectors); and the ONISEP sectors grouped in a dozen families to browse them in two steps.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION stagebot_fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION stagebot_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

ALTER TABLE offers ADD COLUMN search_doc tsvector NOT NULL DEFAULT ''::tsvector;
UPDATE offers o SET search_doc =
    setweight(to_tsvector('stagebot_fr', o.title), 'A') ||
    setweight(to_tsvector('stagebot_fr', s.name), 'A') ||
    setweight(to_tsvector('stagebot_fr', h.name), 'B') ||
    setweight(to_tsvector('stagebot_fr', o.description), 'C')
    FROM sectors s, hosts h WHERE s.id = o.sector_id AND h.id = o.host_id;
CREATE INDEX offers_search_doc ON offers USING gin (search_doc);

-- The folded words of the offers (titles, sectors, hosts, descriptions) and how many offers use each:
-- a word typed that is none of them is corrected to the nearest. Rebuilt after every import.
CREATE TABLE search_words (
    word    text PRIMARY KEY CHECK (word <> ''),
    offers  integer NOT NULL CHECK (offers > 0)
);
CREATE INDEX search_words_trgm ON search_words USING gin (word gin_trgm_ops);
CREATE INDEX search_words_prefix ON search_words (word text_pattern_ops);
INSERT INTO search_words (word, offers)
    SELECT w, count(DISTINCT o.id) FROM offers o, regexp_split_to_table(o.search_text, '[^a-z0-9]+') AS w
    WHERE length(w) >= 3 GROUP BY w;

-- What a word means besides itself: sectors (santé → Médical, Paramédical, Social) and other words
-- (cuisine → restauration). Filled from catalog/data/search-synonyms.csv.
CREATE TABLE search_synonyms (
    word        text NOT NULL CHECK (word ~ '^[a-z0-9]+$'),
    sector_id   integer REFERENCES sectors (id) ON DELETE CASCADE,
    term        text CHECK (term ~ '^[a-z0-9]+$'),
    CHECK ((sector_id IS NULL) <> (term IS NULL))
);
CREATE UNIQUE INDEX search_synonyms_sector ON search_synonyms (word, sector_id) WHERE sector_id IS NOT NULL;
CREATE UNIQUE INDEX search_synonyms_term ON search_synonyms (word, term) WHERE term IS NOT NULL;

-- The family a sector is browsed under (catalog/data/sector-families.csv); its name is in the
-- message catalogs (family_<key>).
ALTER TABLE sectors ADD COLUMN family text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sectors DROP COLUMN family;
DROP TABLE search_synonyms, search_words;
DROP INDEX offers_search_doc;
ALTER TABLE offers DROP COLUMN search_doc;
DROP TEXT SEARCH CONFIGURATION stagebot_fr;
