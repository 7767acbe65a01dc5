-- +goose Up
-- Parents and hosts in the loop: a parent's consent per child, hosts' Telegram links, the messages
-- relayed between a host and a student (kept so the parent can read them), and the acceptance
-- deadline of an application.

ALTER TABLE students
    ADD COLUMN last_initial text NOT NULL DEFAULT '' CHECK (length(last_initial) <= 1),
    ADD COLUMN consent text NOT NULL DEFAULT 'pending'
        CHECK (consent IN ('pending', 'granted', 'refused', 'withdrawn')),
    ADD COLUMN consent_at timestamptz;

ALTER TABLE applications
    ADD COLUMN accepted_at timestamptz,
    ADD COLUMN confirm_by timestamptz;

-- A host contact's Telegram chat, once linked with a single-use code.
ALTER TABLE host_contacts ADD COLUMN telegram_chat_id text UNIQUE;

CREATE TABLE host_link_codes (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{8,64}$'),
    contact_id  bigint NOT NULL REFERENCES host_contacts (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

CREATE TABLE relayed_messages (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    direction       text NOT NULL CHECK (direction IN ('host_to_student', 'student_to_host')),
    body            text NOT NULL CHECK (body <> '' AND length(body) <= 2000),
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX relayed_messages_application ON relayed_messages (application_id, id);

-- +goose Down
DROP TABLE relayed_messages, host_link_codes;
ALTER TABLE host_contacts DROP COLUMN telegram_chat_id;
ALTER TABLE applications DROP COLUMN accepted_at, DROP COLUMN confirm_by;
ALTER TABLE students DROP COLUMN last_initial, DROP COLUMN consent, DROP COLUMN consent_at;
