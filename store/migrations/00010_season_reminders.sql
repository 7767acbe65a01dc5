-- +goose Up
-- Reminders that make every application move.

-- Every reminder has a unique key: its kind, what it is about ("application:12", "host:3",
-- "student:7", "campaign:1") and the day it is due. The key is written in the same transaction as
-- the reminder's messages: two replicas running the same job at once send it once.
CREATE TABLE reminders (
    kind     text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    subject  text NOT NULL CHECK (subject ~ '^[a-z]+:[0-9]+$'),
    due      date NOT NULL,
    at       timestamptz NOT NULL,
    PRIMARY KEY (kind, subject, due)
);
INSERT INTO reminders (kind, subject, due, at)
    SELECT kind, 'application:' || application_id, (at AT TIME ZONE 'Europe/Paris')::date, at FROM reminders_sent;
DROP TABLE reminders_sent;

-- The reminder an outbox row was queued for ("kind/subject/due"), NULL for everything else.
ALTER TABLE outbox ADD COLUMN reminder text;
CREATE INDEX outbox_reminder ON outbox (reminder) WHERE reminder IS NOT NULL;
-- Replies first: the pending rows a sender looks at, interactive ones before the others.
CREATE INDEX outbox_due_replies ON outbox (proactive, next_attempt_at, id) WHERE status = 'pending';

-- When the student's current parent was asked to agree (at sign-up, or when the number changed).
ALTER TABLE students ADD COLUMN consent_asked_at timestamptz;
UPDATE students SET consent_asked_at = created_at;
COMMENT ON COLUMN students.consent_asked_at IS 'set by the workflow with the service clock';

-- When an application went to its host (the host's reminders and the expiry count from it).
ALTER TABLE applications ADD COLUMN sent_at timestamptz;
UPDATE applications a SET sent_at = (SELECT max(e.at) FROM application_events e
    WHERE e.application_id = a.id AND e.to_state = 'sent');
COMMENT ON COLUMN applications.sent_at IS 'set by the workflow with the service clock';

-- The campaign's reminder delays (store.Reminders; a delay left out takes its default).
ALTER TABLE campaigns ADD COLUMN reminders jsonb NOT NULL DEFAULT '{}';

-- What students and hosts said of a stage, the Monday after: a mark and a word. The word goes at the
-- purge, the mark stays (without the application) for the host's summary.
CREATE TABLE feedback (
    id              bigserial PRIMARY KEY,
    application_id  bigint REFERENCES applications (id) ON DELETE SET NULL,
    host_id         bigint NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    author          text NOT NULL CHECK (author IN ('student', 'host')),
    mark            integer NOT NULL CHECK (mark BETWEEN 1 AND 5),
    word            text CHECK (length(word) <= 60),
    at              timestamptz NOT NULL,
    UNIQUE (application_id, author)
);
CREATE INDEX feedback_host ON feedback (host_id);

-- What a campaign's purge keeps: counts, with no person in them.
CREATE TABLE campaign_stats (
    campaign_id  bigint PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    purged_at    timestamptz NOT NULL,
    stats        jsonb NOT NULL
);

-- The send rate of each channel, shared by every replica: a token bucket refilled at the channel's
-- rate, so that the providers' limits hold however many senders run.
CREATE TABLE send_rates (
    channel     text PRIMARY KEY CHECK (channel IN ('sms', 'telegram', 'whatsapp', 'console')),
    tokens      double precision NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE send_rates, campaign_stats, feedback;
ALTER TABLE campaigns DROP COLUMN reminders;
ALTER TABLE applications DROP COLUMN sent_at;
ALTER TABLE students DROP COLUMN consent_asked_at;
DROP INDEX outbox_due_replies;
DROP INDEX outbox_reminder;
ALTER TABLE outbox DROP COLUMN reminder;
CREATE TABLE reminders_sent (
    application_id  bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind <> ''),
    at              timestamptz NOT NULL,
    PRIMARY KEY (application_id, kind)
);
DROP TABLE reminders;
