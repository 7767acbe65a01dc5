-- +goose Up
-- The collège and the City in the loop. School staff (principal, CPE, teachers) and City officials
-- sign in to web pages with a link sent by e-mail: no password is kept, and of the link and the
-- session only a SHA-256 of their token. Every action of theirs is written to the audit log, purged
-- with the season like the rosters the collèges import.

CREATE TABLE staff (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL UNIQUE CHECK (email = lower(email) AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    name        text NOT NULL CHECK (name <> '' AND length(name) <= 120),
    role        text NOT NULL CHECK (role IN ('principal', 'cpe', 'teacher', 'city')),
    lang        text NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'en')),
    invited_by  bigint REFERENCES staff (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL
);

-- The collèges a member of staff works in (none for a City official).
CREATE TABLE staff_schools (
    staff_id  bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    uai       text NOT NULL REFERENCES schools (uai) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, uai)
);
CREATE INDEX staff_schools_uai ON staff_schools (uai);

-- Single-use sign-in links, valid a quarter of an hour.
CREATE TABLE sign_in_links (
    token_hash  bytea PRIMARY KEY,
    staff_id    bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX sign_in_links_staff ON sign_in_links (staff_id);

-- Requests for a link, by address and by network address (each hashed), for the rate limits.
CREATE TABLE sign_in_requests (
    key  text NOT NULL,
    at   timestamptz NOT NULL
);
CREATE INDEX sign_in_requests_key ON sign_in_requests (key, at);

-- Sessions, by cookie. csrf is the token every form of the session carries.
CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY,
    staff_id    bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf        text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);

-- What staff and officials did: who, what, when, on which collège and which student (by id only).
CREATE TABLE audit (
    id          bigserial PRIMARY KEY,
    staff_id    bigint REFERENCES staff (id) ON DELETE SET NULL,
    action      text NOT NULL CHECK (action <> ''),
    school_uai  text,
    student_id  bigint,
    detail      text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_school ON audit (school_uai, at);

-- A collège's class lists, as its information system exports them. A student who signs up is matched
-- to their line (collège, first name, initial, month of birth): automatically when only one line and
-- one student fit, by the staff when several do (the candidates are kept).
CREATE TABLE roster_entries (
    id           bigserial PRIMARY KEY,
    school_uai   text NOT NULL REFERENCES schools (uai) ON DELETE CASCADE,
    class        text NOT NULL CHECK (class <> '' AND length(class) <= 40),
    last_name    text NOT NULL CHECK (last_name <> '' AND length(last_name) <= 80),
    first_name   text NOT NULL CHECK (first_name <> '' AND length(first_name) <= 80),
    birth_month  date CHECK (birth_month IS NULL OR extract(day FROM birth_month) = 1),
    student_id   bigint REFERENCES students (id) ON DELETE SET NULL,
    matched      text NOT NULL DEFAULT 'none' CHECK (matched IN ('none', 'auto', 'confirmed')),
    imported_at  timestamptz NOT NULL,
    UNIQUE (school_uai, class, last_name, first_name, birth_month)
);
CREATE UNIQUE INDEX roster_one_line_per_student ON roster_entries (student_id) WHERE student_id IS NOT NULL;
CREATE TABLE roster_candidates (
    entry_id    bigint NOT NULL REFERENCES roster_entries (id) ON DELETE CASCADE,
    student_id  bigint NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, student_id)
);
CREATE INDEX roster_candidates_student ON roster_candidates (student_id);

-- The nudges a collège sent its stuck students (at most one a student a week, whoever clicks).
CREATE TABLE nudges (
    id          bigserial PRIMARY KEY,
    student_id  bigint NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    staff_id    bigint REFERENCES staff (id) ON DELETE SET NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX nudges_student ON nudges (student_id, at);

-- The SMS segments a message took, recorded when it left: what the City pays.
ALTER TABLE outbox ADD COLUMN segments integer CHECK (segments >= 0);

-- A student's school and state, read by the collège's page.
CREATE INDEX students_school ON students (school_uai);

-- +goose Down
DROP INDEX students_school;
ALTER TABLE outbox DROP COLUMN segments;
DROP TABLE nudges, roster_candidates, roster_entries, audit, sessions, sign_in_requests, sign_in_links,
    staff_schools, staff;
