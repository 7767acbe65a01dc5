-- +goose Up
-- The foundation schema: the catalog (schools, sectors, hosts, offers and their weeks), the people
-- (students, parents), applications with their history, and the messaging plumbing (conversations,
-- inbound messages deduplicated by provider id, the outbox of replies).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Collèges. UAI is the national school id (7 digits and a letter).
CREATE TABLE schools (
    uai                 text PRIMARY KEY CHECK (uai ~ '^[0-9]{7}[A-Z]$'),
    name                text NOT NULL CHECK (name <> ''),
    commune             text NOT NULL DEFAULT '',
    department          text NOT NULL DEFAULT '',
    arrondissement      smallint CHECK (arrondissement BETWEEN 1 AND 20),
    education_priority  text NOT NULL DEFAULT 'none' CHECK (education_priority IN ('none', 'REP', 'REP+')),
    latitude            double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude           double precision CHECK (longitude BETWEEN -180 AND 180),
    ips                 numeric(5,1),
    cohort_size         integer CHECK (cohort_size >= 0),
    stage_week          date CHECK (stage_week IS NULL OR extract(isodow FROM stage_week) = 1),
    search_text         text NOT NULL DEFAULT '',
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schools_search_trgm ON schools USING gin (search_text gin_trgm_ops);

-- ONISEP career sectors.
CREATE TABLE sectors (
    id          serial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    onisep_url  text NOT NULL DEFAULT ''
);

-- Host structures: a City of Paris service or a social-economy (ESS) structure.
CREATE TABLE hosts (
    id          bigserial PRIMARY KEY,
    ref         text NOT NULL UNIQUE CHECK (ref <> ''),
    name        text NOT NULL CHECK (name <> ''),
    kind        text NOT NULL CHECK (kind IN ('city', 'ess')),
    employer    text NOT NULL CHECK (employer IN ('public', 'private')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The people at a host who receive requests and answer them.
CREATE TABLE host_contacts (
    id          bigserial PRIMARY KEY,
    host_id     bigint NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (name <> ''),
    phone       text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    email       text,
    lang        text NOT NULL DEFAULT 'fr',
    UNIQUE (host_id, name)
);
CREATE INDEX host_contacts_phone ON host_contacts (phone) WHERE phone IS NOT NULL;

CREATE TABLE offers (
    id              bigserial PRIMARY KEY,
    ref             text NOT NULL UNIQUE CHECK (ref <> ''),
    host_id         bigint NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    title           text NOT NULL CHECK (title <> ''),
    description     text NOT NULL DEFAULT '',
    sector_id       integer NOT NULL REFERENCES sectors (id),
    address         text NOT NULL CHECK (address <> ''),
    arrondissement  smallint NOT NULL CHECK (arrondissement BETWEEN 1 AND 20),
    latitude        double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude       double precision CHECK (longitude BETWEEN -180 AND 180),
    daily_hours     text NOT NULL DEFAULT '',
    deadline        date,
    search_text     text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offers_search_trgm ON offers USING gin (search_text gin_trgm_ops);
CREATE INDEX offers_host ON offers (host_id);
CREATE INDEX offers_sector ON offers (sector_id);

-- The weeks an offer runs, each with its places; reserved places go to REP/REP+ students.
CREATE TABLE offer_weeks (
    offer_id        bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    week_start      date NOT NULL CHECK (extract(isodow FROM week_start) = 1),
    places          integer NOT NULL CHECK (places > 0),
    reserved_places integer NOT NULL DEFAULT 0 CHECK (reserved_places >= 0 AND reserved_places <= places),
    PRIMARY KEY (offer_id, week_start)
);
CREATE INDEX offer_weeks_week ON offer_weeks (week_start);

CREATE TABLE parents (
    id          bigserial PRIMARY KEY,
    phone       text NOT NULL UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    lang        text NOT NULL DEFAULT 'fr',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE students (
    id                  bigserial PRIMARY KEY,
    channel             text NOT NULL CHECK (channel IN ('sms', 'telegram', 'whatsapp', 'console')),
    address             text NOT NULL CHECK (address <> ''),
    first_name          text NOT NULL CHECK (first_name <> '' AND length(first_name) <= 40),
    school_uai          text REFERENCES schools (uai) ON DELETE SET NULL,
    school_name         text NOT NULL CHECK (school_name <> ''),
    education_priority  text NOT NULL DEFAULT 'none' CHECK (education_priority IN ('none', 'REP', 'REP+')),
    stage_week          date NOT NULL CHECK (extract(isodow FROM stage_week) = 1),
    birth_month         date NOT NULL CHECK (extract(day FROM birth_month) = 1),
    parent_id           bigint NOT NULL REFERENCES parents (id),
    lang                text NOT NULL DEFAULT 'fr',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, address)
);
CREATE INDEX students_parent ON students (parent_id);

-- Application states. draft → awaiting_parent → sent → accepted → confirmed; and declined,
-- withdrawn (by the student), cancelled (the student confirmed elsewhere), expired.
CREATE TABLE applications (
    id          bigserial PRIMARY KEY,
    student_id  bigint NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    offer_id    bigint NOT NULL REFERENCES offers (id),
    week_start  date NOT NULL,
    state       text NOT NULL CHECK (state IN ('draft', 'awaiting_parent', 'sent', 'accepted', 'confirmed',
                                               'declined', 'withdrawn', 'cancelled', 'expired')),
    motivation  text NOT NULL CHECK (length(motivation) BETWEEN 1 AND 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- An offer or week with applications cannot vanish under them (a re-import must not erase them).
    FOREIGN KEY (offer_id, week_start) REFERENCES offer_weeks (offer_id, week_start)
);
-- One live application per student and offer.
CREATE UNIQUE INDEX applications_live ON applications (student_id, offer_id)
    WHERE state IN ('draft', 'awaiting_parent', 'sent', 'accepted', 'confirmed');
-- One confirmed stage per student.
CREATE UNIQUE INDEX applications_one_confirmed ON applications (student_id) WHERE state = 'confirmed';
CREATE INDEX applications_offer_week ON applications (offer_id, week_start);

CREATE TABLE application_events (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    from_state      text,
    to_state        text NOT NULL,
    actor           text NOT NULL CHECK (actor IN ('student', 'parent', 'host', 'system')),
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_events_application ON application_events (application_id);

-- One conversation per person and channel: the state machine's saved session.
CREATE TABLE conversations (
    channel     text NOT NULL CHECK (channel IN ('sms', 'telegram', 'whatsapp', 'console')),
    address     text NOT NULL CHECK (address <> ''),
    state       text NOT NULL,
    session     jsonb NOT NULL DEFAULT '{}',
    lang        text NOT NULL DEFAULT 'fr',
    opted_out   boolean NOT NULL DEFAULT false,
    last_inbound_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, address)
);

-- Every inbound message, once: a provider's repeat of the same id is ignored.
CREATE TABLE inbound_messages (
    id           bigserial PRIMARY KEY,
    channel      text NOT NULL CHECK (channel IN ('sms', 'telegram', 'whatsapp', 'console')),
    provider_id  text NOT NULL CHECK (provider_id <> ''),
    address      text NOT NULL,
    body         text NOT NULL DEFAULT '',
    received_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, provider_id)
);
CREATE INDEX inbound_messages_address ON inbound_messages (channel, address);

-- Replies waiting to be sent, and what became of them.
CREATE TABLE outbox (
    id                   bigserial PRIMARY KEY,
    channel              text NOT NULL CHECK (channel IN ('sms', 'telegram', 'whatsapp', 'console')),
    address              text NOT NULL CHECK (address <> ''),
    lang                 text NOT NULL DEFAULT 'fr',
    body                 text NOT NULL CHECK (body <> ''),
    choices              jsonb NOT NULL DEFAULT '[]',
    status               text NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'undelivered', 'failed')),
    attempts             integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at      timestamptz NOT NULL DEFAULT now(),
    provider_message_id  text,
    error_code           text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    sent_at              timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_address ON outbox (channel, address, id);

-- +goose Down
DROP TABLE outbox, inbound_messages, conversations, application_events, applications, students, parents,
    offer_weeks, offers, host_contacts, hosts, sectors, schools;
