-- +goose Up
-- Time is an input. The service's one clock writes every time a decision compares (what is due in
-- the outbox, when an application moved, when a person last wrote, when consent was given…): the
-- columns below lose their database default, and every statement that writes them passes the time.
-- An app server and a database whose clocks disagree then still agree on what is due.
--
-- A campaign (one season of stages) is data: its stage weeks, when applications open and close, the
-- day reserved places open to all, the day personal data is purged, and its rules. Deadlines belong
-- to an offer week, so that an offer running in December and January stays open for January.

ALTER TABLE outbox ALTER COLUMN next_attempt_at DROP DEFAULT, ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE inbound_messages ALTER COLUMN received_at DROP DEFAULT;
ALTER TABLE conversations ALTER COLUMN created_at DROP DEFAULT, ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE applications ALTER COLUMN created_at DROP DEFAULT, ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE application_events ALTER COLUMN at DROP DEFAULT;
ALTER TABLE students ALTER COLUMN created_at DROP DEFAULT, ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE parents ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE unreachable ALTER COLUMN at DROP DEFAULT;
ALTER TABLE reminders_sent ALTER COLUMN at DROP DEFAULT;
ALTER TABLE relayed_messages ALTER COLUMN at DROP DEFAULT;

-- These few are read by people only (when a catalog row was written): they keep the database clock.
COMMENT ON COLUMN schools.updated_at IS 'audit only, read by people: the database clock, never compared';
COMMENT ON COLUMN hosts.created_at IS 'audit only, read by people: the database clock, never compared';
COMMENT ON COLUMN hosts.updated_at IS 'audit only, read by people: the database clock, never compared';
COMMENT ON COLUMN offers.created_at IS 'audit only, read by people: the database clock, never compared';
COMMENT ON COLUMN offers.updated_at IS 'audit only, read by people: the database clock, never compared';

-- A season. Days are calendar days in Paris.
CREATE TABLE campaigns (
    id                  bigserial PRIMARY KEY,
    name                text NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 80),
    applications_open   date NOT NULL,  -- first day students may apply
    applications_close  date NOT NULL,  -- last day students may apply (each week's deadline comes first)
    rep_release         date,           -- from this day unused reserved places open to all; NULL: never
    purge_on            date NOT NULL,  -- the day the season's personal data is erased
    max_applications    integer NOT NULL DEFAULT 5 CHECK (max_applications BETWEEN 1 AND 50),
    confirm_days        integer NOT NULL DEFAULT 7 CHECK (confirm_days BETWEEN 1 AND 60),
    deadline_days       integer NOT NULL DEFAULT 14 CHECK (deadline_days BETWEEN 0 AND 90),
    CHECK (applications_close >= applications_open),
    CHECK (purge_on > applications_close)
);

CREATE TABLE campaign_weeks (
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    week_start   date NOT NULL CHECK (extract(isodow FROM week_start) = 1),
    PRIMARY KEY (campaign_id, week_start)
);
CREATE INDEX campaign_weeks_week ON campaign_weeks (week_start);

-- Each offer week has its own last day to apply: the offer's old deadline for its first week, 14 days
-- before the week for the others.
ALTER TABLE offer_weeks ADD COLUMN deadline date;
UPDATE offer_weeks w SET deadline = CASE
        WHEN o.deadline IS NOT NULL AND o.deadline <= w.week_start
             AND w.week_start = (SELECT min(f.week_start) FROM offer_weeks f WHERE f.offer_id = w.offer_id)
        THEN o.deadline
        ELSE w.week_start - 14 END
    FROM offers o WHERE o.id = w.offer_id;
ALTER TABLE offer_weeks ALTER COLUMN deadline SET NOT NULL,
    ADD CONSTRAINT offer_weeks_deadline_before_week CHECK (deadline <= week_start);
ALTER TABLE offers DROP COLUMN deadline;

-- +goose Down
ALTER TABLE offers ADD COLUMN deadline date;
UPDATE offers o SET deadline = (SELECT min(w.deadline) FROM offer_weeks w WHERE w.offer_id = o.id);
ALTER TABLE offer_weeks DROP COLUMN deadline;
DROP TABLE campaign_weeks, campaigns;
COMMENT ON COLUMN schools.updated_at IS NULL;
COMMENT ON COLUMN hosts.created_at IS NULL;
COMMENT ON COLUMN hosts.updated_at IS NULL;
COMMENT ON COLUMN offers.created_at IS NULL;
COMMENT ON COLUMN offers.updated_at IS NULL;
ALTER TABLE outbox ALTER COLUMN next_attempt_at SET DEFAULT now(), ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE inbound_messages ALTER COLUMN received_at SET DEFAULT now();
ALTER TABLE conversations ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE applications ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE application_events ALTER COLUMN at SET DEFAULT now();
ALTER TABLE students ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE parents ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE unreachable ALTER COLUMN at SET DEFAULT now();
ALTER TABLE reminders_sent ALTER COLUMN at SET DEFAULT now();
ALTER TABLE relayed_messages ALTER COLUMN at SET DEFAULT now();
