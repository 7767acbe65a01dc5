-- +goose Up
-- The convention de stage: one agreement per confirmed stage, created in the confirming transaction,
-- completed by the host (hours, activities), checked by the collège, then signed by every party. Its
-- states move by the one table (domain.AgreementTransitions), held here too; a signature holds the
-- hash of the document it signed, and a change of the document voids the signatures on an older one.

CREATE TABLE agreement_transitions (
    from_state  text NOT NULL,  -- '' for the creation
    to_state    text NOT NULL,
    actor       text NOT NULL CHECK (actor IN ('host', 'school', 'system')),
    PRIMARY KEY (from_state, to_state, actor)
);
INSERT INTO agreement_transitions (from_state, to_state, actor) VALUES
    ('', 'draft', 'system'),
    ('draft', 'completed', 'host'),
    ('completed', 'checked', 'school'),
    ('checked', 'signing', 'system'),
    ('signing', 'signed', 'system'),
    ('signed', 'signing', 'system'),
    ('draft', 'cancelled', 'system'),
    ('completed', 'cancelled', 'system'),
    ('checked', 'cancelled', 'system'),
    ('signing', 'cancelled', 'system'),
    ('signed', 'cancelled', 'system');

ALTER TABLE schools ADD COLUMN address text NOT NULL DEFAULT '' CHECK (length(address) <= 200);
ALTER TABLE campaigns ADD COLUMN agreement_template text NOT NULL DEFAULT '2024-07' CHECK (agreement_template <> '');
ALTER TABLE campaigns ADD COLUMN parents_to_sign smallint NOT NULL DEFAULT 1 CHECK (parents_to_sign IN (1, 2));

CREATE TABLE agreements (
    id                 bigserial PRIMARY KEY,
    application_id     bigint NOT NULL UNIQUE REFERENCES applications (id) ON DELETE CASCADE,
    state              text NOT NULL DEFAULT 'draft'
                       CHECK (state IN ('draft', 'completed', 'checked', 'signing', 'signed', 'cancelled')),
    template           text NOT NULL CHECK (template <> ''),
    parents_to_sign    smallint NOT NULL DEFAULT 1 CHECK (parents_to_sign IN (1, 2)),
    -- The host's part.
    schedule           jsonb,
    activities         text NOT NULL DEFAULT '' CHECK (length(activities) <= 1500),
    representative     text NOT NULL DEFAULT '' CHECK (length(representative) <= 120),
    -- The family's part.
    student_last_name  text NOT NULL DEFAULT '' CHECK (length(student_last_name) <= 80),
    parent_name        text NOT NULL DEFAULT '' CHECK (length(parent_name) <= 120),
    parent2_id         bigint REFERENCES parents (id) ON DELETE SET NULL,
    parent2_name       text NOT NULL DEFAULT '' CHECK (length(parent2_name) <= 120),
    single_parent      boolean NOT NULL DEFAULT false,  -- the parent says they alone sign, though the campaign asks for two
    -- The collège's part, set when it checks the agreement.
    student_class      text NOT NULL DEFAULT '' CHECK (length(student_class) <= 40),
    school_address     text NOT NULL DEFAULT '' CHECK (length(school_address) <= 200),
    principal          text NOT NULL DEFAULT '' CHECK (length(principal) <= 120),
    referent           text NOT NULL DEFAULT '' CHECK (length(referent) <= 120),
    checked_by         bigint REFERENCES staff (id) ON DELETE SET NULL,
    -- The hash of the document as it stands (agreement.Document.Hash), kept by the workflow.
    hash               text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX agreements_open ON agreements (state) WHERE state NOT IN ('signed', 'cancelled');
CREATE INDEX agreements_parent2 ON agreements (parent2_id) WHERE parent2_id IS NOT NULL;

CREATE TABLE agreement_events (
    id            bigserial PRIMARY KEY,
    agreement_id  bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    from_state    text,
    to_state      text NOT NULL,
    actor         text NOT NULL,
    at            timestamptz NOT NULL
);
CREATE INDEX agreement_events_agreement ON agreement_events (agreement_id);

-- +goose StatementBegin
CREATE FUNCTION agreement_event_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM agreement_transitions
                   WHERE from_state = coalesce(NEW.from_state, '') AND to_state = NEW.to_state AND actor = NEW.actor) THEN
        RAISE EXCEPTION 'agreement %: % to % by % is not an allowed move', NEW.agreement_id,
            coalesce(NEW.from_state, '(new)'), NEW.to_state, NEW.actor USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER agreement_events_allowed BEFORE INSERT ON agreement_events
    FOR EACH ROW EXECUTE FUNCTION agreement_event_allowed();

-- +goose StatementBegin
CREATE FUNCTION agreement_state_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NOT EXISTS (SELECT 1 FROM agreement_transitions
            WHERE from_state = OLD.state AND to_state = NEW.state) THEN
        RAISE EXCEPTION 'agreement %: % to % is not an allowed move', NEW.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER agreements_state_allowed BEFORE UPDATE OF state ON agreements
    FOR EACH ROW EXECUTE FUNCTION agreement_state_allowed();

-- One signature per party; it signed the document whose hash it holds.
CREATE TABLE agreement_signatures (
    agreement_id  bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    signatory     text NOT NULL CHECK (signatory IN ('school', 'host', 'student', 'parent', 'parent2')),
    name          text NOT NULL CHECK (name <> '' AND length(name) <= 120),
    channel       text NOT NULL CHECK (channel IN ('sms', 'telegram', 'whatsapp', 'console', 'web')),
    proof         text NOT NULL CHECK (proof <> ''),   -- a hash of the number, chat or session it came from
    hash          text NOT NULL CHECK (hash <> ''),    -- the document it signed
    at            timestamptz NOT NULL,
    PRIMARY KEY (agreement_id, signatory)
);

-- Signing codes: 6 digits sent to the party, kept as a hash, valid 10 minutes, 5 tries.
CREATE TABLE agreement_codes (
    id            bigserial PRIMARY KEY,
    agreement_id  bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    signatory     text NOT NULL,
    code_hash     bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    tries         smallint NOT NULL DEFAULT 0,
    used_at       timestamptz
);
CREATE INDEX agreement_codes_party ON agreement_codes (agreement_id, signatory, created_at);

-- One-time links to an agreement, for one party: to read it and download its PDF, to sign it with a
-- code, for the host to fill its part. Only a hash of the token is kept.
CREATE TABLE agreement_links (
    token_hash    bytea PRIMARY KEY,
    agreement_id  bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    signatory     text NOT NULL CHECK (signatory IN ('school', 'host', 'student', 'parent', 'parent2')),
    channel       text NOT NULL,   -- where the link was sent: a code asked from its page goes there
    address       text NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
CREATE INDEX agreement_links_agreement ON agreement_links (agreement_id);

-- +goose Down
DROP TABLE agreement_links, agreement_codes, agreement_signatures;
DROP TRIGGER agreements_state_allowed ON agreements;
DROP TRIGGER agreement_events_allowed ON agreement_events;
DROP FUNCTION agreement_state_allowed(), agreement_event_allowed();
DROP TABLE agreement_events, agreements, agreement_transitions;
ALTER TABLE campaigns DROP COLUMN parents_to_sign, DROP COLUMN agreement_template;
ALTER TABLE schools DROP COLUMN address;
